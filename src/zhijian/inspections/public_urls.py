app_name = "inspections_public"
urlpatterns: list = []

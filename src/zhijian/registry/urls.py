from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.entity_list, name="entity_list"),
    path("export.xlsx", views.entity_export, name="entity_export"),
    path("import/", views.import_form, name="entity_import"),
    path("import/upload/", views.import_upload, name="entity_import_upload"),
    path("<str:uscc>/", views.entity_detail, name="entity_detail"),
]

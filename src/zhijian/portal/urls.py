from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("register/", views.register_search, name="register"),
    path("register/<str:uscc>/", views.register_detail, name="entity"),
]

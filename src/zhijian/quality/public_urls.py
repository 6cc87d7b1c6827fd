from django.urls import path

from .views import public

app_name = "quality_public"

urlpatterns = [
    path("", public.benchmark, name="benchmark"),
]

from django.urls import path

from .views import public

app_name = "warnings_public"

urlpatterns = [path("", public.notices, name="notices")]

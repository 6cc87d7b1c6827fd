from django.urls import path

from .views import public

app_name = "sampling_public"

urlpatterns = [
    path("", public.announcements, name="announcements"),
    path("<int:pk>/", public.announcement, name="announcement"),
]

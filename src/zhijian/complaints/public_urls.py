from django.urls import path

from .views import public

app_name = "complaints_public"

urlpatterns = [
    path("", public.file, name="file"),
    path("track/", public.track, name="track"),
    path("respondents/", public.respondent_lookup, name="respondents"),
    path("disclosure/", public.disclosure, name="disclosure"),
    path("disclosure/<str:uscc>/", public.disclosure_firm, name="disclosure_firm"),
]

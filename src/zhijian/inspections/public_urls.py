from django.urls import path

from .views import public

app_name = "inspections_public"

urlpatterns = [
    path("", public.index, name="index"),
    path("draws/<int:pk>/", public.draw_detail, name="draw"),
    path("draws/<int:pk>.json", public.draw_json, name="draw_json"),
    path("verify/", public.verify, name="verify"),
    path("v/<str:code>/", public.verify_code, name="verify_code"),
    path("v/<str:code>/qr.svg", public.verify_qr, name="verify_qr"),
]

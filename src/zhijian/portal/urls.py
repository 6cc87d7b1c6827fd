from django.urls import path

from . import audit_views, views

app_name = "portal"

urlpatterns = [
    path("register/", views.register_search, name="register"),
    path("register/<str:uscc>/", views.register_detail, name="entity"),
    path("audit/", audit_views.audit_heads, name="audit"),
    path("audit/head.json", audit_views.audit_head_file, name="audit_head_latest"),
    path("audit/heads/<int:pk>.json", audit_views.audit_head_file, name="audit_head"),
    path("audit/keys/<str:key_id>.pem", audit_views.audit_public_key, name="audit_key"),
]

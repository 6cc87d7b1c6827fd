from django.urls import path

from . import audit_views

urlpatterns = [
    path("", audit_views.audit_heads, name="public_audit"),
    path("head.json", audit_views.audit_head_file, name="public_audit_head_latest"),
    path("heads/<int:pk>.json", audit_views.audit_head_file, name="public_audit_head"),
    path("keys/<str:key_id>.pem", audit_views.audit_public_key, name="public_audit_key"),
]

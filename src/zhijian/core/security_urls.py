from django.urls import path

from . import security_views

urlpatterns = [
    path("account/tokens/", security_views.api_tokens, name="account_tokens"),
    path("admin-tools/logins/", security_views.login_lockouts, name="login_lockouts"),
]

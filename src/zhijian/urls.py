"""The URL map: core, then every installed app's pages as its AppConfig declares them (``urls``).

An app declares ``urls = [(prefix, "zhijian.<app>.urls"), ...]``; each module has its own
``app_name`` namespace. The API is mounted the same way (zhijian/api.py, ``api_router``).
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zhijian.api import api

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
for config in apps.get_app_configs():
    for prefix, module in getattr(config, "urls", ()):
        urlpatterns.append(path(prefix, include(module)))
handler400 = "zhijian.core.params.bad_request"

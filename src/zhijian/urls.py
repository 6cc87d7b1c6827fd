from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zhijian.api import api
from zhijian.core import views as core_views
from zhijian.portal import views as portal_views
from zhijian.registry import views as registry_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("jobs/<int:pk>/", core_views.job_detail, name="job_detail"),
    path("admin-tools/calendar/", core_views.calendar_notice, name="calendar_notice"),
    path("admin-tools/events/dead/", core_views.events_dead, name="events_dead"),
    path("entities/", registry_views.entity_list, name="entity_list"),
    path("entities/export.xlsx", registry_views.entity_export, name="entity_export"),
    path("entities/import/", registry_views.import_form, name="entity_import"),
    path("entities/import/upload/", registry_views.import_upload, name="entity_import_upload"),
    path("entities/<str:uscc>/", registry_views.entity_detail, name="entity_detail"),
    path("public/register/", portal_views.register_search, name="public_register"),
    path("public/register/<str:uscc>/", portal_views.register_detail, name="public_entity"),
    path("credit/", include("zhijian.credit.urls")),
    path("inspections/", include("zhijian.inspections.urls")),
    path("public/inspections/", include("zhijian.inspections.public_urls")),
    path("sampling/", include("zhijian.sampling.urls")),
    path("public/sampling/", include("zhijian.sampling.public_urls")),
    path("quality/", include("zhijian.quality.urls")),
    path("public/quality/", include("zhijian.quality.public_urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

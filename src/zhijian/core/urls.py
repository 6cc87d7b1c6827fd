from django.urls import path

from . import security_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("admin-tools/calendar/", views.calendar_notice, name="calendar_notice"),
    path("admin-tools/events/dead/", views.events_dead, name="events_dead"),
    path("admin-tools/schedule/", views.schedule_runs, name="schedule"),
    path("admin-tools/logins/", security_views.login_lockouts, name="login_lockouts"),
    path("account/tokens/", security_views.api_tokens, name="account_tokens"),
]

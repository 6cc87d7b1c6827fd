from django.urls import path

from .views import office

app_name = "warnings"

urlpatterns = [
    path("", office.cockpit, name="cockpit"),
    path("signals/", office.signal_list, name="signal_list"),
    path("signals/run/", office.detection_run, name="detection_run"),
    path("signals/<int:pk>/", office.signal_detail, name="signal_detail"),
    path("signals/<int:pk>/dismiss/", office.signal_dismiss, name="signal_dismiss"),
    path("signals/<int:pk>/merge/", office.signal_merge, name="signal_merge"),
    path("signals/<int:pk>/raise/", office.signal_raise, name="signal_raise"),
    path("list/", office.warning_list, name="warning_list"),
    path("list/<int:pk>/", office.warning_detail, name="warning_detail"),
    path("list/<int:pk>/close/", office.warning_close, name="warning_close"),
    path("list/<int:pk>/notice/", office.warning_notice, name="warning_notice"),
    path("recipients/<int:pk>/answer/", office.recipient_answer, name="recipient_answer"),
    path("recipients/<int:pk>/verify/", office.recipient_verify, name="recipient_verify"),
    path("records/", office.record_list, name="record_list"),
    path("sources/", office.source_list, name="source_list"),
    path("sources/<str:code>/", office.source_detail, name="source_detail"),
    path("sources/<str:code>/load/", office.source_load, name="source_load"),
]

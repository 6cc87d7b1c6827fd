from django.urls import path

from .views import cases, office, samples

app_name = "sampling"

urlpatterns = [
    path("", office.home, name="home"),
    path("samples/", samples.sample_list, name="sample_list"),
    path("tasks/<int:task_id>/samples/new/", samples.sample_new, name="sample_new"),
    path("samples/<str:sample_no>/", samples.sample_detail, name="sample_detail"),
    path("samples/<str:sample_no>/receive/", samples.sample_receive, name="sample_receive"),
    path("samples/<str:sample_no>/results/", samples.sample_results, name="sample_results"),
    path("samples/<str:sample_no>/serve/", samples.sample_serve, name="sample_serve"),
    path("samples/<str:sample_no>/objection/", samples.sample_objection, name="sample_objection"),
    path("objections/<int:pk>/retest/", samples.objection_retest, name="objection_retest"),
    path("results/import/", office.results_import, name="results_import"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/measure/", cases.case_measure, name="case_measure"),
    path("cases/<int:pk>/recheck/", cases.case_recheck, name="case_recheck"),
    path("cases/<int:pk>/evidence/", cases.case_evidence, name="case_evidence"),
    path("cases/<int:pk>/close/", cases.case_close, name="case_close"),
    path("evidence/<int:pk>/", cases.evidence_download, name="evidence_download"),
    path("notices/<int:pk>/send/", cases.notice_send, name="notice_send"),
    path("plans/", office.plan_list, name="plan_list"),
    path("plans/new/", office.plan_new, name="plan_new"),
    path("plans/<int:pk>/", office.plan_detail, name="plan_detail"),
    path("announcements/", office.announcement_list, name="announcement_list"),
    path("announcements/<int:pk>/", office.announcement_preview, name="announcement_preview"),
    path("announcements/<int:pk>/publish/", office.announcement_publish, name="announcement_publish"),
    path("catalogue/", office.catalogue, name="catalogue"),
]

from django.urls import path

from .views import cases, firms, office

app_name = "complaints"

urlpatterns = [
    path("", cases.home, name="home"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/export.xlsx", cases.case_export, name="case_export"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/unmask/", cases.case_unmask, name="case_unmask"),
    path("cases/<int:pk>/<str:action>/", cases.case_action, name="case_action"),
    path("import/", office.import_cases, name="import"),
    path("clusters/", office.clusters, name="clusters"),
    path("disputes/", office.disputes, name="disputes"),
    path("firms/", office.enrolments, name="enrolments"),
    path("rules/", office.rules, name="rules"),
    path("statistics/", office.statistics, name="statistics"),
    path("my/", firms.firm_cases, name="firm_cases"),
    path("my/reply/", firms.firm_reply, name="firm_reply"),
    path("my/<int:pk>/", firms.firm_case, name="firm_case"),
    path("my/<int:pk>/answer/", firms.firm_answer, name="firm_answer"),
]

from django.urls import path

from .views import catalogue, cockpit, open_data, reports, tasks, values

app_name = "indicators"

urlpatterns = [
    path("", catalogue.home, name="home"),
    path("i/<str:code>/", catalogue.indicator_detail, name="indicator_detail"),
    path("i/<str:code>/report/", values.report, name="report"),
    path("values/", values.value_list, name="value_list"),
    path("values/<int:pk>/", values.value_detail, name="value_detail"),
    path("values/<int:pk>/approve/", values.approve, name="approve"),
    path("values/<int:pk>/return/", values.return_, name="return"),
    path("values/<int:pk>/correct/", values.correct, name="correct"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/progress/", tasks.task_progress, name="task_progress"),
    path("evaluation/", reports.evaluation_page, name="evaluation"),
    path("evaluation.xlsx", reports.evaluation_xlsx, name="evaluation_xlsx"),
    path("evaluation.pdf", reports.evaluation_pdf, name="evaluation_pdf"),
    path("index/", reports.quality_index, name="quality_index"),
    path("screen/", cockpit.screen, name="screen"),
    path("screen/data.json", cockpit.screen_json, name="screen_data"),
    path("department/", cockpit.department, name="department"),
    path("open/indicators.csv", open_data.catalogue_csv, name="catalogue_csv"),
    path("open/values.csv", open_data.values_csv, name="values_csv"),
]

from django.urls import path

from .views import field, office, register

app_name = "inspections"

urlpatterns = [
    path("", office.home, name="home"),
    path("items/", register.items, name="items"),
    path("inspectors/", register.inspectors, name="inspectors"),
    path("inspectors/<int:pk>/", register.inspector_detail, name="inspector_detail"),
    path("inspectors/<int:pk>/absence/", register.inspector_absence, name="inspector_absence"),
    path("inspectors/<int:pk>/conflict/", register.inspector_conflict, name="inspector_conflict"),
    path("plans/", office.plan_list, name="plans"),
    path("plans/new/", office.plan_new, name="plan_new"),
    path("tasks/new/", office.task_new, name="task_new"),
    path("tasks/<int:pk>/", office.task_detail, name="task_detail"),
    path("tasks/<int:pk>/commit/", office.task_commit, name="task_commit"),
    path("tasks/<int:pk>/draw/", office.task_draw, name="task_draw"),
    path("tasks/<int:pk>/redraw/", office.task_redraw, name="task_redraw"),
    path("tasks/<int:pk>/assign/", office.task_assign, name="task_assign"),
    path("tasks/<int:pk>/publish/", office.task_publish, name="task_publish"),
    path("draws/<int:pk>/full.json", office.draw_full_json, name="draw_full_json"),
    path("checks/<int:pk>/", office.inspection_detail, name="inspection_detail"),
    path("checks/<int:pk>/<str:action>/", office.inspection_action, name="inspection_action"),
    path("attachments/<int:pk>/", office.attachment, name="attachment"),
    path("field/", field.today, name="field_today"),
    path("field/<int:pk>/", field.visit, name="field_visit"),
    path("field/<int:pk>/photo/", field.photo, name="field_photo"),
]

from django.urls import path

from . import views, views_field, views_register

app_name = "inspections"

urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views_register.items, name="items"),
    path("inspectors/", views_register.inspectors, name="inspectors"),
    path("inspectors/<int:pk>/", views_register.inspector_detail, name="inspector_detail"),
    path("inspectors/<int:pk>/absence/", views_register.inspector_absence, name="inspector_absence"),
    path("inspectors/<int:pk>/conflict/", views_register.inspector_conflict, name="inspector_conflict"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/commit/", views.task_commit, name="task_commit"),
    path("tasks/<int:pk>/draw/", views.task_draw, name="task_draw"),
    path("tasks/<int:pk>/redraw/", views.task_redraw, name="task_redraw"),
    path("tasks/<int:pk>/assign/", views.task_assign, name="task_assign"),
    path("tasks/<int:pk>/publish/", views.task_publish, name="task_publish"),
    path("draws/<int:pk>/full.json", views.draw_full_json, name="draw_full_json"),
    path("checks/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("checks/<int:pk>/<str:action>/", views.inspection_action, name="inspection_action"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("field/", views_field.today, name="field_today"),
    path("field/<int:pk>/", views_field.visit, name="field_visit"),
    path("field/<int:pk>/photo/", views_field.photo, name="field_photo"),
]

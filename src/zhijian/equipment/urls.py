from django.urls import path

from .views import records, register, screen

app_name = "equipment"

urlpatterns = [
    path("", register.home, name="home"),
    path("due/<str:kind>/", register.due_list, name="due_list"),
    path("units/", register.unit_list, name="unit_list"),
    path("units/import/", register.import_form, name="import"),
    path("units/<str:code>/", register.unit_detail, name="unit_detail"),
    path("units/<str:code>/inspections/", register.unit_inspection, name="unit_inspection"),
    path("units/<str:code>/maintenance/", register.unit_maintenance, name="unit_maintenance"),
    path("units/<str:code>/status/", register.unit_status, name="unit_status"),
    path("screen/", screen.screen, name="screen"),
    path("screen/feed/", screen.screen_feed, name="screen_feed"),
    path("rescues/<int:pk>/", screen.rescue_detail, name="rescue_detail"),
    path("rescues/<int:pk>/arrival/", screen.rescue_arrival, name="rescue_arrival"),
    path("rescues/<int:pk>/close/", screen.rescue_close, name="rescue_close"),
    path("mine/", records.my_units, name="my_units"),
    path("reminders/<int:pk>/read/", records.reminder_read, name="reminder_read"),
    path("grades/", records.grades, name="grades"),
    path("grades/decide/", records.grades_action, name="grades_action"),
    path("public/grades/", records.grades_public, name="grades_public"),
    path("accidents/", records.accidents, name="accidents"),
    path("accidents/new/", records.accident_new, name="accident_new"),
    path("rules/", records.rules, name="rules"),
    path("rules/<int:pk>/confirm/", records.rule_confirm, name="rule_confirm"),
]

"""The workbench (工作台): every role lands on its work; every to-do is one click from a page it may open."""

import datetime as dt

import pytest
from django.test import Client

from tests.factories import UserFactory
from zhijian.core.hooks import Todo, todos_for
from zhijian.core.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(city, entities):
    return {
        "admin": UserFactory(username="wb_admin", role=Role.CITY_ADMIN),
        "department": UserFactory(username="wb_dept", role=Role.DEPARTMENT),
        "district": UserFactory(username="wb_district", role=Role.DISTRICT, jurisdiction=city["330203"]),
        "inspector": UserFactory(username="wb_insp", role=Role.INSPECTOR, jurisdiction=city["330203"]),
        "enterprise": UserFactory(
            username="wb_ent", role=Role.ENTERPRISE, entity_uscc=entities["haishu"].uscc
        ),
        "lab": UserFactory(username="wb_lab", role=Role.LAB),
    }


def test_overdue_items_come_first_then_the_nearest_deadline():
    later = Todo("a", "later", 3, "/", due=dt.date(2026, 12, 20))
    sooner = Todo("a", "sooner", 1, "/", due=dt.date(2026, 12, 2))
    late = Todo("a", "late", 1, "/", due=dt.date(2026, 11, 2), overdue=1)
    assert [t.label for t in sorted([later, sooner, late], key=lambda t: t.sort_key)] == [
        "late",
        "sooner",
        "later",
    ]


@pytest.mark.parametrize("role", ["admin", "department", "district", "inspector", "enterprise", "lab"])
def test_every_todo_of_every_role_opens(people, role, monkeypatch):
    from zhijian.core import hooks

    user = people[role]
    # Show empty to-dos too, so that every link of the role is tried.
    monkeypatch.setattr(hooks, "todos_for", lambda u: _all_todos(u))
    client = Client()
    client.force_login(user)
    for todo in _all_todos(user):
        assert client.get(todo.url).status_code == 200, f"{role}: {todo.label} → {todo.url}"


def _all_todos(user):
    from django.apps import apps
    from django.utils.module_loading import import_string

    found = []
    for config in apps.get_app_configs():
        path = getattr(config, "todos", None)
        if path:
            found.extend(import_string(path)(user))
    return found


def test_officers_see_their_work_queues_and_others_do_not(people):
    district = {t.label for t in _all_todos(people["district"])}
    assert {"信用修复申请待决定", "不合格产品核查处置中", "抽查任务待抽取或分派"} <= district
    assert {t.label for t in _all_todos(people["inspector"])} == {"我的待检查"}
    assert {t.label for t in _all_todos(people["lab"])} <= {"待收样", "检验中，待出具报告"}
    assert not _all_todos(people["enterprise"])
    assert todos_for(people["district"]) == []  # nothing waiting: empty lines are not shown


def test_the_workbench_and_the_landing_pages(people):
    pages = {}
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        response = client.get("/", follow=True)
        pages[role] = (response.status_code, response.request["PATH_INFO"])
    assert pages["district"] == (200, "/") and pages["admin"] == (200, "/")
    assert pages["inspector"] == (200, "/inspections/field/")
    assert pages["lab"] == (200, "/sampling/samples/")
    assert pages["enterprise"][1].startswith("/entities/")

"""Who may read and change what in 双随机: every staff endpoint by role; out of scope answers 404."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import PASSWORD
from zhijian.core.models import Job
from zhijian.inspections import services
from zhijian.inspections.models import Draw, Inspection, Task
from zhijian.inspections.views import office as views

from .factories import CheckItemFactory, drawn, firms, inspector_user, plan_for, task_for

pytestmark = pytest.mark.django_db

# role -> (task detail, check detail, full package) status codes for a 海曙 task
EXPECTED = {
    "admin": (200, 200, 200),
    "department": (200, 200, 200),
    "haishu": (200, 200, 200),
    "haishu_office": (200, 200, 200),
    "yinzhou": (404, 404, 404),
    "inspector": (200, 200, 403),  # reads her district's tasks and checks; the full package is for staff
    "enterprise": (403, 404, 403),  # tasks are not a firm's business (403); its own checks are scoped
}


@pytest.fixture
def scene(city, users, enterprise_user):
    haishu = city["330203"]
    firms(haishu, 10, start=9500)
    inspector_user("s_a", haishu), inspector_user("s_b", haishu)
    task = task_for(
        users["haishu"],
        plan_for(users["haishu"], haishu),
        items=[CheckItemFactory(is_key=True)],
        ratios={"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "0.5"},
    )
    draw = drawn(users["haishu"], task)
    services.assign_inspectors(actor=users["haishu"], task=task)
    return {
        "task": task,
        "draw": draw,
        # a check of a firm other than the enterprise user's own (its own it may see)
        "check": Inspection.objects.filter(task=task)
        .exclude(entity__uscc=enterprise_user.entity_uscc)
        .first(),
        "actors": {**users, "enterprise": enterprise_user},
    }


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_staff_endpoints_by_role(scene, role):
    client = Client()
    assert client.login(username=scene["actors"][role].username, password=PASSWORD)
    task, check, draw = scene["task"], scene["check"], scene["draw"]
    got = (
        client.get(f"/inspections/tasks/{task.pk}/").status_code,
        client.get(f"/inspections/checks/{check.pk}/").status_code,
        client.get(f"/inspections/draws/{draw.pk}/full.json").status_code,
    )
    assert got == EXPECTED[role]
    before = Inspection.objects.filter(task=task, status="completed").count()
    client.post(f"/inspections/tasks/{task.pk}/publish/")
    response = client.post(
        f"/inspections/tasks/{task.pk}/redraw/",
        {
            "reason": "无理由的重抽尝试",
            "beacon_game": "ssq",
            "beacon_issue": "2099001",
            "beacon_date": "2099-01-01",
        },
    )
    if role in ("yinzhou", "inspector", "enterprise"):
        assert response.status_code in (403, 404)
        assert Draw.objects.filter(task=task).count() == 1
    assert Inspection.objects.filter(task=task, status="completed").count() == before


def test_the_public_never_sees_drafts_or_unpublished_results(scene, users):
    draft = task_for(users["haishu"], scene["task"].plan, title="草拟中的任务")
    anonymous = Client()
    assert "草拟中的任务" not in anonymous.get("/public/inspections/").content.decode()
    assert anonymous.get(f"/inspections/tasks/{draft.pk}/").status_code == 302
    assert (
        scene["check"].entity.name
        not in anonymous.get("/public/inspections/").content.decode().split('id="results"')[1]
    )


@pytest.mark.django_db(transaction=True)
def test_city_scale_sets_are_frozen_and_drawn_by_the_worker(city, users, monkeypatch):
    monkeypatch.setattr(views, "INLINE_LIMIT", 0)
    haishu = city["330203"]
    firms(haishu, 12, start=9600)
    task = task_for(users["haishu"], plan_for(users["haishu"], haishu))
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    response = client.post(
        f"/inspections/tasks/{task.pk}/commit/",
        {"beacon_game": "ssq", "beacon_issue": "2099001", "beacon_date": "2099-01-01"},
    )
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/" and not Draw.objects.exists()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["eligible_count"] == 12
    assert Task.objects.get(pk=task.pk).status == Task.Status.COMMITTED

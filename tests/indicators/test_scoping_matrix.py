"""Who may open what in the plan cockpit: every page, download and API path, for every role.

Two districts each report a value (海曙 locked, 鄞州 submitted) and have a computed value; the
city has computed values. Out-of-scope objects answer 404; roles without the policy 403; the
public gets the open data only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from zhijian.core.models import Role
from zhijian.core.tokens import issue_token
from zhijian.indicators.models import ComputedValue, Milestone, PlanTask, ReportedValue, ValueStatus

pytestmark = pytest.mark.django_db
OFFICERS = {"admin", "department", "haishu", "yinzhou", "head"}
ACTORS = sorted(OFFICERS | {"inspector", "enterprise", "anonymous"})


@pytest.fixture
def world(catalogue, users, head, city, enterprise_user):
    now = timezone.now()
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    for place, value in (("330200", "75"), ("330203", "66.6667"), ("330212", "100")):
        ComputedValue.objects.create(
            code="s004.g41a",
            jurisdiction=city[place],
            period_start=start,
            period_end=end,
            numerator=1,
            denominator=1,
            value=Decimal(value),
            computed_at=now,
        )
    values = {
        place: ReportedValue.objects.create(
            code="s002.a1",
            jurisdiction=city[code],
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(2020, 12, 31),
            value=Decimal(10),
            status=status,
            evidence_note="名单",
            reported_by=users[place],
            reported_at=now,
        )
        for place, code, status in (
            ("haishu", "330203", ValueStatus.LOCKED),
            ("yinzhou", "330212", ValueStatus.SUBMITTED),
        )
    }
    task = PlanTask.objects.order_by("pk").first()
    Milestone.objects.create(task=task, title="节点", due_on=dt.date(2021, 1, 1), jurisdiction=city["330203"])
    actors = {**users, "head": head, "enterprise": enterprise_user, "anonymous": None}
    return {"values": values, "task": task, "actors": actors}


def client_for(user):
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def api_for(user):
    if user is None:
        return Client()
    token, _ = issue_token(user)
    return Client(headers={"Authorization": f"Bearer {token}"})


def expect_page(status, actor):
    if actor == "anonymous":
        assert status == 302
    elif actor in OFFICERS:
        assert status == 200
    else:
        assert status == 403


PAGES = [
    ("indicators:home", []),
    ("indicators:indicator_detail", ["s004.g41a"]),
    ("indicators:indicator_detail", ["s002.a1"]),
    ("indicators:value_list", []),
    ("indicators:task_list", []),
    ("indicators:evaluation", []),
    ("indicators:evaluation_xlsx", []),
    ("indicators:evaluation_pdf", []),
    ("indicators:quality_index", []),
    ("indicators:screen", []),
    ("indicators:screen_data", []),
    ("indicators:department", []),
]


@pytest.mark.parametrize("actor", ACTORS)
def test_pages(world, actor):
    client = client_for(world["actors"][actor])
    for name, args in PAGES:
        expect_page(client.get(reverse(name, args=args)).status_code, actor)
    for name in ("indicators:catalogue_csv", "indicators:values_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 200
    public = client.get(reverse("indicators:values_csv")).content.decode()
    assert ",330200," in public and ",330203," not in public  # the city's values only


VALUE_VISIBLE = {
    "admin": {"haishu", "yinzhou"},
    "department": {"haishu", "yinzhou"},
    "head": {"haishu", "yinzhou"},
    "haishu": {"haishu"},
    "yinzhou": {"yinzhou"},
    "inspector": set(),
    "enterprise": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("actor", ACTORS)
def test_reported_values(world, actor):
    user = world["actors"][actor]
    client, api = client_for(user), api_for(user)
    for place, row in world["values"].items():
        allowed = place in VALUE_VISIBLE[actor]
        page = client.get(reverse("indicators:value_detail", args=[row.pk])).status_code
        if actor in OFFICERS:
            assert page == (200 if allowed else 404), place
        else:
            expect_page(page, actor)
        got = api.get(f"/api/v1/indicators/reported/{row.pk}").status_code
        refused = 401 if actor == "anonymous" else 404 if actor in OFFICERS else 403
        assert got == (200 if allowed else refused), place
    listed = client.get(reverse("indicators:value_list")).content.decode()
    if actor in OFFICERS:
        for place, row in world["values"].items():
            assert (reverse("indicators:value_detail", args=[row.pk]) in listed) == (
                place in VALUE_VISIBLE[actor]
            )


@pytest.mark.parametrize("actor", ACTORS)
def test_api(world, actor, city):
    api = api_for(world["actors"][actor])
    assert api.get("/api/v1/indicators/catalogue").status_code == 200
    values = api.get("/api/v1/indicators/values?code=s004.g41a").json()
    places = {v["jurisdiction"] for v in values}
    expected = {"330200"} | ({"330203", "330212"} if actor in {"admin", "department", "head"} else set())
    expected |= {"330203"} if actor == "haishu" else {"330212"} if actor == "yinzhou" else set()
    assert places == expected
    status = api.get("/api/v1/indicators/status").status_code
    assert status == (200 if actor in OFFICERS else 401 if actor == "anonymous" else 403)


@pytest.mark.parametrize("actor", ACTORS)
def test_writes(world, actor, city):
    user = world["actors"][actor]
    client, api = client_for(user), api_for(user)
    body = {
        "code": "s002.a1",
        "jurisdiction": "330203",
        "period_start": "2021-01-01",
        "period_end": "2021-12-31",
        "value": "9",
        "evidence_note": "名单",
    }
    made = api.post("/api/v1/indicators/reported", body, content_type="application/json")
    expected = {"admin": 201, "haishu": 201, "anonymous": 401}.get(actor, 403)
    assert made.status_code == expected, made.content
    pending = world["values"]["yinzhou"]
    approved = api.post(
        f"/api/v1/indicators/reported/{pending.pk}/approve", {"note": ""}, content_type="application/json"
    )
    # only the head holds the approval permission (an administrator or 处室 officer without it does not)
    assert approved.status_code == {"head": 200, "anonymous": 401}.get(actor, 403)
    page = client.post(reverse("indicators:approve", args=[pending.pk]))
    if actor == "anonymous":
        assert page.status_code == 302
    elif actor in {"haishu", "yinzhou", "inspector", "enterprise"}:
        assert page.status_code == 403
    task = world["task"]
    progress = client.post(reverse("indicators:task_progress", args=[task.pk]), {"text": "已完成"})
    if actor in OFFICERS:  # the task's owners: the administrator, and 海曙 through its milestone
        assert progress.status_code == (404 if actor in {"yinzhou", "head"} else 302)  # not their task
        assert task.reports.filter(reported_by=user).exists() == (actor in {"admin", "haishu"})
    else:
        expect_page(progress.status_code, actor)


def test_a_district_sees_only_its_own_tasks(world, users):
    haishu = client_for(users["haishu"]).get(reverse("indicators:task_list")).content.decode()
    yinzhou = client_for(users["yinzhou"]).get(reverse("indicators:task_list")).content.decode()
    link = reverse("indicators:task_detail", args=[world["task"].pk])
    assert link in haishu and link not in yinzhou
    assert client_for(users["yinzhou"]).get(link).status_code == 404


def test_enterprise_user_role_is_refused(world):
    user = UserFactory(username="t_lab_x", role=Role.LAB)
    assert client_for(user).get(reverse("indicators:home")).status_code == 403

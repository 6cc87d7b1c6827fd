"""Who may read and do what in the warnings app, for every URL and API path and every role.

Two warnings: W1 went to 海曙 and 江北, W2 to 鄞州 only. Signals: one of a 海曙 series, one city-level
(a rule over producers). A district sees its own signals, the warnings sent to it and its records;
another district's answer or warning answers 404; only the city may triage, close, publish or manage
sources; the public sees published consumer warnings only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD
from tests.warnings.conftest import SYSTEM, batch_rows, write_rows
from zhijian.core.tokens import issue_token
from zhijian.warnings import services
from zhijian.warnings.models import Observation, Recipient, RiskWarning, Signal, Source

pytestmark = pytest.mark.django_db
ROLES = ["admin", "department", "haishu", "haishu_office", "yinzhou", "inspector", "enterprise"]


@pytest.fixture
def world(users, city, enterprise_user, tmp_path):
    source = Source.objects.get(code="outside.national_sampling")
    day = dt.date(2026, 5, 13)
    services.load_source_file(
        actor=SYSTEM, source=source, path=write_rows(tmp_path / "b.csv", batch_rows(day))
    )
    city_signal = services.run_detection(actor=SYSTEM, until=day, weeks=1)[0]
    haishu_obs = Observation.objects.get(reference="B330203")
    haishu_signal = Signal.objects.create(
        method="ears-c2",
        series_key="district=海曙|category=蔬菜制品",
        week=day,
        observed=5,
        upperbound=2,
        score=2.5,
        district=city["330203"],
    )
    haishu_signal.observations.add(haishu_obs)
    w1 = services.raise_warning(
        actor=SYSTEM,
        signals=[city_signal],
        title="W1",
        classification="follow_up",
        risk_level="high",
        hazard="苯甲酸",
        product="酱腌菜",
        extra_districts=[],
    )
    Recipient.objects.filter(warning=w1, district__code="330212").delete()  # W1: 海曙 and 江北
    other = Signal.objects.create(method="ears-c1", series_key="x", week=day, observed=1, score=1)
    w2 = services.raise_warning(
        actor=SYSTEM,
        signals=[other],
        title="W2",
        classification="alert",
        risk_level="low",
        hazard="铅",
        product="大米",
        extra_districts=[city["330212"]],
    )
    services.publish_consumer_notice(actor=SYSTEM, warning=w2, text="请勿食用某批次大米")
    actors = {**users, "enterprise": enterprise_user}
    return {
        "actors": actors,
        "city_signal": city_signal,
        "other_signal": other,
        "haishu_signal": haishu_signal,
        "w1": w1,
        "w2": w2,
        "haishu_obs": haishu_obs,
    }


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def api_for(user):
    token, _ = issue_token(user)
    return Client(headers={"Authorization": f"Bearer {token}"})


OFFICERS = {"admin", "department", "haishu", "haishu_office", "yinzhou"}
CITY = {"admin", "department"}
SIGNALS = {
    "admin": {"city", "haishu", "other"},
    "department": {"city", "haishu", "other"},
    "haishu": {"haishu"},
    "haishu_office": {"haishu"},
    "yinzhou": set(),
}
WARNINGS = {
    "admin": {"w1", "w2"},
    "department": {"w1", "w2"},
    "haishu": {"w1"},
    "haishu_office": {"w1"},
    "yinzhou": {"w2"},
}


@pytest.mark.parametrize("actor", ROLES)
def test_pages(world, actor):
    user = world["actors"][actor]
    client = client_for(user)
    officer = actor in OFFICERS
    for url in ("/warnings/", "/warnings/signals/", "/warnings/list/", "/warnings/records/"):
        assert client.get(url).status_code == (200 if officer else 403), url
    for url in ("/warnings/sources/", "/warnings/sources/outside.national_sampling/"):
        assert client.get(url).status_code == (200 if actor in CITY else 403), url
    if not officer:
        return
    for name, key in (("city", "city_signal"), ("haishu", "haishu_signal")):
        status = 200 if name in SIGNALS[actor] else 404
        assert client.get(f"/warnings/signals/{world[key].pk}/").status_code == status, name
        assert (
            f"/warnings/signals/{world[key].pk}/" in client.get("/warnings/signals/").content.decode()
        ) == (status == 200)
    for name in ("w1", "w2"):
        allowed = name in WARNINGS[actor]
        assert client.get(f"/warnings/list/{world[name].pk}/").status_code == (200 if allowed else 404), name
        assert (
            f"/warnings/list/{world[name].pk}/" in client.get("/warnings/list/").content.decode()
        ) == allowed
    records = client.get("/warnings/records/").content.decode()
    assert ("B330203" in records) == (actor in {"admin", "department", "haishu", "haishu_office"})
    assert ("B330212" in records) == (actor in {"admin", "department", "yinzhou"})


@pytest.mark.parametrize("actor", ROLES)
def test_api(world, actor):
    api = api_for(world["actors"][actor])
    officer = actor in OFFICERS
    for path in ("/api/v1/warnings/signals", "/api/v1/warnings/warnings"):
        assert api.get(path).status_code == (200 if officer else 403), path
    if not officer:
        return
    assert {s["id"] for s in api.get("/api/v1/warnings/signals").json()} == {
        world[f"{n}_signal"].pk for n in SIGNALS[actor]
    }
    assert {w["number"] for w in api.get("/api/v1/warnings/warnings").json()} == {
        world[n].number for n in WARNINGS[actor]
    }
    for name in ("w1", "w2"):
        allowed = name in WARNINGS[actor]
        assert api.get(f"/api/v1/warnings/warnings/{world[name].pk}").status_code == (200 if allowed else 404)


@pytest.mark.parametrize(
    ("actor", "status"), [("haishu", 200), ("yinzhou", 404), ("inspector", 403), ("enterprise", 403)]
)
def test_only_the_recipient_district_answers(world, actor, status):
    recipient = world["w1"].recipients.get(district__code="330203")
    response = api_for(world["actors"][actor]).post(
        f"/api/v1/warnings/recipients/{recipient.pk}/answer",
        {"findings": "在售2袋", "measures": "下架"},
        content_type="application/json",
    )
    assert response.status_code == status
    recipient.refresh_from_db()
    assert (recipient.answered_at is not None) == (status == 200)


@pytest.mark.parametrize(("actor", "status"), [("haishu", 302), ("yinzhou", 404), ("inspector", 403)])
def test_answer_page_is_scoped(world, actor, status):
    recipient = world["w1"].recipients.get(district__code="330203")
    response = client_for(world["actors"][actor]).post(
        f"/warnings/recipients/{recipient.pk}/answer/", {"findings": "a", "measures": "b"}
    )
    assert response.status_code == status


@pytest.mark.parametrize("actor", ["haishu", "yinzhou", "inspector", "enterprise"])
def test_triage_and_closure_are_the_citys(world, actor):
    client = client_for(world["actors"][actor])
    signal, warning = world["haishu_signal"], world["w1"]
    recipient = warning.recipients.first()
    posts = [
        (f"/warnings/signals/{signal.pk}/dismiss/", {"reason": "x"}),
        (f"/warnings/signals/{signal.pk}/merge/", {}),
        (f"/warnings/signals/{signal.pk}/raise/", {}),
        (f"/warnings/list/{warning.pk}/close/", {}),
        (f"/warnings/list/{warning.pk}/notice/", {"text": "x"}),
        (f"/warnings/recipients/{recipient.pk}/verify/", {}),
        ("/warnings/signals/run/", {}),
        ("/warnings/sources/outside.national_sampling/load/", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Signal.objects.get(pk=signal.pk).state == Signal.State.NEW
    assert RiskWarning.objects.get(pk=warning.pk).state == RiskWarning.State.OPEN


def test_the_city_triages(world):
    client = client_for(world["actors"]["department"])
    signal = world["haishu_signal"]
    assert client.post(f"/warnings/signals/{signal.pk}/dismiss/", {"reason": "已处置"}).status_code == 302
    assert Signal.objects.get(pk=signal.pk).state == Signal.State.DISMISSED


def test_the_public_sees_published_consumer_warnings_only(world):
    client = Client()
    page = client.get("/public/warnings/").content.decode()
    assert "请勿食用某批次大米" in page and "W1" not in page
    assert [n["number"] for n in client.get("/api/v1/warnings/notices").json()] == [world["w2"].number]
    assert client.get("/warnings/").status_code == 302
    assert client.get("/api/v1/warnings/warnings").status_code == 401
    assert world["w1"].notice_published_at is None and timezone.now()


@pytest.mark.parametrize(("actor", "status"), [("department", 200), ("haishu", 403), ("enterprise", 403)])
def test_outside_feeds_load_through_the_api(world, actor, status, tmp_path):
    path = write_rows(
        tmp_path / "feed.csv", [["F1", "2026-05-14", "330203", "糕点", "", "", "", "", "", 2, "", ""]]
    )
    with path.open("rb") as handle:
        response = api_for(world["actors"][actor]).post(
            "/api/v1/warnings/sources/outside.hospital_cases/loads", {"file": handle}
        )
    assert response.status_code == status
    assert Observation.objects.filter(reference="F1").exists() == (status == 200)

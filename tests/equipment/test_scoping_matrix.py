"""Who may read and do what in special equipment, for every equipment URL and API path and every role.

World: a 海曙 mall lift and a 海曙 flats lift maintained by company A, a 鄞州 school lift maintained by
company B; the institute is assigned the 海曙 lifts only. The school lift has a trapped-passenger case
and an alarm; the mall has a reminder; a grade is published for A and not yet for B. Out-of-scope
objects answer 404 (their existence is not leaked); a role outside a page's policy gets 403.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from zhijian.core.access import SystemActor
from zhijian.core.tokens import issue_token
from zhijian.equipment import services
from zhijian.equipment.models import MaintenanceGrade, Reminder, RescueCase, Unit
from zhijian.equipment.services.devices import MessageIn

CLI = SystemActor("cli")

pytestmark = pytest.mark.django_db
ACTORS = (
    "admin",
    "department",
    "haishu",
    "yinzhou",
    "inspector",
    "mall",
    "school",
    "lift_a",
    "lift_b",
    "institute",
)


@pytest.fixture
def world(units, accounts, parties):
    Unit.objects.filter(pk=units["school"].pk).update(institute_uscc="")
    device, _ = services.register_device(actor=CLI, unit=units["school"], device_id="DEV-S")
    now = dt.datetime.now(dt.UTC)
    result = services.ingest_messages(device_pk=device.pk, messages=[MessageIn("t1", "trapped", now)])
    case = RescueCase.objects.get(pk=result.rescues[0])
    reminder = Reminder.objects.create(
        unit=units["mall"], user_unit_uscc=parties["mall"].uscc, kind="inspection", due_on=dt.date(2027, 1, 1)
    )
    MaintenanceGrade.objects.create(
        company_uscc=parties["lift_a"].uscc,
        company_name="A",
        year=2025,
        units=2,
        score=91,
        grade="A",
        published=True,
    )
    MaintenanceGrade.objects.create(
        company_uscc=parties["lift_b"].uscc,
        company_name="B",
        year=2025,
        units=1,
        score=70,
        grade="C",
        published=False,
    )
    return {
        "units": {k: Unit.objects.get(pk=u.pk) for k, u in units.items()},
        "case": case,
        "reminder": reminder,
        "accounts": accounts,
    }


def client_for(world, who):
    client = Client()
    if who != "anon":
        assert client.login(username=world["accounts"][who].username, password=PASSWORD)
    return client


def api_client(world, who):
    token, _ = issue_token(world["accounts"][who])
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


# expected status per actor for each object page: 200 = sees it, 404 = out of scope
SEES_MALL = {"admin", "department", "haishu", "inspector", "mall", "lift_a", "institute"}
SEES_SCHOOL = {"admin", "department", "yinzhou", "school", "lift_b"}
SEES_FLATS = SEES_MALL - {"mall"}  # the flats' own user unit has no account here
SEES_CASE = {"admin", "department", "yinzhou", "school", "lift_b"}


@pytest.mark.parametrize("who", ACTORS)
def test_unit_pages_and_api(world, who):
    page, api = client_for(world, who), api_client(world, who)
    for key, seers in (("mall", SEES_MALL), ("school", SEES_SCHOOL)):
        code = world["units"][key].code
        expected = 200 if who in seers else 404
        assert page.get(reverse("equipment:unit_detail", args=[code])).status_code == expected, (who, key)
        assert api.get(f"/api/v1/equipment/units/{code}").status_code == expected, (who, key)
    listed = {u["code"] for u in api.get("/api/v1/equipment/units?limit=200").json()["items"]}
    seers = {"mall": SEES_MALL, "school": SEES_SCHOOL, "flats": SEES_FLATS}
    expected_codes = {u.code for k, u in world["units"].items() if who in seers[k]}
    assert listed == expected_codes, who
    html = page.get(reverse("equipment:unit_list")).content.decode()
    for code in expected_codes:
        assert code in html


@pytest.mark.parametrize("who", ACTORS)
def test_rescue_case_page_and_api(world, who):
    case = world["case"]
    expected = 200 if who in SEES_CASE else 404
    assert (
        client_for(world, who).get(reverse("equipment:rescue_detail", args=[case.pk])).status_code == expected
    )
    rows = api_client(world, who).get("/api/v1/equipment/rescues").json()
    assert [r["id"] for r in rows] == ([case.pk] if who in SEES_CASE else [])


@pytest.mark.parametrize("who", ACTORS)
def test_staff_pages(world, who):
    page = client_for(world, who)
    staff = who in {"admin", "department", "haishu", "yinzhou", "inspector"}
    for name, args in (
        ("home", []),
        ("screen", []),
        ("screen_feed", []),
        ("due_list", ["overdue"]),
        ("grades", []),
        ("accidents", []),
        ("rules", []),
    ):
        assert page.get(reverse(f"equipment:{name}", args=args)).status_code == (200 if staff else 403), name
    officer = who in {"admin", "department", "haishu", "yinzhou"}
    assert page.get(reverse("equipment:import")).status_code == (200 if officer else 403)
    enterprise = who in {"mall", "school", "lift_a", "lift_b"}
    assert page.get(reverse("equipment:my_units")).status_code == (200 if enterprise else 403)


def test_the_screen_shows_only_the_own_districts_alarms(world):
    code = world["units"]["school"].code
    assert code in client_for(world, "yinzhou").get(reverse("equipment:screen_feed")).content.decode()
    assert code not in client_for(world, "haishu").get(reverse("equipment:screen_feed")).content.decode()
    assert code in client_for(world, "admin").get(reverse("equipment:screen_feed")).content.decode()
    assert [a["unit"] for a in api_client(world, "yinzhou").get("/api/v1/equipment/alarms").json()] == [code]
    assert api_client(world, "haishu").get("/api/v1/equipment/alarms").json() == []
    assert api_client(world, "lift_b").get("/api/v1/equipment/alarms").status_code == 403


def test_a_maintenance_company_sees_only_the_units_it_maintains(world):
    html_a = client_for(world, "lift_a").get(reverse("equipment:my_units")).content.decode()
    html_b = client_for(world, "lift_b").get(reverse("equipment:my_units")).content.decode()
    mall, flats, school = (world["units"][k].code for k in ("mall", "flats", "school"))
    assert mall in html_a and flats in html_a and school not in html_a
    assert school in html_b and mall not in html_b and flats not in html_b


def test_a_stopped_elevator_owes_no_maintenance_on_the_companys_page(world):
    from zhijian.equipment.models import Unit

    flats = world["units"]["flats"]
    Unit.objects.filter(pk=flats.pk).update(status="scrapped", maintenance_due="2007-09-14")
    html = client_for(world, "lift_a").get(reverse("equipment:my_units")).content.decode()
    row = html[html.index(flats.code) :].split("</tr>")[0]
    assert "报废" in row and "无需维保" in row and "逾期" not in row and "2007-09-14" not in row
    assert html.index(world["units"]["mall"].code) < html.index(flats.code)  # in use first


def test_maintenance_records_only_by_the_units_maintainer(world):
    mall, school = world["units"]["mall"].code, world["units"]["school"].code
    body = {"performed_on": "2026-11-20", "worker": "王师傅"}
    post = lambda who, code: api_client(world, who).post(  # noqa: E731
        f"/api/v1/equipment/units/{code}/maintenance", body, content_type="application/json"
    )
    assert post("lift_b", mall).status_code == 404  # not in its scope at all
    assert post("lift_a", school).status_code == 404
    assert post("mall", mall).status_code == 403  # the user unit sees it but does not maintain it
    assert post("haishu", mall).status_code == 403
    assert post("lift_a", mall).status_code == 201
    assert post("lift_a", mall).json()["code"] == "duplicate_maintenance"


def test_inspection_results_only_by_the_assigned_institute_or_staff(world):
    mall, school = world["units"]["mall"].code, world["units"]["school"].code
    body = {"kind": "periodic", "report_no": "R-1", "inspected_on": "2026-11-01", "conclusion": "pass"}
    post = lambda who, code, **extra: api_client(world, who).post(  # noqa: E731
        f"/api/v1/equipment/units/{code}/inspections", {**body, **extra}, content_type="application/json"
    )
    assert post("institute", school).status_code == 404
    assert post("lift_a", mall).status_code == 403
    assert post("mall", mall).status_code == 403  # a user unit records only its self-tests
    assert post("mall", mall, kind="self_test", report_no="S-1").status_code == 201
    assert post("inspector", mall).status_code == 403
    assert post("institute", mall).status_code == 201


def test_rescue_arrival_only_by_the_maintainer_or_staff_of_the_district(world):
    case = world["case"]
    url = f"/api/v1/equipment/rescues/{case.pk}/arrival"
    assert api_client(world, "lift_a").post(url, {}, content_type="application/json").status_code == 404
    assert api_client(world, "haishu").post(url, {}, content_type="application/json").status_code == 404
    assert api_client(world, "school").post(url, {}, content_type="application/json").status_code == 403
    assert api_client(world, "institute").post(url, {}, content_type="application/json").status_code == 403
    assert api_client(world, "lift_b").post(url, {}, content_type="application/json").status_code == 200
    close = f"/api/v1/equipment/rescues/{case.pk}/close"
    assert (
        api_client(world, "lift_b").post(close, {}, content_type="application/json").json()["status"]
        == "closed"
    )


def test_reminders_are_the_user_units_own(world):
    url = reverse("equipment:reminder_read", args=[world["reminder"].pk])
    assert client_for(world, "school").post(url).status_code == 404
    assert client_for(world, "lift_a").post(url).status_code == 404
    assert client_for(world, "mall").post(url).status_code == 302
    assert Reminder.objects.get(pk=world["reminder"].pk).read_at is not None


@pytest.mark.parametrize("who", ("anon", "mall", "lift_b", "haishu"))
def test_only_published_grades_are_public(world, who):
    client = Client() if who == "anon" else client_for(world, who)
    html = client.get(reverse("equipment:grades_public")).content.decode()
    assert world["accounts"]["lift_a"].entity_uscc in html
    assert world["accounts"]["lift_b"].entity_uscc not in html
    assert [g["grade"] for g in Client().get("/api/v1/equipment/grades").json()] == ["A"]


def test_due_lists_and_accident_rate_follow_the_district(world):
    haishu = api_client(world, "haishu").get("/api/v1/equipment/due?kind=never").json()
    assert {u["code"] for u in haishu["items"]} == {world["units"]["mall"].code, world["units"]["flats"].code}
    # a district user asking for another district still gets only its own
    other = world["units"]["school"].district_id
    assert (
        api_client(world, "haishu").get(f"/api/v1/equipment/due?kind=never&district={other}").json()["total"]
        == 0
    )
    assert api_client(world, "lift_a").get("/api/v1/equipment/due?kind=never").status_code == 403
    assert api_client(world, "yinzhou").get("/api/v1/equipment/accident-rate?year=2026").status_code == 200
    assert api_client(world, "mall").get("/api/v1/equipment/accident-rate?year=2026").status_code == 403


@pytest.mark.parametrize("who", ACTORS)
def test_page_forms_refuse_out_of_scope_objects_and_other_roles(world, who):
    """The POST pages: 404 for an object out of scope, 403 for a role outside the page's policy."""
    page = client_for(world, who)
    mall, school, case = world["units"]["mall"], world["units"]["school"], world["case"]
    today = dt.date.today().isoformat()

    maintenance = page.post(
        reverse("equipment:unit_maintenance", args=[mall.code]),
        {"kind": "half_month", "performed_on": today, "worker": "王"},
    )
    # in scope but not the maintainer: refused beside the form, re-rendered with what was typed (400)
    expected = {
        "lift_a": 302,
        "mall": 400,
        "haishu": 400,
        "admin": 400,
        "department": 400,
        "institute": 400,
        "yinzhou": 404,
        "school": 404,
        "lift_b": 404,
        "inspector": 403,
    }[who]
    assert maintenance.status_code == expected, who
    if who == "lift_a":
        assert mall.maintenance.count() == 1
    elif who in ("mall", "haishu", "admin", "department", "institute"):
        assert mall.maintenance.count() == 0  # in scope, but not the maintainer: refused

    status = page.post(
        reverse("equipment:unit_status", args=[school.code]),
        {"status": "stopped", "on": today, "reason": "测试"},
    )
    expected = {"admin": 302, "department": 302, "yinzhou": 302, "haishu": 404}.get(who, 403)
    assert status.status_code == expected, who

    arrival = page.post(reverse("equipment:rescue_arrival", args=[case.pk]), {})
    expected = {
        "admin": 302,
        "department": 302,
        "yinzhou": 302,
        "lift_b": 302,
        "school": 302,
        "haishu": 404,
        "mall": 404,
        "lift_a": 404,
    }.get(who, 403)
    assert arrival.status_code == expected, who
    case.refresh_from_db()
    assert (case.status == "arrived") == (who in ("admin", "department", "yinzhou", "lift_b")), who

    grades = page.post(reverse("equipment:grades_action"), {"year": "2025", "action": "compute"})
    assert grades.status_code == (302 if who in ("admin", "department") else 403), who
    confirm = page.post(reverse("equipment:rule_confirm", args=[1]))
    assert confirm.status_code in ((302, 404) if who == "admin" else (403,)), who
    accident = page.post(reverse("equipment:accident_new"), {})
    # an empty accident form comes back (400) for those who may record one
    assert accident.status_code == (400 if who in ("admin", "department", "haishu", "yinzhou") else 403), who
    upload = page.post(reverse("equipment:import"), {})
    assert upload.status_code == (200 if who in ("admin", "department", "haishu", "yinzhou") else 403), who


def test_a_refused_maintenance_record_comes_back_with_what_was_typed(world):
    from zhijian.equipment.models import MaintenanceRecord

    mall = world["units"]["mall"].code
    client = client_for(world, "lift_a")
    url = reverse("equipment:unit_maintenance", args=[mall])
    before = MaintenanceRecord.objects.count()
    # Without the worker's name: the form refuses, the date and findings typed stay
    response = client.post(
        url, {"kind": "half_month", "performed_on": "2026-11-20", "findings": "曳引机异响已处理"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="曳引机异响已处理"' in page and 'value="2026-11-20"' in page
    assert 'aria-invalid="true"' in page and MaintenanceRecord.objects.count() == before

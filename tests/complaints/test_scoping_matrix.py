"""Who may reach what, for every complaints URL and API path, for every role.

World: a complaint and a report against a 海曙 shop, a complaint against a 鄞州 firm. Staff pages
answer 403 to an enterprise and send the anonymous public to the login; a case out of scope answers
404. ``test_every_url_is_in_the_matrix`` fails when a URL or API path is added without a row here.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import get_resolver

from tests.complaints.conftest import file
from tests.factories import PASSWORD, UserFactory
from zhijian.complaints.models import RuleCheck
from zhijian.core.models import Role
from zhijian.core.tokens import issue_token

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 2)


@pytest.fixture
def world(firms, users, firm_user):
    cases = {
        "hs_complaint": file(ON),
        "hs_report": file(
            ON, kind="report", subject="无照经营", description="该店长期无照经营，请依法查处。"
        ),
        "yz_complaint": file(
            ON, respondent_name="", respondent_uscc=firms["yinzhou"].uscc, person_phone="13700000000"
        ),
    }
    other_firm = UserFactory(username="t_firm_yz", role=Role.ENTERPRISE, entity_uscc=firms["yinzhou"].uscc)
    lab = UserFactory(username="t_lab", role=Role.LAB)
    actors = {**users, "firm": firm_user, "firm_yz": other_firm, "lab": lab}
    return {"cases": cases, "actors": actors}


VISIBLE = {  # which cases each actor may read
    "admin": {"hs_complaint", "hs_report", "yz_complaint"},
    "department": {"hs_complaint", "hs_report", "yz_complaint"},
    "haishu": {"hs_complaint", "hs_report"},
    "haishu_office": {"hs_complaint", "hs_report"},
    "inspector": {"hs_complaint", "hs_report"},
    "yinzhou": {"yz_complaint"},
    "firm": {"hs_complaint"},  # a firm sees the complaints against it, never a report
    "firm_yz": {"yz_complaint"},
    "lab": set(),
}
STAFF = {"admin", "department", "haishu", "haishu_office", "inspector", "yinzhou"}
CHANGERS = {"admin", "department", "haishu", "haishu_office", "yinzhou"}  # inspectors read only


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def api_for(user):
    token, _ = issue_token(user)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("actor", sorted(VISIBLE))
def test_case_pages_list_export_and_api(world, actor):
    user = world["actors"][actor]
    client, api = client_for(user), api_for(user)
    staff = actor in STAFF
    listed = client.get("/complaints/cases/")
    assert listed.status_code == (200 if staff else 403)
    export = client.get("/complaints/cases/export.xlsx")
    assert export.status_code == (200 if staff else 403)
    exported = ""
    if staff:
        sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
        exported = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    api_codes = {i["code"] for i in api.get("/api/v1/complaints/cases").json()["items"]}
    firm_page = client.get("/complaints/my/")
    assert firm_page.status_code == (200 if actor.startswith("firm") else 403)
    for name, case in world["cases"].items():
        allowed = name in VISIBLE[actor]
        page = client.get(f"/complaints/cases/{case.pk}/")
        assert page.status_code == (200 if allowed and staff else (403 if not staff else 404)), name
        assert (case.code in listed.content.decode()) == (allowed and staff)
        assert (case.code in exported) == (allowed and staff)
        assert api.get(f"/api/v1/complaints/cases/{case.code}").status_code == (200 if allowed else 404)
        assert (case.code in api_codes) == allowed
        firm_case = client.get(f"/complaints/my/{case.pk}/")
        assert firm_case.status_code == (
            200 if allowed and actor.startswith("firm") else (404 if actor.startswith("firm") else 403)
        )
        if actor.startswith("firm"):
            assert (case.code in firm_page.content.decode()) == allowed
        duplicates = api.get(f"/api/v1/complaints/cases/{case.code}/duplicates")
        assert duplicates.status_code == ((200 if allowed else 404) if staff else 403)


ACTIONS = [
    "accept",
    "reject",
    "mediate",
    "pause",
    "resume",
    "close",
    "decide",
    "extend",
    "tell_reporter",
    "tell_parties",
    "leave_repeated",
    "transfer",
    "dispute",
    "assign",
    "merge",
]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("actor", sorted(VISIBLE))
def test_case_actions(world, actor, action):
    """In scope: done (302) or, the action's form refusing the bare input, the case page again (400).
    Out of scope (or read-only): 404, nothing changes; a firm or the lab: 403."""
    case = world["cases"]["hs_complaint"]
    response = client_for(world["actors"][actor]).post(
        f"/complaints/cases/{case.pk}/{action}/", {"on": "2026-03-03"}
    )
    if actor not in STAFF:
        assert response.status_code == 403
    elif actor in CHANGERS and "hs_complaint" in VISIBLE[actor]:
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            page = response.content.decode()
            assert 'aria-invalid="true"' in page or "errorlist nonfield" in page or "message error" in page
    else:
        assert response.status_code == 404
    case.refresh_from_db()
    if not (actor in CHANGERS and "hs_complaint" in VISIBLE[actor]):
        assert case.status == "received" and case.accepted_on is None


@pytest.mark.parametrize("actor", sorted(VISIBLE))
def test_api_actions(world, actor):
    user = world["actors"][actor]
    api = api_for(user)
    case = world["cases"]["hs_complaint"]
    accept = api.post(
        f"/api/v1/complaints/cases/{case.code}/accept", {"on": "2026-03-03"}, content_type="application/json"
    )
    allowed = actor in CHANGERS and "hs_complaint" in VISIBLE[actor]
    expected = 200 if allowed else (404 if actor in CHANGERS else 403)  # the policy first, then the row
    assert accept.status_code == expected
    close = api.post(
        f"/api/v1/complaints/cases/{case.code}/close",
        {"outcome": "terminated", "termination_ground": "refused"},
        content_type="application/json",
    )
    assert close.status_code == expected


OFFICE_PAGES = {  # path → {actor: status}
    "/complaints/": {"staff": 200},
    "/complaints/cases/new/": {"staff": 200, "inspector": 403},
    "/complaints/import/": {"staff": 200, "inspector": 403},
    "/complaints/clusters/": {"staff": 200},
    "/complaints/disputes/": {"staff": 200},
    "/complaints/firms/": {"staff": 200},
    "/complaints/rules/": {"staff": 200},
    "/complaints/statistics/": {"staff": 200},
}


@pytest.mark.parametrize("path", sorted(OFFICE_PAGES))
@pytest.mark.parametrize("actor", sorted(VISIBLE))
def test_office_pages(world, actor, path):
    expected = OFFICE_PAGES[path]
    status = expected.get(actor, expected["staff"] if actor in STAFF else 403)
    assert client_for(world["actors"][actor]).get(path).status_code == status


@pytest.mark.parametrize("actor", sorted(VISIBLE))
def test_firm_reply_and_answer(world, actor):
    client = client_for(world["actors"][actor])
    case = world["cases"]["hs_complaint"]
    reply = client.post("/complaints/my/reply/", {"text": "我们会改进"})
    assert reply.status_code == (302 if actor.startswith("firm") else 403)
    answer = client.post(
        f"/complaints/my/{case.pk}/answer/", {"settled": "1", "reply": "已和解", "on": "2026-03-03"}
    )
    # the complaint is not in the firm's ODR window: its own firm is refused on the page (400)
    expected = 400 if actor == "firm" else (404 if actor == "firm_yz" else 403)
    assert answer.status_code == expected
    if actor == "firm":
        assert "该投诉不在企业先行处理阶段" in answer.content.decode()


@pytest.mark.parametrize("actor", ["admin", "haishu", "yinzhou", "firm"])
def test_unmask_is_for_the_handler_only(world, actor):
    from zhijian.complaints.services import handling

    case = handling.accept_case(actor=world["actors"]["haishu"], case=world["cases"]["hs_complaint"], on=ON)
    response = client_for(world["actors"][actor]).post(f"/complaints/cases/{case.pk}/unmask/")
    expected = {"admin": 302, "haishu": 200, "yinzhou": 404, "firm": 403}[actor]
    assert response.status_code == expected
    assert ("13812341234" in response.content.decode()) == (actor == "haishu")


@pytest.mark.parametrize(("actor", "status"), [("admin", 200), ("haishu", 200), ("firm", 403), ("lab", 403)])
def test_figures_api(world, actor, status):
    response = api_for(world["actors"][actor]).get(
        "/api/v1/complaints/figures?start=2026-01-01&end=2026-12-31"
    )
    assert response.status_code == status


def test_a_district_asking_for_another_districts_figures_gets_404(world):
    response = api_for(world["actors"]["haishu"]).get(
        "/api/v1/complaints/figures?start=2026-01-01&end=2026-12-31&jurisdiction=330212"
    )
    assert response.status_code == 404


def test_only_the_administrator_confirms_rules_on_the_page(world):
    check = RuleCheck.objects.first()
    client_for(world["actors"]["haishu"]).post(
        "/complaints/rules/", {"check": check.pk, "checked_against": "x"}
    )
    check.refresh_from_db()
    assert check.confirmed_on is None
    client_for(world["actors"]["admin"]).post(
        "/complaints/rules/", {"check": check.pk, "checked_against": "正式文本"}
    )
    check.refresh_from_db()
    assert check.confirmed_on is not None


def test_the_anonymous_public(world):
    client = Client()
    case = world["cases"]["hs_complaint"]
    for path in [
        "/complaints/",
        "/complaints/cases/",
        f"/complaints/cases/{case.pk}/",
        "/complaints/my/",
        "/complaints/statistics/",
        "/complaints/cases/export.xlsx",
    ]:
        assert client.get(path).status_code == 302, path
    assert client.post(f"/complaints/cases/{case.pk}/accept/").status_code == 302
    assert client.get("/api/v1/complaints/cases").status_code == 401
    assert client.get(f"/api/v1/complaints/cases/{case.code}").status_code == 401
    assert client.get("/api/v1/complaints/figures?start=2026-01-01&end=2026-12-31").status_code == 401
    for path in [
        "/public/complaints/",
        "/public/complaints/track/",
        "/public/complaints/disclosure/",
        "/public/complaints/respondents/?q=鼓楼",
    ]:
        assert client.get(path).status_code == 200, path
    assert client.get("/api/v1/complaints/disclosure").status_code == 200
    assert client.get("/public/complaints/disclosure/91330200000000000X/").status_code == 404
    assert client.get("/api/v1/complaints/disclosure/91330200000000000X").status_code == 404


COVERED = {
    "complaints:home",
    "complaints:case_list",
    "complaints:case_export",
    "complaints:case_new",
    "complaints:case_detail",
    "complaints:case_unmask",
    "complaints:case_action",
    "complaints:import",
    "complaints:clusters",
    "complaints:disputes",
    "complaints:enrolments",
    "complaints:rules",
    "complaints:statistics",
    "complaints:firm_cases",
    "complaints:firm_reply",
    "complaints:firm_case",
    "complaints:firm_answer",
    "complaints_public:file",
    "complaints_public:track",
    "complaints_public:respondents",
    "complaints_public:disclosure",
    "complaints_public:disclosure_firm",
}
COVERED_API = {
    "/cases",
    "/cases/{code}",
    "/cases/{code}/duplicates",
    "/cases/{code}/accept",
    "/cases/{code}/close",
    "/filings",
    "/figures",
    "/disclosure",
    "/disclosure/{uscc}",
}


def test_every_url_is_in_the_matrix():
    from zhijian.complaints.api import router

    names = set()
    for namespace in ("complaints", "complaints_public"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names |= {f"{namespace}:{p.name}" for p in resolver.url_patterns}
    assert names == COVERED
    assert {path for path in router.path_operations} == COVERED_API

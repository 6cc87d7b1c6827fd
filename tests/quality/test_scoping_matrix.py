"""Who may open what in quality infrastructure: every page and API path, every role.

Two districts (海曙, 鄞州), each with an enrolment, a service request, a progress report and a library
entry; two laboratories (L1 serves the 海曙 request, L2 the 鄞州 one); a firm in each district. A
district sees only its own enrolments, reports, entries and its firms' requests; a laboratory only its
own requests; a firm only its own; out-of-scope objects answer 404, pages of another role 403.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD
from tests.quality.conftest import SYSTEM, enrol
from zhijian.core.tokens import issue_token
from zhijian.quality import services

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def api_for(user):
    token, _ = issue_token(user)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def world(campaign, firms, standards, labs, users, firm_users):
    today = timezone.localdate()
    enrolments = {
        "haishu": enrol(users["haishu"], campaign, firms["haishu"], standards),
        "yinzhou": enrol(users["yinzhou"], campaign, firms["yinzhou"], standards),
    }
    for e in enrolments.values():
        services.review_enrolment(actor=users["admin"], enrolment=e, approve=True)
    requests = {
        "haishu": services.request_service(
            actor=users["haishu"],
            capability=labs["L1"]["capability"],
            product="深沟球轴承",
            enrolment=enrolments["haishu"],
        ),
        "yinzhou": services.request_service(
            actor=firm_users["yinzhou"], capability=labs["L2"]["capability"], product="深沟球轴承"
        ),
    }
    year, period = (today.year, "half") if today.month >= 7 else (today.year - 1, "annual")
    reports = {
        key: services.generate_report(actor=users[key], year=year, period=period)
        for key in ("haishu", "yinzhou")
    }
    entries = {
        key: services.nominate_firm(actor=users[key], library="quality_award", uscc=firms[key].uscc)
        for key in ("haishu", "yinzhou")
    }
    actors = {
        **{k: users[k] for k in ("admin", "department", "haishu", "yinzhou", "inspector")},
        "lab_L1": labs["L1"]["user"],
        "lab_L2": labs["L2"]["user"],
        "ent_haishu": firm_users["haishu"],
        "ent_yinzhou": firm_users["yinzhou"],
    }
    return {
        "enrolments": enrolments,
        "requests": requests,
        "reports": reports,
        "entries": entries,
        "actors": actors,
        "labs": labs,
        "campaign": campaign,
        "period": (year, period),
        "today": today,
    }


CITY = {"haishu", "yinzhou"}
# which district's object each actor may see, per kind; pages of a kind another role may not open: 403
ENROLMENT_PAGE = {
    "admin": CITY,
    "department": CITY,
    "haishu": {"haishu"},
    "yinzhou": {"yinzhou"},
    "inspector": {"haishu"},
    "lab_L1": 403,
    "lab_L2": 403,
    "ent_haishu": 403,
    "ent_yinzhou": 403,
}
ENROLMENT_API = {
    **ENROLMENT_PAGE,
    "lab_L1": set(),
    "lab_L2": set(),
    "ent_haishu": {"haishu"},
    "ent_yinzhou": {"yinzhou"},
}
REQUEST = {
    "admin": CITY,
    "department": CITY,
    "haishu": {"haishu"},
    "yinzhou": {"yinzhou"},
    "inspector": {"haishu"},
    "lab_L1": {"haishu"},
    "lab_L2": {"yinzhou"},
    "ent_haishu": {"haishu"},
    "ent_yinzhou": {"yinzhou"},
}
REPORT = ENROLMENT_PAGE
ENTRY_PAGE = ENROLMENT_PAGE
ENTRY_API = ENROLMENT_API


def _check(client, url, allowed, name):
    status = client.get(url).status_code
    if allowed == 403:
        assert status == 403, (url, status)
    else:
        assert status == (200 if name in allowed else 404), (url, status, name)


@pytest.mark.parametrize("actor", sorted(ENROLMENT_PAGE))
def test_objects_pages_and_api(world, actor):
    user = world["actors"][actor]
    client, api = client_for(user), api_for(user)
    for name in CITY:
        e, r = world["enrolments"][name], world["requests"][name]
        report, entry = world["reports"][name], world["entries"][name]
        _check(client, f"/quality/enrolments/{e.pk}/", ENROLMENT_PAGE[actor], name)
        _check(
            api,
            f"/api/v1/quality/enrolments/{e.pk}",
            ENROLMENT_API[actor] if ENROLMENT_API[actor] != 403 else 403,
            name,
        )
        _check(client, f"/quality/requests/{r.pk}/", REQUEST[actor], name)
        _check(api, f"/api/v1/quality/requests/{r.pk}", REQUEST[actor], name)
        _check(client, f"/quality/reports/{report.pk}/", REPORT[actor], name)
        _check(client, f"/quality/reports/{report.pk}/file.xlsx", REPORT[actor], name)
        _check(client, f"/quality/reports/{report.pk}/file.pdf", REPORT[actor], name)
        _check(api, f"/api/v1/quality/reports/{report.pk}", REPORT[actor], name)
        _check(client, f"/quality/libraries/{entry.pk}/", ENTRY_PAGE[actor], name)
        _check(api, f"/api/v1/quality/libraries/{entry.pk}", ENTRY_API[actor], name)


@pytest.mark.parametrize("actor", sorted(ENROLMENT_PAGE))
def test_lists_show_only_what_is_in_scope(world, actor):
    user = world["actors"][actor]
    client, api = client_for(user), api_for(user)
    listed = {i["id"] for i in api.get("/api/v1/quality/enrolments").json()}
    expected = ENROLMENT_API[actor]
    assert listed == ({world["enrolments"][n].pk for n in expected} if expected != 403 else set())
    requests = {i["number"] for i in api.get("/api/v1/quality/requests").json()}
    assert requests == {world["requests"][n].number for n in REQUEST[actor]}
    page = client.get("/quality/requests/").content.decode()
    for name in CITY:
        assert (world["requests"][name].number in page) == (name in REQUEST[actor])
    entries = api.get("/api/v1/quality/libraries").json()
    assert {i["id"] for i in entries} == (
        {world["entries"][n].pk for n in ENTRY_API[actor]} if ENTRY_API[actor] != 403 else set()
    )
    if ENROLMENT_PAGE[actor] != 403:
        campaign_page = client.get("/quality/").content.decode()
        for name in CITY:
            assert (world["enrolments"][name].entity_name in campaign_page) == (name in ENROLMENT_PAGE[actor])


# page → the roles that get 200 (others: 403; anonymous: redirect to login, or 200 for public pages)
STAFF = {"admin", "department", "haishu", "yinzhou", "inspector"}
ENTERPRISES = {"ent_haishu", "ent_yinzhou"}
LABS = {"lab_L1", "lab_L2"}
PAGES = {
    "/quality/": STAFF,
    "/quality/standards/import/": {"admin", "department"},
    "/quality/reports/": STAFF,
    "/quality/libraries/": STAFF,
    "/quality/services/": STAFF | ENTERPRISES,
    "/quality/services/analysis/": {"admin", "department"},
    "/quality/requests/": STAFF | ENTERPRISES | LABS,
    "/quality/mine/": ENTERPRISES,
    "/quality/campaigns/{year}/enrol/": {"admin", "department", "haishu", "yinzhou"},
    "/quality/reports/summary/{year}/{period}.xlsx": {"admin", "department"},
    "/quality/reports/summary/{year}/{period}.pdf": {"admin", "department"},
}
PUBLIC_PAGES = [
    "/public/quality/",
    "/quality/standards/",
    "/api/v1/quality/standards",
    "/api/v1/quality/capabilities",
    "/api/v1/quality/benchmark",
]


@pytest.mark.parametrize("template", sorted(PAGES))
def test_pages_by_role(world, template):
    year, period = world["period"]
    url = template.format(year=world["campaign"].year if "enrol" in template else year, period=period)
    for actor, user in world["actors"].items():
        status = client_for(user).get(url).status_code
        assert status == (200 if actor in PAGES[template] else 403), (url, actor, status)
    assert Client().get(url).status_code == 302


def test_public_pages_and_api_need_no_login(world):
    for url in PUBLIC_PAGES:
        assert Client().get(url).status_code == 200, url
    assert (
        Client().get(f"/quality/standards/{world['enrolments']['haishu'].compared_standard_id}/").status_code
        == 200
    )
    assert Client().get(f"/api/v1/quality/enrolments/{world['enrolments']['haishu'].pk}").status_code == 401
    assert Client().get("/api/v1/quality/requests").status_code == 401


def test_provider_pages(world):
    l1, l2 = world["labs"]["L1"]["provider"], world["labs"]["L2"]["provider"]
    lab1 = client_for(world["actors"]["lab_L1"])
    assert lab1.get(f"/quality/services/providers/{l1.pk}/").status_code == 200
    assert lab1.get(f"/quality/services/providers/{l2.pk}/").status_code == 404
    assert (
        client_for(world["actors"]["ent_haishu"]).get(f"/quality/services/providers/{l2.pk}/").status_code
        == 200
    )
    assert 'id="capability-form"' in lab1.get(f"/quality/services/providers/{l1.pk}/").content.decode()
    assert (
        'id="capability-form"'
        not in client_for(world["actors"]["haishu"])
        .get(f"/quality/services/providers/{l1.pk}/")
        .content.decode()
    )


def test_changes_out_of_scope_answer_404_or_403(world):
    actors, requests, enrolments = world["actors"], world["requests"], world["enrolments"]
    # a laboratory cannot quote another laboratory's request
    assert (
        client_for(actors["lab_L2"])
        .post(f"/quality/requests/{requests['haishu'].pk}/quote/", {"price": "1", "days": "1"})
        .status_code
        == 404
    )
    assert (
        api_for(actors["lab_L2"])
        .post(
            f"/api/v1/quality/requests/{requests['haishu'].pk}/quote",
            {"price": "1", "days": 1},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    # a district cannot record the plan of another district's enrolment
    assert (
        client_for(actors["yinzhou"])
        .post(
            f"/quality/enrolments/{enrolments['haishu'].pk}/plan/",
            {"plan_no": "X", "uploaded_on": "2026-01-01"},
        )
        .status_code
        == 404
    )
    # a firm cannot quote, a district cannot review
    assert (
        client_for(actors["ent_haishu"])
        .post(f"/quality/requests/{requests['haishu'].pk}/quote/", {})
        .status_code
        == 403
    )
    assert (
        client_for(actors["haishu"])
        .post(f"/quality/enrolments/{enrolments['haishu'].pk}/review/", {"decision": "approve"})
        .status_code
        == 403
    )
    assert (
        api_for(actors["haishu"])
        .post(
            f"/api/v1/quality/enrolments/{enrolments['haishu'].pk}/review",
            {"approve": True},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    # a district cannot submit another district's report
    assert (
        client_for(actors["yinzhou"])
        .post(f"/quality/reports/{world['reports']['haishu'].pk}/review/")
        .status_code
        == 404
    )
    # the firm of 鄞州 cannot book 海曙's request even when it is quoted
    services.quote_request(actor=actors["lab_L1"], request=requests["haishu"], price=Decimal("100"), days=3)
    day = (world["today"] + dt.timedelta(days=2)).isoformat()
    assert (
        api_for(actors["ent_yinzhou"])
        .post(
            f"/api/v1/quality/requests/{requests['haishu'].pk}/book",
            {"sample_on": day},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    assert SYSTEM


def test_the_enterprise_sees_its_enrolments_library_status_and_requests(world):
    own = client_for(world["actors"]["ent_haishu"]).get("/quality/mine/").content.decode()
    assert "深沟球轴承" in own and "政府质量奖培育库" in own
    assert world["requests"]["haishu"].number in own
    assert world["requests"]["yinzhou"].number not in own
    other = client_for(world["actors"]["ent_yinzhou"]).get("/quality/mine/").content.decode()
    assert world["requests"]["haishu"].number not in other and world["requests"]["yinzhou"].number in other


@pytest.mark.parametrize("actor", sorted(ENROLMENT_PAGE))
def test_campaign_api_shows_a_district_its_own_quota_line(world, actor):
    answer = api_for(world["actors"][actor]).get(f"/api/v1/quality/campaigns/{world['campaign'].year}")
    if ENROLMENT_PAGE[actor] == 403:
        assert answer.status_code == 403
        return
    codes = {q["code"] for q in answer.json()["quotas"]}
    expected = {"admin": 15, "department": 15}.get(actor, 1)
    assert len(codes) == expected
    if expected == 1:
        assert codes == {"330212" if actor == "yinzhou" else "330203"}


def test_write_api_paths_respect_the_district(world, firms, standards):
    body = {
        "year": world["campaign"].year,
        "uscc": firms["yinzhou"].uscc,
        "product_name": "圆锥滚子轴承",
        "executed_standard": "GB/T 307.1-2017",
        "compared_standard": "ISO 492:2014",
    }
    refused = api_for(world["actors"]["haishu"]).post(
        "/api/v1/quality/enrolments", body, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    made = api_for(world["actors"]["yinzhou"]).post(
        "/api/v1/quality/enrolments", body, content_type="application/json"
    )
    assert made.status_code == 200 and made.json()["jurisdiction"] == "330212"
    assert (
        api_for(world["actors"]["lab_L1"])
        .post("/api/v1/quality/enrolments", body, content_type="application/json")
        .status_code
        == 403
    )
    bad = api_for(world["actors"]["yinzhou"]).post(
        "/api/v1/quality/enrolments",
        {**body, "compared_standard": "ISO 492"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_standard_number"
    # a firm requests for itself only
    other = api_for(world["actors"]["ent_haishu"]).post(
        "/api/v1/quality/requests",
        {
            "capability_id": world["labs"]["L1"]["capability"].pk,
            "product": "轴承",
            "uscc": firms["yinzhou"].uscc,
        },
        content_type="application/json",
    )
    assert other.status_code == 403

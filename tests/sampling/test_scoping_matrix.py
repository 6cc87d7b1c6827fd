"""Who may read what in sampling, for every endpoint and role, the laboratory role included.

Two laboratories, two districts: a 海曙 sample tested by T1 fails; its producer is in 鄞州, so each
district has a case. A 鄞州 sample is tested by T2. Out-of-scope objects answer 404.
"""

import datetime as dt

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.sampling.conftest import CAKE_PASS, items_of
from zhijian.core.access import SystemActor
from zhijian.core.models import Role
from zhijian.core.tokens import issue_token
from zhijian.sampling import services
from zhijian.sampling.models import PostProcessingCase, SamplingTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(food_task, users, parties, lab_users, city, enterprise_user):
    yinzhou_task = SamplingTask.objects.create(
        plan=food_task.plan,
        category=food_task.category,
        stage="circulation",
        jurisdiction=city["330212"],
        laboratory=food_task.laboratory.__class__.objects.get(code="T2"),
        quota=5,
        due_on=dt.date(2026, 12, 1),
    )

    def sample(task, seller, actor, lab, values):
        made = services.register_sample(
            actor=actor,
            task=task,
            product_name="桃酥",
            sampled_on=dt.date(2026, 9, 1),
            seller=services.PartyIn(seller.name, seller.uscc),
            producer=services.PartyIn(parties["producer"].name, parties["producer"].uscc),
        )
        return services.record_results(
            actor=lab,
            sample=made,
            report_no=f"R{made.pk}",
            reported_on=dt.date(2026, 9, 20),
            received_on=dt.date(2026, 9, 2),
            items=items_of(made, **values),
        )

    haishu = sample(
        food_task, parties["seller"], users["haishu"], lab_users["T1"], {**CAKE_PASS, "sorbic": "1.9"}
    )
    yinzhou = sample(yinzhou_task, parties["yinzhou_shop"], users["yinzhou"], lab_users["T2"], CAKE_PASS)
    cases = {c.jurisdiction.code: c for c in PostProcessingCase.objects.filter(sample=haishu)}
    enterprise = UserFactory(
        username="t_ent_seller", role=Role.ENTERPRISE, entity_uscc=parties["seller"].uscc
    )
    actors = {**users, **{f"lab_{k}": v for k, v in lab_users.items()}, "enterprise": enterprise}
    return {"samples": {"haishu": haishu, "yinzhou": yinzhou}, "cases": cases, "actors": actors}


SAMPLE_VISIBLE = {
    "admin": {"haishu", "yinzhou"},
    "department": {"haishu", "yinzhou"},
    "haishu": {"haishu"},
    "haishu_office": {"haishu"},
    "inspector": {"haishu"},
    "yinzhou": {"yinzhou"},
    "lab_T1": {"haishu"},  # a laboratory sees its own samples only
    "lab_T2": {"yinzhou"},
    "lab_T3": set(),
    "enterprise": {"haishu"},  # the seller sees the sample taken from it
}
CASE_VISIBLE = {  # jurisdiction code of the cases each actor may see
    "admin": {"330203", "330212"},
    "department": {"330203", "330212"},
    "haishu": {"330203"},
    "haishu_office": {"330203"},
    "inspector": {"330203"},
    "yinzhou": {"330212"},  # the producer's district sees the producer's case, not the seller's
    "lab_T1": set(),
    "lab_T2": set(),
    "lab_T3": set(),
    "enterprise": {"330203"},  # its own case (the seller's)
}


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def api_for(user):
    token, _ = issue_token(user)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("actor", sorted(SAMPLE_VISIBLE))
def test_samples_pages_and_api(world, actor):
    user = world["actors"][actor]
    client, api = client_for(user), api_for(user)
    listed = client.get("/sampling/samples/").content.decode()
    api_listed = {i["sample_no"] for i in api.get("/api/v1/sampling/samples").json()["items"]}
    for name, sample in world["samples"].items():
        allowed = name in SAMPLE_VISIBLE[actor]
        assert client.get(f"/sampling/samples/{sample.sample_no}/").status_code == (
            200 if allowed else 404
        ), name
        assert api.get(f"/api/v1/sampling/samples/{sample.sample_no}").status_code == (
            200 if allowed else 404
        )
        assert (sample.sample_no in listed) == allowed
        assert (sample.sample_no in api_listed) == allowed


@pytest.mark.parametrize("actor", sorted(CASE_VISIBLE))
def test_cases_pages_and_api(world, actor):
    user = world["actors"][actor]
    client, api = client_for(user), api_for(user)
    listed = client.get("/sampling/cases/").content.decode()
    api_ids = {c["id"] for c in api.get("/api/v1/sampling/cases").json()["items"]}
    for code, case in world["cases"].items():
        allowed = code in CASE_VISIBLE[actor]
        assert client.get(f"/sampling/cases/{case.pk}/").status_code == (200 if allowed else 404), code
        assert api.get(f"/api/v1/sampling/cases/{case.pk}").status_code == (200 if allowed else 404)
        assert (f"/sampling/cases/{case.pk}/" in listed) == allowed
        assert (case.pk in api_ids) == allowed


@pytest.mark.parametrize(
    ("actor", "allowed"), [("haishu", True), ("yinzhou", False), ("admin", True), ("lab_T1", False)]
)
def test_only_the_cases_district_or_the_city_may_act_on_it(world, actor, allowed):
    case = world["cases"]["330203"]
    response = client_for(world["actors"][actor]).post(
        f"/sampling/cases/{case.pk}/measure/", {"m-kind": "removal", "m-taken_on": "2026-09-22"}
    )
    # a laboratory is refused by role (403), another district by scope (404)
    assert response.status_code == (302 if allowed else 403 if actor.startswith("lab") else 404)
    assert case.measures.exists() == allowed


@pytest.mark.parametrize(
    ("actor", "status"), [("lab_T1", 200), ("lab_T2", 404), ("haishu", 403), ("admin", 403)]
)
def test_only_the_samples_laboratory_gets_the_results_form(world, food_task, parties, actor, status):
    pending = services.register_sample(
        actor=SystemActor("cli"),
        task=food_task,
        product_name="蛋黄酥",
        sampled_on=dt.date(2026, 9, 1),
        seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
        producer=services.PartyIn(""),
    )
    response = client_for(world["actors"][actor]).get(f"/sampling/samples/{pending.sample_no}/results/")
    assert response.status_code == status


def test_a_reported_sample_has_no_results_form_any_more(world):
    sample = world["samples"]["haishu"]
    response = client_for(world["actors"]["lab_T1"]).get(f"/sampling/samples/{sample.sample_no}/results/")
    assert response.status_code == 302 and response.url.endswith(f"/sampling/samples/{sample.sample_no}/")


def test_a_laboratory_posting_results_for_another_labs_sample_gets_404(world):
    sample = world["samples"]["yinzhou"]
    response = api_for(world["actors"]["lab_T1"]).post(
        f"/api/v1/sampling/samples/{sample.sample_no}/results",
        {"report_no": "X", "reported_on": "2026-09-20", "items": [{"item": "过氧化值", "measured": "0.1"}]},
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("actor", "status"), [("admin", 200), ("haishu", 200), ("lab_T1", 403), ("enterprise", 403)]
)
def test_figures_api_permission(world, actor, status):
    response = api_for(world["actors"][actor]).get("/api/v1/sampling/figures?start=2026-01-01&end=2026-12-31")
    assert response.status_code == status


def test_a_district_asking_for_another_districts_figures_gets_404(world):
    response = api_for(world["actors"]["haishu"]).get(
        "/api/v1/sampling/figures?start=2026-01-01&end=2026-12-31&jurisdiction=330212"
    )
    assert response.status_code == 404


def test_the_public_sees_nothing_before_an_announcement_is_published(world):
    client = Client()
    sample = world["samples"]["haishu"]
    assert client.get(f"/sampling/samples/{sample.sample_no}/").status_code == 302  # login first
    assert client.get("/api/v1/sampling/samples").status_code == 401
    assert "暂无公告" in client.get("/public/sampling/").content.decode()
    assert client.get("/api/v1/sampling/announcements").json() == []

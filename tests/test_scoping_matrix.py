"""Who may read what, for every endpoint: pages, export, API. Out-of-scope objects answer 404."""

import io

import openpyxl
import pytest
from django.test import Client

from tests.factories import PASSWORD
from zhijian.core.access import SystemActor
from zhijian.core.models import Job
from zhijian.core.tokens import issue_token

pytestmark = pytest.mark.django_db

# actor -> which of the two entities it may see
VISIBLE = {
    "admin": {"haishu", "yinzhou"},
    "department": {"haishu", "yinzhou"},
    "haishu": {"haishu"},
    "haishu_office": {"haishu"},  # an office's staff see their whole district
    "inspector": {"haishu"},
    "yinzhou": {"yinzhou"},
    "enterprise": {"haishu"},  # bound to the 海曙 entity
}


@pytest.fixture
def actors(users, enterprise_user):
    return {**users, "enterprise": enterprise_user}


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def api_client_for(user):
    token, _ = issue_token(user)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("actor", sorted(VISIBLE))
@pytest.mark.parametrize("target", ["haishu", "yinzhou"])
def test_detail_page_and_api(actors, entities, actor, target):
    entity = entities[target]
    allowed = target in VISIBLE[actor]
    page = client_for(actors[actor]).get(f"/entities/{entity.uscc}/")
    assert page.status_code == (200 if allowed else 404)
    assert (entity.name in page.content.decode()) == allowed
    api = api_client_for(actors[actor]).get(f"/api/v1/entities/{entity.uscc}")
    assert api.status_code == (200 if allowed else 404)
    if not allowed:
        assert api.json()["code"] == "not_found"


@pytest.mark.parametrize("actor", sorted(set(VISIBLE) - {"enterprise"}))
def test_list_export_and_api_list(actors, entities, actor):
    client = client_for(actors[actor])
    listed = client.get("/entities/").content.decode()
    export = client.get("/entities/export.xlsx")
    assert export.status_code == 200
    exported = {
        row[0]
        for row in openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
    }
    api_items = {i["uscc"] for i in api_client_for(actors[actor]).get("/api/v1/entities").json()["items"]}
    for target, entity in entities.items():
        allowed = target in VISIBLE[actor]
        assert (entity.name in listed) == allowed
        assert (entity.uscc in exported) == allowed
        assert (entity.uscc in api_items) == allowed


def test_enterprise_sees_only_itself_everywhere(actors, entities):
    api_items = {
        i["uscc"] for i in api_client_for(actors["enterprise"]).get("/api/v1/entities").json()["items"]
    }
    assert api_items == {entities["haishu"].uscc}
    assert client_for(actors["enterprise"]).get("/").url.endswith(f"/entities/{entities['haishu'].uscc}/")


def test_anonymous_gets_login_or_401(entities):
    client = Client()
    for url in (
        "/",
        "/entities/",
        f"/entities/{entities['haishu'].uscc}/",
        "/entities/export.xlsx",
        "/entities/import/",
        "/admin-tools/calendar/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url
    assert client.get("/api/v1/entities").status_code == 401
    assert client.get("/api/v1/entities", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_public_register_shows_public_fields_only(entities):
    entity = entities["yinzhou"]
    entity.contact_phone = "0574-87654321"
    entity.save()
    client = Client()
    found = client.get("/public/register/", {"q": "瑞华"}).content.decode()
    found = found.replace("<mark>", "").replace("</mark>", "")  # the searched text is highlighted
    assert entity.name in found
    detail = client.get(f"/public/register/{entity.uscc}/")
    assert detail.status_code == 200
    assert entity.name in detail.content.decode() and "0574-87654321" not in detail.content.decode()
    assert f'href="/credit/report/{entity.uscc}/"' in detail.content.decode()  # its public credit report
    assert client.get(f"/credit/report/{entity.uscc}/").status_code == 200
    assert client.get("/public/register/91330200XXXXXXXXXX/").status_code == 404


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("admin", 200),
        ("department", 200),
        ("haishu", 200),
        ("inspector", 403),
        ("enterprise", 403),
    ],
)
def test_import_page_permission(actors, actor, status):
    assert client_for(actors[actor]).get("/entities/import/").status_code == status


@pytest.mark.parametrize(("actor", "status"), [("admin", 200), ("department", 403), ("haishu", 403)])
def test_calendar_page_only_for_the_city_administrator(actors, actor, status):
    assert client_for(actors[actor]).get("/admin-tools/calendar/").status_code == status


def test_a_job_is_visible_to_its_owner_only(actors):
    job = Job.objects.create(kind="registry.import", title="x", owner=actors["haishu"])
    assert client_for(actors["haishu"]).get(f"/jobs/{job.pk}/").status_code == 200
    assert client_for(actors["yinzhou"]).get(f"/jobs/{job.pk}/").status_code == 404


def test_inactive_user_is_treated_as_the_public(actors, entities):
    from zhijian.core.scoping import CHANGE, restrict
    from zhijian.registry.models import Entity, EntityTag

    user = actors["admin"]
    user.is_active = False
    assert not restrict(Entity.objects.all(), user, CHANGE).exists()
    assert not restrict(EntityTag.objects.all(), user).exists()  # tags are not public


# Proposals to enter the abnormal list (credit): officers of the entity's district and the city bureau
# see and decide them; inspectors and enterprises may not use the queue; out of scope answers 404.
PROPOSAL_OFFICERS = set(VISIBLE) - {"inspector", "enterprise"}


@pytest.fixture
def proposals(entities):
    import datetime as dt

    from django.utils import timezone

    from zhijian.credit import services
    from zhijian.credit.models import ListGround

    found_on = timezone.localdate() - dt.timedelta(days=3)
    return {
        target: services.propose_listing(
            actor=SystemActor("test"),
            entity=entity,
            ground=ListGround.UNREACHABLE,
            reason="双随机抽查发现：通过登记的住所（经营场所）无法联系",
            source="inspections",
            source_ref=f"inspections.inspection:{900 + n}",
            finding="通过登记的住所（经营场所）无法联系",
            found_on=found_on,
        )
        for n, (target, entity) in enumerate(sorted(entities.items()))
    }


@pytest.mark.parametrize("actor", sorted(VISIBLE))
def test_proposal_queue_page_and_api_list(actors, entities, proposals, actor):
    page = client_for(actors[actor]).get("/credit/proposals/")
    api = api_client_for(actors[actor]).get("/api/v1/credit/proposals")
    if actor not in PROPOSAL_OFFICERS:
        assert page.status_code == 403
        assert api.status_code == 403 and api.json()["code"] == "forbidden"
        return
    assert page.status_code == 200 and api.status_code == 200
    listed = {item["uscc"] for item in api.json()["items"]}
    for target, entity in entities.items():
        allowed = target in VISIBLE[actor]
        assert (entity.name in page.content.decode()) == allowed
        assert (entity.uscc in listed) == allowed


@pytest.mark.parametrize("actor", sorted(VISIBLE))
@pytest.mark.parametrize("target", ["haishu", "yinzhou"])
@pytest.mark.parametrize("decision", ["confirm", "reject"])
def test_proposal_decisions_page_and_api(actors, proposals, actor, target, decision):
    from zhijian.credit.models import ListingProposal

    proposal = proposals[target]
    allowed = actor in PROPOSAL_OFFICERS and target in VISIBLE[actor]
    form = {"entered_on": proposal.found_on.isoformat(), "decision_no": "甬异〔2026〕1号", "reason": "理由"}
    page = client_for(actors[actor]).post(f"/credit/proposals/{proposal.pk}/{decision}/", form)
    # outside the policy's roles: 403 whatever the row; an officer out of scope: 404 (existence not leaked)
    refused = 404 if actor in PROPOSAL_OFFICERS else 403
    assert page.status_code == (302 if allowed else refused)
    status = ListingProposal.objects.get(pk=proposal.pk).status
    assert status == ({"confirm": "confirmed", "reject": "rejected"}[decision] if allowed else "open")
    # the API answers the same: 404 out of scope; in scope, the decision already taken
    api = api_client_for(actors[actor]).post(
        f"/api/v1/credit/proposals/{proposal.pk}/{decision}",
        {"decision_no": "甬异〔2026〕1号", "reason": "理由"},
        content_type="application/json",
    )
    assert api.status_code == (400 if allowed else refused)
    assert api.json()["code"] == ("decided" if allowed else {404: "not_found", 403: "forbidden"}[refused])


def test_anonymous_gets_login_or_401_for_proposals(proposals):
    client = Client()
    response = client.get("/credit/proposals/")
    assert response.status_code == 302 and "/login/" in response.url
    assert client.get("/api/v1/credit/proposals").status_code == 401
    proposal = proposals["haishu"]
    assert client.post(f"/api/v1/credit/proposals/{proposal.pk}/reject", {}).status_code == 401

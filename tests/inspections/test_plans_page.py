"""The annual plans (年度抽查计划) on the shared pager; a refused plan keeps what was typed."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD
from zhijian.inspections.models import Plan

from .factories import plan_for

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_plans_list_counts_sorts_and_is_scoped(staff, city):
    plan_for(staff["haishu"], city["330203"], year=2025)
    plan_for(staff["haishu"], city["330203"], year=2026)
    plan_for(staff["yinzhou"], city["330212"], year=2026)
    client = client_for(staff["haishu"])
    assert 'href="/inspections/plans/"' in client.get("/inspections/").content.decode()
    page = client.get("/inspections/plans/", {"sort": "year"}).content.decode()
    assert (
        "共 2 条" in page
        and 'aria-sort="ascending"' in page
        and "鄞州" not in page.split('id="plans"')[1].split("</table>")[0]
    )
    assert page.index("2025年度双随机抽查计划") < page.index("2026年度双随机抽查计划")
    assert client.get("/inspections/plans/", {"sort": "note"}).status_code == 400


def test_a_refused_plan_comes_back_with_what_was_typed(staff, city):
    client = client_for(staff["haishu"])
    response = client.post(
        "/inspections/plans/new/",
        {"year": "1999", "title": "2026年海曙区食品经营者抽查计划", "jurisdiction": city["330203"].pk},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        'value="2026年海曙区食品经营者抽查计划"' in page
        and 'value="1999"' in page
        and 'aria-invalid="true"' in page
    )
    assert not Plan.objects.exists()
    done = client.post(
        "/inspections/plans/new/",
        {"year": "2026", "title": "2026年海曙区食品经营者抽查计划", "jurisdiction": city["330203"].pk},
    )
    assert done.status_code == 302 and Plan.objects.count() == 1

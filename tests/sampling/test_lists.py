"""The plans and announcement lists of sampling, office and public, are on the shared pager."""

import datetime as dt

import pytest
from django.test import Client

from tests.factories import PASSWORD
from zhijian.sampling.models import Announcement

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def announcements(city):
    rows = []
    for n in range(1, 4):
        rows.append(
            Announcement.objects.create(
                kind="food",
                title=f"2026年第{n}期食品安全监督抽检信息公告",
                issue=f"2026-{n:02d}",
                period_start=dt.date(2026, n, 1),
                period_end=dt.date(2026, n, 28),
                jurisdiction=city["330203"],
                published=n < 3,
                published_on=dt.date(2026, n + 1, 5) if n < 3 else None,
            )
        )
    return rows


def test_the_public_announcements_count_sort_and_page(announcements):
    client = Client()
    page = client.get("/public/sampling/", {"sort": "published_on"}).content.decode()
    assert "共 2 条" in page and 'aria-sort="ascending"' in page
    assert page.index("第1期") < page.index("第2期") and "第3期" not in page
    assert client.get("/public/sampling/", {"size": "7"}).status_code == 400
    detail = client.get(f"/public/sampling/{announcements[0].pk}/").content.decode()
    assert "共 0 条" in detail


def test_the_office_lists_count_and_sort(users, announcements, food_task):
    client = login(users["admin"])
    page = client.get("/sampling/announcements/", {"sort": "-issue"}).content.decode()
    assert "共 3 条" in page and 'aria-sort="descending"' in page
    assert page.index("第3期") < page.index("第1期")
    plans = client.get("/sampling/plans/", {"year": "2026", "sort": "title"}).content.decode()
    assert "共 1 条" in plans and "测试监督抽检计划" in plans and "year=2026" in plans

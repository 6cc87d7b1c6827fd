"""Counts kept a few seconds per user (core/summaries.py): never another user's, never longer than 30 s,
and the page says when they were counted."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory
from zhijian.core import summaries
from zhijian.core.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings):
    settings.SUMMARY_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute, calls


def test_off_counts_every_time(settings, city):
    settings.SUMMARY_CACHE_SECONDS = 0
    user = UserFactory(username="s_off", role=Role.CITY_ADMIN)
    compute, calls = _counter()
    assert summaries.kept_for_user(user, "n", compute) == (1, None)
    assert summaries.kept_for_user(user, "n", compute) == (2, None)


def test_kept_per_user_and_scope_and_version(kept, city):
    one = UserFactory(username="s_one", role=Role.DISTRICT, jurisdiction=city["330203"])
    two = UserFactory(username="s_two", role=Role.DISTRICT, jurisdiction=city["330203"])
    compute, calls = _counter()
    first, counted_at = summaries.kept_for_user(one, "n", compute)
    assert first == 1 and counted_at is not None
    assert summaries.kept_for_user(one, "n", compute) == (1, counted_at)  # kept
    assert summaries.kept_for_user(two, "n", compute)[0] == 2  # never another user's
    assert summaries.kept_for_user(one, "n", compute, version=7)[0] == 3  # a new version counts afresh
    one.jurisdiction = city["330212"]
    assert summaries.kept_for_user(one, "n", compute)[0] == 4  # so does another scope
    assert len(calls) == 4


def test_never_longer_than_thirty_seconds(settings):
    settings.SUMMARY_CACHE_SECONDS = 3600
    assert summaries.summary_seconds() == 30


def test_the_workbench_says_when_it_counted_and_keeps_each_users_own(kept, city, monkeypatch):
    from zhijian.core import views
    from zhijian.core.hooks import Todo

    admin = UserFactory(username="s_admin", role=Role.CITY_ADMIN)
    district = UserFactory(username="s_district", role=Role.DISTRICT, jurisdiction=city["330203"])
    waiting = {admin.pk: 5, district.pk: 2}
    monkeypatch.setattr(views, "todos_for", lambda user: [Todo("测试", "待办", waiting[user.pk], "/")])
    pages = {}
    for user in (admin, district):
        client = Client()
        client.force_login(user)
        pages[user.pk] = client
    first = pages[admin.pk].get("/").content.decode()
    assert "统计于" in first and "30 秒内" in first and "<td>5</td>" in first
    waiting[admin.pk] = 6
    assert "<td>5</td>" in pages[admin.pk].get("/").content.decode()  # kept
    assert "<td>2</td>" in pages[district.pk].get("/").content.decode()  # each user's own
    cache.clear()
    assert "<td>6</td>" in pages[admin.pk].get("/").content.decode()

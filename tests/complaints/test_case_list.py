"""The case list is on the shared pager: total, a whitelisted sort, the officer's own units as filter."""

import datetime as dt

import pytest

from tests.complaints.conftest import file

pytestmark = pytest.mark.django_db


def test_the_case_list_counts_sorts_and_keeps_the_filter_to_what_the_user_sees(client, users, firms):
    older = file(dt.date(2026, 11, 2))
    newer = file(dt.date(2026, 11, 16))
    client.force_login(users["admin"])
    page = client.get("/complaints/cases/?sort=received_on").content.decode()
    assert "共 2 条" in page and page.index(older.code) < page.index(newer.code)
    default = client.get("/complaints/cases/").content.decode()
    assert default.index(newer.code) < default.index(older.code)  # newest first by default
    assert 'name="jurisdiction"' in page  # the city chooses among the units
    assert client.get("/complaints/cases/?sort=person_phone").status_code == 400
    client.force_login(users["yinzhou"])
    other = client.get("/complaints/cases/").content.decode()
    assert "共 0 条" in other and 'name="jurisdiction"' not in other  # 海曙's cases stay out of 鄞州's list

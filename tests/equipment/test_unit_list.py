"""The unit list is on the shared pager: total, sortable columns from a whitelist, the user's districts only."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_unit_list_counts_sorts_and_offers_only_the_users_districts(client, accounts, units):
    client.force_login(accounts["admin"])
    page = client.get("/equipment/units/?sort=-code").content.decode()
    assert "共 3 条" in page
    order = [page.index(u.code) for u in (units["school"], units["flats"], units["mall"])]
    assert order == sorted(order)  # codes descending
    assert 'name="district"' in page  # the city sees a district filter
    assert client.get("/equipment/units/?sort=user_unit_uscc").status_code == 400  # not a whitelisted sort
    client.force_login(accounts["haishu"])
    own = client.get("/equipment/units/").content.decode()
    assert "共 2 条" in own and units["school"].code not in own
    assert 'name="district"' not in own  # one district: nothing to choose


def test_a_search_highlights_the_user_unit(client, accounts, units):
    client.force_login(accounts["admin"])
    page = client.get("/equipment/units/?q=天一商场").content.decode()
    assert "共 1 条" in page and "<mark>天一商场</mark>" in page

"""A district compares its grassroots offices (市场监管所) on the sampling page, with a totals row."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from tests.factories import PASSWORD
from zhijian.sampling import services


def test_district_page_charts_its_offices_and_totals(food_task, users, parties, city):
    seller = parties["seller"]
    seller.office = city["33020301"]
    seller.save(update_fields=["office"])
    for n in range(2):
        services.register_sample(
            actor=users["haishu"],
            task=food_task,
            product_name=f"糕点{n}",
            sampled_on=dt.date(2026, 9, 1),
            seller=services.PartyIn(seller.name, seller.uscc),
            producer=services.PartyIn(parties["producer"].name, parties["producer"].uscc),
        )
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    page = client.get("/sampling/", {"year": 2026}).content.decode()
    table = page[page.index('id="by-office"') :]
    assert city["33020301"].name in table and 'class="totals"' in table
    assert 'data-chart="office-chart-data"' in page and 'id="office-chart-data"' in page
    city_page = Client()
    city_page.login(username=users["admin"].username, password=PASSWORD)
    assert 'id="by-office"' not in city_page.get("/sampling/", {"year": 2026}).content.decode()

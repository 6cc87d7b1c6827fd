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


def test_the_sample_queue_opens_with_the_overdue_first(food_task, users, parties):
    today = dt.date.today()
    made = {}
    for label, days in (("逾期样品", 60), ("新样品", 1)):
        made[label] = services.register_sample(
            actor=users["haishu"],
            task=food_task,
            product_name=label,
            sampled_on=today - dt.timedelta(days=days),
            seller=services.PartyIn(parties["seller"].name, parties["seller"].uscc),
            producer=services.PartyIn(parties["producer"].name, parties["producer"].uscc),
        )
    client = Client()
    client.login(username=users["haishu"].username, password=PASSWORD)
    page = client.get("/sampling/samples/").content.decode()
    assert page.index("逾期样品") < page.index("新样品") and 'class="overdue"' in page
    assert "共 2 条" in page
    newest = client.get("/sampling/samples/", {"sort": "-sampled_on"}).content.decode()
    assert newest.index("新样品") < newest.index("逾期样品")

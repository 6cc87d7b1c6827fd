"""Issue 15 item 5: penalty measures stored as JSON arrays (never a JSON string of one), the repair of
rows the demo stored double-encoded, and district staff seeing only their district's figures."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from tests.credit.conftest import AS_OF
from tests.factories import PASSWORD
from zhijian.core.access import SystemActor
from zhijian.credit import services
from zhijian.credit.classify import rescore_all
from zhijian.credit.models import CreditRecord
from zhijian.demo.credit import loader as demo
from zhijian.demo.generator import EntityGenerator, write_csv
from zhijian.registry.importing import import_entities

pytestmark = pytest.mark.django_db

repair_migration = importlib.import_module("zhijian.credit.migrations.0007_repair_double_encoded_measures")


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_demo_stores_penalty_measures_as_lists(city, tmp_path):
    # given a small register and the credit demo loaded on it
    path = tmp_path / "register.csv"
    write_csv(path, list(EntityGenerator(2025, 400, today=AS_OF).rows()))
    assert import_entities(path, actor=SystemActor("test"), parallel=False).ok
    demo.load(seed=2025, scale="demo", console=None, as_of=AS_OF)
    # then every penalty's measures is a list of measure codes, and the report shows their names
    penalties = list(CreditRecord.objects.filter(kind="penalty", source="demo"))
    assert penalties
    for record in penalties:
        assert isinstance(record.measures, list), record.measures
        assert record.measures and all(re.fullmatch(r"[a-z_]+", m) for m in record.measures)
    published = next(r for r in penalties if r.publicity == "published")
    page = Client().get(f"/credit/report/{published.entity.uscc}/").content.decode()
    assert "、&quot;、" not in page and '、"、' not in page
    assert published.measure_labels()[0] in page


def _double_encoded(entity) -> CreditRecord:
    """A penalty stored the way the old demo loader stored it: a JSON string holding the array."""
    record = services.record_penalty(
        actor=SystemActor("test"),
        entity=entity,
        measures=["fine"],
        title="销售不合格产品",
        occurred_on=dt.date(2026, 9, 1),
    )
    CreditRecord.objects.filter(pk=record.pk).update(measures='["fine"]')  # a str: encoded as a JSON string
    record.refresh_from_db()
    return record


def test_the_migration_decodes_double_encoded_measures_and_leaves_the_rest(entities):
    # given one double-encoded row, one healthy row and one string that is no array
    broken = _double_encoded(entities["yinzhou"])
    assert broken.measures == '["fine"]'  # what the public report spelled out character by character
    healthy = services.record_penalty(
        actor=SystemActor("test"), entity=entities["haishu"], measures=["warning", "fine"], title="虚假宣传",
        occurred_on=dt.date(2026, 9, 2),
    )  # fmt: skip
    odd = services.record_credit_record(
        actor=SystemActor("test"), entity=entities["haishu"], kind="complaint", severity="general", title="投诉",
        occurred_on=dt.date(2026, 9, 3), source="complaints", public=False,
    )  # fmt: skip
    CreditRecord.objects.filter(pk=odd.pk).update(measures="not json")
    # when the data migration runs
    repair_migration.repair(apps, SimpleNamespace(connection=connection))
    # then the broken row holds the list, the others are unchanged
    assert CreditRecord.objects.get(pk=broken.pk).measures == ["fine"]
    assert CreditRecord.objects.get(pk=healthy.pk).measures == ["warning", "fine"]
    assert CreditRecord.objects.get(pk=odd.pk).measures == "not json"
    # and running it again changes nothing
    repair_migration.repair(apps, SimpleNamespace(connection=connection))
    assert CreditRecord.objects.get(pk=broken.pk).measures == ["fine"]


def test_the_public_report_names_the_measures_after_the_repair(entities):
    _double_encoded(entities["yinzhou"])
    repair_migration.repair(apps, SimpleNamespace(connection=connection))
    page = Client().get(f"/credit/report/{entities['yinzhou'].uscc}/").content.decode()
    assert '<div class="muted">罚款</div>' in page


def test_district_staff_see_no_city_wide_batch_figures_on_the_credit_page(users, entities):
    # given a city-wide batch over both districts
    run = rescore_all(actor=SystemActor("test"))
    assert run.entities == 2
    # when a 海曙 officer opens the credit page
    page = _client(users["haishu"]).get("/credit/")
    html = page.content.decode()
    # then the distribution holds 海曙 only and the batch table shows no city-wide count
    assert [r["id"] for r in page.context["rows"]] == [entities["haishu"].jurisdiction_id]
    assert page.context["total"] == 1
    runs = html.split('id="runs"', 1)[1].split("</table>", 1)[0]
    assert "<th>主体数</th>" not in runs and "<th>变化</th>" not in runs
    assert f"<td>{run.entities}</td><td>{run.changed}</td>" not in runs
    # while the city's administrator sees the batch's size
    admin = _client(users["admin"]).get("/credit/").content.decode()
    runs = admin.split('id="runs"', 1)[1].split("</table>", 1)[0]
    assert "<th>主体数</th>" in runs and f"<td>{run.entities}</td><td>{run.changed}</td>" in runs

"""What the app offers through core's AppConfig hooks: the draw's provider, the cockpit figure, to-dos."""

from __future__ import annotations

import datetime as dt

import pytest

from zhijian.core.access import SystemActor
from zhijian.core.hooks import indicator_sources, provider, providers_named, todos_for
from zhijian.equipment import services
from zhijian.equipment.services.devices import MessageIn

CLI = SystemActor("cli")

pytestmark = pytest.mark.django_db


def test_the_draw_finds_the_eligible_objects_without_importing_equipment(units):
    services.compute_risk(actor=CLI)
    found = providers_named("inspections.eligible.")
    assert len(found) == 1
    objects = found[0](on=dt.date(2026, 6, 1))
    assert {o.stratum for o in objects} == {"equipment_key", "equipment_normal"}
    assert provider("inspections.eligible.special_equipment") is found[0]


def test_the_cockpit_gets_the_accident_rate(units, accounts):
    from zhijian.core.models import Jurisdiction
    from zhijian.indicators.services.computing import compute

    source = indicator_sources()["s001.t21.r24"]
    services.record_accident(
        actor=accounts["admin"],
        unit=units["mall"],
        district_id=0,
        category="3000",
        occurred_on=dt.date(2025, 5, 1),
        classification="general",
        description="测试事故",
    )
    city = Jurisdiction.objects.get(level=Jurisdiction.Level.CITY)
    got = {f.jurisdiction_id: f for f in compute("s001.t21.r24", dt.date(2025, 1, 1), dt.date(2025, 12, 31))}
    assert (got[city.pk].numerator, got[city.pk].denominator) == (1, 3)
    assert float(got[city.pk].value) == round(10_000 / 3, 4)
    assert source.records_url(dt.date(2025, 1, 1), dt.date(2025, 12, 31), None).endswith("?year=2025")


def test_workbench_lines_for_the_maintenance_company_and_the_district(units, accounts):
    device, _ = services.register_device(actor=CLI, unit=units["school"], device_id="W-1")
    services.ingest_messages(
        device_pk=device.pk, messages=[MessageIn("t", "trapped", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))]
    )
    company = {t.label: t for t in todos_for(accounts["lift_b"])}
    assert company["困人救援待办结"].count == 1 and company["困人救援待办结"].overdue == 1
    assert "困人救援待办结" not in {t.label for t in todos_for(accounts["lift_a"])}
    district = {t.label: t for t in todos_for(accounts["yinzhou"])}
    assert district["困人救援待办结"].urgent
    admin = {t.label for t in todos_for(accounts["admin"])}
    assert "待确认的特种设备规则" in admin


def test_workbench_figures_follow_the_scope(units, accounts):
    from zhijian.core.hooks import figures_for

    mine = {f.label: f.value for f in figures_for(accounts["haishu"]) if f.app == "特种设备"}
    assert mine["在用特种设备"] == 2 and "检验逾期" in mine
    company = {f.label: f.value for f in figures_for(accounts["lift_b"]) if f.app == "特种设备"}
    assert company == {"在用特种设备": 1}

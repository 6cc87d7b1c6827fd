"""Maintenance grades from the documented rule, the accident rate on a fixture, risk and the draw provider."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.equipment.conftest import make_unit
from zhijian.core.access import SystemActor
from zhijian.equipment import services
from zhijian.equipment.models import MaintenanceGrade, RescueCase, Unit
from zhijian.equipment.providers import KEY, NORMAL, accident_rate_figures, eligible_user_units
from zhijian.equipment.queries import accident_rate
from zhijian.equipment.rules import RuleBook
from zhijian.equipment.services.grades import grade_for, score_company

CLI = SystemActor("cli")

pytestmark = pytest.mark.django_db
D = dt.date


class TestGradeRule:
    def test_a_clean_record_scores_full_marks(self):
        score, details = score_company(
            due_visits=24, visits=24, units=1, rescues=0, missed=0, inspected=1, failed=0, accidents=0
        )
        assert score == Decimal("100.0") and set(details.values()) == {0.0}

    def test_each_deduction(self):
        score, details = score_company(
            due_visits=100, visits=80, units=50, rescues=5, missed=1, inspected=10, failed=1, accidents=1
        )
        assert details == {
            "maintenance": 8.0,  # 40 × (1 − 80/100)
            "trapped": 10.0,  # 100 × 5/50
            "missed_arrival": 5.0,
            "failed_inspection": 5.0,  # 50 × 1/10
            "accidents": 10.0,
        }
        assert score == Decimal("62.0")

    def test_caps(self):
        _, details = score_company(
            due_visits=10, visits=0, units=1, rescues=9, missed=9, inspected=1, failed=1, accidents=9
        )
        assert details == {
            "maintenance": 40.0,
            "trapped": 15.0,
            "missed_arrival": 20.0,
            "failed_inspection": 15.0,
            "accidents": 30.0,
        }

    @pytest.mark.parametrize(
        "score, grade",
        [("100", "A"), ("90", "A"), ("89.9", "B"), ("75", "B"), ("74.9", "C"), ("60", "C"), ("59.9", "D")],
    )
    def test_thresholds_are_rule_data(self, db, score, grade):
        assert grade_for(Decimal(score), RuleBook(D(2025, 12, 31))) == grade


def test_grades_computed_from_records_and_published(units, accounts):
    year = 2025
    # Company A maintains two lifts (mall, flats): every 15 days on the mall lift, nothing on the flats lift.
    day = D(year, 1, 1)
    while day <= D(year, 12, 31):
        services.record_maintenance(
            actor=CLI, unit=units["mall"], kind="half_month", performed_on=day, worker="王"
        )
        day += dt.timedelta(days=15)
    # Company B: every 15 days on the school lift, and one missed rescue arrival.
    day = D(year, 1, 1)
    while day <= D(year, 12, 31):
        services.record_maintenance(
            actor=CLI, unit=units["school"], kind="half_month", performed_on=day, worker="李"
        )
        day += dt.timedelta(days=15)
    rule = RuleBook(D(year, 6, 1)).get("equipment.rescue.arrival")
    opened = dt.datetime(year, 6, 1, 8, tzinfo=dt.UTC)
    RescueCase.objects.create(
        unit=units["school"],
        district_id=units["school"].district_id,
        maintenance_uscc=units["school"].maintenance_uscc,
        opened_at=opened,
        arrival_deadline=opened + dt.timedelta(minutes=30),
        deadline_rule=rule,
        arrived_at=opened + dt.timedelta(minutes=45),
        status="arrived",
    )
    with pytest.raises(services.EquipmentError):
        services.compute_grades(actor=accounts["haishu"], year=year)
    assert services.compute_grades(actor=accounts["department"], year=year) == 2
    a = MaintenanceGrade.objects.get(company_uscc=units["mall"].maintenance_uscc)
    b = MaintenanceGrade.objects.get(company_uscc=units["school"].maintenance_uscc)
    assert (
        a.units == 2 and a.details["maintenance"] == 19.5
    )  # 40 × (1 − 25 ÷ (2 × 365 ÷ 15)) and a.grade == "B"
    assert b.details["trapped"] == 15.0 and b.details["missed_arrival"] == 5.0
    assert b.score == Decimal("80.0") and b.grade == "B"
    assert services.publish_grades(actor=accounts["admin"], year=year) == 2
    with pytest.raises(services.EquipmentError):
        services.publish_grades(actor=accounts["admin"], year=year)


def test_accident_rate_per_ten_thousand_units_by_district(city, parties, accounts):
    haishu, yinzhou = city["330203"], city["330212"]
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"H{i:08d}",
                category="3000",
                category_code="3110",
                user_unit_uscc=parties["mall"].uscc,
                user_unit_name="m",
                district=haishu,
                address="x",
                commissioned_on=D(2020, 1, 1),
            )
            for i in range(20_000)
        ]
        + [
            Unit(
                code=f"Y{i:08d}",
                category="3000",
                category_code="3110",
                user_unit_uscc=parties["school"].uscc,
                user_unit_name="s",
                district=yinzhou,
                address="y",
                commissioned_on=D(2020, 1, 1),
            )
            for i in range(5_000)
        ]
        # commissioned after the year, or scrapped before it: not in that year's register
        + [
            Unit(
                code="H-LATE",
                category="3000",
                category_code="3110",
                user_unit_uscc=parties["mall"].uscc,
                user_unit_name="m",
                district=haishu,
                address="x",
                commissioned_on=D(2026, 1, 5),
            ),
            Unit(
                code="H-GONE",
                category="3000",
                category_code="3110",
                user_unit_uscc=parties["mall"].uscc,
                user_unit_name="m",
                district=haishu,
                address="x",
                commissioned_on=D(2010, 1, 5),
                status="scrapped",
                scrapped_on=D(2024, 6, 1),
            ),
        ],
        batch_size=5000,
    )
    common = {"category": "3000", "description": "曳引电梯轿厢意外移动"}
    services.record_accident(
        actor=accounts["haishu"],
        district_id=haishu.pk,
        occurred_on=D(2025, 3, 1),
        classification="general",
        deaths=1,
        **common,
    )
    services.record_accident(
        actor=accounts["admin"],
        district_id=yinzhou.pk,
        occurred_on=D(2025, 8, 1),
        classification="general",
        serious_injuries=1,
        **common,
    )
    services.record_accident(
        actor=accounts["admin"],
        district_id=yinzhou.pk,
        occurred_on=D(2025, 9, 1),
        classification="incident",
        **common,
    )
    services.record_accident(
        actor=accounts["admin"],
        district_id=yinzhou.pk,
        occurred_on=D(2024, 9, 1),
        classification="general",
        **common,
    )
    with pytest.raises(services.EquipmentError):
        services.record_accident(
            actor=accounts["haishu"],
            district_id=yinzhou.pk,
            occurred_on=D(2025, 9, 1),
            classification="general",
            **common,
        )
    rows = {r["district_id"]: r for r in accident_rate(2025)}
    assert (rows[haishu.pk]["units"], rows[haishu.pk]["accidents"], rows[haishu.pk]["rate"]) == (
        20_000,
        1,
        0.5,
    )
    assert (rows[yinzhou.pk]["units"], rows[yinzhou.pk]["accidents"], rows[yinzhou.pk]["rate"]) == (
        5_000,
        1,
        2.0,
    )
    city_figure = accident_rate_figures(year=2025)["city"]
    assert (city_figure["units"], city_figure["accidents"], city_figure["rate"]) == (25_000, 2, 0.8)


def test_risk_classes_and_the_draw_provider(city, parties, units):
    today = D(2026, 6, 1)
    make_unit(
        city,
        parties,
        "31103302032008000009",
        user="flats",
        commissioned_on=D(2008, 1, 1),
        registered_on=D(2008, 1, 2),
        last_inspected_on=D(2024, 1, 1),
        inspection_valid_until=D(2025, 1, 1),
    )
    summary = services.compute_risk(actor=CLI, today=today)
    old = Unit.objects.get(code="31103302032008000009")
    assert old.risk_class == "3"  # age over 15 (2) + overdue (3) = 5
    assert sum(summary.values()) == 4
    objects = {o.uscc: o for o in eligible_user_units(on=today)}
    assert objects[parties["mall"].uscc].stratum == KEY  # a mall
    assert objects[parties["school"].uscc].stratum == KEY  # a school
    assert objects[parties["flats"].uscc].stratum == KEY  # residential, but risk class 3
    assert objects[parties["mall"].uscc].ratio == Decimal("0.2")
    flats_only_young = [o for o in eligible_user_units(district_id=city["330212"].pk, on=today)]
    assert [o.uscc for o in flats_only_young] == [parties["school"].uscc]
    assert NORMAL == "equipment_normal"

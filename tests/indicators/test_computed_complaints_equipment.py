"""The complaints and equipment indicators of seed 001 table 2-1, each on a fixture whose values are
computed by hand, on the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import EntityFactory
from tests.indicators.conftest import YEAR
from zhijian.complaints.models import Case, Category, Channel, Enrolment, Kind, RuleVersion, Status
from zhijian.equipment.models import Accident, AccidentClass, Unit, UnitStatus
from zhijian.equipment.models import Category as EquipmentCategory
from zhijian.indicators.services.computing import compute

pytestmark = pytest.mark.django_db
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
D = Decimal
PLACES = ("330203", "330212", "330200")


def figures(code, start=START, end=END, **kwargs):
    return {f.jurisdiction_id: f for f in compute(code, start, end, **kwargs)}


def numbers(code, city, start=START, end=END):
    got = figures(code, start, end)
    return {p: (got[city[p].pk].numerator, got[city[p].pk].value) for p in PLACES if city[p].pk in got}


def _case(n, jurisdiction, status, kind=Kind.COMPLAINT, on=dt.date(YEAR, 4, 1)):
    return Case.objects.create(
        code=f"T{n:07d}",
        kind=kind,
        channel=Channel.WEB,
        received_on=on,
        rule_version=RuleVersion.values[0],
        respondent_name="某商店",
        category=Category.values[0],
        subject="测试",
        description="测试",
        jurisdiction=jurisdiction,
        status=status,
    )


@pytest.fixture
def complaints_world(city):
    """海曙: 4 complaints of YEAR — closed, not accepted, accepted, with the firm (ODR) → 2/4;
    a closed report and a closed complaint of the year before do not count.
    鄞州: merged, closed, closed → 3/3. City: 5/7."""
    hs, yz = city["330203"], city["330212"]
    for n, status in enumerate([Status.CLOSED, Status.NOT_ACCEPTED, Status.ACCEPTED, Status.ODR]):
        _case(n, hs, status)
    _case(10, hs, Status.CLOSED, kind=Kind.REPORT)
    _case(11, hs, Status.CLOSED, on=dt.date(YEAR - 1, 12, 31))
    for n, status in enumerate([Status.MERGED, Status.CLOSED, Status.CLOSED], start=20):
        _case(n, yz, status)


def _enrol(jurisdiction, programme, enrolled_on, withdrawn_on=None, entity=None):
    entity = entity or EntityFactory(jurisdiction=jurisdiction)
    Enrolment.objects.create(
        entity=entity,
        uscc=entity.uscc,
        programme=programme,
        enrolled_on=enrolled_on,
        withdrawn_on=withdrawn_on,
        jurisdiction=jurisdiction,
    )
    return entity


@pytest.fixture
def enrolment_world(city):
    """ODR at END: 海曙 — A (2025, active) counts, B (withdrawn mid-YEAR) and C (joins next year) do not;
    鄞州 — D (joined in YEAR) and E (withdrawn only next year) count. 海曙 1, 鄞州 2, city 3.
    赔偿先付: A only (海曙 1, city 1); F of 鄞州 withdrew before END."""
    hs, yz = city["330203"], city["330212"]
    odr = Enrolment.Programme.ODR
    a = _enrol(hs, odr, dt.date(YEAR - 1, 1, 1))
    _enrol(hs, odr, dt.date(YEAR, 3, 1), dt.date(YEAR, 6, 1))
    _enrol(hs, odr, dt.date(YEAR + 1, 1, 1))
    _enrol(yz, odr, dt.date(YEAR, 5, 1))
    _enrol(yz, odr, dt.date(YEAR - 1, 5, 1), dt.date(YEAR + 1, 2, 1))
    first = Enrolment.Programme.COMPENSATION_FIRST
    _enrol(hs, first, dt.date(YEAR - 1, 6, 1), entity=a)
    _enrol(yz, first, dt.date(YEAR - 1, 6, 1), dt.date(YEAR, 11, 30))


def test_consumer_complaint_disposal_rate(complaints_world, city):
    assert numbers("s001.t21.r07", city) == {
        "330203": (2, D("50.0000")),
        "330212": (3, D("100.0000")),
        "330200": (5, D("71.4286")),
    }
    got = figures("s001.t21.r07")
    assert got[city["330200"].pk].denominator == 7


def test_odr_firms(enrolment_world, city):
    assert numbers("s001.t21.r06", city) == {
        "330203": (1, D("1.0000")),
        "330212": (2, D("2.0000")),
        "330200": (3, D("3.0000")),
    }
    # on 2026-04-01 B is still enrolled and D not yet: 海曙 2, 鄞州 1
    early = numbers("s001.t21.r06", city, START, dt.date(YEAR, 4, 1))
    assert (early["330203"][0], early["330212"][0]) == (2, 1)


def test_compensation_first_firms(enrolment_world, city):
    got = numbers("s001.t21.r05", city)
    assert got["330203"] == (1, D("1.0000")) and got["330200"] == (1, D("1.0000"))
    assert "330212" not in got


def _unit(n, district, commissioned_on, status=UnitStatus.IN_USE, scrapped_on=None):
    return Unit.objects.create(
        code=f"U{n:05d}",
        category=EquipmentCategory.values[0],
        category_code="1100",
        user_unit_uscc="91330200MA0000000X",
        user_unit_name="某使用单位",
        district=district,
        address="宁波",
        commissioned_on=commissioned_on,
        status=status,
        scrapped_on=scrapped_on,
    )


@pytest.fixture
def equipment_world(city):
    """海曙: 4 units in the register during YEAR (one scrapped in it still counts; one scrapped the year
    before and one commissioned next year do not), 2 accidents and 1 incident → 2 ÷ 4 × 10000 = 5000;
    鄞州: 5 units, no accident → 0; city 2 ÷ 9 × 10000 = 2222.2222. An accident of the year before
    does not count."""
    hs, yz = city["330203"], city["330212"]
    before = dt.date(YEAR - 2, 1, 1)
    for n in range(3):
        _unit(n, hs, before)
    _unit(3, hs, before, UnitStatus.SCRAPPED, dt.date(YEAR, 2, 1))
    _unit(4, hs, before, UnitStatus.SCRAPPED, dt.date(YEAR - 1, 12, 31))
    _unit(5, hs, dt.date(YEAR + 1, 1, 1))
    for n in range(10, 15):
        _unit(n, yz, before)
    for on, kind in [
        (dt.date(YEAR, 3, 1), AccidentClass.GENERAL),
        (dt.date(YEAR, 9, 1), AccidentClass.SERIOUS),
        (dt.date(YEAR, 10, 1), AccidentClass.INCIDENT),
        (dt.date(YEAR - 1, 10, 1), AccidentClass.GENERAL),
    ]:
        Accident.objects.create(
            district=hs,
            category=EquipmentCategory.values[0],
            occurred_on=on,
            classification=kind,
            description="测试",
        )


def test_special_equipment_accident_rate(equipment_world, city):
    got = figures("s001.t21.r24")
    assert {p: (got[city[p].pk].numerator, got[city[p].pk].denominator) for p in PLACES} == {
        "330203": (2, 4),
        "330212": (0, 5),
        "330200": (2, 9),
    }
    assert {p: got[city[p].pk].value for p in PLACES} == {
        "330203": D("5000.0000"),
        "330212": D("0.0000"),
        "330200": D("2222.2222"),
    }

"""Special-equipment fixtures: two districts, user units, two maintenance companies, an institute."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import EntityFactory, UserFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Role
from zhijian.equipment.services.register import UnitIn, register_unit

CLI = SystemActor("cli")


@pytest.fixture
def parties(city):
    haishu, yinzhou = city["330203"], city["330212"]
    return {
        "mall": EntityFactory(jurisdiction=haishu, name="宁波海曙天一商场有限公司"),
        "school": EntityFactory(jurisdiction=yinzhou, name="宁波鄞州实验学校后勤服务有限公司"),
        "flats": EntityFactory(jurisdiction=haishu, name="宁波海曙安居物业管理有限公司"),
        "lift_a": EntityFactory(jurisdiction=haishu, name="宁波甬安电梯工程有限公司"),
        "lift_b": EntityFactory(jurisdiction=yinzhou, name="宁波鄞升电梯维保有限公司"),
        "institute": EntityFactory(jurisdiction=haishu, name="宁波市特种设备检验研究院"),
    }


@pytest.fixture
def accounts(users, parties):
    return {
        **users,
        "mall": UserFactory(username="t_eq_mall", role=Role.ENTERPRISE, entity_uscc=parties["mall"].uscc),
        "school": UserFactory(
            username="t_eq_school", role=Role.ENTERPRISE, entity_uscc=parties["school"].uscc
        ),
        "lift_a": UserFactory(
            username="t_eq_lift_a", role=Role.ENTERPRISE, entity_uscc=parties["lift_a"].uscc
        ),
        "lift_b": UserFactory(
            username="t_eq_lift_b", role=Role.ENTERPRISE, entity_uscc=parties["lift_b"].uscc
        ),
        "institute": UserFactory(username="t_eq_inst", role=Role.LAB, entity_uscc=parties["institute"].uscc),
    }


def make_unit(city, parties, code, *, district="330203", user="mall", maintainer="lift_a", **extra):
    values = dict(
        code=code,
        category="3000",
        category_code="3110",
        user_unit_uscc=parties[user].uscc,
        district_id=city[district].pk,
        address=f"宁波市测试路{code[-3:]}号",
        commissioned_on=dt.date(2020, 3, 1),
        registered_on=dt.date(2020, 3, 10),
        certificate_no=f"梯11浙B{code[-5:]}",
        maintenance_uscc=parties[maintainer].uscc if maintainer else "",
        institute_uscc=parties["institute"].uscc,
        place_kind="mall" if user == "mall" else "school" if user == "school" else "residential",
    )
    values.update(extra)
    unit, _ = register_unit(actor=CLI, data=UnitIn(**values))
    return unit


@pytest.fixture
def units(city, parties):
    """A 海曙 mall lift maintained by A, a 鄞州 school lift maintained by B, a 海曙 flat lift by A."""
    return {
        "mall": make_unit(city, parties, "31103302032020000001"),
        "school": make_unit(
            city, parties, "31103302122020000002", district="330212", user="school", maintainer="lift_b"
        ),
        "flats": make_unit(city, parties, "31103302032020000003", user="flats"),
    }


@pytest.fixture
def equipment_rules(db):
    """The rule rows the migration seeds, again (a transactional test's flush removes them)."""
    from importlib import import_module

    from django.apps import apps

    import_module("zhijian.equipment.migrations.0002_rules").forwards(apps, None)

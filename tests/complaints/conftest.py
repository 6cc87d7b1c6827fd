"""Fixtures of the complaints app: rule data, respondents in two districts, a filing helper."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import EntityFactory, UserFactory
from zhijian.complaints.rules import ensure_rules
from zhijian.complaints.services.intake import CaseIn, file_case
from zhijian.core.access import SystemActor
from zhijian.core.models import Role

CLI = SystemActor("cli")


@pytest.fixture
def rules(city):
    ensure_rules()


@pytest.fixture
def firms(city, rules):
    """A shop in 海曙 (with its grassroots office), a trading firm in 鄞州, an e-commerce platform in 鄞州."""
    return {
        "shop": EntityFactory(
            jurisdiction=city["330203"], office=city["33020301"], name="宁波海曙鼓楼百货有限公司"
        ),
        "yinzhou": EntityFactory(jurisdiction=city["330212"], name="宁波鄞州瑞丰电器有限公司"),
        "platform": EntityFactory(jurisdiction=city["330212"], name="宁波甬购网络科技有限公司"),
    }


@pytest.fixture
def firm_user(firms):
    return UserFactory(username="t_firm_shop", role=Role.ENTERPRISE, entity_uscc=firms["shop"].uscc)


def case_in(**overrides) -> CaseIn:
    values = {
        "kind": "complaint",
        "subject": "购买的电饭煲无法加热",
        "description": "2026年3月在该店购买电饭煲一台，使用一周后无法加热，商家拒绝退换。",
        "respondent_name": "宁波海曙鼓楼百货有限公司",
        "category": "appliances",
        "person_name": "张三丰",
        "person_phone": "13812341234",
        "person_id_number": "",
        "person_address": "浙江省宁波市海曙区中山西路100号",
        "product": "电饭煲",
        "demand": "退货退款",
        "amount_claimed": "399",
    }
    values.update(overrides)
    return CaseIn(**values)


def file(received_on: dt.date, actor=CLI, channel="phone", **overrides):
    case, created = file_case(
        actor=actor, data=case_in(received_on=received_on, **overrides), channel=channel
    )
    assert created
    return case

"""Fixtures of quality infrastructure: standards, a current campaign, firms, laboratories, accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import EntityFactory, UserFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Role
from zhijian.quality import services
from zhijian.quality.models import ServiceCategory, ServiceProvider
from zhijian.quality.reference import INDUSTRIES_2020, QUOTAS_2020
from zhijian.registry.models import EntityTag, Tag

SYSTEM = SystemActor("test:quality")

STANDARDS = [
    ("GB/T 307.1-2017", "滚动轴承 向心轴承 产品几何技术规范(GPS)和公差值"),
    ("ISO 492:2014", "滚动轴承 向心轴承 几何产品规范和公差值"),
    ("GB 4706.1-2005", "家用和类似用途电器的安全 第1部分：通用要求"),
    ("IEC 60335-1:2020", "家用和类似用途电器安全 第1部分：通用要求"),
    ("T/ZZB 0101-2016", "深沟球轴承"),
]


@pytest.fixture
def report_rules(db):
    """The report-deadline rules of migration 0002, restored after a transactional test's flush."""
    from importlib import import_module

    from django.apps import apps

    from zhijian.core.models import RuleValue

    if not RuleValue.objects.filter(key__startswith="quality.").exists():
        import_module("zhijian.quality.migrations.0002_report_deadline_rules").forwards(apps, None)


@pytest.fixture
def standards(db):
    return {
        number: services.save_standard(actor=SYSTEM, number=number, name=name)[0]
        for number, name in STANDARDS
    }


@pytest.fixture
def campaign(city, report_rules):
    """The current year's campaign, with 附件1's quotas."""
    return services.save_campaign(
        actor=SYSTEM,
        year=timezone.localdate().year,
        title="本年度对标达标提升专项行动",
        industries=INDUSTRIES_2020,
        goal_year=timezone.localdate().year + 2,
        goal_industries=15,
        goal_firms=450,
        quotas=QUOTAS_2020,
    )


@pytest.fixture
def firms(city):
    """Bearing makers (关键基础件) in 海曙 and 鄞州, above scale, and an appliance maker in 海曙."""
    made = {
        "haishu": EntityFactory(
            jurisdiction=city["330203"], name="宁波海曙精密轴承有限公司", cluster="key_components"
        ),
        "haishu2": EntityFactory(
            jurisdiction=city["330203"],
            name="宁波海曙电器有限公司",
            cluster="smart_appliances",
            industry_code="C3851",
        ),
        "yinzhou": EntityFactory(
            jurisdiction=city["330212"], name="宁波鄞州轴承股份有限公司", cluster="key_components"
        ),
    }
    for entity in made.values():
        EntityTag.objects.create(entity=entity, tag=Tag.ABOVE_SCALE)
    EntityTag.objects.create(
        entity=EntityFactory(
            jurisdiction=city["330203"], name="宁波海曙另一轴承有限公司", cluster="key_components"
        ),
        tag=Tag.ABOVE_SCALE,
    )
    return made


@pytest.fixture
def labs(city, standards):
    """Two local laboratories with a bearing test each, and an account for each."""
    made = {}
    for key, name, unit in (
        ("L1", "宁波市产品质量检验研究院", "330203"),
        ("L2", "宁波检验认证技术服务有限公司", "3302Z1"),
    ):
        provider = services.register_provider(
            actor=SYSTEM,
            name=name,
            kind="laboratory",
            jurisdiction=city[unit],
            cma_no=f"CMA-{key}",
            cma_valid_until=timezone.localdate() + dt.timedelta(days=365),
        )
        capability = services.publish_capability(
            actor=SYSTEM,
            provider=provider,
            category=ServiceCategory.TESTING,
            item="轴承尺寸与公差检测",
            products="深沟球轴承",
            standards=[standards["GB/T 307.1-2017"], standards["ISO 492:2014"]],
            turnaround_days=7,
            price=Decimal("1800"),
            accredited="cma",
            clusters=["key_components"],
        )
        user = UserFactory(username=f"t_lab_{key}", role=Role.LAB)
        services.link_account(actor=SYSTEM, user=user, provider=provider)
        made[key] = {"provider": provider, "capability": capability, "user": user}
    return made


@pytest.fixture
def firm_users(firms):
    return {
        key: UserFactory(username=f"t_ent_{key}", role=Role.ENTERPRISE, entity_uscc=entity.uscc)
        for key, entity in firms.items()
    }


def enrol(actor, campaign, firm, standards, product="深沟球轴承"):
    return services.enrol_firm(
        actor=actor,
        campaign=campaign,
        uscc=firm.uscc,
        product_name=product,
        executed_standard=standards["GB/T 307.1-2017"],
        compared_standard=standards["ISO 492:2014"],
    )


__all__ = ["SYSTEM", "ServiceProvider", "enrol"]

"""Fixtures of sampling: the catalogue, laboratories and their users, a plan with a task, parties."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import EntityFactory, UserFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Role, RuleValue
from zhijian.sampling.models import Category, LabAccount, Laboratory, TestItem
from zhijian.sampling.reference import load_reference


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not TestItem.objects.exists():
            load_reference(actor=SystemActor("test"))


def ensure_rules() -> None:
    """The chain's rule data, which a transactional test's flush removes with everything else."""
    from importlib import import_module

    from django.apps import apps as django_apps

    if RuleValue.objects.filter(key__startswith="sampling.").exists():
        return
    import_module("zhijian.sampling.migrations.0002_chain_deadline_rules").forwards(django_apps, None)


@pytest.fixture
def reference(city):
    """The catalogue, population figures and rules (reloaded after a flushing transactional test)."""
    ensure_rules()
    if not TestItem.objects.exists():
        load_reference(actor=SystemActor("test"))
    return {c.code: c for c in Category.objects.all()}


@pytest.fixture
def labs(reference):
    rows = [
        ("T1", "测试食品检验所一", True, False, True),
        ("T2", "测试食品检验所二", True, True, True),
        ("T3", "测试综合检验院", True, True, True),
        ("T4", "测试检测公司（非复检名录）", True, True, False),
    ]
    return {
        code: Laboratory.objects.create(
            code=code,
            name=name,
            cma_no=f"2311{code}",
            tests_food=food,
            tests_products=products,
            retest_qualified=retest,
        )
        for code, name, food, products, retest in rows
    }


def lab_user(username: str, laboratory: Laboratory):
    user = UserFactory(username=username, role=Role.LAB)
    LabAccount.objects.create(user=user, laboratory=laboratory)
    return user


@pytest.fixture
def lab_users(labs):
    return {code: lab_user(f"t_lab_{code.lower()}", lab) for code, lab in labs.items()}


@pytest.fixture
def parties(city):
    """A shop in 海曙 that sells what a maker in 鄞州 makes; a shop in 鄞州."""
    return {
        "seller": EntityFactory(
            jurisdiction=city["330203"], name="海曙区恒达食品商行", industry_code="F5223"
        ),
        "producer": EntityFactory(
            jurisdiction=city["330212"], name="宁波瑞华食品有限公司", industry_code="C1411"
        ),
        "yinzhou_shop": EntityFactory(
            jurisdiction=city["330212"], name="鄞州区丰泰副食品店", industry_code="F5223"
        ),
    }


@pytest.fixture
def food_task(reference, labs, users, city):
    from zhijian.sampling import services

    plan = services.create_plan(
        actor=users["admin"], year=2026, kind="food", purpose="supervision", title="测试监督抽检计划"
    )
    return services.create_task(
        actor=users["admin"],
        plan=plan,
        category=reference["F0401"],  # 糕点
        stage="circulation",
        jurisdiction=city["330203"],
        laboratory=labs["T1"],
        quota=10,
        due_on=dt.date(2026, 11, 30),
    )


@pytest.fixture
def product_task(reference, labs, users, city):
    from zhijian.sampling import services

    plan = services.create_plan(
        actor=users["admin"], year=2026, kind="product", purpose="supervision", title="测试产品监督抽查计划"
    )
    return services.create_task(
        actor=users["admin"],
        plan=plan,
        category=reference["P0101"],  # 电线
        stage="circulation",
        jurisdiction=city["330203"],
        laboratory=labs["T3"],
        quota=5,
        due_on=dt.date(2026, 11, 30),
    )


def items_of(sample, **values):
    """ItemIn entries for ``sample``'s category: item code → measured text; others pass."""
    from zhijian.sampling.services import ItemIn

    entries = []
    for item in TestItem.objects.filter(category_id=sample.category_id):
        if item.code in values:
            entries.append(ItemIn(item.pk, values[item.code]))
    return entries


CAKE_PASS = {"av": "1.2", "pov": "0.1", "benzoic": "未检出", "sorbic": "0.3", "tpc": "<10/<10/20/30/40"}

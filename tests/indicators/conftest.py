"""Fixtures of the plan cockpit: the catalogue, and a small world of records whose indicator values
are computed by hand in the tests (tests/indicators/test_computed.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.factories import EntityFactory, UserFactory
from tests.sampling.conftest import labs, reference  # noqa: F401 - fixtures used here
from zhijian.core.models import Department, Role
from zhijian.indicators.catalogue import load_catalogue
from zhijian.inspections.models import CheckItem, Draw, Plan, Task
from zhijian.registry.models import LifecycleEvent
from zhijian.sampling.models import Population, Sample, SamplingPlan, SamplingTask

YEAR = 2026


@pytest.fixture
def catalogue(city):
    load_catalogue()


@pytest.fixture
def head(city):
    """A department head: a 处室 officer holding the approval permission."""
    user = UserFactory(
        username="t_head", role=Role.DEPARTMENT, department=Department.objects.get(code="food_coordination")
    )
    user.user_permissions.add(Permission.objects.get(codename="approve_reportedvalue"))
    return user


def _sample(n, task, jurisdiction, kind, purpose, stage, judgement="", loop="", on=dt.date(YEAR, 5, 1)):
    return Sample(
        sample_no=f"T{n:04d}",
        task=task,
        kind=kind,
        purpose=purpose,
        stage=stage,
        category=task.category,
        jurisdiction=jurisdiction,
        laboratory=task.laboratory,
        product_name="测试样品",
        seller_name="测试商行",
        sampled_on=on,
        status="reported" if judgement else "sampled",
        judgement=judgement,
        loop_status=loop,
    )


@pytest.fixture
def sampling_world(reference, labs, city, users):  # noqa: F811
    """海曙: food 3 evaluative (2 pass, 1 fail closed), 2 supervision (1 pass, 1 fail open), 1 passed
    after re-test (withdrawn); products: 2 circulation (1 fail closed, 1 pass), 1 production pass;
    one food sample of the year before. 鄞州: 1 evaluative pass, 1 unjudged, 1 circulation product
    pass. Residents (newest figure 2025): 海曙 600,000, 鄞州 1,000,000."""
    hs, yz = city["330203"], city["330212"]
    Population.objects.all().delete()
    for place, residents in ((hs, 600_000), (yz, 1_000_000), (city["330200"], 1_600_000)):
        Population.objects.create(jurisdiction=place, year=2025, residents=residents, source="测试")
    plan = SamplingPlan.objects.create(year=YEAR, kind="food", purpose="supervision", title="测试")
    food = SamplingTask.objects.create(
        plan=plan,
        category=reference["F0401"],
        stage="circulation",
        jurisdiction=hs,
        laboratory=labs["T1"],
        quota=9,
        due_on=dt.date(YEAR, 12, 1),
    )
    product = SamplingTask.objects.create(
        plan=plan,
        category=reference["P0101"],
        stage="circulation",
        jurisdiction=hs,
        laboratory=labs["T3"],
        quota=9,
        due_on=dt.date(YEAR, 12, 1),
    )
    rows = [
        (food, hs, "food", "evaluation", "circulation", "pass", ""),
        (food, hs, "food", "evaluation", "circulation", "pass", ""),
        (food, hs, "food", "evaluation", "circulation", "fail", "closed"),
        (food, hs, "food", "supervision", "circulation", "pass", ""),
        (food, hs, "food", "supervision", "circulation", "fail", "open"),
        (food, hs, "food", "supervision", "circulation", "pass", "withdrawn"),
        (product, hs, "product", "supervision", "circulation", "fail", "closed"),
        (product, hs, "product", "supervision", "circulation", "pass", ""),
        (product, hs, "product", "supervision", "production", "pass", ""),
        (food, yz, "food", "evaluation", "circulation", "pass", ""),
        (food, yz, "food", "supervision", "circulation", "", ""),
        (product, yz, "product", "supervision", "circulation", "pass", ""),
    ]
    samples = [_sample(n, *row) for n, row in enumerate(rows)]
    samples.append(
        _sample(
            99, food, hs, "food", "evaluation", "circulation", "fail", "open", on=dt.date(YEAR - 1, 12, 31)
        )
    )
    Sample.objects.bulk_create(samples)
    return {"haishu": hs, "yinzhou": yz}


@pytest.fixture
def register_world(city):
    """海曙: 3 entities of 2020, one deregistered on 2026-03-01; 鄞州: one of 2020, one of 2027."""
    hs, yz = city["330203"], city["330212"]
    gone = EntityFactory(jurisdiction=hs)
    EntityFactory(jurisdiction=hs)
    EntityFactory(jurisdiction=hs)
    EntityFactory(jurisdiction=yz)
    EntityFactory(jurisdiction=yz, established_on=dt.date(2027, 1, 1))
    LifecycleEvent.objects.create(entity=gone, kind="deregistered", occurred_on=dt.date(YEAR, 3, 1))
    return {"haishu": hs, "yinzhou": yz}


def _ratios(a, b, c, d):
    return {"A": a, "B": b, "C": c, "D": d, "U": "0.05"}


@pytest.fixture
def inspection_world(city, users):
    """Catalogue: 4 active items and 1 inactive. 海曙 drew 2 tasks (items 1+2 with credit ratios,
    item 2+inactive with flat ratios) and has 1 committed-only task (item 3); 鄞州 drew 1 task (item
    1, credit ratios) and has one drawn task that started the year before (item 4)."""
    hs, yz = city["330203"], city["330212"]
    department = Department.objects.get(code="credit")
    items = [
        CheckItem.objects.create(
            code=f"CI{n}",
            department=department,
            name=f"事项{n}",
            legal_basis="依据",
            object_type="企业",
            method="on_site",
            content="内容",
            specialty="general",
            active=n != 5,
        )
        for n in range(1, 6)
    ]
    plan = Plan.objects.create(year=YEAR, title="测试计划", jurisdiction=city["330200"])
    now = timezone.now()

    def task(place, chosen, ratios, drawn=True, starts=dt.date(YEAR, 4, 1)):
        made = Task.objects.create(
            plan=plan,
            title="任务",
            jurisdiction=place,
            ratios=ratios,
            ratio_source="规则",
            team_size=2,
            starts_on=starts,
            due_on=starts + dt.timedelta(days=60),
            status="drawn" if drawn else "committed",
        )
        made.items.set(chosen)
        Draw.objects.create(
            task=made,
            number=1,
            status="drawn" if drawn else "committed",
            eligible_count=10,
            eligible_sha256="0" * 64,
            population_sha256="0" * 64,
            strata_counts={},
            ratios=ratios,
            beacon_source="测试",
            beacon_due_at=now,
            commitment="0" * 64,
            secret="0" * 64,
            frozen_sha256="0" * 64,
            committed_at=now,
        )
        return made

    task(hs, items[0:2], _ratios("0.01", "0.03", "0.05", "0.1"))
    task(hs, [items[1], items[4]], _ratios("0.03", "0.03", "0.03", "0.03"))
    task(hs, [items[2]], _ratios("0.01", "0.03", "0.05", "0.1"), drawn=False)
    task(yz, [items[0]], _ratios("0", "0.03", "0.03", "0.03"))
    task(yz, [items[3]], _ratios("0.01", "0.03", "0.05", "0.1"), starts=dt.date(YEAR - 1, 6, 1))
    return {"haishu": hs, "yinzhou": yz}

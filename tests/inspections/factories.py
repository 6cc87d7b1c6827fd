"""Factories and builders for the 双随机 tests: catalogue items, inspectors, plans, tasks, draws."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from unittest import mock

import factory
from django.utils import timezone
from stdnum.cn import uscc

from tests.factories import EntityFactory, UserFactory
from zhijian.core.models import Department, Jurisdiction, Role
from zhijian.inspections import algorithm, services
from zhijian.inspections.models import CheckItem, Inspector, Method, Plan, Specialty

_cert = itertools.count(1)


def department(code: str = "credit") -> Department:
    return Department.objects.get(code=code)


class CheckItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckItem
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    department = factory.LazyFunction(lambda: Department.objects.get(code="credit"))
    name = "企业公示信息情况的检查"
    legal_basis = "《企业信息公示暂行条例》第十四条"
    object_type = "各类企业"
    method = Method.DOCUMENT
    content = "年度报告公示信息的真实性"
    specialty = Specialty.GENERAL


class InspectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspector

    name = factory.Sequence(lambda n: f"检查员{n}")
    jurisdiction = factory.LazyFunction(lambda: Jurisdiction.objects.get(code="330203"))
    certificate_no = factory.LazyFunction(lambda: f"33020{next(_cert):07d}")
    specialties = factory.LazyFunction(lambda: [Specialty.GENERAL])


def inspector_user(username: str, jurisdiction: Jurisdiction, **extra) -> Inspector:
    user = UserFactory(
        username=username, role=Role.INSPECTOR, jurisdiction=jurisdiction, display_name=username
    )
    return InspectorFactory(user=user, name=username, jurisdiction=jurisdiction, **extra)


def uscc_for(division: str, serial: int, prefix: str = "91") -> str:
    body = f"{prefix}{division}{serial:09d}"
    return body + uscc.calc_check_digit(body)


def firms(jurisdiction: Jurisdiction, count: int, start: int = 1, **extra) -> list:
    division = jurisdiction.division_code or "330203"
    return [
        EntityFactory(jurisdiction=jurisdiction, uscc=uscc_for(division, start + n), **extra)
        for n in range(count)
    ]


def plan_for(actor, jurisdiction: Jurisdiction, year: int = 2026) -> Plan:
    return services.create_plan(
        actor=actor, year=year, title=f"{year}年度双随机抽查计划", jurisdiction=jurisdiction
    )


def task_for(actor, plan: Plan, items=None, **extra):
    items = items or [CheckItemFactory()]
    defaults = {
        "title": "企业公示信息抽查",
        "starts_on": timezone.localdate(),
        "due_on": timezone.localdate() + dt.timedelta(days=60),
    }
    return services.create_task(actor=actor, plan=plan, items=items, **{**defaults, **extra})


SSQ = algorithm.GAMES["ssq"]


def next_issue(after=None, game=SSQ) -> dict:
    """The lottery arguments of a commitment: the next draw day of ``game`` and its issue number if
    the lottery never paused (the count of its draw days so far that year)."""
    on = algorithm.next_draw_day(game, after or timezone.now())
    count = sum(
        1 for n in range(on.timetuple().tm_yday) if (on - dt.timedelta(days=n)).weekday() in game.weekdays
    )
    prefix = str(on.year) if game.issue_digits == 7 else f"{on.year % 100:02d}"
    return {"beacon_game": game.code, "beacon_issue": f"{prefix}{count:03d}", "beacon_date": on}


def committed(actor, task, secret: str | None = None, salt: str | None = None, **beacon):
    """Commit a task's draw on the next lottery day, then let the services' clock pass its draw time."""
    from zhijian.inspections.models import Draw

    draw = services.commit_draw(actor=actor, task=task, secret=secret, salt=salt, **(beacon or next_issue()))
    return Draw.objects.get(pk=draw.pk)


class services_clock:
    """Run the services with their clock at ``at`` (the rest of the system keeps the real time)."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __enter__(self):
        clock = mock.Mock(wraps=timezone)
        clock.now = lambda: self.at
        clock.localdate = lambda value=None: timezone.localdate(value or self.at)
        clock.localtime = lambda value=None: timezone.localtime(value or self.at)
        # The services package's modules each read the clock: patch it wherever it is read.
        modules = [services] + [
            module
            for name, module in sys.modules.items()
            if name.startswith(services.__name__ + ".") and hasattr(module, "timezone")
        ]
        self._patches = [mock.patch.object(m, "timezone", clock, create=True) for m in modules]
        for patch in self._patches:
            patch.__enter__()
        return self

    def __exit__(self, *exc):
        for patch in reversed(self._patches):
            patch.__exit__(*exc)
        return False


def after_the_lottery(draw, hours: float = 1) -> services_clock:
    """The services' clock an hour (or ``hours``) after the draw's lottery was drawn."""
    return services_clock(draw.beacon_due_at + dt.timedelta(hours=hours))


def past_issue(game=SSQ) -> dict:
    """The lottery arguments of a draw day of ``game`` already drawn (four to seven days ago)."""
    return next_issue(after=timezone.now() - dt.timedelta(days=7), game=game)


def drawn(
    actor, task, beacon: str = "03 11 19 24 27 30 + 09", secret: str | None = None, salt=None, **lottery
):
    """A task's draw, performed an hour after its lottery. Without a lottery given, the lottery is one
    already drawn (four to seven days ago) and the draw is committed the day before it, so the draw —
    and every check and result after it — lies in the past of the real clock, whatever the weekday."""
    if lottery:
        draw = committed(actor, task, secret=secret, salt=salt, **lottery)
    else:
        lottery = past_issue()
        due = algorithm.beacon_due(algorithm.GAMES[lottery["beacon_game"]], lottery["beacon_date"])
        with services_clock(due - dt.timedelta(days=1)):
            draw = committed(actor, task, secret=secret, salt=salt, **lottery)
    with after_the_lottery(draw):
        return services.perform_draw(actor=actor, draw=draw, beacon_value=beacon)


def classify(entities, credit_class: str) -> None:
    """Give entities a credit class the way the credit app stores it (one CreditStanding row each)."""
    from zhijian.credit.models import CreditStanding, ScoringModel

    model, _ = ScoringModel.objects.get_or_create(
        version="test-1",
        defaults={"title": "测试模型", "spec": {}, "valid_from": dt.date(2024, 1, 1)},
    )
    now = timezone.now()
    CreditStanding.objects.bulk_create(
        [
            CreditStanding(
                entity=e, credit_class=credit_class, score=50, model_version=model, classified_at=now
            )
            for e in entities
        ]
    )


def ensure_rules() -> None:
    """Re-seed the rule data the migrations seed: a transactional test (live server) flushes it."""
    from decimal import Decimal
    from importlib import import_module

    from zhijian.core.models import RuleValue

    for module in (
        "zhijian.core.migrations.0002_audit_append_only_and_rules",
        "zhijian.inspections.migrations.0002_rules",
        "zhijian.inspections.migrations.0004_draw_v2",
    ):
        for key, value, unit, valid_from, source, note in import_module(module).RULES:
            RuleValue.objects.update_or_create(
                key=key,
                valid_from=valid_from,
                defaults={"value": Decimal(value), "unit": unit, "legal_source": source, "note": note},
            )

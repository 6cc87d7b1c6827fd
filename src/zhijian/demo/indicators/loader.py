"""Deterministic demo data for the plan cockpit (规划实施驾驶舱).

Loads the catalogue, gives every seed-000 task two milestones (one done, one due), reports and
locks a few values that the platform cannot compute (by the 处室 and two districts, approved by a
head), and computes every computed indicator for each month and year of the demo's years from the
other apps' demo records. Same input, same output.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from zhijian.core.models import Department, Jurisdiction, Role, User
from zhijian.indicators.catalogue import load_catalogue
from zhijian.indicators.models import Indicator, Milestone, PlanTask, ReportedValue, ValueStatus
from zhijian.indicators.queries import year_period
from zhijian.indicators.tasks import recompute

# Reported values of the demo: (code, jurisdiction code or None for the city, year, value).
REPORTED = [
    ("s001.t21.r04", None, 2024, "35"),
    ("s001.t21.r05", None, 2024, "290"),
    ("s001.t21.r06", None, 2024, "4300"),
    ("s001.t21.r07", None, 2024, "99.6"),
    ("s001.t21.r08", None, 2024, "10"),
    ("s001.t21.r09", None, 2024, "48.1"),
    ("s001.t21.r15", None, 2024, "352"),
    ("s001.t21.r24", None, 2024, "0.21"),
    ("s002.a1", "330203", 2020, "11"),
    ("s002.a1", "330212", 2020, "13"),
]


def _head() -> User:
    head, created = User.objects.get_or_create(
        username="demo_head",
        defaults={"role": Role.DEPARTMENT, "display_name": "处室负责人（演示）"},
    )
    if created:
        head.set_unusable_password()
        head.department = Department.objects.filter(code="quality").first()
        head.save()
    head.user_permissions.add(Permission.objects.get(codename="approve_reportedvalue"))
    return head


def _reporter() -> User:
    user, created = User.objects.get_or_create(
        username="demo_planner", defaults={"role": Role.CITY_ADMIN, "display_name": "规划填报员（演示）"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


@transaction.atomic
def _milestones_and_values(today: dt.date) -> None:
    if Milestone.objects.exists():
        return
    for task in PlanTask.objects.order_by("pk"):
        owner = task.departments.first()
        Milestone.objects.create(
            task=task,
            title="制定年度推进方案",
            due_on=dt.date(2020, 6, 30),
            done_on=dt.date(2020, 6, 20),
            department=owner,
        )
        Milestone.objects.create(
            task=task,
            title="完成2022年目标",
            due_on=dt.date(2022, 12, 31),
            done_on=dt.date(2022, 12, 20) if task.pk % 3 else None,
            department=owner,
        )
    head, reporter = _head(), _reporter()
    city = Jurisdiction.objects.get(level=Jurisdiction.Level.CITY)
    places = {j.code: j for j in Jurisdiction.objects.all()}
    now = timezone.now()
    for code, place, year, value in REPORTED:
        if not Indicator.objects.filter(code=code).exists():
            continue
        start, end = year_period(year)
        ReportedValue.objects.create(
            code=code,
            jurisdiction=places[place] if place else city,
            period_start=start,
            period_end=end,
            value=Decimal(value),
            status=ValueStatus.LOCKED,
            evidence_note="年度统计报表（演示）",
            reported_by=reporter,
            reported_at=now,
            reviewed_by=head,
            reviewed_at=now,
        )


def load(
    *, seed: int = 0, scale: str = "small", console=None, today: dt.date | None = None
) -> dict[str, int]:
    """Load the demo: catalogue, milestones, reported values, and computed values of the last two
    years by month and by year (``seed`` and ``scale`` are the other apps'; nothing here is random)."""
    today = today or timezone.localdate()
    loaded = load_catalogue()
    _milestones_and_values(today)
    rows = recompute(today.year - 1, today.year, today=today)
    if console is not None:
        console.print(f"规划指标：目录 {loaded} 项（新载入），计算值 {rows} 条")
    return {"catalogue": loaded, "computed": rows}

"""Chinese working days (工作日), on the State Council's holiday notices.

Years that ``chinese-calendar`` knows come from it; a year whose notice an administrator loaded
(:func:`load_notice`) comes from the database and wins; any other year is counted as a plain
Monday–Friday week and every result that touched it is marked provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar
from django.db import transaction

from .errors import DomainError
from .models import CalendarDay, Deadline, HolidayNotice

_MAX_SPAN_DAYS = 3660


@dataclass(frozen=True)
class DueDate:
    """A date reached by counting working days; provisional when the count crossed an unknown year."""

    value: dt.date
    provisional: bool


@dataclass(frozen=True)
class WorkdayCount:
    value: int
    provisional: bool


@lru_cache(maxsize=64)
def _notice_days(notice_id: int) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(notice_id=notice_id).values_list("date", "is_workday"))


class Calendar:
    """A snapshot of what is known about each year; build one per computation."""

    def __init__(self) -> None:
        self.notices = dict(HolidayNotice.objects.values_list("year", "id"))
        # Each day decided once per snapshot: an import counts thousands of deadlines over the same days.
        self._workdays: dict[dt.date, bool] = {}

    def known(self, year: int) -> bool:
        return year in self.notices or _library_knows(year)

    def is_workday(self, day: dt.date) -> bool:
        answer = self._workdays.get(day)
        if answer is None:
            answer = self._workdays[day] = self._decide(day)
        return answer

    def _decide(self, day: dt.date) -> bool:
        notice_id = self.notices.get(day.year)
        if notice_id is not None:
            special = _notice_days(notice_id).get(day)
            return special if special is not None else day.weekday() < 5
        if _library_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add(self, start: dt.date, days: int) -> DueDate:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        if days < 0:
            raise ValueError("working days must not be negative")
        day, left, provisional = start, days, False
        while left:
            day += dt.timedelta(days=1)
            if (day - start).days > _MAX_SPAN_DAYS:
                raise ValueError("working-day span too long")
            provisional |= not self.known(day.year)
            if self.is_workday(day):
                left -= 1
        return DueDate(day, provisional)

    def count(self, start: dt.date, end: dt.date) -> WorkdayCount:
        """Working days after ``start`` up to and including ``end``."""
        total, provisional, day = 0, False, start
        while day < end:
            day += dt.timedelta(days=1)
            provisional |= not self.known(day.year)
            total += self.is_workday(day)
        return WorkdayCount(total, provisional)


@lru_cache(maxsize=128)
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def add_working_days(start: dt.date, days: int) -> DueDate:
    return Calendar().add(start, days)


def count_working_days(start: dt.date, end: dt.date) -> WorkdayCount:
    return Calendar().count(start, end)


def due_after(start: dt.date, rule, calendar: Calendar | None = None) -> DueDate:
    """The due date of ``rule`` (working days or calendar days, 日) counted from ``start``.

    A limit in calendar days (产品质量法 “十五日”) is never provisional: it needs no holiday notice.
    """
    if rule.unit == "working_days":
        return (calendar or Calendar()).add(start, int(rule.value))
    if rule.unit == "days":
        return DueDate(start + dt.timedelta(days=int(rule.value)), False)
    raise ValueError(f"rule {rule.key} is not counted in working days or days")


def set_deadline(*, object_type: str, object_id: str, kind: str, start: dt.date, rule) -> Deadline:
    """Store (or move) a deadline ``rule.value`` working days (or calendar days) after ``start``.

    ``working_days`` keeps the rule's count whatever its unit; ``rule.unit`` says which it is.
    Only working-day deadlines can be provisional, so only they are ever recomputed.
    """
    result = due_after(start, rule)
    deadline, _ = Deadline.objects.update_or_create(
        object_type=object_type,
        object_id=str(object_id),
        kind=kind,
        defaults={
            "start": start,
            "working_days": int(rule.value),
            "due": result.value,
            "provisional": result.provisional,
            "rule": rule,
        },
    )
    return deadline


class NoticeError(DomainError):
    """A holiday notice that cannot be loaded; the message is for the administrator."""

    default_code = "bad_notice"

    def __init__(self, message: str):
        super().__init__(message=message)


def load_notice(*, actor, year: int, source: str, days: list[tuple[dt.date, bool, str]]) -> int:
    """Load (or replace) a year's holiday notice and recompute every provisional deadline.

    ``days`` lists the dates that differ from the plain week: (date, is_workday, name). Returns the
    number of deadlines recomputed.
    """
    from . import audit

    if not source.strip():
        raise NoticeError("请填写通知的文号或来源。")
    seen = set()
    for day, is_workday, _name in days:
        if day.year != year:
            raise NoticeError(f"日期 {day:%Y-%m-%d} 不属于 {year} 年。")
        if day in seen:
            raise NoticeError(f"日期 {day:%Y-%m-%d} 重复出现。")
        seen.add(day)
        if is_workday and day.weekday() < 5:
            raise NoticeError(f"{day:%Y-%m-%d} 本就是工作日，不能列为调休上班日。")
    if not any(not w for _, w, _ in days):
        raise NoticeError("通知中没有任何放假日期。")
    with transaction.atomic():
        before = None
        old = HolidayNotice.objects.filter(year=year).first()
        if old:
            before = {
                "source": old.source,
                "days": sorted(str(d) for d in old.days.values_list("date", flat=True)),
            }
            old.delete()
        notice = HolidayNotice.objects.create(year=year, source=source.strip(), loaded_by=actor)
        CalendarDay.objects.bulk_create(
            CalendarDay(notice=notice, date=d, is_workday=w, name=n[:40]) for d, w, n in days
        )
        audit.record(
            actor,
            audit.Change(
                "calendar.load_notice",
                "HolidayNotice",
                str(year),
                before,
                {"source": notice.source, "days": [[str(d), w, n] for d, w, n in sorted(days)]},
            ),
        )
        _notice_days.cache_clear()
        recomputed = recompute_provisional_deadlines(actor=actor)
    return recomputed


def recompute_provisional_deadlines(*, actor) -> int:
    from . import audit

    calendar = Calendar()
    changes = []
    for deadline in Deadline.objects.filter(provisional=True).select_for_update():
        result = calendar.add(deadline.start, deadline.working_days)
        if result.value != deadline.due or result.provisional != deadline.provisional:
            changes.append(
                audit.Change(
                    "deadline.recompute",
                    "Deadline",
                    str(deadline.pk),
                    {"due": deadline.due, "provisional": deadline.provisional},
                    {"due": result.value, "provisional": result.provisional},
                )
            )
            deadline.due, deadline.provisional = result.value, result.provisional
            deadline.save(update_fields=["due", "provisional"])
    if changes:
        audit.record_many(actor, changes)
    return len(changes)


def due_summary(queryset, *, object_type: str, kind: str, today: dt.date) -> tuple[dt.date | None, int]:
    """(nearest due date, how many overdue) of deadline ``kind`` over the rows of ``queryset``:
    what a workbench to-do shows beside its count."""
    from django.db.models import CharField, Count, Min, Q
    from django.db.models.functions import Cast

    ids = queryset.order_by().annotate(key=Cast("pk", CharField())).values("key")
    found = Deadline.objects.filter(object_type=object_type, kind=kind, object_id__in=ids).aggregate(
        nearest=Min("due"), overdue=Count("id", filter=Q(due__lt=today))
    )
    return found["nearest"], found["overdue"]

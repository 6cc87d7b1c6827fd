"""The time limits of a case (时限), as core Deadline rows on the rule version of its receipt date.

A case keeps the procedure in force on the day it was received: every rule is looked up on
``case.received_on``, whatever day the step itself starts. Working days come from the core calendar
(``core.workdays``): provisional while a count crosses a year without a holiday notice. Time spent on
testing or appraisal (:class:`~.models.ClockPause`) is added to the mediation limit (Order 20 Art 20).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zhijian.core.models import Deadline, RuleValue
from zhijian.core.rules import rule
from zhijian.core.workdays import Calendar

from .models import Case, RuleCheck
from .rules import ORDER_121_FROM

OBJECT_TYPE = "complaints.Case"

# deadline kind → (rule key, label, the case field that says when the step was done)
KINDS = {
    "odr": ("complaints.odr_firm_first", "企业先行处理", "odr_ended_on"),
    "acceptance": ("complaints.accept_decision", "作出受理决定", "accepted_on"),
    "mediation": ("complaints.mediation_limit", "调解办结", "closed_on"),
    "termination_notice": ("complaints.termination_notice", "告知终止调解", "parties_told_on"),
    "report_verify": ("complaints.report_verify", "核查并决定是否立案", "closed_on"),
    "report_feedback": ("complaints.report_feedback", "告知实名举报人", "reporter_told_on"),
    "dispute": ("complaints.dispute_decide", "指定管辖", None),
}


def rule_version_on(received_on: dt.date) -> str:
    return "order121" if received_on >= ORDER_121_FROM else "order20"


def rule_for(case: Case, kind: str) -> RuleValue:
    """The rule of ``kind`` in force on the case's receipt date (the case keeps its version)."""
    return rule(KINDS[kind][0], on=case.received_on)


@dataclass(frozen=True)
class PlannedDeadline:
    """A deadline worked out but not stored yet (a case being filed has no id until it is saved)."""

    kind: str
    start: dt.date
    working_days: int
    due: dt.date
    provisional: bool
    rule: RuleValue


def plan_case_deadline(case: Case, kind: str, start: dt.date, *, extra_days: int = 0) -> PlannedDeadline:
    """Deadline ``kind`` of ``case``: the rule's working days after ``start``, on the case's rule version."""
    found = rule_for(case, kind)
    days = int(found.value) + extra_days
    result = Calendar().add(start, days) if found.unit == "working_days" else None
    due = result.value if result else start + dt.timedelta(days=days)
    return PlannedDeadline(kind, start, days, due, bool(result and result.provisional), found)


def store_case_deadline(case: Case, planned: PlannedDeadline, *, new: bool = False) -> Deadline:
    """Store (or move) a planned deadline of a saved case. ``new``: the case was just filed and has no
    deadline yet, so one INSERT does (no look-up, no savepoints)."""
    values = {
        "start": planned.start,
        "working_days": planned.working_days,
        "due": planned.due,
        "provisional": planned.provisional,
        "rule": planned.rule,
    }
    if new:
        return Deadline.objects.create(
            object_type=OBJECT_TYPE, object_id=str(case.pk), kind=planned.kind, **values
        )
    deadline, _ = Deadline.objects.update_or_create(
        object_type=OBJECT_TYPE, object_id=str(case.pk), kind=planned.kind, defaults=values
    )
    return deadline


def set_case_deadline(case: Case, kind: str, start: dt.date, *, extra_days: int = 0) -> Deadline:
    """Store (or move) deadline ``kind`` of ``case``: the rule's working days after ``start``."""
    return store_case_deadline(case, plan_case_deadline(case, kind, start, extra_days=extra_days))


def drop_case_deadline(case: Case, kind: str) -> None:
    Deadline.objects.filter(object_type=OBJECT_TYPE, object_id=str(case.pk), kind=kind).delete()


def deadlines_of(case: Case) -> dict[str, Deadline]:
    rows = Deadline.objects.filter(object_type=OBJECT_TYPE, object_id=str(case.pk)).select_related("rule")
    return {d.kind: d for d in rows}


def unconfirmed_rule_ids(rule_ids) -> set[int]:
    return set(
        RuleCheck.objects.filter(rule_id__in=list(rule_ids), confirmed_on__isnull=True).values_list(
            "rule_id", flat=True
        )
    )


@dataclass(frozen=True)
class DeadlineRow:
    kind: str
    label: str
    start: dt.date
    due: dt.date
    days: int
    provisional: bool
    legal_source: str
    unconfirmed: bool
    finished: dt.date | None
    state: str  # met, late, running, due_soon, overdue

    @property
    def state_label(self) -> str:
        return {
            "met": "按时完成",
            "late": "逾期完成",
            "running": "进行中",
            "due_soon": "即将到期",
            "overdue": "已逾期",
        }[self.state]


def warn_margin(on: dt.date) -> int:
    try:
        return int(rule("complaints.warn_before", on=on).value)
    except LookupError:
        return 2


def state_of(due: dt.date, finished: dt.date | None, today: dt.date, calendar: Calendar, margin: int) -> str:
    if finished is not None:
        return "met" if finished <= due else "late"
    if today > due:
        return "overdue"
    if calendar.count(today, due).value <= margin:
        return "due_soon"
    return "running"


def deadline_rows(case: Case, today: dt.date | None = None) -> list[DeadlineRow]:
    """The case's time limits for its page: article, due date, whether met, warned or overdue."""
    today = today or timezone.localdate()
    found = deadlines_of(case)
    unconfirmed = unconfirmed_rule_ids(d.rule_id for d in found.values() if d.rule_id)
    calendar, margin = Calendar(), warn_margin(case.received_on)
    rows = []
    for kind, (_key, label, done_field) in KINDS.items():
        deadline = found.get(kind)
        if deadline is None:
            continue
        finished = getattr(case, done_field) if done_field else None
        if kind == "dispute":
            finished = (
                case.disputes.filter(decided_on__isnull=False).values_list("decided_on", flat=True).first()
            )
        if kind == "acceptance" and case.status == "not_accepted":
            finished = case.closed_on
        rows.append(
            DeadlineRow(
                kind=kind,
                label=label,
                start=deadline.start,
                due=deadline.due,
                days=deadline.working_days,
                provisional=deadline.provisional,
                legal_source=deadline.rule.legal_source if deadline.rule else "",
                unconfirmed=deadline.rule_id in unconfirmed,
                finished=finished,
                state=state_of(deadline.due, finished, today, calendar, margin),
            )
        )
    return rows

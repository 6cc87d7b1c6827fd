"""The time limits of the sampling chain (时限), stored as :class:`~zhijian.core.models.Deadline` rows.

Each limit is a rule (``sampling.<kind>.<name>``, seeded by this app's data migration) counted from
the day its step started; the rule in force on that day applies. Working-day limits run through
``core.workdays`` and are provisional while they cross a year without a holiday notice; loading the
notice recomputes them. The rows are the one source of due dates: pages and figures join them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from zhijian.core.bulk import insert_rows
from zhijian.core.models import Deadline, RuleValue
from zhijian.core.rules import rule
from zhijian.core.workdays import Calendar, due_after, set_deadline

SAMPLE = "sampling.Sample"
OBJECTION = "sampling.Objection"
CASE = "sampling.PostProcessingCase"

# deadline kind → (object type, rule name, label)
KINDS = {
    "at_lab": (SAMPLE, "deliver_to_lab", "样品送达承检机构"),
    "report": (SAMPLE, "report_within", "出具检验报告"),
    "retest_request": (SAMPLE, "retest_request_within", "申请复检"),
    "objection": (SAMPLE, "objection_within", "提出异议"),
    "retest_report": (OBJECTION, "retest_report_within", "出具复检报告"),
    "disposal": (CASE, "disposal_within", "完成核查处置"),
}


def rule_for(kind: str, sample_kind: str, on: dt.date) -> RuleValue:
    """The rule of deadline ``kind`` for a food or product sample, in force on ``on``."""
    return rule(f"sampling.{sample_kind}.{KINDS[kind][1]}", on=on)


def request_kind(sample_kind: str) -> str:
    """Food is re-tested on request (复检申请); a product result is objected to (异议)."""
    return "retest_request" if sample_kind == "food" else "objection"


def set_chain_deadline(obj, kind: str, sample_kind: str, start: dt.date) -> Deadline:
    object_type = KINDS[kind][0]
    return set_deadline(
        object_type=object_type,
        object_id=str(obj.pk),
        kind=kind,
        start=start,
        rule=rule_for(kind, sample_kind, start),
    )


class BulkDeadlines:
    """Deadlines for many objects at once: one calendar, rules looked up once per (key, day)."""

    def __init__(self) -> None:
        self.calendar = Calendar()
        self._versions: dict[str, list[RuleValue]] = {}
        self._rules: dict[tuple[str, str, dt.date], RuleValue] = {}
        self._due: dict[tuple[int, dt.date], tuple[dt.date, bool]] = {}

    def _rule(self, kind: str, sample_kind: str, on: dt.date) -> RuleValue:
        """``rule_for`` with every version of a key read once (the same choice as core.rules.rule)."""
        key = f"sampling.{sample_kind}.{KINDS[kind][1]}"
        if key not in self._versions:
            self._versions[key] = list(RuleValue.objects.filter(key=key).order_by("-valid_from"))
        for version in self._versions[key]:
            if version.valid_from <= on and (version.valid_to is None or version.valid_to >= on):
                return version
        return rule_for(kind, sample_kind, on)  # raises MissingRule with its message

    def due(self, kind: str, sample_kind: str, start: dt.date) -> tuple[RuleValue, dt.date, bool]:
        key = (kind, sample_kind, start)
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = self._rule(kind, sample_kind, start)
        cached = self._due.get((found.pk, start))
        if cached is None:
            result = due_after(start, found, self.calendar)
            cached = self._due[(found.pk, start)] = (result.value, result.provisional)
        return found, cached[0], cached[1]

    def insert(self, kind: str, rows: Iterable[tuple[int, str, dt.date]]) -> int:
        """Insert deadlines of ``kind`` for (object id, food|product, start) rows that have none yet."""
        object_type = KINDS[kind][0]
        # Computed before the COPY starts: a rule lookup cannot run on a connection that is mid-COPY.
        values = []
        for object_id, sample_kind, start in rows:
            found, due, provisional = self.due(kind, sample_kind, start)
            values.append(
                (object_type, str(object_id), kind, start, int(found.value), due, provisional, found.pk)
            )
        return insert_rows(
            Deadline,
            ("object_type", "object_id", "kind", "start", "working_days", "due", "provisional", "rule"),
            values,
        )


def due_of(kind: str, outer: str = "pk") -> Subquery:
    """An annotation: the due date of deadline ``kind`` of each row (``outer``: the row's id field)."""
    return Subquery(
        Deadline.objects.filter(
            object_type=KINDS[kind][0], kind=kind, object_id=Cast(OuterRef(outer), CharField())
        ).values("due")[:1]
    )


def provisional_of(kind: str, outer: str = "pk") -> Subquery:
    return Subquery(
        Deadline.objects.filter(
            object_type=KINDS[kind][0], kind=kind, object_id=Cast(OuterRef(outer), CharField())
        ).values("provisional")[:1]
    )


def deadlines_of(obj) -> dict[str, Deadline]:
    """Every deadline of one sample, objection or case, by kind."""
    object_type = {"Sample": SAMPLE, "Objection": OBJECTION, "PostProcessingCase": CASE}[type(obj).__name__]
    return {d.kind: d for d in Deadline.objects.filter(object_type=object_type, object_id=str(obj.pk))}


def chain_view(sample) -> list[dict]:
    """The deadlines of a sample's chain for its page: label, due, met or late or running."""
    today = timezone.localdate()
    rows = []
    found = deadlines_of(sample)
    done_on = {"at_lab": sample.received_on, "report": sample.reported_on}
    for kind in ("at_lab", "report", request_kind(sample.kind)):
        deadline = found.get(kind)
        if deadline is None:
            continue
        finished = done_on.get(kind)
        if finished is not None:
            state = "met" if finished <= deadline.due else "late"
        elif kind in ("retest_request", "objection"):
            state = "running" if today <= deadline.due else "expired"
        else:
            state = "running" if today <= deadline.due else "overdue"
        rows.append(
            {
                "kind": kind,
                "label": KINDS[kind][2],
                "start": deadline.start,
                "due": deadline.due,
                "provisional": deadline.provisional,
                "finished": finished,
                "state": state,
                "rule": deadline.rule,
            }
        )
    return rows

"""Writing judged results and opening the post-processing loop, for one sample or sixty thousand.

The form, the API and the laboratory's file upload all end here: :class:`ResultWriter` stores the
item results, concludes the samples, sets the report deadline where receipt is recorded with the
report, audits every sample, and for every failure opens the cases (核查处置) and notices, with
their deadlines, and emits ``sampling.sample_failed``. Everything is set-based (COPY on PostgreSQL)
and runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

from django.db import connection
from django.db.models import Field

from zhijian.core import audit, events
from zhijian.core.bulk import insert_rows

from .deadlines import BulkDeadlines
from .judgement import FAIL, PASS, Verdict
from .models import (
    CaseStatus,
    LoopStatus,
    OutsideNotice,
    Party,
    PostProcessingCase,
    Round,
    Sample,
    SampleStatus,
    TestResult,
)

FACT_FIELDS = (
    "id",
    "sample_no",
    "kind",
    "stage",
    "category__name",
    "product_name",
    "laboratory__name",
    "jurisdiction_id",
    "sampled_on",
    "received_on",
    "status",
    "report_no",
    "seller_id",
    "seller_uscc",
    "seller_name",
    "seller_jurisdiction_id",
    "producer_id",
    "producer_uscc",
    "producer_name",
    "producer_region",
    "producer_jurisdiction_id",
)


@dataclass(frozen=True)
class ItemOutcome:
    item_id: int
    item_name: str
    measured: str
    unit: str
    verdict: Verdict


@dataclass
class SampleOutcome:
    """A sample's judged report: its items, and the receipt date when the report records it."""

    sample_id: int
    report_no: str
    reported_on: dt.date
    received_on: dt.date | None = None
    items: list[ItemOutcome] = field(default_factory=list)
    kind: str = ""  # what the writer needs of the sample as it stood: food or product,
    prior_status: str = ""  # its status,
    prior_received_on: dt.date | None = None  # and its receipt date if recorded before

    @cached_property
    def judgement(self) -> str:
        return FAIL if any(i.verdict.failed for i in self.items) else PASS

    @property
    def failed_items(self) -> list[str]:
        return [i.item_name for i in self.items if i.verdict.failed]


def sample_facts(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What the writer needs of each sample, by id, in one query."""
    return {row["id"]: row for row in Sample.objects.filter(pk__in=list(ids)).values(*FACT_FIELDS)}


def update_rows(model, fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Set ``fields`` of many rows at once; each row is (id, *values in ``fields`` order).

    PostgreSQL: COPY into a temporary table, then one UPDATE … FROM. Elsewhere: executemany.
    """
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = [cast(Field, meta.get_field(f)) for f in fields]
    names = [str(c.column) for c in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            temp = quote(f"upd_{meta.db_table}")
            defs = ", ".join(
                f"{quote(n)} {c.db_type(connection)}" for n, c in zip(names, columns, strict=True)
            )
            cursor.execute(f"CREATE TEMP TABLE {temp} (id bigint PRIMARY KEY, {defs}) ON COMMIT DROP")
            listed = ", ".join(quote(n) for n in names)
            with cursor.cursor.copy(f"COPY {temp} (id, {listed}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{quote(n)} = s.{quote(n)}" for n in names)
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {temp} AS s WHERE t.id = s.id")  # noqa: S608
            cursor.execute(f"DROP TABLE {temp}")
        else:
            assignments = ", ".join(f"{quote(n)} = %s" for n in names)
            sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608
            prepared = [
                [
                    c.get_db_prep_value(v, connection) if v is not None else None
                    for c, v in zip(columns, row[1:], strict=True)
                ]
                + [row[0]]
                for row in rows
            ]
            cursor.executemany(sql, prepared)


def failure_payload(facts: dict[str, Any], judged_on: dt.date, failed_items: list[str]) -> dict:
    """The payload of ``sampling.sample_failed`` (docs/events.md)."""
    return {
        "sample_id": facts["id"],
        "sample_no": facts["sample_no"],
        "kind": facts["kind"],
        "category": facts["category__name"],
        "product": facts["product_name"],
        "judged_on": judged_on.isoformat(),
        "seller_uscc": facts["seller_uscc"] or None,
        "producer_uscc": facts["producer_uscc"] if facts["producer_id"] else None,
        "failed_items": failed_items,
        "lab": facts["laboratory__name"],
    }


class ResultWriter:
    """Writes judged reports and the loop they open. ``actor`` is audited; call inside a transaction."""

    def __init__(self, actor) -> None:
        self.actor = actor
        self.deadlines = BulkDeadlines()
        self.failed = 0
        self.cases = 0
        self.notices = 0

    def write(self, outcomes: list[SampleOutcome]) -> None:
        """Store the reports of samples not reported before (``kind`` and prior state filled in)."""
        if not outcomes:
            return
        insert_rows(
            TestResult,
            (
                "sample_id",
                "item_id",
                "round",
                "measured",
                "unit",
                "value",
                "detection_limit",
                "shown",
                "judgement",
                "reason",
            ),
            (
                (
                    o.sample_id,
                    i.item_id,
                    Round.INITIAL,
                    i.measured[:100],
                    i.unit,
                    i.verdict.value,
                    i.verdict.detection_limit,
                    i.verdict.shown[:200],
                    i.verdict.judgement,
                    i.verdict.reason[:200],
                )
                for o in outcomes
                for i in o.items
            ),
        )
        updates, received, changes, failed = [], [], [], []
        for o in outcomes:
            judgement = o.judgement
            received_on = o.prior_received_on or o.received_on
            if o.prior_received_on is None and o.received_on is not None:
                received.append((o.sample_id, o.kind, o.received_on))
            updates.append(
                (
                    o.sample_id,
                    SampleStatus.REPORTED,
                    received_on,
                    o.report_no,
                    o.reported_on,
                    judgement,
                    judgement,
                    o.reported_on,
                    LoopStatus.OPEN if judgement == FAIL else "",
                )
            )
            changes.append(
                audit.Change(
                    "sampling.result.record",
                    "Sample",
                    str(o.sample_id),
                    {"status": o.prior_status},
                    {
                        "status": SampleStatus.REPORTED,
                        "received_on": received_on.isoformat() if received_on else None,
                        "report_no": o.report_no,
                        "reported_on": o.reported_on.isoformat(),
                        "judgement": judgement,
                        "items": len(o.items),
                        "failed_items": o.failed_items,
                    },
                )
            )
            if judgement == FAIL:
                failed.append(o)
        update_rows(
            Sample,
            (
                "status",
                "received_on",
                "report_no",
                "reported_on",
                "initial_judgement",
                "judgement",
                "judged_on",
                "loop_status",
            ),
            updates,
        )
        self.deadlines.insert("report", received)
        audit.record_many(self.actor, changes)
        if failed:  # only a failure needs the parties: fetch them for the failures alone
            facts = sample_facts(o.sample_id for o in failed)
            self.open_loops([(facts[o.sample_id], o.reported_on, o.failed_items) for o in failed])

    def open_loops(self, failures: list[tuple[dict[str, Any], dt.date, list[str]]]) -> None:
        """Open the cases and notices of failing samples and announce the failures."""
        if not failures:
            return
        self.failed += len(failures)
        case_rows, notice_rows = [], []
        for f, opened_on, _items in failures:
            case_rows.append(
                (
                    f["id"],
                    Party.SELLER,
                    f["seller_jurisdiction_id"] or f["jurisdiction_id"],
                    f["seller_id"],
                    f["seller_uscc"],
                    f["seller_name"],
                    opened_on,
                    CaseStatus.OPEN,
                    "",
                )
            )
            same_party = (f["producer_uscc"] and f["producer_uscc"] == f["seller_uscc"]) or (
                f["producer_name"] == f["seller_name"]
            )
            if same_party or not f["producer_name"]:
                continue
            if f["producer_jurisdiction_id"]:
                case_rows.append(
                    (
                        f["id"],
                        Party.PRODUCER,
                        f["producer_jurisdiction_id"],
                        f["producer_id"],
                        f["producer_uscc"],
                        f["producer_name"],
                        opened_on,
                        CaseStatus.OPEN,
                        "",
                    )
                )
            else:
                notice_rows.append(
                    (
                        f["id"],
                        Party.PRODUCER,
                        f["producer_name"],
                        f["producer_uscc"],
                        f["producer_region"] or "本市以外",
                        opened_on,
                    )
                )
        insert_rows(
            PostProcessingCase,
            (
                "sample_id",
                "party",
                "jurisdiction_id",
                "entity_id",
                "entity_uscc",
                "entity_name",
                "opened_on",
                "status",
                "conclusion",
            ),
            case_rows,
        )
        insert_rows(
            OutsideNotice,
            ("sample_id", "party", "entity_name", "entity_uscc", "region", "created_on", "document_no"),
            ((*row, "") for row in notice_rows),
        )
        sample_ids = [f["id"] for f, _, _ in failures]
        kinds = {f["id"]: f["kind"] for f, _, _ in failures}
        opened = list(
            PostProcessingCase.objects.filter(sample_id__in=sample_ids, status=CaseStatus.OPEN).values_list(
                "id", "sample_id", "party", "jurisdiction_id", "entity_name", "opened_on"
            )
        )
        self.cases += len(case_rows)
        self.notices += len(notice_rows)
        self.deadlines.insert("disposal", ((pk, kinds[sid], day) for pk, sid, _, _, _, day in opened))
        audit.record_many(
            self.actor,
            (
                audit.Change(
                    "sampling.case.open",
                    "PostProcessingCase",
                    str(pk),
                    None,
                    {
                        "sample_id": sid,
                        "party": party,
                        "jurisdiction_id": unit,
                        "entity": name,
                        "opened_on": day,
                    },
                )
                for pk, sid, party, unit, name, day in opened
            ),
        )
        events.emit_many(
            "sampling.sample_failed",
            [failure_payload(f, judged_on, items) for f, judged_on, items in failures],
        )

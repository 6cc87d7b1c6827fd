"""Credit records (信用信息归集): recording, correcting, withdrawing, fulfilment and the end of publicity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import is_system
from zhijian.core.rules import rule
from zhijian.core.workdays import set_deadline
from zhijian.registry.models import Entity

from .. import classify
from ..models import (
    LIGHT_MEASURES,
    NO_EARLY_END_MEASURES,
    CreditRecord,
    PenaltyMeasure,
    Publicity,
    RecordKind,
    Sector,
    Severity,
    Trigger,
)
from ..periods import add_period
from ._common import RECORD_FIELDS, CreditError, _require, _snapshot

# ---------------------------------------------------------------------------------------------
# Credit records (信用信息归集)


def penalty_severity(measures: Iterable[str]) -> str:
    """How heavy a penalty is for classification and publicity, from its measures."""
    measures = set(measures)
    if measures & NO_EARLY_END_MEASURES:
        return Severity.SERIOUS
    if measures <= LIGHT_MEASURES:
        return Severity.MINOR
    return Severity.GENERAL


def penalty_publicity_until(published_on: dt.date, measures: Iterable[str]) -> dt.date:
    """End of a penalty's publicity (Order 45 Art 13): 3 months when light, else 3 years."""
    light = set(measures) <= LIGHT_MEASURES
    key = "credit.penalty.publicity_light" if light else "credit.penalty.publicity"
    return add_period(published_on, rule(key, on=published_on))


@transaction.atomic
def record_credit_record(
    *,
    actor,
    entity: Entity,
    kind: str,
    severity: str,
    title: str,
    occurred_on: dt.date,
    source: str,
    public: bool,
    source_ref: str = "",
    legal_basis: str = "",
    authority: str = "",
    decision_no: str = "",
    violation_type: str = "",
    measures: Iterable[str] = (),
    fine_amount: Decimal | None = None,
    sector: str = Sector.GENERAL,
    fulfilled_on: dt.date | None = None,
    today: dt.date | None = None,
    reclassify: bool = True,
) -> CreditRecord:
    """Collect one credit record (信用信息归集) and reclass the entity.

    Idempotent on ``source_ref``: a record already collected from the same origin is returned as is.
    Penalties are published on collection, with the publication deadline of Order 45 Art 9 kept as a
    working-day deadline from the decision date and the publicity end of Art 13.
    """
    _require(actor, entity)
    if source_ref:
        existing = CreditRecord.objects.filter(source_ref=source_ref).first()
        if existing is not None:
            return existing
    if kind not in RecordKind.values:
        raise CreditError("bad_kind", f"未知的信用记录类别“{kind}”")
    if severity not in Severity.values:
        raise CreditError("bad_severity", f"未知的严重程度“{severity}”")
    if not title.strip():
        raise CreditError("title_required", "请填写事由")
    today = today or timezone.localdate()
    if occurred_on > today:
        raise CreditError("future_date", "决定（发生）日期不能晚于今天")
    measures = list(measures)
    if kind == RecordKind.PENALTY:
        unknown = set(measures) - set(PenaltyMeasure.values)
        if not measures or unknown:
            raise CreditError("bad_measures", "请选择有效的处罚种类")
        severity = penalty_severity(measures)
        # Only-warning penalties are not published (Order 45 Art 2).
        public = public and set(measures) != {PenaltyMeasure.WARNING}
    record = CreditRecord(
        entity=entity,
        kind=kind,
        severity=severity,
        title=title.strip()[:200],
        violation_type=violation_type[:100],
        decision_no=decision_no[:80],
        authority=authority[:100],
        occurred_on=occurred_on,
        legal_basis=legal_basis[:300],
        measures=measures,
        fine_amount=fine_amount,
        sector=sector,
        source=source[:40],
        source_ref=source_ref[:80],
        public=public,
        publicity=Publicity.PUBLISHED if public else Publicity.NOT_PUBLIC,
        published_on=today if public else None,
        fulfilled_on=fulfilled_on,
        recorded_by=None if is_system(actor) else actor,
    )
    if public and kind == RecordKind.PENALTY:
        record.publicity_until = penalty_publicity_until(today, measures)
        if record.publicity_until <= today:
            record.publicity = Publicity.EXPIRED
    record.save()
    if public and kind == RecordKind.PENALTY:
        set_deadline(
            object_type="credit.CreditRecord",
            object_id=str(record.pk),
            kind="credit.penalty.publication",
            start=occurred_on,
            rule=rule("credit.penalty.publication", on=occurred_on),
        )
    audit.record(
        actor,
        audit.Change("credit.record", "CreditRecord", str(record.pk), None, _snapshot(record, RECORD_FIELDS)),
    )
    if reclassify:
        classify.reclassify_entity(entity.pk, trigger=Trigger.RECORD, actor=actor)
    return record


@transaction.atomic
def correct_record(
    *, actor, record: CreditRecord, severity: str, title: str, occurred_on: dt.date, public: bool, **fields
) -> CreditRecord:
    """Correct a record whose origin corrected itself (e.g. a re-recorded spot-check result)."""
    _require(actor, record)
    before = _snapshot(record, RECORD_FIELDS)
    record.severity, record.title, record.occurred_on = severity, title.strip()[:200], occurred_on
    for name, value in fields.items():
        setattr(record, name, value)
    if public != record.public:
        record.public = public
        record.publicity = Publicity.PUBLISHED if public else Publicity.NOT_PUBLIC
        record.published_on = record.published_on or (timezone.localdate() if public else None)
    after = _snapshot(record, RECORD_FIELDS)
    if after == before and not fields:
        return record
    record.save()
    audit.record(actor, audit.Change("credit.correct", "CreditRecord", str(record.pk), before, after))
    classify.reclassify_entity(record.entity_id, trigger=Trigger.RECORD, actor=actor)
    return record


@transaction.atomic
def record_penalty(*, actor, entity: Entity, measures: Iterable[str], **fields) -> CreditRecord:
    """Collect an administrative penalty (行政处罚信息); severity follows from its measures."""
    return record_credit_record(
        actor=actor,
        entity=entity,
        kind=RecordKind.PENALTY,
        severity=Severity.GENERAL,
        measures=measures,
        public=fields.pop("public", True),
        source=fields.pop("source", "penalty"),
        **fields,
    )


@transaction.atomic
def withdraw_record(
    *, actor, record: CreditRecord, reason: str, revoked_on: dt.date, today: dt.date | None = None
) -> CreditRecord:
    """Withdraw a record whose decision was revoked (Order 45 Art 11: within 3 working days).

    The withdrawal deadline is kept from the revocation date; the record stops counting at once.
    """
    _require(actor, record)
    if not reason.strip():
        raise CreditError("reason_required", "请填写撤销原因", fields={"reason": "请填写撤销原因"})
    if record.withdrawn_on:
        return record
    today = today or timezone.localdate()
    before = _snapshot(record, RECORD_FIELDS)
    record.withdrawn_on = today
    record.withdrawal_reason = reason.strip()[:300]
    if record.public:
        record.publicity = Publicity.WITHDRAWN
        record.publicity_ended_on = today
    record.save()
    if record.public:
        set_deadline(
            object_type="credit.CreditRecord",
            object_id=str(record.pk),
            kind="credit.penalty.withdrawal",
            start=revoked_on,
            rule=rule("credit.penalty.withdrawal", on=revoked_on),
        )
    audit.record(
        actor,
        audit.Change(
            "credit.withdraw", "CreditRecord", str(record.pk), before, _snapshot(record, RECORD_FIELDS)
        ),
    )
    classify.reclassify_entity(record.entity_id, trigger=Trigger.RECORD, actor=actor)
    return record


@transaction.atomic
def record_fulfilment(*, actor, record: CreditRecord, fulfilled_on: dt.date) -> CreditRecord:
    """Note that a penalty's obligations were fulfilled (处罚决定履行完毕)."""
    _require(actor, record)
    if record.kind != RecordKind.PENALTY:
        raise CreditError("not_penalty", "只有行政处罚记录需要登记履行情况")
    if fulfilled_on < record.occurred_on or fulfilled_on > timezone.localdate():
        raise CreditError("bad_date", "履行完毕日期须在处罚决定日期之后、今天之前")
    before = _snapshot(record, RECORD_FIELDS)
    record.fulfilled_on = fulfilled_on
    record.save(update_fields=["fulfilled_on"])
    audit.record(
        actor,
        audit.Change(
            "credit.fulfil", "CreditRecord", str(record.pk), before, _snapshot(record, RECORD_FIELDS)
        ),
    )
    return record


@transaction.atomic
def expire_publicity(*, actor, today: dt.date | None = None) -> int:
    """End the publicity of every record whose period has run out (公示期满停止公示); set-based."""
    today = today or timezone.localdate()
    due = CreditRecord.objects.filter(publicity=Publicity.PUBLISHED, publicity_until__lt=today)
    ids = list(due.values_list("pk", "publicity_until"))
    if not ids:
        return 0
    CreditRecord.objects.filter(pk__in=[pk for pk, _ in ids]).update(
        publicity=Publicity.EXPIRED, publicity_ended_on=today
    )
    audit.record_many(
        actor,
        (
            audit.Change(
                "credit.publicity_expired",
                "CreditRecord",
                str(pk),
                {"publicity": Publicity.PUBLISHED, "publicity_until": until},
                {"publicity": Publicity.EXPIRED, "publicity_ended_on": today},
            )
            for pk, until in ids
        ),
    )
    return len(ids)

"""Reported values (填报值): report with evidence, approve (lock) or return, correct after locking.

- :func:`report_value`: the responsible 处室 (its own indicators; a city administrator any) or a
  district (its own jurisdiction) submits a value for a period with evidence;
- :func:`approve_value`: a department head (a city-wide officer holding the permission
  ``indicators.approve_reportedvalue``) locks it — never her own report; a correction's approval
  marks the version it corrects SUPERSEDED;
- :func:`return_value`: the head returns it with a note (REJECTED); the reporter submits again;
- :func:`correct_value`: after locking, a correction is a new version (``version`` + 1,
  ``supersedes`` the locked row) with its reason; the locked row stays until the correction is
  approved, and is never altered in value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.access import require
from zhijian.core.errors import Conflict, DomainError, Forbidden
from zhijian.core.models import Jurisdiction, Role
from zhijian.core.scoping import user_district_id

from ..models import Indicator, ReportedValue, ValueStatus

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".ofd", ".docx", ".xlsx", ".doc", ".xls", ".zip"}
APPROVE_PERMISSION = "indicators.approve_reportedvalue"


def _snapshot(row: ReportedValue) -> dict:
    return {
        "code": row.code,
        "jurisdiction": row.jurisdiction.code,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "version": row.version,
        "value": row.value,
        "status": row.status,
    }


def _number(value) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("bad_value", f"“{value}”不是数值", fields={"value": "请填写数值"}) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 14:
        raise DomainError("bad_value", "数值超出范围", fields={"value": "数值超出范围"})
    return number


def _check_evidence(evidence_note: str, evidence_file) -> None:
    if not (evidence_note or "").strip():
        raise DomainError("evidence_required", "请填写佐证说明", fields={"evidence_note": "请填写佐证说明"})
    if evidence_file is not None:
        if PurePath(evidence_file.name).suffix.lower() not in EVIDENCE_SUFFIXES:
            raise DomainError("bad_evidence", "佐证材料格式不支持", fields={"evidence_file": "格式不支持"})
        if evidence_file.size > EVIDENCE_MAX_BYTES:
            raise DomainError("bad_evidence", "佐证材料超过20MB", fields={"evidence_file": "超过20MB"})


def may_report(actor, indicator: Indicator, jurisdiction: Jurisdiction) -> bool:
    """A district reports for its own jurisdiction; a 处室 for the city, on the indicators it is
    responsible for; a city administrator for anyone."""
    role = getattr(actor, "role", None)
    if role == Role.CITY_ADMIN:
        return True
    if role == Role.DEPARTMENT:
        return jurisdiction.level == Jurisdiction.Level.CITY and (
            indicator.department_id is None or indicator.department_id == actor.department_id
        )
    if role == Role.DISTRICT:
        return jurisdiction.is_county_level and user_district_id(actor) == jurisdiction.pk
    return False


def report_value(
    *,
    actor,
    indicator: Indicator,
    jurisdiction: Jurisdiction,
    period_start: dt.date,
    period_end: dt.date,
    value,
    evidence_note: str,
    evidence_file=None,
    miss_reason: str = "",
) -> ReportedValue:
    """Submit a value for approval (a first version, or again after it was returned)."""
    require(actor, "indicators.report")
    if not may_report(actor, indicator, jurisdiction):
        raise Forbidden("not_responsible", "只能填报本处室负责的指标或本辖区的数值")
    if period_end < period_start:
        raise DomainError("bad_period", "截止日期早于起始日期", fields={"period_end": "截止日期早于起始日期"})
    number = _number(value)
    _check_evidence(evidence_note, evidence_file)
    with transaction.atomic():
        chain = ReportedValue.objects.select_for_update().filter(
            code=indicator.code, jurisdiction=jurisdiction, period_start=period_start, period_end=period_end
        )
        last = chain.order_by("-version").first()
        if last is not None and last.status in (ValueStatus.LOCKED, ValueStatus.SUPERSEDED):
            raise Conflict("locked", "该期数值已审核锁定，如需修改请提交更正")
        if last is not None and last.status == ValueStatus.SUBMITTED:
            raise Conflict("pending", "该期数值已提交，正在等待审核")
        row = (
            last
            if last is not None
            else ReportedValue(
                code=indicator.code,
                jurisdiction=jurisdiction,
                period_start=period_start,
                period_end=period_end,
                version=1,
            )
        )
        before = _snapshot(row) if row.pk else None
        row.value = number
        row.status = ValueStatus.SUBMITTED
        row.evidence_note = evidence_note.strip()
        row.miss_reason = (miss_reason or "").strip()
        if evidence_file is not None:
            row.evidence_file = evidence_file
        row.reported_by = actor
        row.reported_at = timezone.now()
        row.reviewed_by, row.reviewed_at, row.review_note = None, None, ""
        row.save()
        audit.record(
            actor,
            audit.Change("indicators.value.report", "ReportedValue", str(row.pk), before, _snapshot(row)),
        )
    return row


def may_approve(actor) -> bool:
    return getattr(actor, "role", None) in (Role.CITY_ADMIN, Role.DEPARTMENT) and actor.has_perm(
        APPROVE_PERMISSION
    )


def _pending(actor, row: ReportedValue) -> ReportedValue:
    require(actor, "indicators.approve")
    if not may_approve(actor):
        raise Forbidden("not_head", "只有处室负责人可以审核填报值")
    row = ReportedValue.objects.select_for_update().get(pk=row.pk)
    if row.status != ValueStatus.SUBMITTED:
        raise Conflict("not_pending", "该数值不在待审核状态")
    if row.reported_by_id == actor.pk:
        raise Forbidden("own_report", "不能审核本人填报的数值")
    return row


def approve_value(*, actor, row: ReportedValue, note: str = "") -> ReportedValue:
    """Lock a submitted value; a correction's approval supersedes the version it corrects."""
    with transaction.atomic():
        row = _pending(actor, row)
        before = _snapshot(row)
        row.status = ValueStatus.LOCKED
        row.reviewed_by, row.reviewed_at, row.review_note = actor, timezone.now(), note.strip()
        row.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        if row.supersedes_id:
            ReportedValue.objects.filter(pk=row.supersedes_id).update(status=ValueStatus.SUPERSEDED)
        audit.record(
            actor,
            audit.Change("indicators.value.approve", "ReportedValue", str(row.pk), before, _snapshot(row)),
        )
        events.emit(
            "indicators.value_locked",
            {
                "value_id": row.pk,
                "code": row.code,
                "jurisdiction": row.jurisdiction.code,
                "period_start": row.period_start,
                "period_end": row.period_end,
                "version": row.version,
                "value": row.value,
                "supersedes": row.supersedes_id,
            },
        )
    return row


def return_value(*, actor, row: ReportedValue, note: str) -> ReportedValue:
    """Return a submitted value to its reporter with the reason (退回)."""
    if not (note or "").strip():
        raise DomainError("note_required", "请填写退回理由", fields={"note": "请填写退回理由"})
    with transaction.atomic():
        row = _pending(actor, row)
        before = _snapshot(row)
        row.status = ValueStatus.REJECTED
        row.reviewed_by, row.reviewed_at, row.review_note = actor, timezone.now(), note.strip()
        row.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        audit.record(
            actor,
            audit.Change("indicators.value.return", "ReportedValue", str(row.pk), before, _snapshot(row)),
        )
    return row


def correct_value(
    *, actor, row: ReportedValue, value, reason: str, evidence_note: str, evidence_file=None
) -> ReportedValue:
    """A correction of a locked value: a new version awaiting approval; the locked one is kept."""
    require(actor, "indicators.report")
    indicator = Indicator.objects.filter(code=row.code).order_by("-version__number").first()
    if indicator is None or not may_report(actor, indicator, row.jurisdiction):
        raise Forbidden("not_responsible", "只能更正本处室负责的指标或本辖区的数值")
    if not (reason or "").strip():
        raise DomainError("reason_required", "请填写更正原因", fields={"reason": "请填写更正原因"})
    number = _number(value)
    _check_evidence(evidence_note, evidence_file)
    with transaction.atomic():
        row = ReportedValue.objects.select_for_update().get(pk=row.pk)
        if row.status != ValueStatus.LOCKED:
            raise Conflict("not_locked", "只有已锁定的现行版本可以更正")
        if ReportedValue.objects.filter(supersedes=row).exists():
            raise Conflict("pending", "该数值已有待审核的更正")
        correction = ReportedValue.objects.create(
            code=row.code,
            jurisdiction=row.jurisdiction,
            period_start=row.period_start,
            period_end=row.period_end,
            version=row.version + 1,
            value=number,
            status=ValueStatus.SUBMITTED,
            evidence_note=evidence_note.strip(),
            evidence_file=evidence_file or "",
            reason=reason.strip(),
            miss_reason=row.miss_reason,
            supersedes=row,
            reported_by=actor,
            reported_at=timezone.now(),
        )
        audit.record(
            actor,
            audit.Change(
                "indicators.value.correct",
                "ReportedValue",
                str(correction.pk),
                _snapshot(row),
                {**_snapshot(correction), "reason": correction.reason},
            ),
        )
    return correction

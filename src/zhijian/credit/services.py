"""Operations that change credit data (信用监管): one transaction each, permission-checked, audited.

Records and lists change an entity's credit risk, so each operation ends by reclassing the entity
(:func:`classify.reclassify_entity`) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import allows
from zhijian.core.errors import DomainError
from zhijian.core.models import Deadline, Role
from zhijian.core.rules import rule
from zhijian.core.scoping import CHANGE, can
from zhijian.core.workdays import set_deadline
from zhijian.registry.models import Entity

from . import classify
from .models import (
    GROUNDS_BY_LIST,
    LIGHT_MEASURES,
    NO_EARLY_END_MEASURES,
    CreditList,
    CreditNotice,
    CreditRecord,
    ListDecision,
    ListEntry,
    ListGround,
    ListingProposal,
    PenaltyMeasure,
    Publicity,
    RecordKind,
    RepairApplication,
    RepairKind,
    ScoringModel,
    Sector,
    Severity,
    Trigger,
)
from .periods import add_months, add_period
from .spec import validate_spec


class CreditError(DomainError):
    """Bad input to a credit operation; the message is for the user, in Chinese, and nothing changed."""


def _is_system(actor) -> bool:
    return actor is None or isinstance(actor, str)


def _require(actor, obj, action: str = CHANGE) -> None:
    """Refuse unless ``actor`` (a user; system actors pass) may ``action`` ``obj``."""
    if _is_system(actor):
        return
    if not can(actor, obj, action):
        raise PermissionDenied("无权进行此操作")


def _snapshot(obj, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


RECORD_FIELDS = (
    "entity_id",
    "kind",
    "severity",
    "title",
    "occurred_on",
    "source",
    "source_ref",
    "public",
    "publicity",
    "published_on",
    "publicity_until",
    "publicity_ended_on",
    "withdrawn_on",
    "repaired_on",
    "fulfilled_on",
)


def _notify(entity: Entity, title: str, body: str, application: RepairApplication | None = None) -> None:
    CreditNotice.objects.create(entity=entity, application=application, title=title, body=body)


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
        recorded_by=None if _is_system(actor) else actor,
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
        raise CreditError("reason_required", "请填写撤销原因")
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


# ---------------------------------------------------------------------------------------------
# Lists (经营异常名录, 严重违法失信名单, 守信激励名单)

ENTRY_FIELDS = (
    "entity_id",
    "list",
    "ground",
    "status",
    "entered_on",
    "entry_reason",
    "removed_on",
    "removal_reason",
)


def _check_ground(list_code: str, ground: str) -> None:
    allowed: tuple[str, ...] = (
        GROUNDS_BY_LIST.get(CreditList(list_code), ()) if list_code in CreditList.values else ()
    )
    if ground not in allowed:
        raise CreditError("bad_ground", "该名录不适用所选列入事由")


def authority_of(actor) -> str:
    """The authority in whose name an officer decides: her county-level bureau (an office's staff
    decide for their district's bureau; jurisdiction names are the bureaus' full names), else the
    city bureau."""
    if _is_system(actor):
        return "系统"
    jurisdiction = actor.jurisdiction if actor.jurisdiction_id else None
    if jurisdiction is not None:
        return (jurisdiction.district or jurisdiction).name
    return "宁波市市场监督管理局"


@transaction.atomic
def enter_list(
    *,
    actor,
    entity: Entity,
    list_code: str,
    ground: str,
    entered_on: dt.date,
    reason: str,
    decision_no: str = "",
) -> ListEntry:
    """Put an entity on the abnormal list or the red list (a direct decision, public at once)."""
    _require(actor, entity)
    if list_code == CreditList.SERIOUS:
        raise CreditError("needs_review", "列入严重违法失信名单须经审核，请提交列入申请")
    _check_ground(list_code, ground)
    if not reason.strip():
        raise CreditError("reason_required", "请填写列入说明")
    if entered_on > timezone.localdate():
        raise CreditError("future_date", "列入日期不能晚于今天")
    if ListEntry.objects.filter(
        entity=entity, list=list_code, ground=ground, status=ListEntry.Status.IN_FORCE
    ).exists():
        raise CreditError("already_listed", "该主体已因同一事由在列")
    entry = ListEntry.objects.create(
        entity=entity,
        list=list_code,
        ground=ground,
        status=ListEntry.Status.IN_FORCE,
        entered_on=entered_on,
        entry_reason=reason.strip()[:300],
        decision_no=decision_no[:80],
        authority=authority_of(actor),
        recorded_by=None if _is_system(actor) else actor,
    )
    audit.record(
        actor,
        audit.Change("credit.list_enter", "ListEntry", str(entry.pk), None, _snapshot(entry, ENTRY_FIELDS)),
    )
    _notify(
        entity,
        f"列入{entry.get_list_display()}",
        f"因“{entry.get_ground_display()}”，自{entered_on:%Y年%m月%d日}起列入{entry.get_list_display()}。{entry.entry_reason}"
        + (f"（决定书文号：{entry.decision_no}）" if entry.decision_no else ""),
    )
    classify.reclassify_entity(entity.pk, trigger=Trigger.LIST, actor=actor)
    return entry


def _remove(entry: ListEntry, *, actor, removed_on: dt.date, reason: str, action: str) -> None:
    before = _snapshot(entry, ENTRY_FIELDS)
    entry.status = ListEntry.Status.REMOVED
    entry.removed_on = removed_on
    entry.removal_reason = reason[:300]
    entry.save(update_fields=["status", "removed_on", "removal_reason"])
    audit.record(
        actor, audit.Change(action, "ListEntry", str(entry.pk), before, _snapshot(entry, ENTRY_FIELDS))
    )


@transaction.atomic
def remove_from_list(*, actor, entry: ListEntry, removed_on: dt.date, reason: str) -> ListEntry:
    """Remove an entry from the abnormal or the red list (移出), with reason and date."""
    _require(actor, entry)
    if entry.list == CreditList.SERIOUS:
        raise CreditError("needs_review", "移出严重违法失信名单须经审核，请提交移出申请")
    if entry.status != ListEntry.Status.IN_FORCE:
        raise CreditError("not_in_force", "该记录不在列，无需移出")
    if not reason.strip():
        raise CreditError("reason_required", "请填写移出原因")
    if (entry.entered_on and removed_on < entry.entered_on) or removed_on > timezone.localdate():
        raise CreditError("bad_date", "移出日期须在列入日期之后、今天之前")
    _remove(entry, actor=actor, removed_on=removed_on, reason=reason.strip(), action="credit.list_remove")
    classify.reclassify_entity(entry.entity_id, trigger=Trigger.LIST, actor=actor)
    return entry


# ---------------------------------------------------------------------------------------------
# Proposals to enter the abnormal list (列入经营异常名录建议)

PROPOSAL_FIELDS = (
    "entity_id",
    "list",
    "ground",
    "status",
    "reason",
    "source_ref",
    "source_title",
    "finding",
    "found_on",
    "found_by",
    "verification_code",
    "decision_reason",
    "entry_id",
)
PROPOSAL_DEADLINE = "credit.abnormal.listing_decision"


def _proposal_deadline(proposal: ListingProposal) -> Deadline:
    """The decision is due 10 working days after the finding was established (查实之日; Art 8–9)."""
    return set_deadline(
        object_type="credit.ListingProposal",
        object_id=str(proposal.pk),
        kind=PROPOSAL_DEADLINE,
        start=proposal.found_on,
        rule=rule(PROPOSAL_DEADLINE, on=proposal.found_on),
    )


def proposal_deadline(proposal: ListingProposal) -> Deadline | None:
    return Deadline.objects.filter(
        object_type="credit.ListingProposal", object_id=str(proposal.pk), kind=PROPOSAL_DEADLINE
    ).first()


@transaction.atomic
def propose_listing(
    *,
    actor,
    entity: Entity,
    ground: str,
    reason: str,
    source: str,
    source_ref: str,
    finding: str,
    found_on: dt.date,
    source_title: str = "",
    found_by: str = "",
    verification_code: str = "",
) -> ListingProposal | None:
    """Propose entering ``entity`` on the abnormal list on another domain's finding (列入经营异常名录建议).

    Idempotent on ``source_ref``, one proposal per finding: the same finding offered again changes
    nothing; a changed finding amends a proposal still open and reopens one a correction withdrew; a
    proposal already confirmed or rejected stays as decided. Nothing is proposed (``None``) while the
    entity is on the list on that ground already. The decision deadline runs from the finding.
    """
    _require(actor, entity)
    _check_ground(CreditList.ABNORMAL, ground)
    if not source_ref:
        raise CreditError("source_required", "列入建议须注明来源")
    if not reason.strip():
        raise CreditError("reason_required", "请填写列入说明")
    if found_on > timezone.localdate():
        raise CreditError("future_date", "查实日期不能晚于今天")
    values = {
        "ground": ground,
        "reason": reason.strip()[:300],
        "source_title": source_title.strip()[:200],
        "finding": finding.strip()[:200],
        "found_on": found_on,
        "found_by": found_by.strip()[:100],
        "verification_code": verification_code.strip()[:16],
    }
    proposal = ListingProposal.objects.select_for_update().filter(source_ref=source_ref).first()
    if proposal is not None:
        decided = (ListingProposal.Status.CONFIRMED, ListingProposal.Status.REJECTED)
        unchanged = all(getattr(proposal, name) == value for name, value in values.items())
        if proposal.status in decided or (proposal.status == ListingProposal.Status.OPEN and unchanged):
            return proposal
        before = _snapshot(proposal, PROPOSAL_FIELDS)
        action = (
            "credit.proposal_reopen"
            if proposal.status == ListingProposal.Status.WITHDRAWN
            else "credit.proposal_amend"
        )
        for name, value in values.items():
            setattr(proposal, name, value)
        proposal.status = ListingProposal.Status.OPEN
        proposal.decided_by, proposal.decided_at, proposal.decision_reason = None, None, ""
        proposal.save()
        audit.record(
            actor,
            audit.Change(
                action, "ListingProposal", str(proposal.pk), before, _snapshot(proposal, PROPOSAL_FIELDS)
            ),
        )
        _proposal_deadline(proposal)
        return proposal
    if ListEntry.objects.filter(
        entity=entity, list=CreditList.ABNORMAL, ground=ground, status=ListEntry.Status.IN_FORCE
    ).exists():
        return None
    proposal = ListingProposal.objects.create(
        entity=entity, list=CreditList.ABNORMAL, source=source[:40], source_ref=source_ref[:80], **values
    )
    audit.record(
        actor,
        audit.Change(
            "credit.proposal_create",
            "ListingProposal",
            str(proposal.pk),
            None,
            _snapshot(proposal, PROPOSAL_FIELDS),
        ),
    )
    _proposal_deadline(proposal)
    return proposal


@transaction.atomic
def withdraw_listing_proposal(*, actor, proposal: ListingProposal, reason: str) -> ListingProposal:
    """Withdraw a proposal whose finding was corrected (撤回). A decided proposal stays as decided:
    a listing in force is removed only through removal or credit repair."""
    proposal = ListingProposal.objects.select_for_update().get(pk=proposal.pk)
    _require(actor, proposal)
    if not reason.strip():
        raise CreditError("reason_required", "请填写撤回原因")
    if proposal.status != ListingProposal.Status.OPEN:
        return proposal
    before = _snapshot(proposal, PROPOSAL_FIELDS)
    proposal.status = ListingProposal.Status.WITHDRAWN
    proposal.decided_by = None if _is_system(actor) else actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason.strip()[:300]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit.record(
        actor,
        audit.Change(
            "credit.proposal_withdraw",
            "ListingProposal",
            str(proposal.pk),
            before,
            _snapshot(proposal, PROPOSAL_FIELDS),
        ),
    )
    return proposal


def _open_proposal_for_decision(actor, proposal: ListingProposal) -> ListingProposal:
    proposal = ListingProposal.objects.select_for_update().select_related("entity").get(pk=proposal.pk)
    if _is_system(actor):
        raise PermissionDenied("列入经营异常名录建议须由工作人员处理")
    _require(actor, proposal)
    if proposal.status != ListingProposal.Status.OPEN:
        raise CreditError("decided", f"该列入建议已处理（{proposal.get_status_display()}）")
    return proposal


@transaction.atomic
def confirm_listing_proposal(
    *,
    actor,
    proposal: ListingProposal,
    decision_no: str,
    entered_on: dt.date | None = None,
    reason: str = "",
) -> ListingProposal:
    """Confirm a proposal (作出列入决定): the entity enters the abnormal list through :func:`enter_list`
    (in force and public from ``entered_on``, the enterprise notified, reclassed)."""
    proposal = _open_proposal_for_decision(actor, proposal)
    if not decision_no.strip():
        raise CreditError("decision_no_required", "请填写列入决定书文号")
    entered_on = entered_on or timezone.localdate()
    if entered_on < proposal.found_on:
        raise CreditError("bad_date", f"列入日期不能早于查实日期（{proposal.found_on:%Y-%m-%d}）")
    before = _snapshot(proposal, PROPOSAL_FIELDS)
    entry = enter_list(
        actor=actor,
        entity=proposal.entity,
        list_code=proposal.list,
        ground=proposal.ground,
        entered_on=entered_on,
        reason=reason.strip() or proposal.reason,
        decision_no=decision_no.strip(),
    )
    proposal.status = ListingProposal.Status.CONFIRMED
    proposal.entry = entry
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.decision_reason = reason.strip()[:300]
    proposal.save(update_fields=["status", "entry", "decided_by", "decided_at", "decision_reason"])
    audit.record(
        actor,
        audit.Change(
            "credit.proposal_confirm",
            "ListingProposal",
            str(proposal.pk),
            before,
            _snapshot(proposal, PROPOSAL_FIELDS),
        ),
    )
    return proposal


@transaction.atomic
def reject_listing_proposal(*, actor, proposal: ListingProposal, reason: str) -> ListingProposal:
    """Reject a proposal with a reason (不予列入); nothing becomes public, the enterprise is not told."""
    proposal = _open_proposal_for_decision(actor, proposal)
    if not reason.strip():
        raise CreditError("reason_required", "请填写不予列入的理由")
    before = _snapshot(proposal, PROPOSAL_FIELDS)
    proposal.status = ListingProposal.Status.REJECTED
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.decision_reason = reason.strip()[:300]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit.record(
        actor,
        audit.Change(
            "credit.proposal_reject",
            "ListingProposal",
            str(proposal.pk),
            before,
            _snapshot(proposal, PROPOSAL_FIELDS),
        ),
    )
    return proposal


def serious_candidates(on: dt.date | None = None):
    """Abnormal-list entries in force for the statutory years: candidates for the 严重违法失信名单.

    企业信息公示暂行条例 Art 17: three years on the abnormal list without fulfilling the obligation.
    """
    on = on or timezone.localdate()
    years = rule("credit.abnormal.serious_candidacy", on=on)
    cutoff = add_months(on, -12 * int(years.value))
    already = ListEntry.objects.filter(list=CreditList.SERIOUS, status__in=["proposed", "in_force"]).values(
        "source_entry"
    )
    return ListEntry.objects.filter(
        list=CreditList.ABNORMAL, status=ListEntry.Status.IN_FORCE, entered_on__lte=cutoff
    ).exclude(pk__in=already)


def _may_review(actor) -> bool:
    return not _is_system(actor) and actor.role in (Role.CITY_ADMIN, Role.DEPARTMENT)


@transaction.atomic
def propose_serious_listing(
    *, actor, entity: Entity, ground: str, reason: str, source_entry: ListEntry | None = None
) -> ListDecision:
    """Propose entering an entity on the 严重违法失信名单; it takes effect when reviewed."""
    _require(actor, entity)
    _check_ground(CreditList.SERIOUS, ground)
    if not reason.strip():
        raise CreditError("reason_required", "请填写列入理由")
    if ground == ListGround.ABNORMAL_THREE_YEARS and (
        source_entry is None or not serious_candidates().filter(pk=source_entry.pk, entity=entity).exists()
    ):
        raise CreditError("not_candidate", "该主体列入经营异常名录未满3年或已移出，不符合列入条件")
    if ListEntry.objects.filter(
        entity=entity, list=CreditList.SERIOUS, status__in=["proposed", "in_force"]
    ).exists():
        raise CreditError("already_listed", "该主体已在严重违法失信名单中或已有待审核的列入申请")
    entry = ListEntry.objects.create(
        entity=entity,
        list=CreditList.SERIOUS,
        ground=ground,
        status=ListEntry.Status.PROPOSED,
        entry_reason=reason.strip()[:300],
        authority=authority_of(actor),
        source_entry=source_entry,
        recorded_by=None if _is_system(actor) else actor,
    )
    decision = ListDecision.objects.create(
        entry=entry, action=ListDecision.Action.ENTER, reason=reason.strip()[:300], proposed_by=actor
    )
    audit.record(
        actor,
        audit.Change(
            "credit.serious_propose", "ListEntry", str(entry.pk), None, _snapshot(entry, ENTRY_FIELDS)
        ),
    )
    return decision


@transaction.atomic
def propose_serious_removal(*, actor, entry: ListEntry, reason: str) -> ListDecision:
    """Propose removing an entity from the 严重违法失信名单; it takes effect when reviewed."""
    _require(actor, entry)
    if entry.list != CreditList.SERIOUS or entry.status != ListEntry.Status.IN_FORCE:
        raise CreditError("not_in_force", "该记录不在严重违法失信名单中")
    if entry.decisions.filter(status=ListDecision.Status.PENDING).exists():
        raise CreditError("pending", "已有待审核的申请")
    if not reason.strip():
        raise CreditError("reason_required", "请填写移出理由")
    decision = ListDecision.objects.create(
        entry=entry, action=ListDecision.Action.REMOVE, reason=reason.strip()[:300], proposed_by=actor
    )
    audit.record(
        actor,
        audit.Change(
            "credit.serious_propose_removal",
            "ListDecision",
            str(decision.pk),
            None,
            {"entry": entry.pk, "reason": decision.reason},
        ),
    )
    return decision


@transaction.atomic
def review_list_decision(
    *, actor, decision: ListDecision, approve: bool, note: str, decided_on: dt.date | None = None
) -> ListDecision:
    """Decide a proposal on the 严重违法失信名单 (审核): a different officer of the city bureau."""
    decision = ListDecision.objects.select_for_update().select_related("entry").get(pk=decision.pk)
    if not _may_review(actor):
        raise PermissionDenied("只有市局信用监管人员可以审核")
    _require(actor, decision)
    if decision.proposed_by_id == actor.pk:
        raise CreditError("four_eyes", "提出人不能审核自己的申请")
    if decision.status != ListDecision.Status.PENDING:
        raise CreditError("decided", "该申请已审核")
    if not note.strip():
        raise CreditError("reason_required", "请填写审核意见")
    decided_on = decided_on or timezone.localdate()
    entry = decision.entry
    before = _snapshot(entry, ENTRY_FIELDS)
    decision.status = ListDecision.Status.APPROVED if approve else ListDecision.Status.REJECTED
    decision.reviewed_by, decision.reviewed_at, decision.review_note = (
        actor,
        timezone.now(),
        note.strip()[:300],
    )
    decision.save()
    if decision.action == ListDecision.Action.ENTER:
        if approve:
            entry.status, entry.entered_on = ListEntry.Status.IN_FORCE, decided_on
        else:
            entry.status = ListEntry.Status.REJECTED
        entry.save(update_fields=["status", "entered_on"])
        if approve:
            _notify(
                entry.entity,
                "列入严重违法失信名单",
                f"经审核，自{decided_on:%Y年%m月%d日}起列入严重违法失信名单。理由：{entry.entry_reason}",
            )
    elif approve:
        entry.status, entry.removed_on, entry.removal_reason = (
            ListEntry.Status.REMOVED,
            decided_on,
            decision.reason,
        )
        entry.save(update_fields=["status", "removed_on", "removal_reason"])
        _notify(
            entry.entity,
            "移出严重违法失信名单",
            f"经审核，自{decided_on:%Y年%m月%d日}起移出严重违法失信名单。",
        )
    audit.record(
        actor,
        audit.Change(
            "credit.serious_review",
            "ListEntry",
            str(entry.pk),
            before,
            {**_snapshot(entry, ENTRY_FIELDS), "decision": decision.status, "note": decision.review_note},
        ),
    )
    classify.reclassify_entity(entry.entity_id, trigger=Trigger.LIST, actor=actor)
    return decision


# ---------------------------------------------------------------------------------------------
# Credit repair (信用修复)


def abnormal_removal_problems(entry: ListEntry) -> list[str]:
    """Why an abnormal-list entry cannot be applied for (empty: it can)."""
    problems = []
    if entry.list != CreditList.ABNORMAL:
        problems.append("只有经营异常名录记录可以申请移出")
    elif entry.status != ListEntry.Status.IN_FORCE:
        problems.append("该记录已不在列")
    return problems


def publicity_end_problems(record: CreditRecord, on: dt.date) -> list[str]:
    """Why a penalty's publicity cannot end early on ``on`` (empty: it can).

    Order 45 Art 13–14 and 国市监信规〔2021〕3号 Art 6: not for light penalties (their publicity is
    short anyway) nor for revocation, shutdown, suspension and the like; only after the minimum
    publicity period (longer for food, drugs and special equipment), with the penalty fulfilled and
    the entity on neither the abnormal list nor the 严重违法失信名单.
    """
    problems = []
    if record.kind != RecordKind.PENALTY:
        return ["只有行政处罚信息可以申请提前停止公示"]
    if record.publicity != Publicity.PUBLISHED:
        return ["该处罚信息不在公示期内"]
    measures = set(record.measures)
    if measures & NO_EARLY_END_MEASURES:
        labels = "、".join(str(PenaltyMeasure(m).label) for m in sorted(measures & NO_EARLY_END_MEASURES))
        problems.append(f"受到{labels}处罚的，不得提前停止公示")
    elif measures <= LIGHT_MEASURES:
        problems.append("仅受到警告、通报批评或较低数额罚款的，公示期满3个月自动停止公示，无需申请")
    else:
        key = (
            "credit.repair.penalty_min_publicity_strict"
            if record.sector in (Sector.FOOD, Sector.DRUG, Sector.SPECIAL_EQUIPMENT)
            else "credit.repair.penalty_min_publicity"
        )
        minimum = rule(key, on=on)
        earliest = add_period(record.published_on or record.occurred_on, minimum)
        if on < earliest:
            problems.append(f"公示期须满{int(minimum.value)}个月，{earliest:%Y年%m月%d日}后方可申请")
    if record.fulfilled_on is None:
        problems.append("行政处罚决定规定的义务尚未履行完毕")
    if ListEntry.objects.filter(
        entity_id=record.entity_id,
        list__in=[CreditList.ABNORMAL, CreditList.SERIOUS],
        status=ListEntry.Status.IN_FORCE,
    ).exists():
        problems.append("当事人在经营异常名录或严重违法失信名单中")
    if (
        record.violation_type
        and CreditRecord.objects.filter(
            entity_id=record.entity_id,
            kind=RecordKind.PENALTY,
            violation_type=record.violation_type,
            occurred_on__gt=record.occurred_on,
            withdrawn_on__isnull=True,
        ).exists()
    ):
        problems.append("此后因同一类违法行为再次受到行政处罚")
    return problems


DECISION_RULES = {
    RepairKind.ABNORMAL_REMOVAL: "credit.repair.abnormal_decision",
    RepairKind.PUBLICITY_END: "credit.repair.publicity_decision",
}


@transaction.atomic
def apply_for_repair(
    *,
    actor,
    kind: str,
    statement: str,
    commitment: bool,
    list_entry: ListEntry | None = None,
    record: CreditRecord | None = None,
    applied_on: dt.date | None = None,
) -> RepairApplication:
    """An enterprise applies online for credit repair of its own entry or record (信用修复申请).

    The decision deadline is counted in working days from the application (rule data), and is
    marked provisional when it runs into a year whose holiday notice is not yet known.
    """
    if _is_system(actor) or actor.role != Role.ENTERPRISE:
        raise PermissionDenied("信用修复由企业本身申请")
    applied_on = applied_on or timezone.localdate()
    if kind == RepairKind.ABNORMAL_REMOVAL:
        if list_entry is None:
            raise CreditError("target_required", "请选择要移出的经营异常名录记录")
        target_entity_id, problems = list_entry.entity_id, abnormal_removal_problems(list_entry)
    elif kind == RepairKind.PUBLICITY_END:
        if record is None:
            raise CreditError("target_required", "请选择要提前停止公示的行政处罚信息")
        target_entity_id, problems = record.entity_id, publicity_end_problems(record, applied_on)
    else:
        raise CreditError("bad_kind", "未知的修复事项")
    entity = Entity.objects.get(pk=target_entity_id)
    if entity.uscc != actor.entity_uscc:
        raise PermissionDenied("只能为本企业申请信用修复")
    if problems:
        raise CreditError("ineligible", "不符合信用修复条件：" + "；".join(problems))
    if not statement.strip():
        raise CreditError("statement_required", "请说明纠正失信行为、消除不良影响的情况")
    if not commitment:
        raise CreditError("commitment_required", "请勾选信用承诺")
    open_ = RepairApplication.objects.filter(status=RepairApplication.Status.SUBMITTED)
    if (list_entry and open_.filter(list_entry=list_entry).exists()) or (
        record and open_.filter(record=record).exists()
    ):
        raise CreditError("pending", "该事项已有审查中的申请")
    application = RepairApplication.objects.create(
        entity=entity,
        kind=kind,
        list_entry=list_entry,
        record=record,
        statement=statement.strip(),
        commitment=True,
        applicant=actor,
        applied_on=applied_on,
    )
    deadline = set_deadline(
        object_type="credit.RepairApplication",
        object_id=str(application.pk),
        kind="credit.repair.decision",
        start=applied_on,
        rule=rule(DECISION_RULES[RepairKind(kind)], on=applied_on),
    )
    audit.record(
        actor,
        audit.Change(
            "credit.repair_apply",
            "RepairApplication",
            str(application.pk),
            None,
            {
                "kind": kind,
                "entity": entity.uscc,
                "target": list_entry.pk if list_entry else record.pk if record else None,
                "due": deadline.due,
                "provisional": deadline.provisional,
            },
        ),
    )
    due = f"{deadline.due:%Y年%m月%d日}" + (
        "（暂定：该年度放假安排尚未公布）" if deadline.provisional else ""
    )
    _notify(
        entity,
        "信用修复申请已受理",
        f"您提交的“{application.get_kind_display()}”申请已收到，将于{due}前作出决定。",
        application,
    )
    return application


def decision_deadline(application: RepairApplication) -> Deadline | None:
    return Deadline.objects.filter(
        object_type="credit.RepairApplication", object_id=str(application.pk), kind="credit.repair.decision"
    ).first()


@transaction.atomic
def decide_repair(
    *, actor, application: RepairApplication, approve: bool, reason: str, decided_on: dt.date | None = None
) -> RepairApplication:
    """Decide a repair application with reasons and apply its effects (信用修复决定).

    Approved: the abnormal-list entry is removed, or the penalty's publicity ends; the entity is
    reclassed. Either way the applicant receives a notice.
    """
    application = RepairApplication.objects.select_for_update().get(pk=application.pk)
    _require(actor, application)
    if _is_system(actor):
        raise PermissionDenied("信用修复须由工作人员决定")
    if application.status != RepairApplication.Status.SUBMITTED:
        raise CreditError("decided", "该申请已作出决定")
    if not reason.strip():
        raise CreditError("reason_required", "请填写决定理由")
    decided_on = decided_on or timezone.localdate()
    if approve:
        if application.kind == RepairKind.PUBLICITY_END:
            problems = publicity_end_problems(application.record, application.applied_on)  # type: ignore[arg-type]
        else:
            problems = abnormal_removal_problems(application.list_entry)  # type: ignore[arg-type]
        if problems:
            raise CreditError("ineligible", "不能准予修复：" + "；".join(problems))
    application.status = RepairApplication.Status.APPROVED if approve else RepairApplication.Status.REFUSED
    application.decided_by, application.decided_on, application.decision_reason = (
        actor,
        decided_on,
        reason.strip()[:500],
    )
    application.save()
    if approve and application.kind == RepairKind.ABNORMAL_REMOVAL:
        _remove(
            application.list_entry,  # type: ignore[arg-type]
            actor=actor,
            removed_on=decided_on,
            reason=f"信用修复：{application.decision_reason}",
            action="credit.list_remove",
        )
    elif approve:
        record = application.record
        assert record is not None
        before = _snapshot(record, RECORD_FIELDS)
        record.publicity, record.publicity_ended_on, record.repaired_on = (
            Publicity.ENDED_EARLY,
            decided_on,
            decided_on,
        )
        record.save(update_fields=["publicity", "publicity_ended_on", "repaired_on"])
        audit.record(
            actor,
            audit.Change(
                "credit.publicity_end",
                "CreditRecord",
                str(record.pk),
                before,
                _snapshot(record, RECORD_FIELDS),
            ),
        )
    audit.record(
        actor,
        audit.Change(
            "credit.repair_decide",
            "RepairApplication",
            str(application.pk),
            {"status": RepairApplication.Status.SUBMITTED},
            {"status": application.status, "reason": application.decision_reason, "decided_on": decided_on},
        ),
    )
    outcome = (
        classify.reclassify_entity(application.entity_id, trigger=Trigger.REPAIR, actor=actor)
        if approve
        else None
    )
    verdict = "准予信用修复" if approve else "不予信用修复"
    extra = ""
    if outcome and outcome.credit_class:
        extra = f"当前信用风险分类：{outcome.credit_class}类。"
    _notify(
        application.entity,
        f"信用修复决定：{verdict}",
        f"您于{application.applied_on:%Y年%m月%d日}提交的“{application.get_kind_display()}”申请，经审查决定{verdict}。理由：{application.decision_reason}。{extra}",
        application,
    )
    return application


# ---------------------------------------------------------------------------------------------
# Model versions (分类模型版本)


def _may_manage_models(actor) -> bool:
    return not _is_system(actor) and allows(actor, "credit.models")


@transaction.atomic
def create_model_version(
    *, actor, version: str, title: str, spec: dict, valid_from: dt.date, note: str = ""
) -> ScoringModel:
    """Save a new model version (never an edit of an old one: past classifications keep theirs)."""
    if not _may_manage_models(actor):
        raise PermissionDenied("只有市局信用监管处可以维护分类模型")
    version = version.strip()
    if not version or len(version) > 20:
        raise CreditError("bad_version", "请填写不超过20个字符的版本号")
    if ScoringModel.objects.filter(version=version).exists():
        raise CreditError("version_exists", f"版本号“{version}”已存在")
    validate_spec(spec)
    model = ScoringModel.objects.create(
        version=version,
        title=title.strip()[:100] or version,
        spec=spec,
        valid_from=valid_from,
        created_by=actor,
        note=note[:300],
    )
    audit.record(
        actor,
        audit.Change(
            "credit.model_create", "ScoringModel", str(model.pk), None, {"version": version, "spec": spec}
        ),
    )
    return model


@transaction.atomic
def activate_model_version(*, actor, model: ScoringModel) -> ScoringModel:
    """Make ``model`` the one the next classifications use (启用); run a batch to reclass everyone."""
    if not _may_manage_models(actor):
        raise PermissionDenied("只有市局信用监管处可以维护分类模型")
    previous = ScoringModel.objects.select_for_update().filter(active=True).first()
    if previous and previous.pk == model.pk:
        return model
    ScoringModel.objects.filter(active=True).update(active=False)
    ScoringModel.objects.filter(pk=model.pk).update(active=True)
    model.active = True
    audit.record(
        actor,
        audit.Change(
            "credit.model_activate",
            "ScoringModel",
            str(model.pk),
            {"active_version": previous.version if previous else None},
            {"active_version": model.version},
        ),
    )
    return model

"""Proposals to enter a list (列入建议) and the reviewed decisions on serious-violation listing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhijian.core import audit
from zhijian.core.access import is_system
from zhijian.core.models import Deadline, Role
from zhijian.core.rules import rule
from zhijian.core.workdays import set_deadline
from zhijian.registry.models import Entity

from .. import classify
from ..models import (
    CreditList,
    ListDecision,
    ListEntry,
    ListGround,
    ListingProposal,
    Trigger,
)
from ..periods import add_months
from ._common import CreditError, _notify, _require, _snapshot
from .lists import ENTRY_FIELDS, _check_ground, authority_of, enter_list

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
    proposal.decided_by = None if is_system(actor) else actor
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
    if is_system(actor):
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
        raise CreditError(
            "decision_no_required", "请填写列入决定书文号", fields={"decision_no": "请填写列入决定书文号"}
        )
    entered_on = entered_on or timezone.localdate()
    if entered_on < proposal.found_on:
        message = f"列入日期不能早于查实日期（{proposal.found_on:%Y-%m-%d}）"
        raise CreditError("bad_date", message, fields={"entered_on": message})
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
        raise CreditError(
            "reason_required", "请填写不予列入的理由", fields={"reason": "请填写不予列入的理由"}
        )
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
    return not is_system(actor) and actor.role in (Role.CITY_ADMIN, Role.DEPARTMENT)


@transaction.atomic
def propose_serious_listing(
    *, actor, entity: Entity, ground: str, reason: str, source_entry: ListEntry | None = None
) -> ListDecision:
    """Propose entering an entity on the 严重违法失信名单; it takes effect when reviewed."""
    _require(actor, entity)
    _check_ground(CreditList.SERIOUS, ground)
    if not reason.strip():
        raise CreditError("reason_required", "请填写列入理由", fields={"reason": "请填写列入理由"})
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
        recorded_by=None if is_system(actor) else actor,
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
        raise CreditError("reason_required", "请填写审核意见", fields={"note": "请填写审核意见"})
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

"""REST API of credit supervision (/api/v1/credit/…): same scoping as the pages, errors with codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema, Status

from zhijian.core.access import api_login, api_policy
from zhijian.core.errors import ErrorOut
from zhijian.core.models import Role
from zhijian.core.scoping import CHANGE, VIEW, get_scoped
from zhijian.registry.models import Entity

from . import queries, services
from .models import CreditRecord, ListEntry, ListingProposal, RepairApplication, RepairKind

router = Router(tags=["credit"])


Error = ErrorOut  # the one error body: {code, message, fields}


class Factor(Schema):
    code: str
    label: str
    points: Decimal | None


class StandingOut(Schema):
    uscc: str
    credit_class: str | None
    credit_class_label: str | None
    score: Decimal | None
    model_version: str | None
    classified_at: dt.datetime | None
    factors: list[Factor]


@router.get("/entities/{uscc}", response={200: StandingOut, 404: Error})
@api_login
def get_standing(request, uscc: str):
    """An entity's current credit-risk class and its main factors (officers in scope, the enterprise itself)."""
    entity = get_scoped(Entity.objects.all(), request.user, VIEW, uscc=uscc.upper())
    standing = queries.standing_of(request.user, entity)
    if standing is None:
        return Status(
            200,
            {
                "uscc": entity.uscc,
                "credit_class": None,
                "credit_class_label": None,
                "score": None,
                "model_version": None,
                "classified_at": None,
                "factors": [],
            },
        )
    return Status(
        200,
        {
            "uscc": entity.uscc,
            "credit_class": standing.credit_class,
            "credit_class_label": standing.get_credit_class_display(),
            "score": standing.score,
            "model_version": standing.model_version.version,
            "classified_at": standing.classified_at,
            "factors": [{"code": c, "label": label, "points": p} for c, label, p in standing.factors()],
        },
    )


class RecordOut(Schema):
    id: int
    kind: str
    severity: str
    title: str
    occurred_on: dt.date
    authority: str
    public: bool
    publicity: str
    publicity_until: dt.date | None
    withdrawn_on: dt.date | None


@router.get("/entities/{uscc}/records", response={200: list[RecordOut], 404: Error})
@api_login
def list_records(request, uscc: str):
    """Credit records of an entity the caller may see (the public sees records in publicity only)."""
    entity = get_scoped(Entity.objects.all(), request.user, VIEW, uscc=uscc.upper())
    return Status(200, list(queries.records_of(request.user, entity)[:500]))


class RepairIn(Schema):
    kind: str
    target_id: int
    statement: str
    commitment: bool


class RepairOut(Schema):
    id: int
    kind: str
    status: str
    applied_on: dt.date
    decision_due: dt.date | None
    decision_due_provisional: bool | None


def _repair_out(application: RepairApplication) -> dict:
    deadline = services.decision_deadline(application)
    return {
        "id": application.pk,
        "kind": application.kind,
        "status": application.status,
        "applied_on": application.applied_on,
        "decision_due": deadline.due if deadline else None,
        "decision_due_provisional": deadline.provisional if deadline else None,
    }


@router.post("/repairs", response={201: RepairOut, 400: Error, 403: Error, 404: Error})
@api_policy("credit.mine")
def apply_for_repair(request, body: RepairIn):
    """An enterprise applies for credit repair of its own abnormal-list entry or penalty record."""
    if body.kind == RepairKind.ABNORMAL_REMOVAL:
        entry = get_scoped(ListEntry.objects.all(), request.user, VIEW, pk=body.target_id)
        application = services.apply_for_repair(
            actor=request.user,
            kind=body.kind,
            list_entry=entry,
            statement=body.statement,
            commitment=body.commitment,
        )
    elif body.kind == RepairKind.PUBLICITY_END:
        record = get_scoped(CreditRecord.objects.all(), request.user, VIEW, pk=body.target_id)
        application = services.apply_for_repair(
            actor=request.user,
            kind=body.kind,
            record=record,
            statement=body.statement,
            commitment=body.commitment,
        )
    else:
        return Status(400, {"code": "bad_kind", "message": "未知的修复事项"})
    return Status(201, _repair_out(application))


class DecisionIn(Schema):
    approve: bool
    reason: str
    decision_no: str = ""


@router.post(
    "/repairs/{application_id}/decision", response={200: RepairOut, 400: Error, 403: Error, 404: Error}
)
@api_policy("credit.record")
def decide_repair(request, application_id: int, body: DecisionIn):
    """An officer decides a repair application with reasons; effects and notice follow."""
    application = get_scoped(RepairApplication.objects.all(), request.user, CHANGE, pk=application_id)
    application = services.decide_repair(
        actor=request.user,
        application=application,
        approve=body.approve,
        reason=body.reason,
        decision_no=body.decision_no,
    )
    return Status(200, _repair_out(application))


# ---------------------------------------------------------------------------------------------
# Proposals to enter the abnormal list (列入经营异常名录建议)

PROPOSAL_OFFICERS = {Role.CITY_ADMIN, Role.DEPARTMENT, Role.DISTRICT}


class ProposalOut(Schema):
    id: int
    uscc: str
    entity_name: str
    jurisdiction: str
    list: str
    ground: str
    ground_label: str
    status: str
    reason: str
    source: str
    source_ref: str
    source_title: str
    finding: str
    found_on: dt.date
    found_by: str
    verification_code: str
    decision_due: dt.date | None
    decision_due_provisional: bool | None
    decided_at: dt.datetime | None
    decision_reason: str
    list_entry_id: int | None


class ProposalPage(Schema):
    items: list[ProposalOut]
    offset: int
    limit: int
    has_more: bool


class ProposalQuery(Schema):
    status: str = ListingProposal.Status.OPEN
    offset: int = 0
    limit: int = 50


def _proposal_out(proposal: ListingProposal, deadline) -> dict:
    return {
        "id": proposal.pk,
        "uscc": proposal.entity.uscc,
        "entity_name": proposal.entity.name,
        "jurisdiction": proposal.entity.jurisdiction.code,
        "list": proposal.list,
        "ground": proposal.ground,
        "ground_label": proposal.get_ground_display(),
        "status": proposal.status,
        "reason": proposal.reason,
        "source": proposal.source,
        "source_ref": proposal.source_ref,
        "source_title": proposal.source_title,
        "finding": proposal.finding,
        "found_on": proposal.found_on,
        "found_by": proposal.found_by,
        "verification_code": proposal.verification_code,
        "decision_due": deadline.due if deadline else None,
        "decision_due_provisional": deadline.provisional if deadline else None,
        "decided_at": proposal.decided_at,
        "decision_reason": proposal.decision_reason,
        "list_entry_id": proposal.entry_id,
    }


def _forbidden():
    return Status(403, {"code": "forbidden", "message": "只有市局和区县局工作人员可以处理列入建议"})


@router.get("/proposals", response={200: ProposalPage, 400: Error, 403: Error})
@api_policy("credit.proposals")
def list_proposals(request, params: Query[ProposalQuery]):
    """Proposals to enter the abnormal list in the caller's jurisdiction (officers), by status."""
    if params.status not in ListingProposal.Status.values:
        return Status(
            400, {"code": "bad_status", "message": "状态须为 open、confirmed、rejected 或 withdrawn"}
        )
    if not 1 <= params.limit <= 200 or not 0 <= params.offset <= 100_000:
        return Status(400, {"code": "bad_paging", "message": "limit须在1–200之间，offset须在0–100000之间"})
    rows = list(
        queries.listing_proposals(request.user, status=params.status)[
            params.offset : params.offset + params.limit + 1
        ]
    )
    deadlines = queries.proposal_deadlines(rows)
    return Status(
        200,
        {
            "items": [_proposal_out(p, deadlines.get(p.pk)) for p in rows[: params.limit]],
            "offset": params.offset,
            "limit": params.limit,
            "has_more": len(rows) > params.limit,
        },
    )


class ConfirmIn(Schema):
    decision_no: str
    entered_on: dt.date | None = None
    reason: str = ""


class RejectIn(Schema):
    reason: str


def _decide(request, proposal_id: int, decide):
    proposal = get_scoped(
        ListingProposal.objects.select_related("entity", "entity__jurisdiction"),
        request.user,
        CHANGE,
        pk=proposal_id,
    )
    proposal = decide(proposal)
    return Status(200, _proposal_out(proposal, services.proposal_deadline(proposal)))


@router.post(
    "/proposals/{proposal_id}/confirm", response={200: ProposalOut, 400: Error, 403: Error, 404: Error}
)
@api_policy("credit.proposals")
def confirm_proposal(request, proposal_id: int, body: ConfirmIn):
    """Confirm a proposal: the entity enters the abnormal list (public, classified, enterprise notified)."""
    return _decide(
        request,
        proposal_id,
        lambda proposal: services.confirm_listing_proposal(
            actor=request.user,
            proposal=proposal,
            decision_no=body.decision_no,
            entered_on=body.entered_on,
            reason=body.reason,
        ),
    )


@router.post(
    "/proposals/{proposal_id}/reject", response={200: ProposalOut, 400: Error, 403: Error, 404: Error}
)
@api_policy("credit.proposals")
def reject_proposal(request, proposal_id: int, body: RejectIn):
    """Reject a proposal with a reason; nothing is listed or published."""
    return _decide(
        request,
        proposal_id,
        lambda proposal: services.reject_listing_proposal(
            actor=request.user, proposal=proposal, reason=body.reason
        ),
    )

"""REST API of credit supervision (/api/v1/credit/…): same scoping as the pages, errors with codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status

from zhijian.core.scoping import CHANGE, VIEW, get_scoped
from zhijian.registry.models import Entity

from . import queries, services
from .models import CreditRecord, ListEntry, RepairApplication, RepairKind

router = Router(tags=["credit"])


class Error(Schema):
    code: str
    message: str


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
def apply_for_repair(request, body: RepairIn):
    """An enterprise applies for credit repair of its own abnormal-list entry or penalty record."""
    try:
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
    except services.CreditError as exc:
        return Status(400, {"code": exc.code, "message": str(exc)})
    except PermissionDenied as exc:
        return Status(403, {"code": "forbidden", "message": str(exc) or "无权进行此操作"})
    return Status(201, _repair_out(application))


class DecisionIn(Schema):
    approve: bool
    reason: str


@router.post(
    "/repairs/{application_id}/decision", response={200: RepairOut, 400: Error, 403: Error, 404: Error}
)
def decide_repair(request, application_id: int, body: DecisionIn):
    """An officer decides a repair application with reasons; effects and notice follow."""
    application = get_scoped(RepairApplication.objects.all(), request.user, CHANGE, pk=application_id)
    try:
        application = services.decide_repair(
            actor=request.user, application=application, approve=body.approve, reason=body.reason
        )
    except services.CreditError as exc:
        return Status(400, {"code": exc.code, "message": str(exc)})
    except PermissionDenied as exc:
        return Status(403, {"code": "forbidden", "message": str(exc) or "无权进行此操作"})
    return Status(200, _repair_out(application))

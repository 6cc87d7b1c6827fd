"""REST API of 双随机、一公开 under /api/v1/inspections/: cockpit figures, tasks, draw packages,
verification codes, and recording results from a field app. Same scoping as the pages."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from zhijian.core.access import api_login, api_policy, api_public
from zhijian.core.errors import ErrorOut
from zhijian.core.scoping import VIEW, get_scoped

from . import queries, services
from .models import Draw, Inspection
from .verification import draw_package

router = Router(tags=["inspections"])


Error = ErrorOut  # the one error body: {code, message, fields}


class FigureOut(Schema):
    key: str
    label: str
    value: float | None
    numerator: int
    denominator: int
    target: float | None
    target_source: str


class TaskOut(Schema):
    id: int
    title: str
    status: str
    jurisdiction: str
    object_kind: str  # entities (ratios per credit class) or special_equipment (K key / N normal units)
    ratios: dict[str, str]
    team_size: int
    starts_on: dt.date
    due_on: dt.date
    joint: bool
    applies_credit: bool


@router.get("/figures", response={200: list[FigureOut], 400: Error})
@api_login
def figures(request, year: int | None = None):
    """The cockpit figures of the caller's scope for ``year`` (default: this year)."""
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        return Status(400, {"code": "bad_year", "message": "年度无效"})
    return Status(200, [f.as_dict() for f in queries.cockpit_figures(request.user, year)])


@router.get("/tasks", response=list[TaskOut])
@api_login
def tasks(request, limit: int = 50):
    rows = queries.visible_tasks(request.user).prefetch_related("items")[: max(1, min(limit, 200))]
    return [
        {
            "id": t.pk,
            "title": t.title,
            "status": t.status,
            "jurisdiction": t.jurisdiction.code,
            "object_kind": t.object_kind,
            "ratios": t.ratios,
            "team_size": t.team_size,
            "starts_on": t.starts_on,
            "due_on": t.due_on,
            "joint": t.is_joint,
            "applies_credit": t.applies_credit,
        }
        for t in rows
    ]


@router.get("/draws/{draw_id}/package", auth=None, response={200: dict, 404: Error})
@api_public
def package(request, draw_id: int):
    """The public package of a draw (no credit strata), what tools/verify_draw.py checks."""
    draw = get_scoped(Draw.objects.select_related("task", "task__jurisdiction"), None, VIEW, pk=draw_id)
    return Status(200, draw_package(draw, full=False))


class CheckOut(Schema):
    verification_code: str
    uscc: str
    name: str
    task: str
    organiser: str
    legal_basis: str
    inspectors: list[str]
    result_code: str
    result_label: str
    completed_on: dt.date | None
    published: bool


@router.get("/verify/{code}", auth=None, response={200: CheckOut, 404: Error})
@api_public
def verify(request, code: str):
    """What the firm sees by its verification code: who inspected, on what basis, the result."""
    inspection = queries.by_verification_code(code)
    if inspection is None or inspection.status == Inspection.Status.CANCELLED:
        return Status(404, {"code": "not_found", "message": "核验码不存在"})
    return Status(
        200,
        {
            "verification_code": inspection.verification_code,
            "uscc": inspection.entity.uscc,
            "name": inspection.entity.name,
            "task": inspection.task.title,
            "organiser": inspection.task.jurisdiction.name,
            "legal_basis": services.legal_basis_text(inspection.task),
            "inspectors": [
                f"{m.inspector.name}（{m.inspector.certificate_no}）" for m in inspection.members.all()
            ],
            "result_code": inspection.result_code,
            "result_label": inspection.result_label,
            "completed_on": inspection.completed_on,
            "published": inspection.published_at is not None,
        },
    )


class ResultIn(Schema):
    result_code: str
    completed_on: dt.date
    findings: str = ""
    violated_regulation: str = ""
    rectification_due: dt.date | None = None


class ResultOut(Schema):
    id: int
    status: str
    result_code: str
    result_label: str


@router.post("/checks/{check_id}/result", response={200: ResultOut, 400: Error, 403: Error, 404: Error})
@api_policy("inspections.work")
def record_result(request, check_id: int, body: ResultIn):
    """Record (or correct) a result: the team's inspectors, or staff of the firm's district."""
    inspection = get_scoped(Inspection.objects.all(), request.user, VIEW, pk=check_id)
    inspection = services.record_result(actor=request.user, inspection=inspection, **body.dict())
    inspection = get_object_or_404(Inspection, pk=inspection.pk)
    return Status(
        200,
        {
            "id": inspection.pk,
            "status": inspection.status,
            "result_code": inspection.result_code,
            "result_label": inspection.result_label,
        },
    )

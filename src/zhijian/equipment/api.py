"""REST API of special equipment (/api/v1/equipment/…): the register, due lists, records, rescues,
alarms, the accident rate, published grades, and the device ingestion endpoint.

Same scoping as the pages; errors as ``{code, message}``. Devices authenticate with their own
credential (``Authorization: Device <secret>``) on ``/devices/{device_id}/messages``: a credential
opens only its own device's path, so a device cannot post for another.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from zhijian.core.access import api_login, api_policy, api_public
from zhijian.core.errors import ErrorOut as Error
from zhijian.core.params import BadParameter, Id, Limit, Offset, Year
from zhijian.core.scoping import VIEW, get_scoped, restrict, user_district_id

from . import queries, services
from .models import MaintenanceKind, RescueCase, Unit
from .services.devices import MessageIn, authenticate_device

router = Router(tags=["equipment"])


def refused(exc: services.EquipmentError):
    return Status(exc.status, exc.as_dict())


def _error(code: str, message: str) -> dict:
    return {"code": code, "message": message, "fields": {}}


class UnitOut(Schema):
    code: str
    category: str
    category_label: str
    certificate_no: str
    user_unit_uscc: str
    user_unit_name: str
    maintenance_uscc: str
    maintenance_name: str
    district: str
    address: str
    place_kind: str
    commissioned_on: dt.date
    registered_on: dt.date | None
    status: str
    last_inspected_on: dt.date | None
    inspection_valid_until: dt.date | None
    inspection_request_by: dt.date | None
    selftest_due: dt.date | None
    maintenance_due: dt.date | None
    registration_due: dt.date | None
    risk_class: str

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_district(obj):
        return obj.district.code


class UnitPage(Schema):
    items: list[UnitOut]
    total: int | None = None
    offset: int
    limit: int
    has_more: bool


class UnitQuery(Schema):
    q: str = Field("", max_length=60)
    district: Id | None = None
    category: str = Field("", max_length=4)
    status: str = Field("", max_length=10)
    risk: str = Field("", max_length=1)
    offset: Offset = 0
    limit: Limit = 50


@router.get("/units", response={200: UnitPage, 400: Error})
@api_login
def list_units(request, params: Query[UnitQuery]):
    if not 1 <= params.limit <= 200 or not 0 <= params.offset <= 100_000:
        raise BadParameter("limit", "须在1–200之间，offset须在0–100000之间")
    flt = queries.UnitFilter.from_params({k: v for k, v in params.dict().items() if v is not None})
    rows = list(queries.search_units(request.user, flt)[params.offset : params.offset + params.limit + 1])
    return Status(
        200,
        {
            "items": rows[: params.limit],
            "offset": params.offset,
            "limit": params.limit,
            "has_more": len(rows) > params.limit,
        },
    )


@router.get("/units/{code}", response={200: UnitOut, 404: Error})
@api_login
def get_unit(request, code: str):
    return get_scoped(Unit.objects.select_related("district"), request.user, VIEW, code=code.upper())


class DueQuery(Schema):
    kind: str = Field("due", max_length=20)
    district: Id | None = None
    page: Annotated[int, Field(ge=1, le=2000)] = 1


class DueOut(Schema):
    kind: str
    label: str
    total: int
    page: int
    pages: int
    items: list[UnitOut]


@router.get("/due", response={200: DueOut, 400: Error})
@api_policy("equipment.view")
def due_list(request, params: Query[DueQuery]):
    """Units due for periodic inspection, overdue, never inspected, maintenance overdue, unregistered."""
    if params.kind not in queries.DUE_KINDS or not 1 <= params.page <= 2000:
        raise BadParameter("kind", "须为 due、overdue、never、maintenance、registration 之一")
    return Status(200, queries.due_page(request.user, params.kind, params.district, page=params.page))


class InspectionIn(Schema):
    kind: str
    report_no: str
    inspected_on: dt.date
    conclusion: str
    valid_until: dt.date | None = None
    institute_name: str = ""


class Created(Schema):
    id: int


@router.post("/units/{code}/inspections", response={201: Created, 400: Error, 403: Error, 404: Error})
@api_policy("equipment.records")
def post_inspection(request, code: str, body: InspectionIn):
    unit = get_scoped(Unit.objects.all(), request.user, VIEW, code=code.upper())
    try:
        made = services.record_inspection(actor=request.user, unit=unit, **body.dict())
    except services.EquipmentError as exc:
        return refused(exc)
    return Status(201, {"id": made.pk})


class MaintenanceIn(Schema):
    kind: str = MaintenanceKind.HALF_MONTH
    performed_on: dt.date
    worker: str
    findings: str = ""


@router.post("/units/{code}/maintenance", response={201: Created, 400: Error, 403: Error, 404: Error})
@api_policy("equipment.records")
def post_maintenance(request, code: str, body: MaintenanceIn):
    unit = get_scoped(Unit.objects.all(), request.user, VIEW, code=code.upper())
    try:
        made = services.record_maintenance(actor=request.user, unit=unit, **body.dict())
    except services.EquipmentError as exc:
        return refused(exc)
    return Status(201, {"id": made.pk})


class RescueOut(Schema):
    id: int
    unit: str
    district: str
    maintenance_uscc: str
    opened_at: dt.datetime
    arrival_deadline: dt.datetime
    arrived_at: dt.datetime | None
    rescued_at: dt.datetime | None
    escalated_at: dt.datetime | None
    status: str
    rescue_minutes: int | None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_district(obj):
        return obj.district.code


@router.get("/rescues", response=list[RescueOut])
@api_login
def list_rescues(request, district: Id | None = None, open_only: bool = True):
    rows = restrict(RescueCase.objects.select_related("unit", "district"), request.user)
    if open_only:
        rows = rows.exclude(status="closed")
    if district:
        rows = rows.filter(district_id=district)
    return list(rows.order_by("-opened_at")[:200])


class TimeIn(Schema):
    at: dt.datetime | None = None
    note: str = ""


@router.post("/rescues/{pk}/arrival", response={200: RescueOut, 400: Error, 403: Error, 404: Error})
@api_policy("equipment.rescue")
def post_arrival(request, pk: Id, body: TimeIn):
    case = get_scoped(RescueCase.objects.all(), request.user, VIEW, pk=pk)
    try:
        services.record_arrival(actor=request.user, case=case, at=body.at)
    except services.EquipmentError as exc:
        return refused(exc)
    return Status(200, RescueCase.objects.select_related("unit", "district").get(pk=pk))


@router.post("/rescues/{pk}/close", response={200: RescueOut, 400: Error, 403: Error, 404: Error})
@api_policy("equipment.rescue")
def post_close(request, pk: Id, body: TimeIn):
    case = get_scoped(RescueCase.objects.all(), request.user, VIEW, pk=pk)
    try:
        services.close_rescue(actor=request.user, case=case, rescued_at=body.at, note=body.note)
    except services.EquipmentError as exc:
        return refused(exc)
    return Status(200, RescueCase.objects.select_related("unit", "district").get(pk=pk))


class AlarmOut(Schema):
    id: int
    unit: str
    kind: str
    raised_at: dt.datetime
    cleared_at: dt.datetime | None
    status: str
    late: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code


@router.get("/alarms", response=list[AlarmOut])
@api_policy("equipment.view")
def list_alarms(request, district: Id | None = None):
    return queries.screen_alarms(request.user, district, limit=100)


class RateOut(Schema):
    district_id: int
    district: str
    year: int
    units: int
    accidents: int
    deaths: int
    rate: float | None


@router.get("/accident-rate", response={200: list[RateOut], 403: Error})
@api_policy("equipment.view")
def get_accident_rate(request, year: Year):
    """Accidents per 10,000 units by district (staff only; districts see their own)."""
    if request.user.role in ("city_admin", "department"):
        return Status(200, queries.accident_rate(year))
    return Status(200, queries.accident_rate(year, user_district_id(request.user)))


class GradeOut(Schema):
    company_uscc: str
    company_name: str
    year: int
    units: int
    score: float
    grade: str


@router.get("/grades", response=list[GradeOut], auth=None)
@api_public
def list_grades(request, year: Year | None = None):
    """Published maintenance company grades: public."""
    return list(queries.published_grades(year)[:2000])


class MessageItem(BaseModel):
    """One device message. A plain pydantic model, not a ninja Schema: ninja's per-object resolver
    pass costs more than the validation itself at a hundred messages a request."""

    id: str = Field(max_length=64)
    kind: str
    at: dt.datetime
    state: str = "raised"
    device: str | None = None


class BatchIn(BaseModel):
    messages: list[MessageItem] = Field(max_length=1000)


class BatchOut(Schema):
    accepted: int
    duplicates: int
    alarms: int
    rescues: list[int]


@router.post(
    "/devices/{device_id}/messages", auth=None, response={200: BatchOut, 400: Error, 401: Error, 403: Error}
)
@api_public
def ingest(request, device_id: str, body: BatchIn):
    """A device's batch of heartbeats and events (up to 1,000), authenticated by its own credential."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme != "Device" or not secret:
        return Status(401, _error("device_unauthenticated", "缺少终端凭证（Authorization: Device <凭证>）"))
    device_pk = authenticate_device(device_id, secret.strip())
    if device_pk is None:
        return Status(403, _error("device_forbidden", "终端凭证与终端编号不符"))
    if any(m.device not in (None, device_id) for m in body.messages):
        return Status(403, _error("device_mismatch", "报文中的终端编号与凭证不符"))
    try:
        result = services.ingest_messages(
            device_pk=device_pk,
            messages=[MessageIn(m.id, m.kind, m.at, m.state) for m in body.messages],
        )
    except services.EquipmentError as exc:
        return refused(exc)
    return Status(
        200,
        {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "alarms": result.alarms,
            "rescues": result.rescues,
        },
    )

"""REST API of the plan cockpit (/api/v1/indicators/…): the catalogue and the city's values are open
data; statuses, district values and reporting need a login and follow the pages' scoping. Errors as
``{code, message, fields}``."""

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema, Status

from zhijian.core.access import allows, api_policy, api_public
from zhijian.core.errors import ERRORS, WRITE_ERRORS, NotFound
from zhijian.core.models import Jurisdiction
from zhijian.core.params import Id, IsoDate, Year
from zhijian.core.scoping import VIEW, get_scoped

from .catalogue import current_indicators
from .models import ReportedValue, ValueStatus
from .queries import readings, visible_computed, visible_reported
from .services import reporting

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    group: str
    seed: str
    table: str
    row: str
    plan: str
    plan_version: int
    baseline_year: int | None
    baseline_value: Decimal | None
    target_year: int
    target_value: Decimal | None
    bound: str
    direction: str
    attribute: str
    department: str
    computed_by: str

    @staticmethod
    def resolve_plan(obj):
        return obj.version.plan

    @staticmethod
    def resolve_plan_version(obj):
        return obj.version.number

    @staticmethod
    def resolve_department(obj):
        return obj.department.name if obj.department else ""


class ValueOut(Schema):
    code: str
    jurisdiction: str
    period_start: dt.date
    period_end: dt.date
    source: str
    value: Decimal | None
    version: int | None = None
    status: str = "computed"


class StatusOut(Schema):
    code: str
    name: str
    value: Decimal | None
    expected: Decimal | None
    status: str
    status_label: str
    source: str
    records_url: str


class ValueQuery(Schema):
    code: str = ""
    year: Year | None = None


class StatusQuery(Schema):
    on: IsoDate | None = None


class ReportIn(Schema):
    code: str
    jurisdiction: str
    period_start: IsoDate
    period_end: IsoDate
    value: str
    evidence_note: str
    miss_reason: str = ""


class ReportedOut(Schema):
    id: int
    code: str
    jurisdiction: str
    version: int
    value: Decimal
    status: str

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code


class ValueReviewIn(Schema):
    note: str = ""


@router.get("/catalogue", auth=None, response={200: list[IndicatorOut], **ERRORS})
@api_public
def catalogue(request):
    """Every indicator of the catalogue in force (open data)."""
    return list(current_indicators())


def _values(user, params: ValueQuery) -> list[dict]:
    computed = visible_computed(user)
    reported = visible_reported(user).filter(status=ValueStatus.LOCKED)
    if params.code:
        computed, reported = computed.filter(code=params.code), reported.filter(code=params.code)
    if params.year:
        computed, reported = (
            computed.filter(period_end__year=params.year),
            reported.filter(period_end__year=params.year),
        )
    out = [
        {
            "code": r.code,
            "jurisdiction": r.jurisdiction.code,
            "period_start": r.period_start,
            "period_end": r.period_end,
            "source": "computed",
            "value": r.value,
        }
        for r in computed.order_by("code", "period_start", "period_end", "jurisdiction__code")[:5000]
    ]
    out += [
        {
            "code": r.code,
            "jurisdiction": r.jurisdiction.code,
            "period_start": r.period_start,
            "period_end": r.period_end,
            "source": "reported",
            "value": r.value,
            "version": r.version,
            "status": r.status,
        }
        for r in reported.order_by("code", "period_start")[:5000]
    ]
    return out


@router.get("/values", auth=None, response={200: list[ValueOut], **ERRORS})
@api_public
def values(request, params: Query[ValueQuery]):
    """Values the caller may see: the city's computed and locked values for anyone; an officer
    holding ``indicators.view`` also those of her jurisdictions (a token in the header counts)."""
    from zhijian.core.tokens import user_for_token

    user = request.user
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_for_token(header[7:]) or user
    return _values(user if allows(user, "indicators.view") else None, params)


@router.get("/status", response={200: list[StatusOut], **ERRORS})
@api_policy("indicators.view")
def status(request, params: Query[StatusQuery]):
    """Each indicator's latest city value, expected value and status on ``on`` (default today)."""
    return [
        {
            "code": r.indicator.code,
            "name": r.indicator.name,
            "value": r.value,
            "expected": r.expected,
            "status": r.status,
            "status_label": r.status_label,
            "source": r.source,
            "records_url": r.records_url,
        }
        for r in readings(request.user, params.on)
    ]


@router.post("/reported", response={201: ReportedOut, **WRITE_ERRORS})
@api_policy("indicators.report")
def report(request, body: ReportIn):
    """Report a value (with its evidence note) for approval."""
    indicator = next((i for i in current_indicators() if i.code == body.code), None)
    jurisdiction = Jurisdiction.objects.filter(code=body.jurisdiction).first()
    if indicator is None or jurisdiction is None:
        raise NotFound("not_found", "指标或填报单位不存在")
    row = reporting.report_value(
        actor=request.user,
        indicator=indicator,
        jurisdiction=jurisdiction,
        period_start=body.period_start,
        period_end=body.period_end,
        value=body.value,
        evidence_note=body.evidence_note,
        miss_reason=body.miss_reason,
    )
    return Status(201, row)


@router.get("/reported/{value_id}", response={200: ReportedOut, **ERRORS})
@api_policy("indicators.view")
def reported(request, value_id: Id):
    return get_scoped(ReportedValue.objects.select_related("jurisdiction"), request.user, VIEW, pk=value_id)


@router.post("/reported/{value_id}/approve", response={200: ReportedOut, **WRITE_ERRORS})
@api_policy("indicators.approve")
def approve(request, value_id: Id, body: ValueReviewIn):
    row = get_scoped(ReportedValue.objects.select_related("jurisdiction"), request.user, VIEW, pk=value_id)
    return reporting.approve_value(actor=request.user, row=row, note=body.note)

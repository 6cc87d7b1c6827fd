"""REST API of the complaints app (/api/v1/complaints/…). Same scoping as the pages.

Personal data is always masked in the API, whoever calls (an unmasked view is a page action of the
handling officer, audited); reports never reach an enterprise token. Public endpoints (filing,
tracking, disclosure) carry no personal data. Errors are ``{code, message, fields}``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from zhijian.core.access import api_login, api_policy, api_public
from zhijian.core.errors import ERRORS, WRITE_ERRORS, ErrorOut
from zhijian.core.models import Role
from zhijian.core.params import Limit, Offset
from zhijian.core.scoping import CHANGE, VIEW, get_scoped, user_district_id

from . import queries
from .duplicates import duplicate_candidates
from .models import Case, Channel
from .privacy import person_of
from .services import ComplaintsError, handling
from .services._base import ACTOR_PUBLIC
from .services.intake import CaseIn, file_case

router = Router(tags=["complaints"])


Error = ErrorOut


def _error(exc: ComplaintsError):
    return Status(exc.status, exc.as_dict())


class ComplaintOut(Schema):
    code: str
    kind: str
    channel: str
    received_on: dt.date
    rule_version: str
    person_name: str
    person_phone: str
    anonymous: bool
    respondent_uscc: str
    respondent_name: str
    respondent_known: bool
    category: str
    subject: str
    jurisdiction: str
    status: str
    status_label: str
    outcome: str
    acceptance_due: dt.date | None
    handling_due: dt.date | None
    closed_on: dt.date | None
    amount_recovered: Decimal
    repeated_report: bool

    @staticmethod
    def resolve_person_name(obj):
        return person_of(obj).name

    @staticmethod
    def resolve_person_phone(obj):
        return person_of(obj).phone

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class ComplaintPage(Schema):
    items: list[ComplaintOut]
    offset: int
    limit: int
    has_more: bool


class ComplaintQuery(Schema):
    q: str = ""
    kind: str = ""
    status: str = ""
    overdue: str = ""
    offset: Offset = 0
    limit: Limit = 50


@router.get("/cases", response={200: ComplaintPage, **ERRORS})
@api_login
def list_cases(request, params: Query[ComplaintQuery]):
    """Cases the caller may see (an enterprise: complaints against it), newest first; persons masked."""
    if request.user.role == Role.LAB:
        return Status(200, {"items": [], "offset": 0, "limit": params.limit, "has_more": False})
    flt = queries.CaseFilter.from_params({k: str(v) for k, v in params.dict().items()})
    rows = list(queries.search_cases(request.user, flt)[params.offset : params.offset + params.limit + 1])
    return Status(
        200,
        {
            "items": rows[: params.limit],
            "offset": params.offset,
            "limit": params.limit,
            "has_more": len(rows) > params.limit,
        },
    )


@router.get("/cases/{code}", response={200: ComplaintOut, **ERRORS})
@api_login
def get_case(request, code: str):
    return get_scoped(Case.objects.select_related("jurisdiction"), request.user, VIEW, code=code.upper())


class CandidateOut(Schema):
    code: str
    received_on: dt.date
    status: str
    similarity: float


@router.get("/cases/{code}/duplicates", response={200: list[CandidateOut], **ERRORS})
@api_policy("complaints.read")
def get_duplicates(request, code: str):
    """Likely duplicates of a case (same complainant and respondent, near-identical text)."""
    case = get_scoped(Case.objects.all(), request.user, VIEW, code=code.upper())
    return [c.__dict__ for c in duplicate_candidates(case)]


class DateIn(Schema):
    on: dt.date | None = None


@router.post("/cases/{code}/accept", response={200: ComplaintOut, **WRITE_ERRORS})
@api_policy("complaints.handle")
def accept(request, code: str, body: DateIn):
    case = get_scoped(Case.objects.all(), request.user, CHANGE, code=code.upper())
    try:
        handling.accept_case(actor=request.user, case=case, on=body.on or timezone.localdate())
    except ComplaintsError as exc:
        return _error(exc)
    return Status(200, Case.objects.select_related("jurisdiction").get(pk=case.pk))


class CloseIn(Schema):
    on: dt.date | None = None
    outcome: str
    result_text: str = ""
    termination_ground: str = ""
    amount: str | None = None


@router.post("/cases/{code}/close", response={200: ComplaintOut, **WRITE_ERRORS})
@api_policy("complaints.handle")
def close(request, code: str, body: CloseIn):
    case = get_scoped(Case.objects.all(), request.user, CHANGE, code=code.upper())
    try:
        handling.close_case(
            actor=request.user,
            case=case,
            on=body.on or timezone.localdate(),
            outcome=body.outcome,
            result_text=body.result_text,
            termination_ground=body.termination_ground,
            amount=body.amount,
        )
    except ComplaintsError as exc:
        return _error(exc)
    return Status(200, Case.objects.select_related("jurisdiction").get(pk=case.pk))


class FilingIn(Schema):
    kind: str
    subject: str
    description: str
    respondent_name: str
    category: str
    person_name: str = ""
    person_phone: str = ""
    person_id_number: str = ""
    person_address: str = ""
    anonymous: bool = False
    respondent_uscc: str = ""
    platform_uscc: str = ""
    place: str = ""
    product: str = ""
    demand: str = ""
    amount_claimed: str = ""


class FiledOut(Schema):
    code: str
    created: bool
    jurisdiction: str


@router.post("/filings", auth=None, response={201: FiledOut, 200: FiledOut, 429: Error, **ERRORS})
@api_public
def create_filing(request, body: FilingIn):
    """File a case from another system or app, no login; the ``Idempotency-Key`` header makes a retry
    file once. Rate-limited per client like the public form."""
    from .forms import throttled

    if throttled(request, "file"):
        return Status(429, {"code": "rate_limited", "message": "提交过于频繁，请一分钟后再试"})
    key = request.headers.get("Idempotency-Key", "")[:64] or None
    try:
        case, created = file_case(
            actor=ACTOR_PUBLIC, data=CaseIn(**body.dict()), channel=Channel.WEB, idempotency_key=key
        )
    except ComplaintsError as exc:
        return _error(exc)
    return Status(
        201 if created else 200,
        {"code": case.code, "created": created, "jurisdiction": case.jurisdiction.name},
    )


class FigureQuery(Schema):
    start: dt.date
    end: dt.date
    jurisdiction: str = ""


@router.get("/figures", response={200: dict, **ERRORS})
@api_policy("complaints.figures")
def get_figures(request, params: Query[FigureQuery]):
    """The officers' figures (table 2-1, on-time rates, mediation success, amount recovered)."""
    unit_id = None
    if params.jurisdiction:
        from zhijian.core.models import Jurisdiction

        unit = Jurisdiction.objects.filter(code=params.jurisdiction).first()
        own = user_district_id(request.user)
        if unit is None or (request.user.role in (Role.DISTRICT, Role.INSPECTOR) and unit.pk != own):
            raise Http404
        unit_id = unit.pk
    numbers = queries.figures(request.user, params.start, params.end, unit_id)
    numbers["amount_recovered"] = str(numbers["amount_recovered"])
    return Status(200, numbers)


class DisclosureRow(Schema):
    respondent_uscc: str
    respondent_name: str
    total: int
    resolved_rate: float | None


@router.get("/disclosure", auth=None, response={200: list[DisclosureRow], **ERRORS})
@api_public
def disclosure(request, q: str = ""):
    """消费投诉公示: firms with disclosed complaints (public)."""
    return Status(200, queries.disclosure_list(q.strip()[:40]))


@router.get("/disclosure/{uscc}", auth=None, response={200: dict, **ERRORS})
@api_public
def disclosure_firm(request, uscc: str):
    found = queries.disclosure_of(uscc.upper())
    if found is None:
        raise Http404
    return Status(200, found)

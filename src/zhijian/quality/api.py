"""REST API of quality infrastructure (/api/v1/quality/…): standards, campaign enrolments and quotas,
progress reports, libraries, capabilities and service requests. Same scoping and policies as the pages;
errors as ``{code, message, fields}`` (core.errors)."""

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema

from zhijian.core.access import api_login, api_policy, api_public
from zhijian.core.errors import ERRORS, WRITE_ERRORS
from zhijian.core.params import Id, Limit, Offset, Year
from zhijian.core.scoping import VIEW, get_scoped, restrict

from . import services
from .models import Campaign, CultivationEntry, Enrolment, ProgressReport, Standard
from .queries import goal_progress, quota_progress, requests_for, search_capabilities, search_standards

router = Router(tags=["quality"])


class Page(Schema):
    offset: Offset = 0
    limit: Limit = 50


def _page(rows, params: Page) -> list:
    limit = max(1, min(params.limit, 200))
    return list(rows[max(0, params.offset) : max(0, params.offset) + limit])


class StandardOut(Schema):
    id: int
    number: str
    kind: str
    name: str
    status: str
    mandatory: bool
    issued_on: dt.date | None
    effective_on: dt.date | None
    replaced_by: str | None

    @staticmethod
    def resolve_replaced_by(obj):
        return obj.replaced_by.number if obj.replaced_by_id else None


class StandardQuery(Page):
    q: str = ""
    kind: str = ""
    status: str = ""


@router.get("/standards", response={200: list[StandardOut], **ERRORS}, auth=None)
@api_public
def list_standards(request, params: Query[StandardQuery]):
    """The standards register (public): by number in any accepted spelling, or by name."""
    return _page(search_standards(request.user, params.q, params.kind, params.status), params)


@router.get("/standards/{pk}", response={200: StandardOut, **ERRORS}, auth=None)
@api_public
def get_standard(request, pk: Id):
    return get_scoped(Standard.objects.select_related("replaced_by"), request.user, VIEW, pk=pk)


class StandardIn(Schema):
    number: str
    name: str
    status: str = "current"
    issued_on: dt.date | None = None
    effective_on: dt.date | None = None
    replaced_by: str = ""


@router.post("/standards", response={200: StandardOut, **WRITE_ERRORS})
@api_policy("quality.standard.change")
def save_standard(request, body: StandardIn):
    standard, _ = services.save_standard(actor=request.user, **body.dict())
    return standard


class QuotaOut(Schema):
    code: str
    name: str
    quota: int
    enrolled: int
    approved: int
    met: int


class CampaignOut(Schema):
    year: int
    title: str
    industries: list[str]
    goal_year: int
    goal_industries: int
    goal_firms: int
    progress_industries: int
    progress_firms: int
    quotas: list[QuotaOut]


@router.get("/campaigns/{year}", response={200: CampaignOut, **ERRORS})
@api_policy("quality.view")
def get_campaign(request, year: Year):
    """A campaign year with its goal progress and per-unit quotas (a district sees its own quota line)."""
    campaign = get_scoped(Campaign.objects.all(), request.user, VIEW, year=year)
    from zhijian.core.access import CITY_WIDE
    from zhijian.core.scoping import user_district_id

    district = None if request.user.role in CITY_WIDE else user_district_id(request.user)
    goal = goal_progress(campaign)
    return {
        **{
            f: getattr(campaign, f)
            for f in ("year", "title", "industries", "goal_year", "goal_industries", "goal_firms")
        },
        "progress_industries": goal.industries,
        "progress_firms": goal.firms,
        "quotas": [q.__dict__ for q in quota_progress(campaign, district)],
    }


class EnrolmentOut(Schema):
    id: int
    campaign: int
    jurisdiction: str
    uscc: str
    entity_name: str
    industry: str
    product_name: str
    executed_standard: str
    compared_standard: str
    platform_plan_no: str
    needs_support: bool
    status: str
    plan_no: str
    plan_uploaded_on: dt.date | None
    laboratory: str | None
    report_no: str
    result_on: dt.date | None
    outcome: str
    published_on: dt.date | None

    @staticmethod
    def resolve_campaign(obj):
        return obj.campaign.year

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code

    @staticmethod
    def resolve_executed_standard(obj):
        return obj.executed_standard.number

    @staticmethod
    def resolve_compared_standard(obj):
        return obj.compared_standard.number

    @staticmethod
    def resolve_laboratory(obj):
        return obj.laboratory.name if obj.laboratory_id else None


def _enrolments(user):
    return restrict(
        Enrolment.objects.select_related(
            "campaign", "jurisdiction", "executed_standard", "compared_standard", "laboratory"
        ),
        user,
        VIEW,
    )


class EnrolmentQuery(Page):
    year: Year | None = None
    status: str = ""


@router.get("/enrolments", response={200: list[EnrolmentOut], **ERRORS})
@api_login
def list_enrolments(request, params: Query[EnrolmentQuery]):
    """Enrolments the caller may see: a district its own, a firm its own, the city all."""
    rows = _enrolments(request.user)
    if params.year:
        rows = rows.filter(campaign__year=params.year)
    if params.status:
        rows = rows.filter(status=params.status)
    return _page(rows, params)


@router.get("/enrolments/{pk}", response={200: EnrolmentOut, **ERRORS})
@api_login
def get_enrolment(request, pk: Id):
    return get_scoped(_enrolments(request.user), request.user, VIEW, pk=pk)


class EnrolmentIn(Schema):
    year: int
    uscc: str
    product_name: str
    executed_standard: str
    compared_standard: str
    platform_plan_no: str = ""
    needs_support: bool = False
    industry: str = ""


@router.post("/enrolments", response={200: EnrolmentOut, **WRITE_ERRORS})
@api_policy("quality.enrolment.create")
def create_enrolment(request, body: EnrolmentIn):
    campaign = get_scoped(Campaign.objects.all(), request.user, VIEW, year=body.year)
    return services.enrol_firm(
        actor=request.user,
        campaign=campaign,
        uscc=body.uscc,
        product_name=body.product_name,
        executed_standard=services.find_standard(body.executed_standard),
        compared_standard=services.find_standard(body.compared_standard),
        platform_plan_no=body.platform_plan_no,
        needs_support=body.needs_support,
        industry=body.industry,
    )


class EnrolmentReviewIn(Schema):
    approve: bool
    note: str = ""


@router.post("/enrolments/{pk}/review", response={200: EnrolmentOut, **WRITE_ERRORS})
@api_policy("quality.enrolment.review")
def review_enrolment(request, pk: Id, body: EnrolmentReviewIn):
    enrolment = get_scoped(_enrolments(request.user), request.user, VIEW, pk=pk)
    return services.review_enrolment(
        actor=request.user, enrolment=enrolment, approve=body.approve, note=body.note
    )


@router.get("/benchmark", response={200: list[EnrolmentOut], **ERRORS}, auth=None)
@api_public
def public_benchmark(request, params: Query[Page]):
    """The published list of firms and products that met the benchmark (public)."""
    return _page(_enrolments(None).order_by("-published_on", "id"), params)


class ReportOut(Schema):
    id: int
    jurisdiction: str
    year: int
    period: str
    period_end: dt.date
    due_on: dt.date
    status: str
    late: bool
    figures: dict
    narrative: dict
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code


@router.get("/reports", response={200: list[ReportOut], **ERRORS})
@api_policy("quality.view")
def list_reports(request, params: Query[Page]):
    return _page(restrict(ProgressReport.objects.select_related("jurisdiction"), request.user, VIEW), params)


@router.get("/reports/{pk}", response={200: ReportOut, **ERRORS})
@api_policy("quality.view")
def get_report(request, pk: Id):
    return get_scoped(ProgressReport.objects.select_related("jurisdiction"), request.user, VIEW, pk=pk)


class LibraryOut(Schema):
    id: int
    library: str
    uscc: str
    entity_name: str
    jurisdiction: str
    stage: str
    nominated_on: dt.date
    standards_led: int
    high_value_patents: int

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code


@router.get("/libraries", response={200: list[LibraryOut], **ERRORS})
@api_login
def list_library_entries(request, params: Query[Page]):
    return _page(
        restrict(CultivationEntry.objects.select_related("jurisdiction"), request.user, VIEW), params
    )


@router.get("/libraries/{pk}", response={200: LibraryOut, **ERRORS})
@api_login
def get_library_entry(request, pk: Id):
    return get_scoped(CultivationEntry.objects.select_related("jurisdiction"), request.user, VIEW, pk=pk)


class CapabilityOut(Schema):
    id: int
    provider: str
    provider_id: int
    category: str
    item: str
    products: str
    standards: list[str]
    clusters: list[str]
    equipment: str
    turnaround_days: int
    price: Decimal
    accredited: str

    @staticmethod
    def resolve_provider(obj):
        return obj.provider.name

    @staticmethod
    def resolve_standards(obj):
        return [s.number for s in obj.standards.all()]


class CapabilityQuery(Page):
    product: str = ""
    standard: str = ""
    cluster: str = ""
    category: str = ""


@router.get("/capabilities", response={200: list[CapabilityOut], **ERRORS}, auth=None)
@api_public
def list_capabilities(request, params: Query[CapabilityQuery]):
    """Published capabilities, searched by product, standard, cluster or category (public)."""
    rows = search_capabilities(request.user, params.product, params.standard, params.cluster, params.category)
    return _page(rows, params)


class RequestOut(Schema):
    id: int
    number: str
    provider: str
    uscc: str
    entity_name: str
    jurisdiction: str
    cluster: str
    enrolment_id: int | None
    product: str
    standard: str | None
    status: str
    requested_at: dt.datetime
    quoted_at: dt.datetime | None
    quote_price: Decimal | None
    quote_days: int | None
    sample_on: dt.date | None
    delivered_at: dt.datetime | None
    report_no: str
    conclusion: str
    benchmark_met: bool | None
    rating: int | None

    @staticmethod
    def resolve_provider(obj):
        return obj.provider.name

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code

    @staticmethod
    def resolve_standard(obj):
        return obj.standard.number if obj.standard_id else None


class RequestQuery(Page):
    status: str = ""


@router.get("/requests", response={200: list[RequestOut], **ERRORS})
@api_policy("quality.request.view")
def list_requests(request, params: Query[RequestQuery]):
    """Service requests in the caller's scope: a laboratory its own, a district its firms', a firm its own."""
    return _page(requests_for(request.user, params.status), params)


@router.get("/requests/{pk}", response={200: RequestOut, **ERRORS})
@api_policy("quality.request.view")
def get_request(request, pk: Id):
    return get_scoped(requests_for(request.user), request.user, VIEW, pk=pk)


class RequestIn(Schema):
    capability_id: int
    product: str
    standard: str = ""
    description: str = ""
    uscc: str = ""
    enrolment_id: int | None = None


@router.post("/requests", response={200: RequestOut, **WRITE_ERRORS})
@api_policy("quality.request.create")
def create_request(request, body: RequestIn):
    from .models import Capability

    capability = get_scoped(
        Capability.objects.select_related("provider"), request.user, VIEW, pk=body.capability_id
    )
    enrolment = (
        get_scoped(_enrolments(request.user), request.user, VIEW, pk=body.enrolment_id)
        if body.enrolment_id
        else None
    )
    return services.request_service(
        actor=request.user,
        capability=capability,
        uscc=body.uscc,
        product=body.product,
        standard=services.find_standard(body.standard) if body.standard else None,
        description=body.description,
        enrolment=enrolment,
    )


class QuoteIn(Schema):
    price: Decimal
    days: int
    note: str = ""


@router.post("/requests/{pk}/quote", response={200: RequestOut, **WRITE_ERRORS})
@api_policy("quality.request.answer")
def quote_request(request, pk: Id, body: QuoteIn):
    req = get_scoped(requests_for(request.user), request.user, VIEW, pk=pk)
    return services.quote_request(
        actor=request.user, request=req, price=body.price, days=body.days, note=body.note
    )


class BookIn(Schema):
    sample_on: dt.date


@router.post("/requests/{pk}/book", response={200: RequestOut, **WRITE_ERRORS})
@api_policy("quality.request.accept")
def book_request(request, pk: Id, body: BookIn):
    req = get_scoped(requests_for(request.user), request.user, VIEW, pk=pk)
    return services.accept_quote(actor=request.user, request=req, sample_on=body.sample_on)


class DeliverIn(Schema):
    report_no: str
    conclusion: str
    benchmark_met: bool | None = None


@router.post("/requests/{pk}/deliver", response={200: RequestOut, **WRITE_ERRORS})
@api_policy("quality.request.answer")
def deliver_request(request, pk: Id, body: DeliverIn):
    req = get_scoped(requests_for(request.user), request.user, VIEW, pk=pk)
    return services.deliver_report(actor=request.user, request=req, **body.dict())


class RateIn(Schema):
    rating: int
    comment: str = ""


@router.post("/requests/{pk}/rate", response={200: RequestOut, **WRITE_ERRORS})
@api_policy("quality.request.rate")
def rate_request(request, pk: Id, body: RateIn):
    req = get_scoped(requests_for(request.user), request.user, VIEW, pk=pk)
    return services.rate_service(actor=request.user, request=req, rating=body.rating, comment=body.comment)

"""REST API of sampling (/api/v1/sampling/…): samples, results by laboratories, cases, cockpit figures
and the public announcements. Same scoping as the pages; errors as ``{code, message}``."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema, Status

from zhijian.core.access import api_login, api_policy, api_public
from zhijian.core.errors import ErrorOut, NotFound
from zhijian.core.models import Jurisdiction
from zhijian.core.params import Id
from zhijian.core.scoping import CHANGE, VIEW, covers, get_scoped, is_city_wide

from . import services
from .figures import figures_by_jurisdiction, sampling_figures
from .models import Announcement, Judgement, Sample
from .queries import (
    CaseFilter,
    SampleFilter,
    announced_samples,
    public_announcements,
    results_of,
    search_cases,
    search_samples,
)

router = Router(tags=["sampling"])


Error = ErrorOut  # the one error body: {code, message, fields}


class ResultOut(Schema):
    item: str
    round: int
    measured: str
    unit: str
    shown: str
    limit: str
    standard: str
    judgement: str
    reason: str

    @staticmethod
    def resolve_item(obj):
        return obj.item.name

    @staticmethod
    def resolve_limit(obj):
        return obj.item.limit_text

    @staticmethod
    def resolve_standard(obj):
        return obj.item.standard


class SampleOut(Schema):
    sample_no: str
    kind: str
    stage: str
    purpose: str
    category: str
    product_name: str
    brand: str
    specification: str
    batch_no: str
    production_date: dt.date | None
    seller_uscc: str
    seller_name: str
    producer_uscc: str
    producer_name: str
    producer_region: str
    jurisdiction: str
    laboratory: str
    sampled_on: dt.date
    status: str
    received_on: dt.date | None
    report_no: str
    reported_on: dt.date | None
    initial_judgement: str
    judgement: str
    loop_status: str

    @staticmethod
    def resolve_category(obj):
        return obj.category.name

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code

    @staticmethod
    def resolve_laboratory(obj):
        return obj.laboratory.code


class SampleDetail(SampleOut):
    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj, context):
        return list(results_of(context["request"].user, obj))


class SamplePage(Schema):
    items: list[SampleOut]
    offset: int
    limit: int
    has_more: bool


class SampleQuery(Schema):
    q: str = ""
    kind: str = ""
    status: str = ""
    judgement: str = ""
    jurisdiction: Id | None = None
    overdue: bool = False
    offset: int = 0
    limit: int = 50


def _paging_error(offset: int, limit: int):
    if not 1 <= limit <= 200 or offset < 0 or offset > 100_000:
        return Status(400, {"code": "bad_paging", "message": "limit须在1–200之间，offset须在0–100000之间"})
    return None


@router.get("/samples", response={200: SamplePage, 400: Error})
@api_login
def list_samples(request, params: Query[SampleQuery]):
    """Samples the caller may see: a laboratory its own, a district its jurisdiction's."""
    bad = _paging_error(params.offset, params.limit)
    if bad:
        return bad
    values = {k: ("1" if v is True else str(v)) for k, v in params.dict().items() if v not in (None, False)}
    rows = list(
        search_samples(request.user, SampleFilter.from_params(values))[
            params.offset : params.offset + params.limit + 1
        ]
    )
    return Status(
        200,
        {
            "items": rows[: params.limit],
            "offset": params.offset,
            "limit": params.limit,
            "has_more": len(rows) > params.limit,
        },
    )


def _scoped_sample(request, sample_no: str, action: str = VIEW) -> Sample:
    return get_scoped(
        Sample.objects.select_related("category", "jurisdiction", "laboratory"),
        request.user,
        action,
        sample_no=sample_no,
    )


@router.get("/samples/{sample_no}", response={200: SampleDetail, 404: Error})
@api_login
def get_sample(request, sample_no: str):
    return Status(200, _scoped_sample(request, sample_no))


class ItemResultIn(Schema):
    item: str
    measured: str
    unit: str = ""
    detection_limit: str = ""


class ResultsIn(Schema):
    report_no: str
    reported_on: dt.date
    received_on: dt.date | None = None
    items: list[ItemResultIn]


@router.post("/samples/{sample_no}/results", response={200: SampleDetail, 400: Error, 403: Error, 404: Error})
@api_policy("sampling.lab")
def post_results(request, sample_no: str, body: ResultsIn):
    """A laboratory reports the results of one of its samples; items are named as in the catalogue."""
    sample = _scoped_sample(request, sample_no, CHANGE)
    by_name = {i.name: i.pk for i in sample.category.items.all()}
    entries = []
    for row in body.items:
        item_id = by_name.get(row.item.strip())
        if item_id is None:
            return Status(
                400, {"code": "unknown_item", "message": f"检验项目“{row.item}”不属于{sample.category.name}"}
            )
        entries.append(services.ItemIn(item_id, row.measured, row.unit, row.detection_limit))
    services.record_results(
        actor=request.user,
        sample=sample,
        report_no=body.report_no,
        reported_on=body.reported_on,
        received_on=body.received_on,
        items=entries,
    )
    return get_sample(request, sample_no)


class CaseOut(Schema):
    id: int
    sample_no: str
    party: str
    jurisdiction: str
    entity_uscc: str
    entity_name: str
    opened_on: dt.date
    due: dt.date | None
    status: str
    escalated_on: dt.date | None
    closed_on: dt.date | None

    @staticmethod
    def resolve_sample_no(obj):
        return obj.sample.sample_no

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code


class CaseQuery(Schema):
    status: str = ""
    overdue: bool = False
    offset: int = 0
    limit: int = 50


class CasePage(Schema):
    items: list[CaseOut]
    offset: int
    limit: int
    has_more: bool


@router.get("/cases", response={200: CasePage, 400: Error})
@api_login
def list_cases(request, params: Query[CaseQuery]):
    """Post-processing cases (核查处置) the caller may see: a district its own only."""
    bad = _paging_error(params.offset, params.limit)
    if bad:
        return bad
    flt = CaseFilter.from_params({"status": params.status, "overdue": "1" if params.overdue else ""})
    rows = list(search_cases(request.user, flt)[params.offset : params.offset + params.limit + 1])
    return Status(
        200,
        {
            "items": rows[: params.limit],
            "offset": params.offset,
            "limit": params.limit,
            "has_more": len(rows) > params.limit,
        },
    )


@router.get("/cases/{case_id}", response={200: CaseOut, 404: Error})
@api_login
def get_case(request, case_id: int):
    return Status(200, get_scoped(search_cases(request.user, CaseFilter()), request.user, VIEW, pk=case_id))


class FiguresOut(Schema):
    jurisdiction: str
    jurisdiction_name: str
    start: dt.date
    end: dt.date
    food_batches: int
    residents: int | None
    food_batches_per_thousand: float | None
    food_batches_per_thousand_annualised: float | None
    circulation_product_batches: int
    product_batches: int
    judged: int
    evaluative_judged: int
    evaluative_passed: int
    evaluative_pass_rate: float | None
    failed: int
    closure_base: int
    closure_done: int
    closure_rate: float | None
    reported: int
    reported_on_time: int
    on_time_report_rate: float | None


class FiguresReply(Schema):
    total: FiguresOut
    by_jurisdiction: list[FiguresOut]


class FiguresQuery(Schema):
    start: dt.date
    end: dt.date
    jurisdiction: str = ""


@router.get("/figures", response={200: FiguresReply, 400: Error, 403: Error, 404: Error})
@api_policy("sampling.figures")
def figures(request, params: Query[FiguresQuery]):
    """Cockpit figures for samples taken in [start, end]: batches per 1,000 residents, circulation
    product batches, evaluative pass rate, closure rate, on-time report rate (percentages)."""
    user = request.user
    if params.end < params.start or (params.end - params.start).days > 3660:
        return Status(
            400, {"code": "bad_period", "message": "统计期间无效（截止日期不能早于起始日期，且不超过十年）"}
        )
    unit = None
    if params.jurisdiction:
        unit = Jurisdiction.objects.filter(code=params.jurisdiction).first()
        if unit is None:
            return Status(404, {"code": "not_found", "message": "辖区不存在"})
        if not covers(user, unit):
            raise NotFound()
        if unit.level == Jurisdiction.Level.CITY:
            unit = None
    total = sampling_figures(user, start=params.start, end=params.end, jurisdiction=unit)
    rows = (
        figures_by_jurisdiction(user, start=params.start, end=params.end)
        if unit is None and is_city_wide(user)
        else []
    )
    return Status(200, {"total": total.as_dict(), "by_jurisdiction": [r.as_dict() for r in rows]})


class AnnouncementOut(Schema):
    id: int
    kind: str
    title: str
    issue: str
    period_start: dt.date
    period_end: dt.date
    published_on: dt.date | None
    passes: int
    failures: int


class AnnouncedSample(Schema):
    sample_no: str
    product_name: str
    brand: str
    specification: str
    batch_no: str
    production_date: dt.date | None
    seller_name: str
    producer_name: str
    producer_region: str
    category: str
    judgement: str

    @staticmethod
    def resolve_category(obj):
        return obj.category.name


class AnnouncementDetail(AnnouncementOut):
    failed_samples: list[AnnouncedSample]

    @staticmethod
    def resolve_failed_samples(obj):
        return list(announced_samples(obj, Judgement.FAIL))


@router.get("/announcements", auth=None, response=list[AnnouncementOut])
@api_public
def list_announcements(request):
    """Published sampling announcements (抽检信息公告), newest first; no login needed."""
    return list(public_announcements()[:100])


@router.get("/announcements/{announcement_id}", auth=None, response={200: AnnouncementDetail, 404: Error})
@api_public
def get_announcement(request, announcement_id: int):
    return Status(200, get_scoped(Announcement.objects.all(), None, VIEW, pk=announcement_id))

"""Read paths of sampling; every one goes through :func:`zhijian.core.scoping.restrict`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from zhijian.core.params import date_param, int_param
from zhijian.core.scoping import VIEW, restrict

from .deadlines import due_of, provisional_of
from .models import (
    Announcement,
    CaseStatus,
    Judgement,
    Kind,
    PostProcessingCase,
    Sample,
    SampleStatus,
    TestResult,
)


def _text(params, name: str, limit: int = 60) -> str:
    return (params.get(name) or "").strip()[:limit]


def _int(params, name: str) -> int | None:
    return int_param(params, name)


def _day(params, name: str) -> dt.date | None:
    return date_param(params, name)


@dataclass(frozen=True)
class SampleFilter:
    """The filters of the sample list, shared by the page and the API."""

    q: str = ""
    kind: str = ""
    status: str = ""
    judgement: str = ""
    jurisdiction: int | None = None
    laboratory: int | None = None
    category: int | None = None
    overdue: bool = False
    sampled_from: dt.date | None = None
    sampled_to: dt.date | None = None

    @classmethod
    def from_params(cls, params) -> SampleFilter:
        return cls(
            q=_text(params, "q"),
            kind=_text(params, "kind") if _text(params, "kind") in Kind.values else "",
            status=_text(params, "status") if _text(params, "status") in SampleStatus.values else "",
            judgement=_text(params, "judgement") if _text(params, "judgement") in Judgement.values else "",
            jurisdiction=_int(params, "jurisdiction"),
            laboratory=_int(params, "laboratory"),
            category=_int(params, "category"),
            overdue=_text(params, "overdue") == "1",
            sampled_from=_day(params, "sampled_from"),
            sampled_to=_day(params, "sampled_to"),
        )

    def as_params(self) -> dict[str, str]:
        out = {}
        for key, value in self.__dict__.items():
            if value in ("", None, False):
                continue
            out[key] = "1" if value is True else str(value)
        return out


def search_samples(user, flt: SampleFilter) -> QuerySet[Sample]:
    """Samples ``user`` may see that match ``flt``, newest first, with their report deadline."""
    qs = restrict(Sample.objects.all(), user, VIEW)
    if flt.q:
        qs = qs.filter(
            Q(sample_no=flt.q.upper()) | Q(product_name__contains=flt.q) | Q(seller_name__contains=flt.q)
        )
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.judgement:
        qs = qs.filter(judgement=flt.judgement)
    if flt.jurisdiction:
        qs = qs.filter(jurisdiction_id=flt.jurisdiction)
    if flt.laboratory:
        qs = qs.filter(laboratory_id=flt.laboratory)
    if flt.category:
        qs = qs.filter(category_id=flt.category)
    if flt.sampled_from:
        qs = qs.filter(sampled_on__gte=flt.sampled_from)
    if flt.sampled_to:
        qs = qs.filter(sampled_on__lte=flt.sampled_to)
    qs = qs.annotate(at_lab_due=due_of("at_lab"), report_due=due_of("report"))
    if flt.overdue:
        today = timezone.localdate()
        qs = qs.filter(
            Q(status=SampleStatus.SAMPLED, at_lab_due__lt=today)
            | Q(status=SampleStatus.RECEIVED, report_due__lt=today)
        )
    # A work queue: overdue first, then the open ones by their nearest deadline, then the rest newest
    # first. CASE reads a row's deadline only when the row is open (PostgreSQL evaluates lazily).
    today = timezone.localdate()
    qs = qs.annotate(
        urgency=Case(
            When(Q(status=SampleStatus.SAMPLED, at_lab_due__lt=today), then=Value(0)),
            When(Q(status=SampleStatus.RECEIVED, report_due__lt=today), then=Value(0)),
            When(status__in=[SampleStatus.SAMPLED, SampleStatus.RECEIVED], then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        next_due=Case(
            When(status=SampleStatus.SAMPLED, then=F("at_lab_due")),
            When(status=SampleStatus.RECEIVED, then=F("report_due")),
            default=None,
        ),
    )
    return qs.select_related("jurisdiction", "laboratory", "category").order_by(
        "urgency", F("next_due").asc(nulls_last=True), "-sampled_on", "-id"
    )


def results_of(user, sample: Sample) -> QuerySet[TestResult]:
    return (
        restrict(TestResult.objects.filter(sample=sample), user, VIEW)
        .select_related("item")
        .order_by("round", "item__sort_order")
    )


@dataclass(frozen=True)
class CaseFilter:
    status: str = ""
    overdue: bool = False
    escalated: bool = False
    jurisdiction: int | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params) -> CaseFilter:
        return cls(
            status=_text(params, "status") if _text(params, "status") in CaseStatus.values else "",
            overdue=_text(params, "overdue") == "1",
            escalated=_text(params, "escalated") == "1",
            jurisdiction=_int(params, "jurisdiction"),
            q=_text(params, "q"),
        )

    def as_params(self) -> dict[str, str]:
        out = {}
        for key, value in self.__dict__.items():
            if value in ("", None, False):
                continue
            out[key] = "1" if value is True else str(value)
        return out


def search_cases(user, flt: CaseFilter) -> QuerySet[PostProcessingCase]:
    """Cases ``user`` may see, with their disposal deadline; a district sees its own only."""
    qs = restrict(PostProcessingCase.objects.all(), user, VIEW).annotate(
        due=due_of("disposal"), due_provisional=provisional_of("disposal")
    )
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.overdue:
        qs = qs.filter(status=CaseStatus.OPEN, due__lt=timezone.localdate())
    if flt.escalated:
        qs = qs.filter(escalated_on__isnull=False, status=CaseStatus.OPEN)
    if flt.jurisdiction:
        qs = qs.filter(jurisdiction_id=flt.jurisdiction)
    if flt.q:
        qs = qs.filter(Q(entity_name__contains=flt.q) | Q(sample__sample_no=flt.q.upper()))
    # A work queue: open cases first, the nearest (or overdue) deadline first; closed ones newest first.
    qs = qs.annotate(
        urgency=Case(
            When(status=CaseStatus.OPEN, escalated_on__isnull=False, then=Value(0)),
            When(status=CaseStatus.OPEN, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        open_due=Case(When(status=CaseStatus.OPEN, then=F("due")), default=None),
    )
    return qs.select_related("sample", "sample__category", "jurisdiction").order_by(
        "urgency", F("open_due").asc(nulls_last=True), "-opened_on", "-id"
    )


def public_announcements() -> QuerySet[Announcement]:
    return restrict(Announcement.objects.all(), None, VIEW).order_by("-published_on", "-id")


def announced_samples(announcement: Announcement, judgement: str) -> QuerySet[Sample]:
    """The samples a published announcement lists (the public's view: no login)."""
    return (
        restrict(Sample.objects.filter(announcement=announcement, judgement=judgement), None, VIEW)
        .select_related("category", "laboratory")
        .order_by("sample_no")
    )


def failed_results_by_sample(sample_ids: list[int]) -> dict[int, list[TestResult]]:
    """The failing item results (of the deciding round) of announced samples, for the public table."""
    out: dict[int, list[TestResult]] = {}
    rows = restrict(
        TestResult.objects.filter(sample_id__in=sample_ids, judgement=Judgement.FAIL), None, VIEW
    ).select_related("item")
    latest: dict[int, int] = {}
    for r in rows:
        latest[r.sample_id] = max(latest.get(r.sample_id, 0), r.round)
        out.setdefault(r.sample_id, []).append(r)
    return {sid: [r for r in results if r.round == latest[sid]] for sid, results in out.items()}


def failures_with_results(samples: list[Sample]) -> list[tuple[Sample, list[TestResult]]]:
    """Each failing sample of an announcement with its failing item results."""
    results = failed_results_by_sample([s.pk for s in samples])
    return [(s, results.get(s.pk, [])) for s in samples]

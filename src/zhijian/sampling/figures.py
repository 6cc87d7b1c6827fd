"""Figures for the cockpit (驾驶舱指标), per jurisdiction and period, as query functions.

The cohort of a period is the samples taken in it (``sampled_on`` between ``start`` and ``end``,
both included), seen through the user's scope:

- **food batches per 1,000 residents** (食品安全抽检监测数, 批次/千人; seed 001 表2-1 target 6): food
  samples of every purpose ÷ resident population × 1,000, and the same annualised for a part-year;
- **circulation product batches** (流通领域产品质量监督抽查量; target 3,000 a year): product samples of
  the circulation stage;
- **evaluative pass rate** (主要食品评价性抽检合格率; ≥ 98 %, 99.5 % by 2025 in seed 004): share of
  judged food samples of evaluative plans whose current conclusion is 合格;
- **closure rate** (不合格产品后处理闭环率; 100 %): for the city, failing samples whose loop is closed
  (every case closed and every outside notice sent); for a county-level unit, its own cases closed
  (cases withdrawn after a passing re-test count on neither side);
- **on-time report rate**: reported samples whose report came by its deadline.

Every figure is one set-based query: it runs unchanged on SQLite, PostgreSQL and (through the same
expressions) an analytic engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q

from zhijian.core.models import Jurisdiction
from zhijian.core.scoping import CITY_WIDE, VIEW, restrict, user_district_id

from .deadlines import due_of
from .models import (
    CaseStatus,
    Judgement,
    Kind,
    LoopStatus,
    Population,
    PostProcessingCase,
    Purpose,
    Sample,
    Stage,
)

_AGGREGATES = {
    "food_batches": Count("id", filter=Q(kind=Kind.FOOD)),
    "circulation_product_batches": Count("id", filter=Q(kind=Kind.PRODUCT, stage=Stage.CIRCULATION)),
    "product_batches": Count("id", filter=Q(kind=Kind.PRODUCT)),
    "evaluative_judged": Count("id", filter=Q(kind=Kind.FOOD, purpose=Purpose.EVALUATION) & ~Q(judgement="")),
    "evaluative_passed": Count(
        "id", filter=Q(kind=Kind.FOOD, purpose=Purpose.EVALUATION, judgement=Judgement.PASS)
    ),
    "judged": Count("id", filter=~Q(judgement="")),
    "failed": Count("id", filter=Q(loop_status__in=[LoopStatus.OPEN, LoopStatus.CLOSED])),
    "loops_closed": Count("id", filter=Q(loop_status=LoopStatus.CLOSED)),
    "reported": Count("id", filter=Q(reported_on__isnull=False)),
}


@dataclass
class Figures:
    """The cockpit figures of one jurisdiction (or the user's whole scope) and period."""

    jurisdiction: str  # code, or "" for the whole scope
    jurisdiction_name: str
    start: dt.date
    end: dt.date
    food_batches: int
    residents: int | None
    food_batches_per_thousand: Decimal | None
    food_batches_per_thousand_annualised: Decimal | None
    circulation_product_batches: int
    product_batches: int
    judged: int
    evaluative_judged: int
    evaluative_passed: int
    evaluative_pass_rate: Decimal | None
    failed: int
    closure_base: int
    closure_done: int
    closure_rate: Decimal | None
    reported: int
    reported_on_time: int
    on_time_report_rate: Decimal | None

    def as_dict(self) -> dict:
        return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def residents_of(jurisdiction: Jurisdiction | None, year: int) -> int | None:
    """Residents of a unit (the city when None) in ``year``: the latest figure not after it."""
    if jurisdiction is None:
        jurisdiction = Jurisdiction.objects.filter(level=Jurisdiction.Level.CITY).first()
    if jurisdiction is None:
        return None
    row = (
        Population.objects.filter(jurisdiction=jurisdiction, year__lte=year).order_by("-year").first()
        or Population.objects.filter(jurisdiction=jurisdiction).order_by("year").first()
    )
    return row.residents if row else None


def _cohort(user, start: dt.date, end: dt.date, jurisdiction: Jurisdiction | None):
    qs = restrict(Sample.objects.filter(sampled_on__gte=start, sampled_on__lte=end), user, VIEW)
    return qs.filter(jurisdiction=jurisdiction) if jurisdiction is not None else qs


def _on_time(qs) -> int:
    return (
        qs.filter(reported_on__isnull=False)
        .annotate(report_due=due_of("report"))
        .filter(reported_on__lte=F("report_due"))
        .count()
    )


def _per_thousand(batches: int, residents: int | None, days: int) -> tuple[Decimal | None, Decimal | None]:
    if not residents:
        return None, None
    raw = Decimal(batches) * 1000 / residents
    annual = raw * Decimal(365) / Decimal(max(days, 1))
    q = Decimal("0.01")
    return raw.quantize(q, rounding=ROUND_HALF_UP), annual.quantize(q, rounding=ROUND_HALF_UP)


def _assemble(jurisdiction, start, end, counts: dict, on_time: int, cases: tuple[int, int] | None) -> Figures:
    # A functional zone's residents are counted in its district: no per-1,000 figure of its own.
    if jurisdiction is None or jurisdiction.level in (Jurisdiction.Level.CITY, Jurisdiction.Level.DISTRICT):
        residents = residents_of(jurisdiction, start.year)
    else:
        residents = None
    per_thousand, annualised = _per_thousand(counts["food_batches"], residents, (end - start).days + 1)
    if cases is not None:
        base, done = cases
    else:
        base, done = counts["failed"], counts["loops_closed"]
    return Figures(
        jurisdiction=jurisdiction.code if jurisdiction else "",
        jurisdiction_name=jurisdiction.name if jurisdiction else "",
        start=start,
        end=end,
        food_batches=counts["food_batches"],
        residents=residents,
        food_batches_per_thousand=per_thousand,
        food_batches_per_thousand_annualised=annualised,
        circulation_product_batches=counts["circulation_product_batches"],
        product_batches=counts["product_batches"],
        judged=counts["judged"],
        evaluative_judged=counts["evaluative_judged"],
        evaluative_passed=counts["evaluative_passed"],
        evaluative_pass_rate=_rate(counts["evaluative_passed"], counts["evaluative_judged"]),
        failed=counts["failed"],
        closure_base=base,
        closure_done=done,
        closure_rate=_rate(done, base),
        reported=counts["reported"],
        reported_on_time=on_time,
        on_time_report_rate=_rate(on_time, counts["reported"]),
    )


def _case_counts(user, start, end, jurisdiction_ids=None):
    qs = restrict(PostProcessingCase.objects.all(), user, VIEW).filter(
        sample__sampled_on__gte=start, sample__sampled_on__lte=end
    )
    if jurisdiction_ids is not None:
        qs = qs.filter(jurisdiction_id__in=jurisdiction_ids)
    rows = (
        qs.exclude(status=CaseStatus.WITHDRAWN)
        .values("jurisdiction_id")
        .annotate(total=Count("id"), closed=Count("id", filter=Q(status=CaseStatus.CLOSED)))
    )
    return {r["jurisdiction_id"]: (r["total"], r["closed"]) for r in rows}


def sampling_figures(
    user, *, start: dt.date, end: dt.date, jurisdiction: Jurisdiction | None = None
) -> Figures:
    """The figures of ``jurisdiction`` (None: everything ``user`` may see) for samples taken in the period.

    A district user's whole scope is its own district, and is reported as that district.
    """
    if jurisdiction is None and getattr(user, "is_authenticated", False) and user.role not in CITY_WIDE:
        district_id = user_district_id(user)
        if district_id is None:
            raise PermissionError("figures need a jurisdiction the user belongs to")
        jurisdiction = Jurisdiction.objects.get(pk=district_id)
    qs = _cohort(user, start, end, jurisdiction)
    counts = qs.aggregate(**_AGGREGATES)
    cases = None
    if jurisdiction is not None and jurisdiction.is_county_level:
        cases = _case_counts(user, start, end, [jurisdiction.pk]).get(jurisdiction.pk, (0, 0))
    return _assemble(jurisdiction, start, end, counts, _on_time(qs), cases)


def figures_by_jurisdiction(user, *, start: dt.date, end: dt.date) -> list[Figures]:
    """The figures of every county-level unit with samples the user may see, in the city's order."""
    qs = _cohort(user, start, end, None)
    grouped = {
        row.pop("jurisdiction_id"): row
        for row in qs.values("jurisdiction_id").annotate(**_AGGREGATES).order_by()
    }
    on_time = dict(
        qs.filter(reported_on__isnull=False)
        .annotate(report_due=due_of("report"))
        .filter(reported_on__lte=F("report_due"))
        .values("jurisdiction_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("jurisdiction_id", "n")
    )
    cases = _case_counts(user, start, end, list(grouped))
    units = Jurisdiction.objects.filter(pk__in=list(grouped)).order_by("sort_order", "code")
    return [
        _assemble(unit, start, end, grouped[unit.pk], on_time.get(unit.pk, 0), cases.get(unit.pk, (0, 0)))
        for unit in units
    ]


def figures_by_office(user, *, start: dt.date, end: dt.date) -> tuple[list[Figures], int]:
    """The figures of each grassroots office (市场监管所) of the sampled firms a district user may see,
    in the city's order, and the number of samples whose firm has no office on the register."""
    qs = _cohort(user, start, end, None)
    grouped = {
        row.pop("seller__office_id"): row
        for row in qs.values("seller__office_id").annotate(**_AGGREGATES).order_by()
    }
    unplaced = grouped.pop(None, None)
    on_time = dict(
        qs.filter(reported_on__isnull=False, seller__office_id__isnull=False)
        .annotate(report_due=due_of("report"))
        .filter(reported_on__lte=F("report_due"))
        .values("seller__office_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("seller__office_id", "n")
    )
    units = Jurisdiction.objects.filter(pk__in=list(grouped)).order_by("sort_order", "code")
    rows = [_assemble(unit, start, end, grouped[unit.pk], on_time.get(unit.pk, 0), None) for unit in units]
    return rows, (unplaced or {}).get("food_batches", 0) + (unplaced or {}).get("product_batches", 0)

"""Read paths of quality infrastructure, always through the one scoping function of core."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import median

from django.db.models import Count, Q, QuerySet

from zhijian.core.reference import county_units
from zhijian.core.scoping import VIEW, restrict
from zhijian.registry.industries import cluster_choices

from .models import (
    AwardLevel,
    AwardRecord,
    Campaign,
    Capability,
    CultivationEntry,
    Enrolment,
    EnrolmentStatus,
    Library,
    Outcome,
    RequestStatus,
    ServiceRequest,
    Stage,
    Standard,
)
from .standard_numbers import StandardNumberError, normalize_standard_number

COUNTING = [EnrolmentStatus.SUBMITTED, EnrolmentStatus.APPROVED]


def cluster_names() -> dict[str, str]:
    return dict(cluster_choices())


# --- standards ------------------------------------------------------------------------------------


def search_standards(user, q: str = "", kind: str = "", status: str = "") -> QuerySet[Standard]:
    """Standards by number (any accepted spelling) or name fragment, kind and status."""
    rows = restrict(Standard.objects.select_related("replaced_by"), user, VIEW)
    q = q.strip()
    if q:
        try:
            rows = rows.filter(number=normalize_standard_number(q))
        except StandardNumberError:
            rows = rows.filter(Q(number__icontains=q) | Q(name__icontains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows


# --- campaign -------------------------------------------------------------------------------------


def enrolments_for(
    user, campaign: Campaign | None = None, status: str = "", q: str = ""
) -> QuerySet[Enrolment]:
    rows = restrict(
        Enrolment.objects.select_related(
            "campaign", "jurisdiction", "executed_standard", "compared_standard", "laboratory"
        ),
        user,
        VIEW,
    )
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if status:
        rows = rows.filter(status=status)
    if q.strip():
        rows = rows.filter(
            Q(entity_name__icontains=q.strip())
            | Q(product_name__icontains=q.strip())
            | Q(uscc=q.strip().upper())
        )
    return rows


@dataclass(frozen=True)
class QuotaRow:
    """A unit's progress against its quota (附件1): firms enrolled (submitted or confirmed), confirmed, met."""

    code: str
    name: str
    quota: int
    enrolled: int
    approved: int
    met: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.approved / self.quota)) if self.quota else 0

    @property
    def short(self) -> int:
        return max(0, self.quota - self.approved)


def quota_progress(campaign: Campaign, district_id: int | None = None) -> list[QuotaRow]:
    """Every unit's quota and distinct firms, in 附件1's order; one query for the counts."""
    counts: dict[int, tuple[int, int, int]] = {
        unit: (enrolled, approved, met)
        for unit, enrolled, approved, met in Enrolment.objects.filter(campaign=campaign, status__in=COUNTING)
        .values("jurisdiction_id")
        .annotate(
            enrolled=Count("entity", distinct=True),
            approved=Count("entity", distinct=True, filter=Q(status=EnrolmentStatus.APPROVED)),
            met=Count("entity", distinct=True, filter=Q(outcome=Outcome.MET)),
        )
        .values_list("jurisdiction_id", "enrolled", "approved", "met")
        .order_by()
    }
    quotas = campaign.quotas.select_related("jurisdiction").order_by("jurisdiction__sort_order")
    if district_id is not None:
        quotas = quotas.filter(jurisdiction_id=district_id)
    rows = []
    for quota in quotas:
        enrolled, approved, met = counts.get(quota.jurisdiction_id, (0, 0, 0))
        name = quota.jurisdiction.short_name or quota.jurisdiction.name
        rows.append(QuotaRow(quota.jurisdiction.code, name, quota.firms, enrolled, approved, met))
    return rows


@dataclass(frozen=True)
class GoalProgress:
    """Progress toward the campaign's cumulative goal (到2022年: 15个行业、450家以上企业)."""

    goal_year: int
    goal_industries: int
    goal_firms: int
    industries: int
    firms: int
    met_firms: int

    @property
    def firms_percent(self) -> int:
        return min(100, round(100 * self.firms / self.goal_firms)) if self.goal_firms else 0

    @property
    def industries_percent(self) -> int:
        return min(100, round(100 * self.industries / self.goal_industries)) if self.goal_industries else 0


def goal_progress(campaign: Campaign) -> GoalProgress:
    """Distinct industries and firms confirmed in every campaign year up to the goal year (累计)."""
    confirmed = Enrolment.objects.filter(
        campaign__year__lte=campaign.goal_year, status=EnrolmentStatus.APPROVED
    )
    return GoalProgress(
        campaign.goal_year,
        campaign.goal_industries,
        campaign.goal_firms,
        confirmed.values("industry").distinct().count(),
        confirmed.values("entity").distinct().count(),
        confirmed.filter(outcome=Outcome.MET).values("entity").distinct().count(),
    )


def public_benchmark_list(q: str = "", year: int | None = None) -> QuerySet[Enrolment]:
    """The published firms and products that met the benchmark (对标达标企业和产品名单)."""
    rows = (
        restrict(
            Enrolment.objects.select_related(
                "campaign", "jurisdiction", "executed_standard", "compared_standard", "laboratory"
            ),
            None,
            VIEW,
        )
        .prefetch_related("leader_recommendations")
        .order_by("-published_on", "entity_name")
    )
    if year:
        rows = rows.filter(campaign__year=year)
    if q.strip():
        rows = rows.filter(Q(entity_name__icontains=q.strip()) | Q(product_name__icontains=q.strip()))
    return rows


# --- one-stop services ----------------------------------------------------------------------------


def search_capabilities(
    user, product: str = "", standard: str = "", cluster: str = "", category: str = ""
) -> QuerySet[Capability]:
    """Published capabilities by product, standard (number in any accepted spelling, or name), cluster, category."""
    rows = restrict(Capability.objects.select_related("provider"), user, VIEW).prefetch_related("standards")
    if product.strip():
        rows = rows.filter(Q(products__icontains=product.strip()) | Q(item__icontains=product.strip()))
    if standard.strip():
        try:
            rows = rows.filter(standards__number=normalize_standard_number(standard))
        except StandardNumberError:
            rows = rows.filter(
                Q(standards__name__icontains=standard.strip())
                | Q(standards__number__icontains=standard.strip())
            )
        rows = rows.distinct()
    if cluster:
        rows = (
            rows.filter(clusters__contains=[cluster])
            if _json_contains()
            else rows.filter(clusters__icontains=f'"{cluster}"')
        )
    if category:
        rows = rows.filter(category=category)
    return rows


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def requests_for(user, status: str = "") -> QuerySet[ServiceRequest]:
    rows = restrict(
        ServiceRequest.objects.select_related(
            "provider", "capability", "standard", "enrolment", "jurisdiction"
        ),
        user,
        VIEW,
    )
    if status:
        rows = rows.filter(status=status)
    return rows


@dataclass(frozen=True)
class ClusterLine:
    """One 246 cluster on the bureau's service analysis: demand, response, local capability."""

    code: str
    name: str
    requests: int
    declined: int
    local_capabilities: int
    outside_capabilities: int
    median_quote_hours: float | None
    median_delivery_days: float | None

    @property
    def gap(self) -> bool:
        """A cluster with no local capability is a finding (质量基础设施能力缺口)."""
        return self.local_capabilities == 0


def service_analysis(start: dt.date, end: dt.date) -> list[ClusterLine]:
    """Demand, response times and capability per "246" cluster, for requests made from ``start`` to ``end``."""
    requests = list(
        ServiceRequest.objects.filter(requested_at__date__gte=start, requested_at__date__lte=end).values(
            "cluster", "status", "requested_at", "quoted_at", "booked_at", "delivered_at"
        )
    )
    capabilities = list(
        Capability.objects.filter(active=True, provider__active=True).values("clusters", "provider__local")
    )
    lines = []
    for code, name in cluster_choices():
        mine = [r for r in requests if r["cluster"] == code]
        quote_hours = [
            (r["quoted_at"] - r["requested_at"]).total_seconds() / 3600 for r in mine if r["quoted_at"]
        ]
        delivery_days = [
            (r["delivered_at"] - r["booked_at"]).total_seconds() / 86400
            for r in mine
            if r["delivered_at"] and r["booked_at"]
        ]
        local = sum(1 for c in capabilities if code in c["clusters"] and c["provider__local"])
        outside = sum(1 for c in capabilities if code in c["clusters"] and not c["provider__local"])
        lines.append(
            ClusterLine(
                code,
                name,
                len(mine),
                sum(1 for r in mine if r["status"] == RequestStatus.DECLINED),
                local,
                outside,
                round(median(quote_hours), 1) if quote_hours else None,
                round(median(delivery_days), 1) if delivery_days else None,
            )
        )
    return lines


# --- cultivation libraries ------------------------------------------------------------------------


def library_entries(user, library: str = "", stage: str = "") -> QuerySet[CultivationEntry]:
    rows = restrict(CultivationEntry.objects.select_related("jurisdiction"), user, VIEW)
    if library:
        rows = rows.filter(library=library)
    if stage:
        rows = rows.filter(stage=stage)
    return rows


def library_counts(user) -> dict[str, dict[str, int]]:
    """Entries per library and stage, as the user may see them."""
    table = {lib: {s: 0 for s in Stage.values} for lib in Library.values}
    for row in library_entries(user).values("library", "stage").annotate(n=Count("id")).order_by():
        table[row["library"]][row["stage"]] = row["n"]
    return table


def library_indicators(start: dt.date, end: dt.date, district_id: int | None = None) -> dict[str, int]:
    """What the libraries feed the indicators: provincial-or-higher government quality awards won in the
    period (省级以上政府质量奖), standards led and high-value patents declared by the libraries' firms."""
    entries = CultivationEntry.objects.all()
    if district_id is not None:
        entries = entries.filter(jurisdiction_id=district_id)
    awards = AwardRecord.objects.filter(
        entry__in=entries,
        entry__library=Library.QUALITY_AWARD,
        won=True,
        level__in=[AwardLevel.PROVINCE, AwardLevel.NATIONAL],
        year__gte=start.year,
        year__lte=end.year,
    )
    return {
        "provincial_quality_awards": awards.values("entry").distinct().count(),
        "standards_led": sum(
            entries.filter(library=Library.STANDARD_AWARD).values_list("standards_led", flat=True)
        ),
        "high_value_patents": sum(
            entries.filter(library=Library.PATENT_AWARD).values_list("high_value_patents", flat=True)
        ),
    }


def units_in_order():
    return county_units().order_by("sort_order")

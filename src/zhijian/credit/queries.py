"""Read paths of credit supervision; every one goes through core.scoping."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from zhijian.core.analytics import as_decimal_hundredths
from zhijian.core.models import Deadline
from zhijian.core.reference import county_units
from zhijian.core.scoping import VIEW, restrict
from zhijian.registry.models import Entity

from . import analytics
from .classify import active_model
from .models import (
    Classification,
    CreditNotice,
    CreditRecord,
    CreditStanding,
    ListDecision,
    ListEntry,
    ListingProposal,
    Publicity,
    RepairApplication,
)
from .spec import indicator_labels

CLASSES = ("A", "B", "C", "D")


def distribution(user) -> list[dict]:
    """Classified entities per county-level unit and class, as ``user`` may see them."""
    visible = restrict(CreditStanding.objects.all(), user, VIEW)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for district_id, credit_class, n in (
        visible.values_list("entity__jurisdiction_id", "credit_class").annotate(n=Count("pk")).order_by()
    ):
        counts[district_id][credit_class] = n
    rows = []
    for unit in county_units():
        if unit.pk not in counts:
            continue
        by_class = {c: counts[unit.pk].get(c, 0) for c in CLASSES}
        rows.append(
            {
                "id": unit.pk,
                "name": unit.short_name or unit.name,
                "counts": by_class,
                "total": sum(by_class.values()),
            }
        )
    return rows


def distribution_by_office(user) -> list[dict]:
    """Classified entities per grassroots office (市场监管所) and class, for a district's own chart."""
    from zhijian.core.models import Jurisdiction

    visible = restrict(CreditStanding.objects.all(), user, VIEW)
    counts: dict[int | None, dict[str, int]] = defaultdict(dict)
    for office_id, credit_class, n in (
        visible.values_list("entity__office_id", "credit_class").annotate(n=Count("pk")).order_by()
    ):
        counts[office_id][credit_class] = n
    rows = []
    for office in Jurisdiction.objects.filter(pk__in=[k for k in counts if k is not None]):
        by_class = {c: counts[office.pk].get(c, 0) for c in CLASSES}
        rows.append(
            {
                "id": office.pk,
                "name": office.short_name or office.name,
                "counts": by_class,
                "total": sum(by_class.values()),
            }
        )
    if None in counts:
        by_class = {c: counts[None].get(c, 0) for c in CLASSES}
        rows.append(
            {"id": None, "name": "未分配市场监管所", "counts": by_class, "total": sum(by_class.values())}
        )
    return rows


def standings(
    user, *, district: int | None = None, credit_class: str = "", office: int | None = None
) -> QuerySet[CreditStanding]:
    qs = restrict(CreditStanding.objects.all(), user, VIEW).select_related("entity", "entity__jurisdiction")
    if district:
        qs = qs.filter(entity__jurisdiction_id=district)
    if office:
        qs = qs.filter(entity__office_id=office)
    if credit_class in CLASSES:
        qs = qs.filter(credit_class=credit_class)
    return qs.order_by("-score", "entity__uscc")


def standing_of(user, entity: Entity) -> CreditStanding | None:
    return (
        restrict(CreditStanding.objects.filter(entity=entity), user, VIEW)
        .select_related("model_version")
        .first()
    )


def history_of(user, entity: Entity) -> QuerySet[Classification]:
    return (
        restrict(Classification.objects.filter(entity=entity), user, VIEW)
        .select_related("model_version")
        .order_by("-classified_at", "-id")
    )


def records_of(user, entity: Entity) -> QuerySet[CreditRecord]:
    return restrict(CreditRecord.objects.filter(entity=entity), user, VIEW)


def public_records(entity: Entity, today: dt.date | None = None) -> QuerySet[CreditRecord]:
    """Records the public credit report shows: in publicity, not past its end even if the daily job lags."""
    today = today or timezone.localdate()
    qs = restrict(CreditRecord.objects.filter(entity=entity), None, VIEW).filter(
        publicity=Publicity.PUBLISHED
    )
    return qs.exclude(publicity_until__lt=today)


def list_entries_of(user, entity: Entity) -> QuerySet[ListEntry]:
    return restrict(ListEntry.objects.filter(entity=entity), user, VIEW)


def public_list_entries(entity: Entity) -> QuerySet[ListEntry]:
    return restrict(ListEntry.objects.filter(entity=entity), None, VIEW)


def repairs(user, *, status: str = "") -> QuerySet[RepairApplication]:
    qs = restrict(RepairApplication.objects.all(), user, VIEW).select_related(
        "entity", "list_entry", "record"
    )
    if status:
        qs = qs.filter(status=status)
    # A work queue: applications awaiting a decision first, the oldest (nearest deadline) first;
    # decided ones after them, the latest decision first.
    submitted = RepairApplication.Status.SUBMITTED
    return qs.annotate(
        pending=Case(When(status=submitted, then=Value(0)), default=Value(1), output_field=IntegerField()),
        pending_since=Case(When(status=submitted, then=F("applied_on")), default=None),
    ).order_by(
        "pending", F("pending_since").asc(nulls_last=True), F("decided_on").desc(nulls_last=True), "-id"
    )


def deadlines_for(applications) -> dict[int, Deadline]:
    ids = [str(a.pk) for a in applications]
    rows = Deadline.objects.filter(
        object_type="credit.RepairApplication", kind="credit.repair.decision", object_id__in=ids
    )
    return {int(d.object_id): d for d in rows}


def notices_of(user, entity: Entity) -> QuerySet[CreditNotice]:
    return restrict(CreditNotice.objects.filter(entity=entity), user, VIEW)


def pending_decisions(user) -> QuerySet[ListDecision]:
    return restrict(
        ListDecision.objects.filter(status=ListDecision.Status.PENDING), user, VIEW
    ).select_related("entry", "entry__entity", "proposed_by")


def listing_proposals(
    user, *, status: str = ListingProposal.Status.OPEN, district: int | None = None
) -> QuerySet[ListingProposal]:
    """Proposals to enter the abnormal list that ``user`` may see: open ones oldest finding first
    (their decision deadline runs from it), decided ones latest first."""
    qs = restrict(ListingProposal.objects.all(), user, VIEW).select_related(
        "entity", "entity__jurisdiction", "decided_by", "entry"
    )
    if status:
        qs = qs.filter(status=status)
    if district:
        qs = qs.filter(entity__jurisdiction_id=district)
    if status == ListingProposal.Status.OPEN:
        return qs.order_by("found_on", "id")
    return qs.order_by("-decided_at", "-id")


def proposal_counts(user) -> dict[str, int]:
    """How many proposals ``user`` sees per status."""
    counts = dict(
        restrict(ListingProposal.objects.all(), user, VIEW)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {status: counts.get(status, 0) for status in ListingProposal.Status.values}


def proposal_deadlines(proposals) -> dict[int, Deadline]:
    ids = [str(p.pk) for p in proposals]
    rows = Deadline.objects.filter(
        object_type="credit.ListingProposal", kind="credit.abnormal.listing_decision", object_id__in=ids
    )
    return {int(d.object_id): d for d in rows}


def open_proposals_of(user, entity: Entity) -> QuerySet[ListingProposal]:
    return restrict(
        ListingProposal.objects.filter(entity=entity, status=ListingProposal.Status.OPEN), user, VIEW
    )


def live_breakdown(entity: Entity, as_of: dt.date | None = None) -> list[tuple[str, str, object]]:
    """Every indicator that applies to ``entity`` now (the drill-down), from the same expression."""
    from zhijian.core.analytics import Prepared, parameter

    model = active_model()
    expr = analytics.indicator_points(
        model.spec, as_of or timezone.localdate(), analytics.sources(), parameter()
    )
    rows = Prepared(expr).fetch(entity.pk)
    labels = indicator_labels(model.spec)
    rows.sort(key=lambda r: (-abs(r["points"]), r["indicator"]))
    return [
        (
            r["indicator"],
            labels.get(r["indicator"], r["indicator"]),
            as_decimal_hundredths(r["points"] // 100),
        )
        for r in rows
    ]

"""Read paths of the warnings app, always through core.scoping; the cockpit's figures."""

from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from zhijian.core.reference import county_units
from zhijian.core.scoping import VIEW, covers, is_city_wide, restrict

from .models import Observation, Recipient, RiskWarning, Signal, Source
from .services.detection import week_of


def signals_for(user):
    return restrict(Signal.objects.select_related("district"), user, VIEW)


def warnings_for(user):
    return restrict(RiskWarning.objects.all(), user, VIEW).distinct()


def observations_for(user):
    return restrict(Observation.objects.select_related("source", "district"), user, VIEW)


def recipients_for(user):
    return restrict(Recipient.objects.select_related("warning", "district", "department"), user, VIEW)


def public_notices():
    return restrict(RiskWarning.objects.all(), None, VIEW).order_by("-notice_published_at", "-pk")


def _median_hours(pairs) -> float | None:
    hours = [(end - start).total_seconds() / 3600 for start, end in pairs if start and end]
    return round(statistics.median(hours), 1) if hours else None


def cockpit(user, *, today: dt.date | None = None, weeks: int = 12) -> dict:
    """Everything on the cockpit page, in ``user``'s scope."""
    today = today or timezone.localdate()
    signals = signals_for(user)
    warnings = warnings_for(user)
    recipients = recipients_for(user)
    answered = recipients.filter(must_follow_up=True, answered_at__isnull=False)
    first_week = week_of(today) - dt.timedelta(weeks=weeks - 1)
    week_list = [first_week + dt.timedelta(weeks=i) for i in range(weeks)]
    rows = (
        observations_for(user)
        .filter(occurred_on__gte=first_week, occurred_on__lte=today)
        .filter(Q(failed__gt=0) | Q(tested=0))
        .values_list("district_id", "occurred_on", "failed", "tested", "count")
    )
    heat: dict[tuple[int, dt.date], int] = {}
    for district_id, day, failed, tested, count in rows:
        if district_id is None:
            continue
        key = (district_id, week_of(day))
        heat[key] = heat.get(key, 0) + (failed if tested else count)
    units = [u for u in county_units() if covers(user, u)]
    peak = max(heat.values(), default=0)
    table = [
        (u, [(w, heat.get((u.pk, w), 0), _shade(heat.get((u.pk, w), 0), peak)) for w in week_list])
        for u in units
    ]
    by_district = (
        recipients.exclude(district=None)
        .values("district__name")
        .annotate(
            open=Count("warning", filter=Q(warning__state=RiskWarning.State.OPEN), distinct=True),
            closed=Count("warning", filter=Q(warning__state=RiskWarning.State.CLOSED), distinct=True),
        )
        .order_by("district__name")
    )
    return {
        "signals_by_state": dict(signals.values_list("state").annotate(n=Count("id")).order_by()),
        "warnings_by_state": dict(
            warnings.order_by().values_list("state").annotate(n=Count("id", distinct=True))
        ),
        "warnings_by_district": list(by_district),
        "triage_hours": _median_hours(
            signals.exclude(triaged_at=None).values_list("created_at", "triaged_at")
        ),
        "close_hours": _median_hours(warnings.exclude(closed_at=None).values_list("raised_at", "closed_at")),
        "on_time": answered.filter(answered_at__lte=F("due_at")).count(),
        "answered": answered.count(),
        "overdue_open": recipients.filter(
            must_follow_up=True, answered_at=None, due_at__lt=timezone.now()
        ).count(),
        "stale_sources": list(Source.objects.exclude(stale_since=None)) if is_city_wide(user) else [],
        "weeks": week_list,
        "heat": table,
        "heat_total": sum(heat.values()),
        "failures": observations_for(user).aggregate(n=Sum("failed"))["n"] or 0,
    }


def _shade(value: int, peak: int) -> int:
    """0–4: the cell's colour step in the heat table."""
    if value == 0 or peak == 0:
        return 0
    return min(4, 1 + int(3 * value / peak))

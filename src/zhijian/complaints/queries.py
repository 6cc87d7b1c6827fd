"""Read paths of the complaints app, always through ``core.scoping.restrict``.

Lists and exports (masked personal data), the officers' figures (statistics by category, district and
month; the figures of table 2-1 of seed 001), and the public disclosure per firm (消费投诉公示), which
carries counts, categories, outcomes and time to resolve, never a person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zhijian.core.models import Jurisdiction
from zhijian.core.params import int_param, text_param
from zhijian.core.rules import rule
from zhijian.core.scoping import VIEW, restrict
from zhijian.core.workdays import Calendar

from .models import OPEN_STATUSES, Case, Category, Enrolment, FirmReply, Kind, Outcome, Status

# Table 2-1 of seed 001 (宁波市市场监管“十四五”规划): baseline 2020 and target 2025.
TABLE_2_1 = {
    "disposal_rate": ("消费者投诉处置率", "99.2%", "≥99.5%"),
    "odr_firms": ("ODR企业数（家）", "2808", "5000"),
    "comp_first_firms": ("赔偿先付企业数（家）", "165", "350"),
}


@dataclass
class CaseFilter:
    q: str = ""
    kind: str = ""
    status: str = ""
    category: str = ""
    jurisdiction: int | None = None
    overdue: bool = False
    due_soon: bool = False
    repeated: bool = False
    cluster: int | None = None
    mine: bool = False

    @classmethod
    def from_params(cls, params) -> CaseFilter:
        def number(key):
            return int_param(params, key)

        return cls(
            q=text_param(params, "q", max_length=60),
            kind=params.get("kind", "") if params.get("kind", "") in Kind.values else "",
            status=params.get("status", "") if params.get("status", "") in Status.values else "",
            category=params.get("category", "") if params.get("category", "") in Category.values else "",
            jurisdiction=number("jurisdiction"),
            overdue=params.get("overdue") == "1",
            due_soon=params.get("due_soon") == "1",
            repeated=params.get("repeated") == "1",
            cluster=number("cluster"),
            mine=params.get("mine") == "1",
        )

    def as_params(self) -> dict[str, str]:
        out = {}
        for key, value in self.__dict__.items():
            if value in ("", None, False):
                continue
            out[key] = "1" if value is True else str(value)
        return out


def overdue_q(today: dt.date) -> Q:
    """Open cases past the limit of the step they are in."""
    return (
        Q(status=Status.RECEIVED, acceptance_due__lt=today)
        | Q(status__in=[Status.ACCEPTED, Status.MEDIATING], handling_due__lt=today)
        | Q(status=Status.RECEIVED, kind=Kind.REPORT, handling_due__lt=today)
        | Q(status=Status.ODR, odr_until__lt=today)
    )


def due_soon_q(today: dt.date, until: dt.date) -> Q:
    return (
        Q(status=Status.RECEIVED, acceptance_due__gte=today, acceptance_due__lte=until)
        | Q(status__in=[Status.ACCEPTED, Status.MEDIATING], handling_due__gte=today, handling_due__lte=until)
        | Q(status=Status.RECEIVED, kind=Kind.REPORT, handling_due__gte=today, handling_due__lte=until)
    )


def warn_until(today: dt.date) -> dt.date:
    try:
        margin = int(rule("complaints.warn_before", on=today).value)
    except LookupError:
        margin = 2
    return Calendar().add(today, margin).value


def search_cases(user, flt: CaseFilter, today: dt.date | None = None) -> QuerySet[Case]:
    today = today or timezone.localdate()
    qs = restrict(Case.objects.all(), user, VIEW)
    if flt.q:
        qs = qs.filter(
            Q(code=flt.q.upper()) | Q(respondent_name__contains=flt.q) | Q(subject__contains=flt.q)
        )
    for field in ("kind", "status", "category"):
        if getattr(flt, field):
            qs = qs.filter(**{field: getattr(flt, field)})
    if flt.jurisdiction:
        qs = qs.filter(jurisdiction_id=flt.jurisdiction)
    if flt.overdue:
        qs = qs.filter(overdue_q(today))
    if flt.due_soon:
        qs = qs.filter(due_soon_q(today, warn_until(today)))
    if flt.repeated:
        qs = qs.filter(repeated_report=True)
    if flt.cluster:
        qs = qs.filter(cluster_id=flt.cluster)
    if flt.mine and getattr(user, "is_authenticated", False):
        qs = qs.filter(handler=user)
    return qs.select_related("jurisdiction", "office").order_by("-received_on", "-id")


def current_due(case: Case) -> dt.date | None:
    if case.status == Status.ODR:
        return case.odr_until
    if case.status == Status.RECEIVED and case.kind == Kind.COMPLAINT:
        return case.acceptance_due
    if case.is_open:
        return case.handling_due
    return None


def todos(user, today: dt.date | None = None) -> dict[str, int]:
    """The officer's workbench: open cases, overdue, falling due, disputes awaiting the city."""
    today = today or timezone.localdate()
    visible = restrict(Case.objects.filter(status__in=OPEN_STATUSES), user, VIEW)
    return {
        "open": visible.count(),
        "overdue": visible.filter(overdue_q(today)).count(),
        "due_soon": visible.filter(due_soon_q(today, warn_until(today))).count(),
        "mine": visible.filter(handler=user).count() if getattr(user, "is_authenticated", False) else 0,
        "disputed": visible.filter(status=Status.DISPUTED).count(),
    }


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None


def enrolled_count(programme: str, on: dt.date, jurisdiction_id: int | None = None) -> int:
    qs = Enrolment.objects.filter(programme=programme, enrolled_on__lte=on).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
    )
    if jurisdiction_id:
        qs = qs.filter(jurisdiction_id=jurisdiction_id)
    return qs.count()


def figures(user, start: dt.date, end: dt.date, jurisdiction_id: int | None = None) -> dict:
    """Statistics of cases received in [start, end] that ``user`` may see, and the table 2-1 figures."""
    qs = restrict(Case.objects.filter(received_on__gte=start, received_on__lte=end), user, VIEW)
    if jurisdiction_id:
        qs = qs.filter(jurisdiction_id=jurisdiction_id)
    complaints = qs.filter(kind=Kind.COMPLAINT)
    totals = complaints.aggregate(
        received=Count("id"),
        disposed=Count("id", filter=Q(status__in=[Status.CLOSED, Status.NOT_ACCEPTED, Status.MERGED])),
        decided=Count("id", filter=Q(accepted_on__isnull=False) | Q(status=Status.NOT_ACCEPTED)),
        decided_on_time=Count(
            "id",
            filter=Q(accepted_on__isnull=False, accepted_on__lte=F("acceptance_due"))
            | Q(status=Status.NOT_ACCEPTED, closed_on__lte=F("acceptance_due")),
        ),
        closed=Count("id", filter=Q(status=Status.CLOSED, handling_due__isnull=False)),
        closed_on_time=Count("id", filter=Q(status=Status.CLOSED, closed_on__lte=F("handling_due"))),
        mediated=Count("id", filter=Q(outcome=Outcome.MEDIATED)),
        terminated=Count("id", filter=Q(outcome=Outcome.TERMINATED)),
        odr_settled=Count("id", filter=Q(outcome=Outcome.ODR_SETTLED)),
    )
    reports = qs.filter(kind=Kind.REPORT).aggregate(
        received=Count("id"),
        decided=Count("id", filter=Q(status=Status.CLOSED)),
        on_time=Count("id", filter=Q(status=Status.CLOSED, closed_on__lte=F("handling_due"))),
        filed=Count("id", filter=Q(outcome=Outcome.FILED)),
        repeated=Count("id", filter=Q(repeated_report=True)),
    )
    recovered = qs.aggregate(s=Sum("amount_recovered"))["s"] or Decimal(0)
    by_kind = dict(qs.values_list("kind").annotate(n=Count("id")).order_by())
    by_category = dict(qs.values_list("category").annotate(n=Count("id")).order_by())
    by_unit = dict(qs.values_list("jurisdiction_id").annotate(n=Count("id")).order_by())
    units = {u.pk: u.short_name or u.name for u in Jurisdiction.objects.filter(pk__in=list(by_unit))}
    months: dict[str, dict[str, int]] = defaultdict(dict)
    for month, kind, n in (
        qs.annotate(month=TruncMonth("received_on"))
        .values_list("month", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        months[f"{month:%Y-%m}"][kind] = n
    odr = enrolled_count(Enrolment.Programme.ODR, end, jurisdiction_id)
    comp_first = enrolled_count(Enrolment.Programme.COMPENSATION_FIRST, end, jurisdiction_id)
    return {
        "start": start,
        "end": end,
        "received": sum(by_kind.values()),
        "by_kind": {str(Kind(k).label): n for k, n in by_kind.items()},
        "complaints": totals,
        "reports": reports,
        "disposal_rate": _rate(totals["disposed"], totals["received"]),
        "acceptance_on_time_rate": _rate(totals["decided_on_time"], totals["decided"]),
        "closing_on_time_rate": _rate(totals["closed_on_time"], totals["closed"]),
        "report_on_time_rate": _rate(reports["on_time"], reports["decided"]),
        "mediation_success_rate": _rate(totals["mediated"], totals["mediated"] + totals["terminated"]),
        "amount_recovered": recovered,
        "odr_firms": odr,
        "comp_first_firms": comp_first,
        "by_category": sorted(
            ((str(Category(c).label), n) for c, n in by_category.items()), key=lambda r: -r[1]
        ),
        "by_unit": sorted(((units.get(u, "?"), n) for u, n in by_unit.items()), key=lambda r: -r[1]),
        "by_month": [
            (
                m,
                months[m].get(Kind.COMPLAINT, 0),
                months[m].get(Kind.REPORT, 0),
                months[m].get(Kind.ENQUIRY, 0),
            )
            for m in sorted(months)
        ],
        "table_2_1": TABLE_2_1,
    }


# --- disclosure ---------------------------------------------------------------------------------------


def disclosure_cutoff(today: dt.date | None = None) -> dt.date:
    """The last closing day already disclosed: a closed complaint is shown to its firm first, then to
    the public once ``complaints.disclosure_delay`` working days have passed."""
    today = today or timezone.localdate()
    try:
        delay = int(rule("complaints.disclosure_delay", on=today).value)
    except LookupError:
        delay = 5
    calendar = Calendar()
    day = today
    while calendar.add(day, delay).value > today:
        day -= dt.timedelta(days=1)
    return day


def disclosed_cases(*, firm_preview_uscc: str | None = None, today: dt.date | None = None) -> QuerySet[Case]:
    """Closed consumer complaints against a firm in the register, as the disclosure shows them."""
    qs = Case.objects.filter(
        kind=Kind.COMPLAINT,
        status__in=[Status.CLOSED, Status.NOT_ACCEPTED],
        respondent__isnull=False,
    )
    if firm_preview_uscc:
        return qs.filter(respondent_uscc=firm_preview_uscc)  # the firm sees its own before the public
    return qs.filter(closed_on__lte=disclosure_cutoff(today))


def disclosure_list(q: str = "", limit: int = 50) -> list[dict]:
    qs = disclosed_cases()
    if q:
        qs = qs.filter(Q(respondent_name__contains=q) | Q(respondent_uscc=q.upper()))
    rows = (
        qs.values("respondent_uscc", "respondent_name")
        .annotate(
            total=Count("id"),
            mediated=Count("id", filter=Q(outcome__in=[Outcome.MEDIATED, Outcome.ODR_SETTLED])),
        )
        .order_by("-total", "respondent_uscc")[:limit]
    )
    return [{**r, "resolved_rate": _rate(r["mediated"], r["total"])} for r in rows]


def disclosure_of(uscc: str, *, preview: bool = False) -> dict | None:
    """One firm's publicity: counts, categories, outcomes, days to resolve, the firm's reply."""
    qs = disclosed_cases(firm_preview_uscc=uscc if preview else None).filter(respondent_uscc=uscc)
    rows = list(
        qs.values_list(
            "respondent_name", "category", "product", "outcome", "received_on", "closed_on"
        ).order_by("-closed_on")[:2000]
    )
    if not rows and not preview:
        return None
    days = [(closed - received).days for _n, _c, _p, _o, received, closed in rows if closed]
    categories: dict[str, int] = defaultdict(int)
    outcomes: dict[str, int] = defaultdict(int)
    for _n, category, _p, outcome, _r, _c in rows:
        categories[str(Category(category).label)] += 1
        outcomes[str(Outcome(outcome).label) if outcome else "—"] += 1
    reply = FirmReply.objects.filter(uscc=uscc).first()
    return {
        "uscc": uscc,
        "name": rows[0][0] if rows else "",
        "total": len(rows),
        "categories": sorted(categories.items(), key=lambda r: -r[1]),
        "outcomes": sorted(outcomes.items(), key=lambda r: -r[1]),
        "average_days": round(sum(days) / len(days), 1) if days else None,
        "recent": [
            {
                "category": str(Category(c).label),
                "product": p,
                "outcome": str(Outcome(o).label) if o else "",
                "received_on": r,
                "closed_on": cl,
            }
            for _n, c, p, o, r, cl in rows[:50]
        ],
        "reply": reply.text if reply else "",
        "odr": Enrolment.objects.filter(
            uscc=uscc, programme=Enrolment.Programme.ODR, withdrawn_on=None
        ).exists(),
        "comp_first": Enrolment.objects.filter(
            uscc=uscc, programme=Enrolment.Programme.COMPENSATION_FIRST, withdrawn_on=None
        ).exists(),
    }

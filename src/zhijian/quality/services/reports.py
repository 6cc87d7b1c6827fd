"""Half-yearly progress reports (附件3, 对标达标提升专项行动进展情况报表), generated from the data.

Each district generates its report from its enrolments (figures as of the period's end), adds the
narrative rows, reviews and submits it: by 5 July for the half year and by 5 January for the year
before (seed 002, 二（五）). The number of days after the period's end and the reminder lead are rule
data (core.rules), so a changed rule takes effect from its date without touching code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.models import Jurisdiction, RuleValue
from zhijian.core.reference import county_units
from zhijian.core.rules import rule
from zhijian.core.scoping import user_district_id
from zhijian.registry.industries import cluster_choices
from zhijian.registry.models import Entity, EntityStatus, EntityTag, Tag

from ..models import (
    NARRATIVE_FIELDS,
    Enrolment,
    EnrolmentStatus,
    LeaderRecommendation,
    Outcome,
    Period,
    ProgressReport,
    ReportReminder,
    ReportStatus,
)
from .common import QualityError, may_change, record, require, system, today

DUE_RULE = "quality.progress_report.days_after_period"
REMIND_RULE = "quality.progress_report.remind_before"


@dataclass(frozen=True)
class ReportDeadline:
    """When a period's report is due, and the rule (with its source) that says so."""

    year: int
    period: str
    period_end: dt.date
    due_on: dt.date
    remind_from: dt.date
    rule: RuleValue


def period_end(year: int, period: str) -> dt.date:
    return dt.date(year, 6, 30) if period == Period.HALF else dt.date(year, 12, 31)


def deadline_for(year: int, period: str) -> ReportDeadline:
    """The due date of a period's report: the period's end plus the rule's days (5 July, 5 January)."""
    if period not in Period.values:
        raise QualityError("bad_period", "报表期别无效")
    end = period_end(year, period)
    due_rule = rule(DUE_RULE, end)  # MissingRule (Chinese message) until an administrator loads it
    due = end + dt.timedelta(days=int(due_rule.value))
    remind = rule(REMIND_RULE, end)
    return ReportDeadline(year, period, end, due, due - dt.timedelta(days=int(remind.value)), due_rule)


def current_period(on: dt.date) -> tuple[int, str]:
    """The period whose report is being prepared on ``on``: the half year from July, the year before until then."""
    if on.month >= 7:
        return on.year, Period.HALF
    return on.year - 1, Period.ANNUAL


def _ratio(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def report_figures(jurisdiction: Jurisdiction, year: int, period: str) -> dict:
    """附件3's numbers for one unit, from the data as of the period's end: one block per 对标产业."""
    end = period_end(year, period)
    enrolments = Enrolment.objects.filter(
        jurisdiction=jurisdiction,
        campaign__year=year,
        status=EnrolmentStatus.APPROVED,
        reviewed_on__lte=end,
    )
    rows = (
        enrolments.values("industry")
        .annotate(
            enrolments=Count("id"),
            firms=Count("entity", distinct=True),
            plans=Count("id", filter=Q(plan_uploaded_on__lte=end)),
            results=Count("id", filter=Q(result_on__lte=end)),
            met=Count("id", filter=Q(result_on__lte=end, outcome=Outcome.MET)),
        )
        .order_by("industry")
    )
    names = dict(cluster_choices())
    above_scale = dict(
        Entity.objects.filter(
            jurisdiction=jurisdiction,
            status=EntityStatus.ACTIVE,
            pk__in=EntityTag.objects.filter(tag=Tag.ABOVE_SCALE).values("entity_id"),
        )
        .values_list("cluster")
        .annotate(n=Count("id"))
        .order_by()
    )
    blocks = []
    for row in rows:
        industry = row["industry"]
        blocks.append(
            {
                "industry": industry,
                "industry_name": names.get(industry, industry),
                "firms": row["firms"],
                "above_scale_firms": above_scale.get(industry, 0),
                "firms_ratio": _ratio(row["firms"], above_scale.get(industry, 0)),
                "plans_uploaded": row["plans"],
                "plans_expected": row["enrolments"],
                "plans_ratio": _ratio(row["plans"], row["enrolments"]),
                "results_uploaded": row["results"],
                "results_expected": row["enrolments"],
                "results_ratio": _ratio(row["results"], row["enrolments"]),
                "met": row["met"],
            }
        )
    leaders = LeaderRecommendation.objects.filter(enrolment__in=enrolments, recommended_on__lte=end).count()
    total = {
        key: sum(b[key] for b in blocks)
        for key in (
            "firms",
            "above_scale_firms",
            "plans_uploaded",
            "plans_expected",
            "results_uploaded",
            "met",
        )
    }
    total["firms"] = enrolments.values("entity").distinct().count()
    total["results_expected"] = total["plans_expected"]
    total["plans_ratio"] = _ratio(total["plans_uploaded"], total["plans_expected"])
    total["results_ratio"] = _ratio(total["results_uploaded"], total["results_expected"])
    return {
        "unit": jurisdiction.name,
        "unit_code": jurisdiction.code,
        "year": year,
        "period": period,
        "period_end": end.isoformat(),
        "industries": blocks,
        "total": total,
        "leaders": leaders,
        "reports_formed": total["results_uploaded"],
    }


def report_state(report: ProgressReport) -> dict:
    return {
        "jurisdiction": report.jurisdiction.code,
        "year": report.year,
        "period": report.period,
        "status": report.status,
        "figures": report.figures,
        "narrative": report.narrative,
        "late": report.late,
    }


def _unit_of(actor) -> Jurisdiction:
    district = user_district_id(actor)
    if district is None:
        raise QualityError("no_unit", "您的账户未设置所属辖区")
    return Jurisdiction.objects.get(pk=district)


def generate_report(*, actor, year: int, period: str, unit: Jurisdiction | None = None) -> ProgressReport:
    """Generate (or regenerate) a unit's draft report from the data; a submitted report stays as sent."""
    require(actor, "quality.report.prepare", "只有区县（市）局可以填报进展情况报表")
    unit = unit if system(actor) else _unit_of(actor)
    if unit is None:
        raise QualityError("no_unit", "请指定填报单位")
    deadline = deadline_for(year, period)
    if today() <= deadline.period_end - dt.timedelta(days=31):
        raise QualityError("period_not_started", "统计期尚未开始，不能生成报表")
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update()
            .filter(jurisdiction=unit, year=year, period=period)
            .first()
        )
        if report and report.status == ReportStatus.SUBMITTED:
            raise QualityError("already_submitted", "该期报表已报送，不能重新生成")
        before = report_state(report) if report else None
        report = report or ProgressReport(jurisdiction=unit, year=year, period=period)
        report.period_end, report.due_on = deadline.period_end, deadline.due_on
        report.figures = report_figures(unit, year, period)
        report.status = ReportStatus.DRAFT
        report.generated_at = timezone.now()
        report.reviewed_by = report.reviewed_at = None
        report.save()
        record(
            actor,
            audit.Change(
                "quality.report.generate", "ProgressReport", str(report.pk), before, report_state(report)
            ),
        )
    return report


def save_narrative(*, actor, report: ProgressReport, narrative: dict[str, str]) -> ProgressReport:
    """Fill in the rows 附件3 asks in words (纳入党委政府工作情况 …); the report goes back to draft."""
    require(actor, "quality.report.prepare")
    may_change(actor, report)
    if report.status == ReportStatus.SUBMITTED:
        raise QualityError("already_submitted", "该期报表已报送")
    keys = {key for key, _ in NARRATIVE_FIELDS}
    with transaction.atomic():
        before = report_state(report)
        report.narrative = {k: str(v).strip()[:2000] for k, v in narrative.items() if k in keys}
        report.status = ReportStatus.DRAFT
        report.save(update_fields=["narrative", "status"])
        record(
            actor,
            audit.Change(
                "quality.report.narrative", "ProgressReport", str(report.pk), before, report_state(report)
            ),
        )
    return report


def review_report(*, actor, report: ProgressReport) -> ProgressReport:
    """The unit's reviewer confirms the generated figures and the narrative (审核)."""
    require(actor, "quality.report.prepare")
    may_change(actor, report)
    if report.status != ReportStatus.DRAFT:
        raise QualityError("not_draft", "只有草稿可以审核")
    with transaction.atomic():
        before = report_state(report)
        report.status = ReportStatus.REVIEWED
        report.reviewed_by, report.reviewed_at = (None if system(actor) else actor), timezone.now()
        report.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        record(
            actor,
            audit.Change(
                "quality.report.review", "ProgressReport", str(report.pk), before, report_state(report)
            ),
        )
    return report


def submit_report(*, actor, report: ProgressReport) -> ProgressReport:
    """Submit a reviewed report to the city (报送); after the due date it is accepted and marked late."""
    require(actor, "quality.report.prepare")
    may_change(actor, report)
    if report.status != ReportStatus.REVIEWED:
        raise QualityError("not_reviewed", "报表须先审核再报送")
    with transaction.atomic():
        before = report_state(report)
        report.status = ReportStatus.SUBMITTED
        report.submitted_by, report.submitted_at = (None if system(actor) else actor), timezone.now()
        report.late = today() > report.due_on
        report.save(update_fields=["status", "submitted_by", "submitted_at", "late"])
        record(
            actor,
            audit.Change(
                "quality.report.submit", "ProgressReport", str(report.pk), before, report_state(report)
            ),
        )
        events.emit(
            "quality.report_submitted",
            {
                "report_id": report.pk,
                "jurisdiction": report.jurisdiction.code,
                "year": report.year,
                "period": report.period,
                "late": report.late,
            },
        )
    return report


@dataclass(frozen=True)
class UnitReportState:
    """Where a unit stands on one period's report: its report (if any), and the flags."""

    unit: Jurisdiction
    report: ProgressReport | None
    deadline: ReportDeadline
    on: dt.date

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status == ReportStatus.SUBMITTED

    @property
    def overdue(self) -> bool:
        return not self.submitted and self.on > self.deadline.due_on

    @property
    def due_soon(self) -> bool:
        return not self.submitted and self.deadline.remind_from <= self.on <= self.deadline.due_on

    @property
    def days_left(self) -> int:
        return (self.deadline.due_on - self.on).days


def report_states(year: int, period: str, on: dt.date | None = None, units=None) -> list[UnitReportState]:
    """Every unit's state for a period (the city summary's status column, reminders, to-dos)."""
    on = on or today()
    deadline = deadline_for(year, period)
    units = list(units if units is not None else county_units().order_by("sort_order"))
    reports = {
        r.jurisdiction_id: r
        for r in ProgressReport.objects.filter(year=year, period=period, jurisdiction__in=units)
    }
    return [UnitReportState(u, reports.get(u.pk), deadline, on) for u in units]


def send_reminders(*, actor, on: dt.date | None = None) -> int:
    """Remind every unit whose report is due soon or overdue, once per kind; return how many were sent.

    The reminder is an event (``quality.report_reminder``) the notification channel delivers, and a
    row that keeps it from being sent twice; run daily by ``zhijian quality remind``.
    """
    require(actor, "quality.report.summary")
    on = on or today()
    year, period = current_period(on)
    sent = 0
    with transaction.atomic():
        for state in report_states(year, period, on):
            kind = "overdue" if state.overdue else "due_soon" if state.due_soon else None
            if kind is None:
                continue
            _, created = ReportReminder.objects.get_or_create(
                jurisdiction=state.unit, year=year, period=period, kind=kind, defaults={"sent_on": on}
            )
            if created:
                sent += 1
                events.emit(
                    "quality.report_reminder",
                    {
                        "jurisdiction": state.unit.code,
                        "year": year,
                        "period": period,
                        "kind": kind,
                        "due_on": state.deadline.due_on.isoformat(),
                    },
                )
        if sent:
            record(
                actor,
                audit.Change(
                    "quality.report.summary",
                    "ReportReminder",
                    f"{year}-{period}",
                    None,
                    {"on": on, "sent": sent},
                ),
            )
    return sent


def city_summary(year: int, period: str) -> dict:
    """The city's summary: submitted reports' figures added up per industry, and every unit's status."""
    states = report_states(year, period)
    by_industry: dict[str, dict] = {}
    total = {"firms": 0, "plans_uploaded": 0, "plans_expected": 0, "results_uploaded": 0, "met": 0}
    leaders = 0
    for state in states:
        if not state.submitted or state.report is None:
            continue
        figures = state.report.figures
        leaders += figures.get("leaders", 0)
        for block in figures.get("industries", []):
            row = by_industry.setdefault(
                block["industry"],
                {
                    "industry": block["industry"],
                    "industry_name": block["industry_name"],
                    "units": 0,
                    **{k: 0 for k in total},
                },
            )
            row["units"] += 1
            for key in total:
                row[key] += block[key]
                total[key] += block[key]
    # a firm enrolled in two industries counts once in the city's total, as in each unit's total
    total["firms"] = sum(s.report.figures["total"]["firms"] for s in states if s.submitted and s.report)
    rows = sorted(by_industry.values(), key=lambda r: r["industry"])
    for row in [*rows, total]:
        row["plans_ratio"] = _ratio(row["plans_uploaded"], row["plans_expected"])
        row["results_ratio"] = _ratio(row["results_uploaded"], row["plans_expected"])
    return {
        "year": year,
        "period": period,
        "states": states,
        "industries": rows,
        "total": total,
        "leaders": leaders,
        "submitted": sum(1 for s in states if s.submitted),
        "overdue": sum(1 for s in states if s.overdue),
    }

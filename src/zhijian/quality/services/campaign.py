"""The standards-benchmarking campaign (对标达标提升专项行动): campaigns and quotas, enrolments, their
technical plans, verified results and outcomes, leader recommendations."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhijian.core import audit, events
from zhijian.core.models import Jurisdiction, Role
from zhijian.core.scoping import CITY_WIDE, user_district_id
from zhijian.registry.industries import cluster_choices
from zhijian.registry.models import Entity, EntityStatus

from ..models import (
    Campaign,
    DistrictQuota,
    Enrolment,
    EnrolmentStatus,
    LeaderRecommendation,
    Outcome,
    ServiceProvider,
    Standard,
)
from .common import NotAllowed, QualityError, may_change, record, require, system, today


def enrolment_state(e: Enrolment) -> dict:
    return {
        "campaign": e.campaign.year,
        "jurisdiction": e.jurisdiction.code,
        "uscc": e.uscc,
        "entity_name": e.entity_name,
        "industry": e.industry,
        "product_name": e.product_name,
        "executed_standard": e.executed_standard.number,
        "compared_standard": e.compared_standard.number,
        "platform_plan_no": e.platform_plan_no,
        "needs_support": e.needs_support,
        "status": e.status,
        "plan_no": e.plan_no,
        "plan_uploaded_on": e.plan_uploaded_on,
        "laboratory": e.laboratory.name if e.laboratory else None,
        "report_no": e.report_no,
        "result_on": e.result_on,
        "outcome": e.outcome,
        "published_on": e.published_on,
    }


def _record(actor, action: str, enrolment: Enrolment, before: dict | None) -> None:
    record(actor, audit.Change(action, "Enrolment", str(enrolment.pk), before, enrolment_state(enrolment)))


def save_campaign(
    *,
    actor,
    year: int,
    title: str,
    industries: list[str],
    goal_year: int,
    goal_industries: int,
    goal_firms: int,
    quotas: dict[str, int],
    enrol_by: dt.date | None = None,
    plans_by: dt.date | None = None,
    results_by: dt.date | None = None,
    source: str = "",
) -> Campaign:
    """Create or update a campaign year with its per-unit quotas (``quotas``: jurisdiction code → firms)."""
    require(actor, "quality.campaign.change", "只有市局可以部署专项行动")
    known = {code for code, _ in cluster_choices()}
    unknown = [i for i in industries if i not in known]
    if unknown:
        raise QualityError("bad_industry", f"对标产业“{'、'.join(unknown)}”不是“246”产业集群")
    units = {j.code: j for j in Jurisdiction.objects.filter(code__in=quotas)}
    missing = [code for code in quotas if code not in units or not units[code].is_county_level]
    if missing:
        raise QualityError("bad_unit", f"配额单位“{'、'.join(missing)}”不是区县（市）局或功能区分局")
    if any(n < 0 for n in quotas.values()):
        raise QualityError("bad_quota", "配额不能为负数")
    with transaction.atomic():
        campaign = Campaign.objects.filter(year=year).first()
        before = None
        if campaign:
            before = {
                "title": campaign.title,
                "quotas": dict(campaign.quotas.values_list("jurisdiction__code", "firms")),
            }
        campaign, _ = Campaign.objects.update_or_create(
            year=year,
            defaults=dict(
                title=title,
                industries=list(industries),
                goal_year=goal_year,
                goal_industries=goal_industries,
                goal_firms=goal_firms,
                enrol_by=enrol_by,
                plans_by=plans_by,
                results_by=results_by,
                source=source,
            ),
        )
        campaign.quotas.exclude(jurisdiction__code__in=list(quotas)).delete()
        for code, firms in quotas.items():
            DistrictQuota.objects.update_or_create(
                campaign=campaign, jurisdiction=units[code], defaults={"firms": firms}
            )
        record(
            actor,
            audit.Change(
                "quality.campaign.save",
                "Campaign",
                str(campaign.pk),
                before,
                {
                    "year": year,
                    "title": title,
                    "industries": industries,
                    "quotas": quotas,
                    "goal": [goal_year, goal_industries, goal_firms],
                },
            ),
        )
    return campaign


def _district_of(actor) -> int | None:
    return None if system(actor) or actor.role in CITY_WIDE else user_district_id(actor)


def enrol_firm(
    *,
    actor,
    campaign: Campaign,
    uscc: str,
    product_name: str,
    executed_standard: Standard,
    compared_standard: Standard,
    platform_plan_no: str = "",
    needs_support: bool = False,
    industry: str = "",
) -> Enrolment:
    """A district enrols a firm of its own register with one product (附件2's row); the city then approves."""
    require(actor, "quality.enrolment.create", "只有区县（市）局可以报送对标企业")
    entity = Entity.objects.select_related("jurisdiction").filter(uscc=(uscc or "").strip().upper()).first()
    if entity is None:
        raise QualityError(
            "entity_unknown", "市场主体库中没有该统一社会信用代码的企业", {"uscc": "未找到该企业"}
        )
    if entity.status != EntityStatus.ACTIVE:
        raise QualityError(
            "entity_inactive", f"{entity.name}登记状态为{entity.get_status_display()}，不能参加"
        )
    district = _district_of(actor)
    if district is not None and entity.jurisdiction_id != district:
        raise NotAllowed("只能报送本辖区的企业")
    if not system(actor) and campaign.year < today().year - 1:
        raise QualityError("campaign_closed", f"{campaign.year}年度专项行动已结束")
    product_name = product_name.strip()
    if not product_name:
        raise QualityError("product_missing", "请填写产品名称", {"product_name": "请填写产品名称"})
    for label, std in (("执行标准", executed_standard), ("比对标准", compared_standard)):
        if std.status == "withdrawn":
            raise QualityError("standard_withdrawn", f"{label}{std.number}已废止")
    if executed_standard.pk == compared_standard.pk:
        raise QualityError(
            "same_standard", "比对标准应不同于执行标准", {"compared_standard": "应不同于执行标准"}
        )
    industry = industry or entity.cluster
    if industry not in campaign.industries:
        raise QualityError(
            "industry_not_in_campaign",
            "该企业所属产业不在本年度对标产业中，请选择对标产业",
            {"industry": "不在本年度对标产业中"},
        )
    duplicate = Enrolment.objects.filter(campaign=campaign, entity=entity, product_name=product_name).exclude(
        status__in=[EnrolmentStatus.REJECTED, EnrolmentStatus.WITHDRAWN]
    )
    if duplicate.exists():
        raise QualityError("already_enrolled", f"{entity.name}的“{product_name}”已报送")
    with transaction.atomic():
        enrolment = Enrolment.objects.create(
            campaign=campaign,
            jurisdiction=entity.jurisdiction,
            entity=entity,
            entity_name=entity.name,
            uscc=entity.uscc,
            industry=industry,
            product_name=product_name,
            executed_standard=executed_standard,
            compared_standard=compared_standard,
            platform_plan_no=platform_plan_no.strip(),
            needs_support=needs_support,
            submitted_on=today(),
        )
        _record(actor, "quality.enrolment.create", enrolment, None)
        events.emit(
            "quality.enrolment_submitted",
            {"enrolment_id": enrolment.pk, "jurisdiction": entity.jurisdiction.code, "uscc": entity.uscc},
        )
    return enrolment


def review_enrolment(*, actor, enrolment: Enrolment, approve: bool, note: str = "") -> Enrolment:
    """The city confirms (确认) an enrolment or returns it with a note."""
    require(actor, "quality.enrolment.review", "只有市局可以审核对标企业名单")
    if enrolment.status != EnrolmentStatus.SUBMITTED:
        raise QualityError("not_pending", "该企业已审核")
    if not approve and not note.strip():
        raise QualityError("note_missing", "退回时请填写审核意见", {"note": "请填写退回理由"})
    with transaction.atomic():
        before = enrolment_state(enrolment)
        enrolment.status = EnrolmentStatus.APPROVED if approve else EnrolmentStatus.REJECTED
        enrolment.reviewed_on, enrolment.review_note = today(), note.strip()
        enrolment.save(update_fields=["status", "reviewed_on", "review_note"])
        _record(actor, "quality.enrolment.review", enrolment, before)
        events.emit(
            "quality.enrolment_reviewed",
            {"enrolment_id": enrolment.pk, "approved": approve, "uscc": enrolment.uscc},
        )
    return enrolment


def _approved(enrolment: Enrolment) -> None:
    if enrolment.status != EnrolmentStatus.APPROVED:
        raise QualityError("not_approved", "市局确认后才能登记技术方案和对标结果")


def record_plan(
    *, actor, enrolment: Enrolment, plan_no: str, plan_title: str, uploaded_on: dt.date
) -> Enrolment:
    """Record the enrolment's technical plan (对标技术方案) and the day it went onto the national platform."""
    require(actor, "quality.enrolment.plan")
    may_change(actor, enrolment)
    _approved(enrolment)
    if not plan_no.strip():
        raise QualityError("plan_missing", "请填写技术方案编号", {"plan_no": "请填写技术方案编号"})
    if uploaded_on > today():
        raise QualityError("date_in_future", "上传日期不能晚于今天", {"uploaded_on": "不能晚于今天"})
    with transaction.atomic():
        before = enrolment_state(enrolment)
        enrolment.plan_no, enrolment.plan_title = plan_no.strip(), plan_title.strip()
        enrolment.plan_uploaded_on = uploaded_on
        enrolment.save(update_fields=["plan_no", "plan_title", "plan_uploaded_on"])
        _record(actor, "quality.enrolment.plan", enrolment, before)
    return enrolment


def _record_result(
    *,
    actor,
    enrolment: Enrolment,
    laboratory: ServiceProvider | None,
    report_no: str,
    result_on: dt.date,
    met: bool,
    summary: str = "",
) -> Enrolment:
    """Record the verified benchmark result (对标结果检测验证); a met result is published on the portal.

    Called by a district for a verification done outside the platform, and by
    :func:`~zhijian.quality.services.onestop.deliver_report` for a test delivered through it; the
    callers check who may (this function is not exported).
    """
    _approved(enrolment)
    if not report_no.strip():
        raise QualityError("report_missing", "请填写检测报告编号", {"report_no": "请填写报告编号"})
    if result_on > today():
        raise QualityError("date_in_future", "结果日期不能晚于今天", {"result_on": "不能晚于今天"})
    with transaction.atomic():
        before = enrolment_state(enrolment)
        enrolment.laboratory = laboratory
        enrolment.report_no, enrolment.result_on = report_no.strip(), result_on
        enrolment.result_summary = summary.strip()[:500]
        enrolment.outcome = Outcome.MET if met else Outcome.NOT_MET
        enrolment.published_on = today() if met else None
        enrolment.save(
            update_fields=[
                "laboratory",
                "report_no",
                "result_on",
                "result_summary",
                "outcome",
                "published_on",
            ]
        )
        _record(actor, "quality.enrolment.result", enrolment, before)
        events.emit(
            "quality.benchmark_result",
            {
                "enrolment_id": enrolment.pk,
                "uscc": enrolment.uscc,
                "met": met,
                "industry": enrolment.industry,
            },
        )
    return enrolment


def record_enrolment_result(*, actor, enrolment: Enrolment, **kwargs) -> Enrolment:
    """A district records a verification result obtained outside the platform."""
    require(actor, "quality.enrolment.plan")
    may_change(actor, enrolment)
    return _record_result(actor=actor, enrolment=enrolment, **kwargs)


def recommend_leader(*, actor, enrolment: Enrolment, field: str, reason: str) -> LeaderRecommendation:
    """The city recommends a firm that met the benchmark as an enterprise-standard leader (领跑者)."""
    require(actor, "quality.enrolment.recommend_leader", "只有市局可以推荐企业标准“领跑者”")
    if enrolment.outcome != Outcome.MET:
        raise QualityError("not_met", "只有对标达标的企业可以推荐为“领跑者”")
    if not field.strip() or not reason.strip():
        raise QualityError("field_missing", "请填写实施领域和推荐理由")
    with transaction.atomic():
        recommendation = LeaderRecommendation.objects.create(
            enrolment=enrolment,
            field=field.strip(),
            reason=reason.strip(),
            recommended_on=today(),
            recommended_by=None if system(actor) else actor,
        )
        record(
            actor,
            audit.Change(
                "quality.leader.recommend",
                "LeaderRecommendation",
                str(recommendation.pk),
                None,
                {"enrolment": enrolment.pk, "field": recommendation.field},
            ),
        )
        events.emit("quality.leader_recommended", {"enrolment_id": enrolment.pk, "uscc": enrolment.uscc})
    return recommendation


def district_may_enrol(actor) -> bool:
    return not system(actor) and actor.role == Role.DISTRICT

"""The campaign: 附件1's quotas exactly, enrolment with 附件2's fields, the city's review, plans,
results, the public list, leaders, and progress toward the 2022 goal (15 industries, 450 firms)."""

import pytest
from django.test import Client
from django.utils import timezone

from tests.quality.conftest import SYSTEM, enrol
from zhijian.core.errors import Forbidden
from zhijian.core.models import AuditEntry, OutboxEvent
from zhijian.quality import services
from zhijian.quality.models import EnrolmentStatus
from zhijian.quality.queries import goal_progress, public_benchmark_list, quota_progress
from zhijian.quality.reference import QUOTAS_2020, load_campaign_2020
from zhijian.quality.services import QualityError

pytestmark = pytest.mark.django_db

# 附件1 as printed: 区（县）市 → 企业数
ANNEX_1 = {
    "海曙": 10,
    "江北": 8,
    "镇海": 8,
    "北仑": 11,
    "鄞州": 15,
    "奉化": 8,
    "慈溪": 15,
    "余姚": 15,
    "宁海": 10,
    "象山": 8,
    "高新区": 3,
    "杭州湾": 3,
    "保税区": 2,
    "大榭": 2,
    "东钱湖": 2,
}


def test_the_2020_campaign_carries_annex_1_exactly(city):
    campaign = load_campaign_2020()
    rows = quota_progress(campaign)
    assert {r.name: r.quota for r in rows} == ANNEX_1
    assert len(rows) == 15 and sum(r.quota for r in rows) == 120
    assert (campaign.goal_year, campaign.goal_industries, campaign.goal_firms) == (2022, 15, 450)
    assert str(campaign.enrol_by) == "2020-06-05" and str(campaign.results_by) == "2020-10-31"
    assert load_campaign_2020().pk == campaign.pk  # idempotent
    assert campaign.quotas.count() == 15


def test_a_district_enrols_its_own_firm_with_the_annex_2_fields(campaign, firms, standards, users):
    enrolment = services.enrol_firm(
        actor=users["haishu"],
        campaign=campaign,
        uscc=firms["haishu"].uscc.lower(),
        product_name="深沟球轴承",
        executed_standard=standards["GB/T 307.1-2017"],
        compared_standard=standards["ISO 492:2014"],
        platform_plan_no="DB-KEY-101",
        needs_support=True,
    )
    assert (enrolment.entity_name, enrolment.industry, enrolment.status) == (
        "宁波海曙精密轴承有限公司",
        "key_components",
        EnrolmentStatus.SUBMITTED,
    )
    assert enrolment.jurisdiction.code == "330203" and enrolment.needs_support
    assert AuditEntry.objects.filter(action="quality.enrolment.create").exists()
    assert OutboxEvent.objects.filter(topic="quality.enrolment_submitted").exists()


def test_enrolment_refusals(campaign, firms, standards, users):
    with pytest.raises(Forbidden, match="本辖区"):
        enrol(users["haishu"], campaign, firms["yinzhou"], standards)
    with pytest.raises(Forbidden):
        enrol(users["inspector"], campaign, firms["haishu"], standards)
    with pytest.raises(QualityError, match="比对标准应不同于执行标准"):
        services.enrol_firm(
            actor=users["haishu"],
            campaign=campaign,
            uscc=firms["haishu"].uscc,
            product_name="x",
            executed_standard=standards["ISO 492:2014"],
            compared_standard=standards["ISO 492:2014"],
        )
    enrol(users["haishu"], campaign, firms["haishu"], standards)
    with pytest.raises(QualityError, match="已报送") as twice:
        enrol(users["haishu"], campaign, firms["haishu"], standards)
    assert twice.value.status == 409


def test_review_plan_result_publish_and_leader(campaign, firms, standards, users):
    enrolment = enrol(users["haishu"], campaign, firms["haishu"], standards)
    with pytest.raises(QualityError, match="市局确认后"):
        services.record_plan(
            actor=users["haishu"],
            enrolment=enrolment,
            plan_no="P1",
            plan_title="",
            uploaded_on=timezone.localdate(),
        )
    with pytest.raises(Forbidden):
        services.review_enrolment(actor=users["haishu"], enrolment=enrolment, approve=True)
    services.review_enrolment(actor=users["admin"], enrolment=enrolment, approve=True)
    with pytest.raises(Forbidden):  # 鄞州 may not touch 海曙's enrolment
        services.record_plan(
            actor=users["yinzhou"],
            enrolment=enrolment,
            plan_no="P1",
            plan_title="",
            uploaded_on=timezone.localdate(),
        )
    services.record_plan(
        actor=users["haishu"],
        enrolment=enrolment,
        plan_no="P1",
        plan_title="轴承对标方案",
        uploaded_on=timezone.localdate(),
    )
    assert not public_benchmark_list().exists()
    with pytest.raises(QualityError, match="只有对标达标的企业"):
        services.recommend_leader(actor=users["admin"], enrolment=enrolment, field="轴承", reason="指标领先")
    services.record_enrolment_result(
        actor=users["haishu"],
        enrolment=enrolment,
        laboratory=None,
        report_no="YZ-1",
        result_on=timezone.localdate(),
        met=True,
        summary="达到ISO 492:2014 P5级",
    )
    assert list(public_benchmark_list()) == [enrolment]
    assert "宁波海曙精密轴承有限公司" in Client().get("/public/quality/").content.decode()
    services.recommend_leader(
        actor=users["admin"], enrolment=enrolment, field="滚动轴承", reason="精度指标领先"
    )
    assert enrolment.leader_recommendations.count() == 1


def test_a_returned_enrolment_needs_a_note_and_frees_the_product(campaign, firms, standards, users):
    enrolment = enrol(users["haishu"], campaign, firms["haishu"], standards)
    with pytest.raises(QualityError, match="审核意见"):
        services.review_enrolment(actor=users["admin"], enrolment=enrolment, approve=False)
    services.review_enrolment(
        actor=users["admin"], enrolment=enrolment, approve=False, note="比对标准选择不当"
    )
    assert enrol(users["haishu"], campaign, firms["haishu"], standards).status == EnrolmentStatus.SUBMITTED


def test_quota_and_goal_progress_count_distinct_confirmed_firms(campaign, firms, standards, users):
    first = enrol(users["haishu"], campaign, firms["haishu"], standards)
    second = enrol(users["haishu"], campaign, firms["haishu"], standards, product="圆锥滚子轴承")  # same firm
    appliance = services.enrol_firm(
        actor=users["haishu"],
        campaign=campaign,
        uscc=firms["haishu2"].uscc,
        product_name="家用电器",
        executed_standard=standards["GB 4706.1-2005"],
        compared_standard=standards["IEC 60335-1:2020"],
    )
    yinzhou = enrol(users["yinzhou"], campaign, firms["yinzhou"], standards)
    for e in (first, second, appliance):
        services.review_enrolment(actor=users["admin"], enrolment=e, approve=True)
    rows = {r.code: r for r in quota_progress(campaign)}
    haishu = rows["330203"]
    assert (haishu.quota, haishu.enrolled, haishu.approved, haishu.short) == (10, 2, 2, 8)
    assert haishu.percent == 20
    assert (rows["330212"].enrolled, rows["330212"].approved) == (1, 0)
    goal = goal_progress(campaign)
    assert (goal.firms, goal.industries, goal.goal_firms, goal.goal_industries) == (2, 2, 450, 15)
    services.review_enrolment(actor=users["admin"], enrolment=yinzhou, approve=True)
    assert goal_progress(campaign).firms == 3
    assert sum(QUOTAS_2020.values()) == 120


def test_the_campaign_page_shows_a_district_its_own_quota_line(campaign, firms, standards, users):
    from tests.quality.test_scoping_matrix import client_for

    enrol(users["haishu"], campaign, firms["haishu"], standards)
    page = client_for(users["haishu"]).get("/quality/").content.decode()
    assert 'data-code="330203"' in page and 'data-code="330212"' not in page
    city_page = client_for(users["admin"]).get("/quality/").content.decode()
    assert 'id="quota-total">120<' in city_page
    assert SYSTEM.name == "test:quality"


def test_the_cockpit_counts_confirmed_firms_once(campaign, firms, standards, users):
    from zhijian.indicators.services.computing import compute

    for product in ("深沟球轴承", "圆锥滚子轴承"):
        e = enrol(users["haishu"], campaign, firms["haishu"], standards, product=product)
        services.review_enrolment(actor=users["admin"], enrolment=e, approve=True)
    enrol(users["yinzhou"], campaign, firms["yinzhou"], standards)  # not confirmed: not counted
    today = timezone.localdate()
    by_unit = {
        f.jurisdiction_id: f.numerator for f in compute("s002.g01b", today.replace(month=1, day=1), today)
    }
    assert by_unit[firms["haishu"].jurisdiction_id] == 1
    assert by_unit.get(firms["yinzhou"].jurisdiction_id, 0) == 0


def test_refused_review_and_plan_come_back_on_the_enrolment_page_with_what_was_typed(
    campaign, firms, standards, users
):
    from tests.quality.test_scoping_matrix import client_for

    enrolment = enrol(users["haishu"], campaign, firms["haishu"], standards)
    admin = client_for(users["admin"])
    url = f"/quality/enrolments/{enrolment.pk}/"
    assert 'id="review-form" novalidate data-confirm=' in admin.get(url).content.decode()
    # Returning without a note is refused beside the note; the choice made stays, nothing is decided
    response = admin.post(url + "review/", {"decision": "reject", "note": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "请填写退回理由" in page and 'id="id_decision_1" checked' in page
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.SUBMITTED
    services.review_enrolment(actor=users["admin"], enrolment=enrolment, approve=True)
    # A plan without its number keeps the title typed
    response = client_for(users["haishu"]).post(
        url + "plan/", {"plan_no": "", "plan_title": "轴承振动对标技术方案", "uploaded_on": "2026-11-02"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="轴承振动对标技术方案"' in page
    enrolment.refresh_from_db()
    assert not enrolment.plan_no

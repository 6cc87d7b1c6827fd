"""The one-stop service platform end to end: publish, search, request, quote, book, deliver, rate; a
campaign enrolment's benchmark test; accreditation validity; the bureau's demand, response and gap view."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.quality.conftest import SYSTEM, enrol
from tests.quality.test_scoping_matrix import api_for, client_for
from zhijian.core.errors import Forbidden
from zhijian.core.models import AuditEntry, OutboxEvent
from zhijian.quality import services
from zhijian.quality.models import Enrolment, RequestStatus
from zhijian.quality.queries import search_capabilities, service_analysis
from zhijian.quality.services import QualityError

pytestmark = pytest.mark.django_db


def test_search_by_product_standard_spelling_and_cluster(labs, users):
    assert search_capabilities(None, product="深沟球轴承").count() == 2
    assert search_capabilities(None, standard="iso492:2014").count() == 2  # any accepted spelling
    assert search_capabilities(None, standard="滚动轴承").count() == 2  # by name
    assert search_capabilities(None, cluster="key_components").count() == 2
    assert search_capabilities(None, cluster="biomedicine").count() == 0
    page = client_for(users["haishu"]).get("/quality/services/?standard=GB/T307.1-2017").content.decode()
    assert "宁波市产品质量检验研究院" in page


def test_a_firm_requests_gets_a_quote_books_receives_the_report_and_rates(
    labs, firm_users, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    firm, lab = firm_users["haishu"], labs["L1"]["user"]
    request = services.request_service(
        actor=firm,
        capability=labs["L1"]["capability"],
        product="深沟球轴承",
        standard=labs["L1"]["capability"].standards.first(),
    )
    assert (request.status, request.uscc, request.cluster) == (
        RequestStatus.REQUESTED,
        firm.entity_uscc,
        "key_components",
    )
    assert request.number.startswith("FW")
    with pytest.raises(Forbidden):  # the other laboratory may not quote
        services.quote_request(actor=labs["L2"]["user"], request=request, price=Decimal("1"), days=1)
    with pytest.raises(QualityError, match="报价后才能预约"):
        services.accept_quote(actor=firm, request=request, sample_on=timezone.localdate())
    services.quote_request(actor=lab, request=request, price=Decimal("1650"), days=6, note="含加急")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(Forbidden):  # another firm may not book it
        services.accept_quote(actor=firm_users["yinzhou"], request=request, sample_on=tomorrow)
    services.accept_quote(actor=firm, request=request, sample_on=tomorrow)
    upload = SimpleUploadedFile("报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    services.deliver_report(
        actor=lab,
        request=request,
        report_no="NBZJ-2026-001",
        conclusion="所检项目符合标准要求",
        upload=upload,
    )
    with pytest.raises(QualityError, match="1至5分"):
        services.rate_service(actor=firm, request=request, rating=6)
    services.rate_service(actor=firm, request=request, rating=5, comment="响应快")
    assert (request.status, request.rating) == (RequestStatus.RATED, 5)
    assert client_for(firm).get(f"/quality/requests/{request.pk}/report/").status_code == 200
    steps = list(
        AuditEntry.objects.filter(object_type="ServiceRequest", object_id=str(request.pk)).values_list(
            "action", flat=True
        )
    )
    assert steps == [
        "quality.request.create",
        "quality.request.quote",
        "quality.request.book",
        "quality.request.deliver",
        "quality.request.rate",
    ]
    assert {
        "quality.service_requested",
        "quality.service_quoted",
        "quality.service_booked",
        "quality.service_delivered",
    } <= set(OutboxEvent.objects.values_list("topic", flat=True))


def test_the_same_flow_through_the_api(labs, firm_users):
    firm, lab = api_for(firm_users["haishu"]), api_for(labs["L1"]["user"])
    made = firm.post(
        "/api/v1/quality/requests",
        {"capability_id": labs["L1"]["capability"].pk, "product": "深沟球轴承", "standard": "GB/T307.1—2017"},
        content_type="application/json",
    )
    assert made.status_code == 200, made.json()
    pk = made.json()["id"]
    assert made.json()["standard"] == "GB/T 307.1-2017"
    quoted = lab.post(
        f"/api/v1/quality/requests/{pk}/quote", {"price": "1500", "days": 5}, content_type="application/json"
    )
    assert quoted.json()["status"] == "quoted"
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert (
        firm.post(
            f"/api/v1/quality/requests/{pk}/book", {"sample_on": day}, content_type="application/json"
        ).json()["status"]
        == "booked"
    )
    again = firm.post(
        f"/api/v1/quality/requests/{pk}/book", {"sample_on": day}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "bad_state"
    delivered = lab.post(
        f"/api/v1/quality/requests/{pk}/deliver",
        {"report_no": "R-9", "conclusion": "合格"},
        content_type="application/json",
    )
    assert delivered.json()["status"] == "delivered"
    assert (
        firm.post(
            f"/api/v1/quality/requests/{pk}/rate", {"rating": 4}, content_type="application/json"
        ).json()["rating"]
        == 4
    )


def test_a_campaign_enrolment_gets_its_benchmark_test_through_the_platform(
    campaign, firms, standards, labs, users
):
    enrolment = enrol(users["haishu"], campaign, firms["haishu"], standards)
    with pytest.raises(QualityError, match="市局确认后"):
        services.request_service(
            actor=users["haishu"], capability=labs["L1"]["capability"], product="x", enrolment=enrolment
        )
    services.review_enrolment(actor=users["admin"], enrolment=enrolment, approve=True)
    with pytest.raises(Forbidden):  # 鄞州 cannot ask for 海曙's enrolment
        services.request_service(
            actor=users["yinzhou"], capability=labs["L1"]["capability"], product="x", enrolment=enrolment
        )
    request = services.request_service(
        actor=users["haishu"],
        capability=labs["L1"]["capability"],
        product="深沟球轴承",
        enrolment=enrolment,
        standard=standards["ISO 492:2014"],
    )
    services.quote_request(actor=labs["L1"]["user"], request=request, price=Decimal("1800"), days=7)
    services.accept_quote(actor=users["haishu"], request=request, sample_on=timezone.localdate())
    with pytest.raises(QualityError, match="是否达到比对标准"):
        services.deliver_report(
            actor=labs["L1"]["user"], request=request, report_no="R1", conclusion="检测完成"
        )
    services.deliver_report(
        actor=labs["L1"]["user"],
        request=request,
        report_no="R1",
        conclusion="达到ISO 492:2014",
        benchmark_met=True,
    )
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert (enrolment.outcome, enrolment.report_no, enrolment.laboratory, enrolment.published_on) == (
        "met",
        "R1",
        labs["L1"]["provider"],
        timezone.localdate(),
    )


def test_a_claimed_accreditation_must_be_in_force(labs, city, standards):
    expired = services.register_provider(
        actor=SYSTEM,
        name="过期机构",
        kind="laboratory",
        jurisdiction=city["330203"],
        cma_no="CMA-X",
        cma_valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(QualityError, match="已过有效期"):
        services.publish_capability(
            actor=SYSTEM,
            provider=expired,
            category="testing",
            item="x",
            products="y",
            standards=[standards["ISO 492:2014"]],
            turnaround_days=3,
            price=Decimal("1"),
        )
    with pytest.raises(QualityError, match="须注明依据标准"):
        services.publish_capability(
            actor=SYSTEM,
            provider=labs["L1"]["provider"],
            category="testing",
            item="x",
            products="y",
            standards=[],
            turnaround_days=3,
            price=Decimal("1"),
        )
    with pytest.raises(Forbidden):  # a laboratory publishes for itself only
        services.publish_capability(
            actor=labs["L2"]["user"],
            provider=labs["L1"]["provider"],
            category="testing",
            item="x",
            products="y",
            standards=[standards["ISO 492:2014"]],
            turnaround_days=3,
            price=Decimal("1"),
        )


def test_the_bureau_sees_demand_response_times_and_gaps(labs, firm_users, users):
    request = services.request_service(
        actor=firm_users["haishu"], capability=labs["L1"]["capability"], product="轴承"
    )
    services.quote_request(actor=labs["L1"]["user"], request=request, price=Decimal("1"), days=1)
    services.decline_request(
        actor=labs["L2"]["user"],
        request=services.request_service(
            actor=firm_users["yinzhou"], capability=labs["L2"]["capability"], product="轴承"
        ),
        reason="设备检修",
    )
    today = timezone.localdate()
    lines = {line.code: line for line in service_analysis(today - dt.timedelta(days=30), today)}
    bearings = lines["key_components"]
    assert (bearings.requests, bearings.declined, bearings.local_capabilities, bearings.gap) == (
        2,
        1,
        2,
        False,
    )
    assert bearings.median_quote_hours is not None and bearings.median_quote_hours < 1
    assert lines["biomedicine"].gap and lines["biomedicine"].requests == 0  # no local capability: a finding
    page = client_for(users["admin"]).get("/quality/services/analysis/").content.decode()
    assert 'id="gaps"' in page and "生物医药" in page


def test_the_city_admits_a_provider_and_a_firm_requests_from_the_search_page(city, labs, users, firm_users):
    admin = client_for(users["admin"])
    made = admin.post(
        "/quality/services/analysis/",
        {
            "name": "宁波新材料测试中心",
            "kind": "laboratory",
            "jurisdiction": city["330206"].pk,
            "local": "on",
            "cma_no": "CMA-NEW",
            "cma_valid_until": (timezone.localdate() + dt.timedelta(days=400)).isoformat(),
        },
    )
    assert made.status_code == 302 and "/quality/services/providers/" in made["Location"]
    refused = admin.post(
        "/quality/services/analysis/",
        {"name": "无有效期", "kind": "laboratory", "jurisdiction": city["330206"].pk, "cma_no": "CMA-X"},
    )
    assert "请填写资质证书的有效期" in refused.content.decode()
    firm = client_for(firm_users["haishu"])
    answer = firm.post(
        f"/quality/services/capabilities/{labs['L1']['capability'].pk}/request/",
        {"product": "深沟球轴承", "standard": "GB/T 307.1-2017"},
    )
    assert answer.status_code == 302
    assert "待报价" in firm.get(answer["Location"]).content.decode()
    bad = firm.post(
        f"/quality/services/capabilities/{labs['L1']['capability'].pk}/request/",
        {"product": "轴承", "standard": "GB 1"},
        HTTP_REFERER="/quality/services/",
        follow=True,
    )
    assert "不是有效的标准编号" in bad.content.decode()


def test_a_refused_quote_comes_back_on_the_request_with_what_was_typed(labs, firm_users):
    request = services.request_service(
        actor=firm_users["haishu"],
        capability=labs["L1"]["capability"],
        product="深沟球轴承",
        standard=labs["L1"]["capability"].standards.first(),
    )
    lab = client_for(labs["L1"]["user"])
    assert "确认谢绝该服务需求" in lab.get(f"/quality/requests/{request.pk}/").content.decode()
    response = lab.post(
        f"/quality/requests/{request.pk}/quote/", {"price": "", "days": "6", "note": "含加急费"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="6"' in page and 'value="含加急费"' in page
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED

"""End to end, in a real browser: the 对标达标 campaign (issue 12's bar).

海曙 enrols a bearing maker with 附件2's fields; the city confirms it; 海曙 asks the platform for the
benchmark test; the laboratory quotes, 海曙 books, the laboratory delivers a report that meets the
compared standard; the firm and its product appear on the public list without login; 海曙 generates,
reviews and submits its progress report (附件3).
"""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import CHROMIUM, chromium_missing_reason
from tests.e2e.test_register_flow import login
from tests.factories import UserFactory
from tests.quality.conftest import campaign, firms, labs, report_rules, standards  # noqa: F401 (fixtures)
from zhijian.core.models import Role
from zhijian.quality import services
from zhijian.quality.models import Enrolment, ProgressReport, ServiceRequest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]


def logout(page) -> None:
    page.click("header .who form button")
    page.wait_for_url("**/login/")


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{selector} button[type=submit]")


@pytest.mark.e2e
def test_enrol_confirm_test_publish_and_report(page, live_server, users, request):
    request.getfixturevalue("campaign")
    bearing_makers, laboratories = (request.getfixturevalue(n) for n in ("firms", "labs"))
    firm = bearing_makers["haishu"]

    # 海曙 enrols the firm (附件2)
    login(page, "t_haishu")
    page.click("header nav a:has-text('质量基础设施')")  # the app's group opens on the campaign
    page.click("#enrol-link")
    page.fill("#enrol-form input[name=uscc]", firm.uscc)
    page.fill("#enrol-form input[name=product_name]", "深沟球轴承")
    page.fill("#enrol-form input[name=executed_standard]", "GB/T307.1—2017")  # as people type it
    page.fill("#enrol-form input[name=compared_standard]", "ISO 492:2014")
    page.fill("#enrol-form input[name=platform_plan_no]", "DB-KEY-101")
    page.check("#enrol-form input[name=needs_support]")
    submit(page, "#enrol-form")
    assert "已报送，待市局确认" in page.locator(".messages").inner_text()
    assert firm.name in page.locator("table#enrolments").inner_text()
    enrolment = Enrolment.objects.get(uscc=firm.uscc)
    assert enrolment.executed_standard.number == "GB/T 307.1-2017"
    logout(page)

    # the city confirms it
    login(page, "t_admin")
    page.goto(f"/quality/enrolments/{enrolment.pk}/")
    page.check("#review-form input[value=approve]")
    submit(page, "#review-form")
    assert page.locator("#enrolment-status").inner_text().startswith("已确认")
    logout(page)

    # 海曙 asks the platform for the benchmark test
    login(page, "t_haishu")
    page.goto(f"/quality/enrolments/{enrolment.pk}/")
    row = page.locator("table#support tr", has_text=laboratories["L1"]["provider"].name).filter(
        has_text="轴承尺寸"
    )
    with page.expect_navigation():
        row.locator("button").click()
    assert page.locator("#request-status").inner_text() == "待报价"
    service_request = ServiceRequest.objects.get(enrolment=enrolment)
    logout(page)

    # the laboratory quotes
    login(page, "t_lab_L1")
    page.click("header nav a:has-text('质量基础设施')")  # a laboratory's group opens on its requests
    assert page.locator("table#requests tbody tr").count() == 1  # a laboratory sees its own requests only
    page.click(f"table#requests a:has-text('{service_request.number}')")
    page.fill("#quote-form input[name=price]", "1650")
    page.fill("#quote-form input[name=days]", "6")
    submit(page, "#quote-form")
    assert page.locator("#request-status").inner_text() == "已报价"
    logout(page)

    # 海曙 accepts and books
    login(page, "t_haishu")
    page.goto(f"/quality/requests/{service_request.pk}/")
    submit(page, "#book-form")
    assert page.locator("#request-status").inner_text() == "已预约"
    logout(page)

    # the laboratory delivers the report: the product meets ISO 492:2014
    login(page, "t_lab_L1")
    page.goto(f"/quality/requests/{service_request.pk}/")
    page.fill("#deliver-form input[name=report_no]", "NBZJ-2026-0815")
    page.fill("#deliver-form input[name=conclusion]", "尺寸公差达到ISO 492:2014 P5级")
    page.select_option("#deliver-form select[name=benchmark_met]", "1")
    page.set_input_files(
        "#deliver-form input[name=file]",
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 benchmark report"}],
    )
    submit(page, "#deliver-form")
    assert page.locator("#request-status").inner_text() == "已出报告"
    logout(page)

    # the public list, without login
    page.goto("/public/quality/")
    listed = page.locator("table#benchmark").inner_text()
    assert firm.name in listed and "深沟球轴承" in listed and "ISO 492:2014" in listed
    assert laboratories["L1"]["provider"].name in listed

    # 海曙 submits its half-year report (附件3)
    login(page, "t_haishu")
    page.goto("/quality/reports/")
    submit(page, "#generate-form")
    assert page.locator("#report-status").inner_text() == "草稿"
    page.fill("#narrative-form textarea[name=finance]", "区财政安排对标达标专项资金")
    submit(page, "#narrative-form")
    submit(page, "#review-report")
    assert page.locator("#report-status").inner_text() == "已审核"
    submit(page, "#submit-report")
    assert page.locator("#report-status").inner_text() == "已报送"
    report = ProgressReport.objects.get(jurisdiction__code="330203")
    assert report.status == "submitted" and report.narrative["finance"] == "区财政安排对标达标专项资金"
    with page.expect_download() as download:
        page.click("a:has-text('下载PDF')")
    assert download.value.suggested_filename.endswith(".pdf")


@pytest.mark.e2e
def test_a_laboratory_quotes_on_a_phone(mobile_page, live_server, users, request):
    laboratories, bearing_makers = request.getfixturevalue("labs"), request.getfixturevalue("firms")
    firm_user = UserFactory(
        username="t_ent_phone", role=Role.ENTERPRISE, entity_uscc=bearing_makers["haishu"].uscc
    )
    made = services.request_service(
        actor=firm_user, capability=laboratories["L1"]["capability"], product="深沟球轴承"
    )
    page = mobile_page
    login(page, "t_lab_L1")
    page.goto(f"/quality/requests/{made.pk}/")
    page.fill("#quote-form input[name=price]", "1500")
    page.fill("#quote-form input[name=days]", "5")
    submit(page, "#quote-form")
    assert page.locator("#request-status").inner_text() == "已报价"
    assert page.evaluate("document.documentElement.scrollWidth") <= 362  # nothing wider than the phone
    page.goto("/quality/requests/")
    assert page.locator("table#requests tbody tr td[data-label='编号']").count() == 1  # a card per row

"""End to end, in a real browser: the 12315 workflow (issue 9's bar).

A consumer files on a 360-px phone and follows the case by its code; an ODR firm settles a complaint in
its enterprise account; an officer accepts, mediates and closes one; the firm's disclosure page shows it.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from tests.complaints.conftest import CLI, case_in, firm_user, firms, rules  # noqa: F401 (fixtures)
from tests.e2e.conftest import CHROMIUM, chromium_missing_reason
from tests.e2e.test_register_flow import login
from zhijian.complaints.models import Case, Enrolment, Status
from zhijian.complaints.services.firms import enrol_firm
from zhijian.complaints.services.intake import file_case

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]


def test_a_consumer_files_on_a_phone_and_follows_the_case(mobile_page, live_server, firms):  # noqa: F811
    page = mobile_page
    page.goto("/public/complaints/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    page.select_option("#kind", "complaint")
    page.fill("#respondent_name", "鼓楼百货")
    page.locator("#lookup-results li").first.click()  # the register's name-fragment search
    assert page.input_value("#respondent_uscc") == firms["shop"].uscc
    page.select_option("#category", "appliances")
    page.fill("#product", "电饭煲")
    page.fill("#subject", "电饭煲无法加热")
    page.fill("#description", "在该店购买电饭煲一台，使用一周后无法加热，商家拒绝退换。")
    page.fill("#person_name", "王小明")
    page.fill("#person_phone", "13955556666")
    question = page.locator("label[for=answer]").inner_text()
    a, b = map(int, re.search(r"(\d) \+ (\d)", question).groups())
    page.fill("#answer", str(a + b))
    with page.expect_navigation():
        page.click("#submit-filing")
    code = page.locator("#tracking-code").inner_text().strip()
    assert Case.objects.get(code=code).respondent == firms["shop"]
    page.click("text=查询办理进度")
    page.fill("#phone4", "6666")
    with page.expect_navigation():
        page.click("#track-form button")
    assert page.locator("#track-status").inner_text() == "待受理"
    assert "王小明" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_odr_firm_settles_in_its_account(page, live_server, firms, firm_user):  # noqa: F811
    enrol_firm(actor=CLI, entity=firms["shop"], programme=Enrolment.Programme.ODR, on=dt.date(2026, 1, 1))
    case, _ = file_case(actor=CLI, data=case_in(received_on=dt.date.today()), channel="phone")
    assert case.status == Status.ODR
    login(page, firm_user.username)
    page.goto("/complaints/my/")
    page.click(f"#odr-pending a:has-text('{case.code}')")
    assert "张**" in page.locator("#person").inner_text()  # the complainant masked for the firm
    page.select_option("#odr-form select[name=settled]", "1")
    page.fill("#odr-form input[name=amount]", "399")
    page.fill("#odr-form textarea[name=reply]", "已为消费者办理退货退款")
    with page.expect_navigation():
        page.click("#odr-form button")
    assert page.locator("#case-status").inner_text().startswith("已办结")
    assert any("提交后不能修改" in q for q in page.confirmations)  # the firm was asked first
    case.refresh_from_db()
    assert case.outcome == "odr_settled" and str(case.amount_recovered) == "399.00"


def test_an_officer_accepts_mediates_closes_and_the_disclosure_shows_it(page, live_server, users, request):
    firms, firm_user = request.getfixturevalue("firms"), request.getfixturevalue("firm_user")  # noqa: F811
    case, _ = file_case(actor=CLI, data=case_in(received_on=dt.date(2026, 10, 9)), channel="phone")
    login(page, users["haishu"].username)
    page.goto("/complaints/cases/")
    page.click(f"table#cases a:has-text('{case.code}')")
    assert "138****1234" in page.locator("#person").inner_text()
    page.fill("#accept-form input[name=on]", "2026-10-10")
    with page.expect_navigation():
        page.click("#accept-form button")
    assert page.locator("#case-status").inner_text() == "已受理"
    page.fill("#mediate-form input[name=held_on]", "2026-10-15")
    page.check("#mediate-form input[name=agreed]")
    page.fill("#mediate-form input[name=amount]", "399")
    page.fill("#mediate-form input[name=note]", "商家同意退货退款")
    with page.expect_navigation():
        page.click("#mediate-form button")
    assert "达成协议" in page.locator("table#mediations").inner_text()
    page.fill("#close-form input[name=on]", "2026-10-16")
    page.select_option("#close-form select[name=outcome]", "mediated")
    with page.expect_navigation():
        page.click("#close-form button")
    assert page.locator("#case-status").inner_text() == "已办结"
    assert any("确认办结本件" in q for q in page.confirmations)  # closing asked first
    assert "调解成功" in page.locator("#case-outcome").inner_text()
    # the handling officer may see the complainant in full; the viewing is audited
    with page.expect_navigation():
        page.click("#unmask")
    assert "13812341234" in page.locator("#person").inner_text()
    # the firm replies in its account, and the public disclosure shows the case and the reply
    page.click("header .who form button")
    login(page, firm_user.username)
    page.goto("/complaints/my/")
    page.fill("#reply-text", "我们已改进售后流程")
    with page.expect_navigation():
        page.click("#reply-form button")
    page.click("header .who form button")
    page.goto("/public/complaints/disclosure/?q=鼓楼")
    page.click(f"table#disclosure a:has-text('{firms['shop'].name}')")
    assert page.locator("#disclosure-total").inner_text() == "1"
    assert "调解成功" in page.locator("#disclosure-outcomes").inner_text()
    assert "我们已改进售后流程" in page.locator("#firm-reply").inner_text()
    assert "13812341234" not in page.content() and "张" not in page.locator("main").inner_text()

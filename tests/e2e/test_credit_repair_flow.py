"""End to end, in a real browser: the credit repair loop of the issue's bar.

An enterprise user sees its class and factors and applies for removal from the abnormal list; the
district officer sees the distribution chart, drills into the firm and decides; the public credit
report changes (the entry shows as removed) and the enterprise's class drops.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.e2e.conftest import CHROMIUM, _accept_confirmations, chromium_missing_reason
from tests.e2e.test_register_flow import login
from tests.factories import EntityFactory, UserFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Role
from zhijian.credit import services
from zhijian.credit.classify import rescore_all
from zhijian.credit.models import CreditList, ListGround

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]


@pytest.fixture
def credit_reference(city):
    """The live server's database is flushed between tests: re-seed the credit rule data and model."""
    from importlib import import_module

    from django.apps import apps

    import_module("zhijian.credit.migrations.0003_rules_and_first_model").seed(apps, None)


@pytest.fixture
def firm(city, credit_reference):
    firm = EntityFactory(
        jurisdiction=city["330203"],
        name="宁波海曙诚信五金有限公司",
        established_on=dt.date(2012, 3, 1),
        industry_code="C3311",
    )
    EntityFactory(
        jurisdiction=city["330212"], name="宁波鄞州另一家有限公司", established_on=dt.date(2012, 3, 1)
    )
    services.enter_list(
        actor=SystemActor("test"),
        entity=firm,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.ANNUAL_REPORT,
        entered_on=dt.date(2026, 7, 1),
        reason="未按规定期限公示2025年度报告",
    )
    rescore_all(actor=SystemActor("test"))
    UserFactory(username="t_ent_e2e", role=Role.ENTERPRISE, entity_uscc=firm.uscc)
    UserFactory(username="t_haishu_e2e", role=Role.DISTRICT, jurisdiction=city["330203"])
    return firm


def test_enterprise_applies_officer_decides_public_report_changes(browser, live_server, firm):
    def fresh_page():
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(15_000)
        context.on("page", _accept_confirmations)
        return context, context.new_page()

    # The public report first: the firm is on the abnormal list
    context, public = fresh_page()
    public.goto(f"/credit/report/{firm.uscc}/")
    assert "经营异常名录" in public.locator("table.entries").inner_text()
    assert "在列" in public.locator("table.entries").inner_text()
    context.close()

    # The enterprise sees its class and the factor behind it, and applies for repair
    context, page = fresh_page()
    login(page, "t_ent_e2e")
    page.click("header nav >> text=我的信用")  # a group of one page shows the page's name
    assert page.locator("#standing [data-class]").get_attribute("data-class") == "C"
    assert "列入经营异常名录" in page.locator("#standing table.factors").inner_text()
    form = page.locator("#repairable form.apply").first
    form.locator("textarea[name=statement]").fill("已于2026年11月补报2025年度报告并公示")
    form.locator("input[name=commitment]").check()
    form.locator("input[name=evidence]").set_input_files(
        [{"name": "补报公示截图.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n0000"}]
    )
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.confirmations and "信用修复申请" in page.confirmations[0]
    assert "信用修复申请已提交" in page.locator(".messages").inner_text()
    assert "审查中" in page.locator("#applications").inner_text()
    context.close()

    # The district officer sees the distribution, drills into the firm and decides
    context, page = fresh_page()
    login(page, "t_haishu_e2e")
    page.click("header nav >> text=信用监管")
    page.wait_for_selector("#chart[data-ready='1'] canvas")
    assert "海曙" in page.locator("#distribution").inner_text()
    page.click("#distribution >> text=1")  # the firm is the only classified entity of 海曙
    page.click(f"text={firm.uscc}")
    assert "列入经营异常名录" in page.locator("#breakdown").inner_text()
    page.click("nav.subnav >> text=信用修复")  # the credit group's pages, below the header
    row = page.locator("#repairs tr[data-application]").first
    assert "补报2025年度报告" in row.inner_text()
    row.locator("a.decide").click()
    # The decider reads the firm's materials before deciding
    assert "补报2025年度报告" in page.locator("#statement").inner_text()
    assert "补报公示截图.png" in page.locator("#evidence").inner_text()
    decision = page.locator("#decision")
    decision.locator("input[name=approve][value='1']").check()
    decision.locator("textarea[name=reason]").fill("已补报年度报告并公示，符合移出条件")
    with page.expect_navigation():
        decision.locator("button[type=submit]").click()
    # Without the decision number the form comes back with what was typed and the error beside it
    assert "已补报年度报告并公示" in page.locator("#decision textarea[name=reason]").input_value()
    assert page.locator("#decision input[name=decision_no][aria-invalid=true]").count() == 1
    page.locator("#decision input[name=decision_no]").fill("甬海市监信修〔2026〕8号")
    with page.expect_navigation():
        page.locator("#decision button[type=submit]").click()
    assert "准予修复" in page.locator("#repairs").inner_text()
    assert "甬海市监信修〔2026〕8号" in page.locator("#repairs").inner_text()
    context.close()

    # The public report changed: removed, with the date and the reason
    context, public = fresh_page()
    public.goto(f"/credit/report/{firm.uscc}/")
    entries = public.locator("table.entries").inner_text()
    assert "已移出" in entries and "信用修复" in entries
    pdf = public.request.get(f"/credit/report/{firm.uscc}/report.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    context.close()

    # The enterprise's class dropped and it got the decision notice
    context, page = fresh_page()
    login(page, "t_ent_e2e")
    page.goto("/credit/mine/")
    assert page.locator("#standing [data-class]").get_attribute("data-class") == "A"
    assert "准予信用修复" in page.locator("#notices").inner_text()
    context.close()

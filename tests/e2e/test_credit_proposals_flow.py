"""End to end, in a real browser: a spot check that finds a firm unreachable lists it, once an officer confirms.

An inspector records 通过登记的住所（经营场所）无法联系 on her phone; the worker relays the event and credit
proposes the abnormal list; the public sees nothing yet; the 海曙 officer confirms the proposal in
her queue with a decision number; the public credit report then shows the entry.
"""

from __future__ import annotations

import os
from importlib import import_module

import pytest
from django.apps import apps

from tests.e2e.conftest import CHROMIUM, chromium_missing_reason
from tests.e2e.test_register_flow import login
from tests.factories import UserFactory
from tests.inspections.factories import (
    CheckItemFactory,
    drawn,
    ensure_rules,
    firms,
    inspector_user,
    plan_for,
    task_for,
)
from zhijian.core import events
from zhijian.core.models import Role
from zhijian.credit.models import CreditNotice, ListEntry, ListingProposal
from zhijian.inspections import services as inspections
from zhijian.inspections.models import Inspection

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]


@pytest.fixture
def reference(city):
    """The live server's database is flushed between tests: re-seed the rule data and the model."""
    ensure_rules()
    import_module("zhijian.credit.migrations.0003_rules_and_first_model").seed(apps, None)
    import_module("zhijian.credit.migrations.0006_listing_decision_rule").seed(apps, None)


@pytest.mark.e2e
def test_unreachable_result_is_proposed_confirmed_and_public(
    page, mobile_page, browser, live_server, city, reference
):
    haishu = city["330203"]
    firm = firms(haishu, 1, start=9300, name="宁波海曙人去楼空贸易有限公司")[0]
    officer = UserFactory(username="e2e_haishu", role=Role.DISTRICT, jurisdiction=haishu)
    zhou = inspector_user("e2e_zhou", haishu)
    inspector_user("e2e_li", haishu)
    task = task_for(
        officer,
        plan_for(officer, haishu),
        items=[CheckItemFactory(is_key=True)],
        title="2026年海曙区登记住所核查",
        ratios={"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "1"},
    )
    drawn(officer, task)
    inspections.assign_inspectors(actor=officer, task=task)
    inspection = Inspection.objects.get(task=task)

    # The inspector, on her phone, finds nobody at the registered address.
    login(mobile_page, "e2e_zhou")
    mobile_page.goto("/inspections/field/")
    mobile_page.click(f"#open a.visit:has-text('{firm.name}')")
    mobile_page.select_option("#result-form select[name=result_code]", "unreachable")
    mobile_page.fill("#result-form textarea[name=findings]", "登记住所已无该企业，电话无人接听")
    with mobile_page.expect_navigation():
        mobile_page.click("#result-form button[type=submit]")
    inspection.refresh_from_db()
    assert inspection.result_code == "unreachable" and inspection.recorded_by == zhou.user

    # The worker relays the event: a proposal, which is not public.
    events.relay_once()
    proposal = ListingProposal.objects.get(entity=firm)
    assert proposal.status == ListingProposal.Status.OPEN
    public = browser.new_context(base_url=live_server.url, locale="zh-CN")
    anonymous = public.new_page()
    anonymous.goto(f"/credit/report/{firm.uscc}/")
    assert "经营异常名录" not in anonymous.locator("table.entries").inner_text()

    # The 海曙 officer opens her queue from the to-do on her workbench and confirms with a decision number.
    login(page, "e2e_haishu")
    page.goto("/")
    page.click("table.todos a:has-text('列入经营异常名录建议待决定')")
    row = page.locator(f"#proposals tr[data-proposal='{proposal.pk}']")
    assert firm.name in row.inner_text() and inspection.verification_code in row.inner_text()
    row.locator("details.confirm summary").click()
    row.locator("input[name=decision_no]").fill("甬海市监异〔2026〕21号")
    with page.expect_navigation():
        row.locator("details.confirm button[type=submit]").click()
    assert "已将宁波海曙人去楼空贸易有限公司列入经营异常名录" in page.locator(".messages").inner_text()
    assert page.locator("#proposals tbody").inner_text().strip() == "暂无"

    # The public credit report shows the entry; the enterprise has its notice.
    entry = ListEntry.objects.get(entity=firm)
    anonymous.goto(f"/credit/report/{firm.uscc}/")
    entries = anonymous.locator(f"table.entries tr[data-entry='{entry.pk}']").inner_text()
    assert "经营异常名录" in entries and "通过登记的住所或者经营场所无法联系" in entries and "在列" in entries
    assert CreditNotice.objects.filter(entity=firm, title="列入经营异常名录").exists()
    public.close()

"""End to end, in a real browser: the closed loop of a failing sample (issue 5's bar).

A laboratory enters a failing result; the seller's district (海曙) and the producer's district (鄞州)
each get a case and each closes it with evidence; the sample's loop closes only when both have; the
city publishes the announcement and the public, without login, finds the failure in it.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.e2e.conftest import CHROMIUM, chromium_missing_reason
from tests.e2e.test_register_flow import login
from tests.factories import PASSWORD
from tests.sampling.conftest import food_task, lab_users, labs, parties, reference  # noqa: F401 (fixtures)
from zhijian.sampling import services
from zhijian.sampling.models import LoopStatus, PostProcessingCase, Sample

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]


def logout(page) -> None:
    page.click("header .who form button")
    page.wait_for_url("**/login/")


def close_case_in_browser(page, case_label: str, evidence_name: str) -> None:
    page.goto("/")  # the open case is a to-do on the district officer's workbench
    page.click("table.todos a:has-text('不合格产品核查处置中')")
    rows = page.locator("table#cases tbody tr")
    assert rows.count() == 1, rows.all_inner_texts()  # a district sees its own case only
    rows.first.locator("a").first.click()
    page.wait_for_url("**/sampling/cases/*/")
    assert case_label in page.locator("main dl").inner_text()
    page.select_option("#measure-form select[name=m-kind]", "removal")
    page.fill("#measure-form input[name=m-taken_on]", "2026-09-22")
    page.fill("#measure-form input[name=m-note]", "不合格批次已全部下架")
    with page.expect_navigation():
        page.click("#measure-form button")
    assert "下架" in page.locator("table#measures").inner_text()
    page.set_input_files(
        "#evidence-form input[name=e-file]",
        files=[{"name": evidence_name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4 evidence"}],
    )
    page.fill("#evidence-form input[name=e-description]", "下架及整改记录")
    with page.expect_navigation():
        page.click("#evidence-form button")
    assert evidence_name in page.locator("table#evidence").inner_text()
    page.fill("#close-form input[name=c-closed_on]", "2026-10-20")
    page.fill("#close-form textarea[name=c-conclusion]", "已下架并查明进货来源，整改到位，予以办结。")
    with page.expect_navigation():
        page.click("#close-form button")
    assert page.locator("#case-status").inner_text().startswith("已办结")


@pytest.mark.e2e
def test_failing_result_to_closed_loop_to_public_announcement(
    page, live_server, users, settings, tmp_path, request
):
    # the sampling fixtures (tests/sampling/conftest.py), imported above
    lab_accounts, shops, task = (request.getfixturevalue(n) for n in ("lab_users", "parties", "food_task"))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    sample = services.register_sample(
        actor=users["haishu"],
        task=task,
        product_name="苔菜千层酥",
        brand="甬禾",
        specification="250g/盒",
        production_date=dt.date(2026, 8, 25),
        sampled_on=dt.date(2026, 9, 1),
        seller=services.PartyIn(shops["seller"].name, shops["seller"].uscc),
        producer=services.PartyIn(shops["producer"].name, shops["producer"].uscc),
    )

    # The laboratory enters the results; sorbic acid 1.6 g/kg exceeds GB 2760's 1.0 g/kg.
    login(page, lab_accounts["T1"].username)
    assert "/sampling/samples/" in page.url  # a laboratory starts at its samples
    page.click(f"table#samples a:has-text('{sample.sample_no}')")
    page.click("a#enter-results")
    page.fill("input[name=report_no]", "T1-2026-0918")
    page.fill("input[name=reported_on]", "2026-09-18")
    page.fill("input[name=received_on]", "2026-09-02")
    values = {"av": "1.2", "pov": "0.08", "benzoic": "未检出", "sorbic": "1.6", "tpc": "<10/<10/20/30/40"}
    for code, measured in values.items():
        page.locator(f"tr[data-item={code}] input[name^=m_]").fill(measured)
    with page.expect_navigation():
        page.click("#results-form button[type=submit]")
    assert page.locator("#judgement").inner_text().strip() == "不合格"
    assert "不合格" in page.locator("table#results tr:has-text('山梨酸')").inner_text()
    logout(page)
    assert PostProcessingCase.objects.filter(sample=sample).count() == 2

    # 海曙 (the seller's district) serves the result, then works and closes its case.
    login(page, users["haishu"].username)
    page.goto(f"/sampling/samples/{sample.sample_no}/")
    page.fill("input[name=served_on]", "2026-09-21")
    with page.expect_navigation():
        page.click("form[action$='/serve/'] button")
    close_case_in_browser(page, "被抽样单位", "海曙下架记录.pdf")
    assert "已办结 1 件" in page.locator("#loop").inner_text()
    assert Sample.objects.get(pk=sample.pk).loop_status == LoopStatus.OPEN  # 鄞州's case is still open
    logout(page)

    # 鄞州 (the producer's district) closes the producer's case: the loop closes.
    login(page, users["yinzhou"].username)
    close_case_in_browser(page, "标称生产者", "鄞州召回记录.pdf")
    assert "已闭环" in page.locator("#loop").inner_text()
    logout(page)
    assert Sample.objects.get(pk=sample.pk).loop_status == LoopStatus.CLOSED

    # The city compiles and publishes the announcement of September.
    login(page, users["admin"].username)
    page.goto("/sampling/announcements/")
    page.select_option("#compile-form select[name=kind]", "food")
    page.fill("#compile-form input[name=issue]", "2026年第9期")
    page.fill("#compile-form input[name=period_start]", "2026-09-01")
    page.fill("#compile-form input[name=period_end]", "2026-09-30")
    with page.expect_navigation():
        page.click("#compile-form button")
    assert "不合格 1 批次" in page.locator("ul.messages").inner_text()
    with page.expect_navigation():
        page.click("table#announcements tr:has-text('2026年第9期') button:has-text('发布')")
    logout(page)

    # The public, without login, finds the failure in the published announcement.
    page.goto("/public/sampling/")
    assert page.locator("header .who").inner_text().strip() == "登录"
    page.click("table#announcements a:has-text('2026年第9期')")
    failures = page.locator("table#failures").inner_text()
    assert (
        "苔菜千层酥" in failures and shops["seller"].name in failures and shops["producer"].name in failures
    )
    assert "山梨酸及其钾盐（以山梨酸计）（1.6 g/kg｜≤1 g/kg）" in failures
    assert "测试食品检验所一" in failures
    assert PASSWORD not in page.content()

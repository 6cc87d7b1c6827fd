"""End to end, in a real browser: the plan cockpit (issue 11's bar).

The large screen renders at 1920×1080 with every chart drawn and a click on a figure drills to the
records behind it; a district reports a value, the department head approves it, and it shows locked.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, chromium_missing_reason  # noqa: F401
from tests.e2e.test_register_flow import login
from tests.indicators.conftest import YEAR, catalogue, head, sampling_world  # noqa: F401 (fixtures)
from tests.sampling.conftest import labs, reference  # noqa: F401 (fixtures)
from zhijian.core.access import SystemActor
from zhijian.indicators.models import ReportedValue, ValueStatus
from zhijian.indicators.services.computing import compute_values

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]
SCREEN = {"width": 1920, "height": 1080}


@pytest.fixture
def screen_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=SCREEN, locale="zh-CN")
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_cockpit_renders_every_chart_and_drills_to_records(screen_page, catalogue, sampling_world, users):  # noqa: F811
    compute_values(actor=SystemActor("test"), start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 11, 30))
    page = screen_page
    login(page, users["admin"].username)
    page.goto(f"/indicators/screen/?on={YEAR}-11-30")
    page.wait_for_function("() => Number(document.body.dataset.drawn || 0) >= 8")
    charts = page.locator("[data-chart]")
    count = charts.count()
    assert count == int(page.evaluate("document.body.dataset.drawn")) >= 8  # 3 panels + 5 trajectories
    for i in range(count):
        box = charts.nth(i).bounding_box()
        assert box["width"] > 100 and box["height"] > 100, i
        assert charts.nth(i).locator("canvas").count() >= 1, i  # ECharts drew into it
    if os.environ.get("ZHIJIAN_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["ZHIJIAN_SCREENSHOTS"], "indicators-screen.png"))
    # the whole screen fits the 1920×1080 canvas without scrolling
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    # click this year's bar of the closure-rate chart: it opens the failing samples behind the value
    point = page.evaluate(
        """() => {
          const el = document.getElementById('chart-s004-g42');
          const chart = echarts.getInstanceByDom(el);
          const years = chart.getOption().xAxis[0].data;
          // this year's column, half-way up the plot (a click anywhere in a year's column drills down;
          // the bar itself may be a few pixels high, or below a scaled axis)
          const column = chart.convertToPixel({xAxisIndex: 0}, years[years.length - 1]);
          const grid = chart.getModel().getComponent('grid').coordinateSystem.getRect();
          const box = el.getBoundingClientRect();
          return {x: box.left + column, y: box.top + grid.y + grid.height / 2};
        }"""
    )
    with page.expect_navigation():
        page.mouse.click(point["x"], point["y"])
    assert "/sampling/samples/" in page.url and "judgement=fail" in page.url
    assert page.locator("table tbody tr").count() >= 1
    page.goto(f"/indicators/i/s004.g41a/?on={YEAR}-11-30")
    page.wait_for_function(
        "() => document.querySelectorAll('#trajectory canvas, #district-chart canvas').length >= 2"
    )
    assert "海曙" in page.locator("table#districts").inner_text()
    if os.environ.get("ZHIJIAN_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["ZHIJIAN_SCREENSHOTS"], "indicators-detail.png"), full_page=True
        )


def test_a_district_reports_the_head_approves_it_is_locked(page, catalogue, head, users):  # noqa: F811
    login(page, users["haishu"].username)
    page.goto("/indicators/i/s002.a1/")
    form = page.locator("form[action$='/report/']")
    form.locator("input[name=period_start]").fill("2020-01-01")
    form.locator("input[name=period_end]").fill("2020-12-31")
    form.locator("input[name=value]").fill("11")
    form.locator("textarea[name=evidence_note]").fill("海曙区参与对标达标企业名单（11家）")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("#value-status").inner_text() == "待审核"
    row = ReportedValue.objects.get(code="s002.a1")
    page.click("header .who form button")
    page.wait_for_url("**/login/")

    login(page, head.username)
    page.goto("/indicators/values/?status=submitted")
    page.click(f"table#value-list a[href='/indicators/values/{row.pk}/']")
    page.fill("input[name=note]", "名单核实无误")
    with page.expect_navigation():
        page.click("#approve")
    assert page.locator("#value-status").inner_text() == "已审核锁定"
    assert "已锁定，不可修改" in page.locator("#value-card").inner_text()
    row.refresh_from_db()
    assert row.status == ValueStatus.LOCKED and row.reviewed_by == head
    page.goto("/indicators/i/s002.a1/")
    assert "已审核锁定" in page.locator("table#values").inner_text()

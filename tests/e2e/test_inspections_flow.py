"""End to end, in a real browser: 双随机、一公开 from the task to the firm's verification.

The issue's bar: department staff create a task and draw; the commitment and the list are public;
an inspector records a result on a phone-sized viewport; the public sees it; the firm verifies it by
its code.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from tests.e2e.conftest import CHROMIUM, chromium_missing_reason
from tests.e2e.test_register_flow import login
from tests.factories import UserFactory
from tests.inspections.factories import (
    CheckItemFactory,
    after_the_lottery,
    classify,
    ensure_rules,
    firms,
    inspector_user,
    next_issue,
    plan_for,
)
from zhijian.core.models import Department, Role
from zhijian.inspections.models import Draw, Inspection, Task

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 300


def fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, f"{page.url} overflows a 360px screen: scrollWidth={width}"


@pytest.mark.e2e
def test_task_draw_publicity_field_result_and_verification(
    page, mobile_page, browser, live_server, city, tmp_path, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    ensure_rules()
    haishu = city["330203"]
    register = firms(haishu, 10, start=9100)
    classify(register[:5], "D")
    classify(register[5:], "C")
    firms(city["330212"], 4, start=9200)  # another district: never drawn by this task
    staff = UserFactory(
        username="e2e_dept",
        role=Role.DEPARTMENT,
        department=Department.objects.get(code="credit"),
    )
    plan = plan_for(staff, city["330200"])
    item = CheckItemFactory(name="企业公示信息情况的检查")
    zhou, li = inspector_user("e2e_zhou", haishu), inspector_user("e2e_li", haishu)

    # Department staff create a task for 海曙 with the default ratios per credit class.
    login(page, "e2e_dept")
    page.goto("/inspections/tasks/new/")
    page.select_option("select[name=plan]", str(plan.pk))
    page.fill("input[name=title]", "2026年海曙区企业公示信息双随机抽查")
    page.check(f"input[name=items][value='{item.pk}']")
    page.check(f"input[name=districts][value='{haishu.pk}']")
    assert page.input_value("input[name=ratio_A]") == "0" and page.input_value("input[name=ratio_D]") == "0.3"
    page.fill("input[name=due_on]", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    invalid = page.evaluate("[...document.querySelectorAll('#task-form :invalid')].map(e => e.name)")
    assert invalid == [], invalid
    with page.expect_navigation():
        page.click("#task-form button[type=submit]")
    task = Task.objects.get()
    assert page.url.endswith(f"/inspections/tasks/{task.pk}/")

    # They freeze and publish the inputs; the beacon is the next 双色球 draw.
    lottery = next_issue()
    page.select_option("#commit-form select[name=beacon_game]", "ssq")
    page.fill("#commit-form input[name=beacon_issue]", lottery["beacon_issue"])
    page.fill("#commit-form input[name=beacon_date]", lottery["beacon_date"].isoformat())
    with page.expect_navigation():
        page.click("#commit-form button[type=submit]")
    draw = Draw.objects.get(task=task)
    assert page.locator("#commitment-1").inner_text().strip() == draw.commitment
    assert draw.eligible_count == 10

    # The public sees the commitment before the draw, and no secret.
    public = browser.new_context(base_url=live_server.url, locale="zh-CN")
    anonymous = public.new_page()
    anonymous.goto("/public/inspections/")
    anonymous.click(f"#draws a:has-text('{task.title}')")
    assert anonymous.locator("#commitment").inner_text().strip() == draw.commitment
    assert draw.secret not in anonymous.content()

    # Time passes: the lottery is drawn. Staff enter its numbers and draw, then match inspectors.
    with after_the_lottery(draw):
        page.reload()
        page.fill("#draw-form input[name=beacon_value]", "3 11 19 24 27 30 + 9")  # not the one spelling
        with page.expect_navigation():
            page.click("#draw-form button[type=submit]")
        assert "应写作“03 11 19 24 27 30 + 09”" in page.content()
        page.fill("#draw-form input[name=beacon_value]", "03 11 19 24 27 30 + 09")
        with page.expect_navigation():
            page.click("#draw-form button[type=submit]")
    draw.refresh_from_db()
    assert draw.status == "drawn" and draw.selected_count == 2 + 1  # ⌈5 × 0.3⌉ D + ⌈5 × 0.1⌉ C
    with page.expect_navigation():
        page.click("#assign-form button[type=submit]")
    assert page.locator("#checks tbody tr").count() == 3
    for row in page.locator("#checks tbody tr").all():  # teams of two: both 海曙 inspectors
        assert "e2e_zhou" in row.inner_text() and "e2e_li" in row.inner_text()

    # The list and the seed are public; the stand-alone package verifies.
    anonymous.reload()
    assert anonymous.locator("#seed").inner_text().strip() == draw.seed
    drawn = list(Inspection.objects.filter(draw=draw).select_related("entity"))
    listed = anonymous.locator("#selected tbody").inner_text()
    assert all(i.entity.uscc in listed for i in drawn)
    # A citizen verifies the draw in her own browser (WebCrypto, a static script, no CDN).
    anonymous.click("#verify-button")
    anonymous.locator("#verify-result").filter(has_text=re.compile(r"^验证")).wait_for()  # no eval (CSP)
    assert anonymous.locator("#verify-result").inner_text() == "验证通过"
    assert anonymous.locator("#verify-checks li.fail").count() == 0
    assert anonymous.locator("#verify-checks li.ok").count() >= 14
    # … and the check can fail: a page whose package was altered says so.
    anonymous.route(
        "**/public/inspections/draws/*.json",
        lambda route: route.fulfill(
            json={**route.fetch().json(), "seed": "0" * 64}, headers={"content-type": "application/json"}
        ),
    )
    anonymous.click("#verify-button")
    anonymous.locator("#verify-result").filter(has_text=re.compile(r"^验证")).wait_for()  # no eval (CSP)
    assert anonymous.locator("#verify-result").inner_text() == "验证未通过：1 项不符"
    anonymous.unroute("**/public/inspections/draws/*.json")

    # An inspector, on a phone, records a result and attaches a photo.
    login(mobile_page, "e2e_zhou")
    mobile_page.goto("/inspections/field/")
    fits_the_phone(mobile_page)
    assert mobile_page.locator("#open a.visit").count() == 3
    target = drawn[0]
    mobile_page.click(f"#open a.visit:has-text('{target.entity.name}')")
    fits_the_phone(mobile_page)
    mobile_page.select_option("#result-form select[name=result_code]", "unreachable")
    mobile_page.fill("#result-form textarea[name=findings]", "登记住所已无该企业，电话无人接听")
    # The check is done on the day of the draw (the lottery may be days ahead of the real clock).
    drawn_on = timezone.localtime(draw.drawn_at).date()
    mobile_page.fill("#result-form input[name=completed_on]", drawn_on.isoformat())
    with after_the_lottery(draw, hours=2), mobile_page.expect_navigation():
        mobile_page.click("#result-form button[type=submit]")
    target.refresh_from_db()
    assert target.result_code == "unreachable" and target.recorded_by == zhou.user
    photo = tmp_path / "门头.jpg"
    photo.write_bytes(JPEG)
    mobile_page.set_input_files("#photo-form input[type=file]", str(photo))
    with mobile_page.expect_navigation():
        mobile_page.click("#photo-form button[type=submit]")
    assert mobile_page.locator("#photos img").count() == 1
    fits_the_phone(mobile_page)
    assert li.user.pk != zhou.user.pk and target.attachments.count() == 1

    # Staff publish the result; the public sees it.
    page.reload()
    with page.expect_navigation():
        page.click("#publish-form button[type=submit]")
    anonymous.goto(f"/public/inspections/?q={target.entity.uscc}")
    results = anonymous.locator("#results tbody").inner_text()
    assert target.entity.name in results and "通过登记的住所（经营场所）无法联系" in results

    # The firm verifies its check by the code on its notice: who, on what basis, the result, a QR.
    anonymous.goto("/public/inspections/")
    anonymous.fill("input[name=code]", target.verification_code.lower())
    with anonymous.expect_navigation():
        anonymous.click("form[action$='/verify/'] button[type=submit]")
    check = anonymous.locator("#check").inner_text()
    assert target.entity.uscc in check and "通过登记的住所（经营场所）无法联系" in check
    assert "e2e_zhou" in anonymous.locator("#inspectors").inner_text()
    assert zhou.certificate_no in check and "《企业信息公示暂行条例》第十四条" in check
    assert anonymous.evaluate("document.querySelector('.qr img').naturalWidth") > 0
    public.close()

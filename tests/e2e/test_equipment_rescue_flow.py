"""End to end, in a real browser: a trapped-passenger alarm reaches the district screen within seconds,
the maintenance company records its arrival and the rescue, and the case closes (issue 13's bar)."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest

from tests.e2e.conftest import CHROMIUM, DESKTOP, MOBILE, _context, chromium_missing_reason
from tests.e2e.test_register_flow import login
from tests.equipment.conftest import make_unit
from tests.factories import EntityFactory, UserFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Role
from zhijian.equipment import services
from zhijian.equipment.models import RescueCase

CLI = SystemActor("cli")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=chromium_missing_reason() or ""),
]


@pytest.fixture
def lift(city):
    from importlib import import_module

    from django.apps import apps

    import_module("zhijian.equipment.migrations.0002_rules").forwards(apps, None)
    haishu = city["330203"]
    parties = {
        "mall": EntityFactory(jurisdiction=haishu, name="宁波海曙天一商场有限公司"),
        "lift_a": EntityFactory(jurisdiction=haishu, name="宁波甬安电梯工程有限公司"),
        "institute": EntityFactory(jurisdiction=haishu, name="宁波市特种设备检验研究院"),
    }
    unit = make_unit(city, parties, "31103302032020000777")
    UserFactory(username="t_haishu_eq", role=Role.DISTRICT, jurisdiction=haishu)
    UserFactory(username="t_lift_eq", role=Role.ENTERPRISE, entity_uscc=parties["lift_a"].uscc)
    device, secret = services.register_device(actor=CLI, unit=unit, device_id="E2E-DEV-1")
    return unit, device, secret


def post_alarm(context, device_id: str, secret: str) -> None:
    """The device's own HTTP call (not the browser's): one trapped-passenger event."""
    response = context.request.post(
        f"/api/v1/equipment/devices/{device_id}/messages",
        data={"messages": [{"id": "trap-1", "kind": "trapped", "at": dt.datetime.now(dt.UTC).isoformat()}]},
        headers={"Authorization": f"Device {secret}"},
    )
    assert response.status == 200, response.text()


def test_trapped_alarm_to_screen_arrival_and_closure(browser, live_server, lift):
    unit, device, secret = lift
    screen_context = _context(browser, live_server, DESKTOP)
    company_context = _context(browser, live_server, MOBILE)  # the company's duty phone
    device_context = _context(browser, live_server, DESKTOP)
    try:
        screen = screen_context.new_page()
        login(screen, "t_haishu_eq")
        screen.goto("/equipment/screen/")
        assert "无" in screen.locator("#rescues").inner_text()

        started = time.monotonic()
        post_alarm(device_context, device.device_id, secret)
        screen.locator("#alarms li", has_text=unit.code).wait_for(timeout=5_000)
        seen_after = time.monotonic() - started
        assert seen_after <= 5, seen_after
        screen.locator("#rescues li", has_text=unit.code).wait_for(timeout=5_000)
        assert "困人" in screen.locator("#alarms").inner_text()

        company = company_context.new_page()
        login(company, "t_lift_eq")
        company.goto("/equipment/mine/")
        company.locator("#my-rescues a", has_text=unit.code).click()
        with company.expect_navigation():
            company.click("#arrival-form button[type=submit]")
        assert company.locator("#rescue-status").inner_text() == "已到达"
        company.fill("#close-form textarea, #close-form input[name=note]", "盘车放人，乘客安全")
        with company.expect_navigation():
            company.click("#close-form button[type=submit]")
        assert company.locator("#rescue-status").inner_text() == "已解救"
        assert "分钟" in company.locator("#rescued-at").inner_text()

        case = RescueCase.objects.get(unit=unit)
        assert case.status == "closed" and case.arrived_at <= case.rescued_at
        # the screen drops the closed case at its next poll
        screen.locator("#rescues li", has_text=unit.code).wait_for(state="detached", timeout=5_000)
    finally:
        screen_context.close()
        company_context.close()
        device_context.close()

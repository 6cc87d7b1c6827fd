"""Browser test of the early-warning flow: an injected outbreak (one producer's batch failing in 海曙
and 江北 this week) raises a signal when the office runs detection; the office raises a warning; both
districts answer; the office verifies and closes it; a consumer warning appears on the portal."""

from __future__ import annotations

import csv

import pytest
from django.utils import timezone

from tests.e2e.test_register_flow import login
from tests.factories import UserFactory
from zhijian.core.access import SystemActor
from zhijian.core.models import Department, Role
from zhijian.warnings import services
from zhijian.warnings.models import Source

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def outbreak(city, tmp_path):
    from importlib import import_module

    from django.apps import apps as django_apps

    # A transactional test's flush removed the migration's sources and rules: put them back.
    for migration in ("0002_sources_and_answer_rules", "0003_alert_answer_in_hours", "0004_credit_source"):
        import_module(f"zhijian.warnings.migrations.{migration}").forwards(django_apps, None)
    today = timezone.localdate()
    path = tmp_path / "announcement.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["记录号", "日期", "区县", "食品类别", "危害因素", "生产者", "产品", "批次", "检测数", "不合格数"]
        )
        for code in ("330203", "330205"):
            writer.writerow(
                [
                    f"GB{code}",
                    today.isoformat(),
                    code,
                    "蔬菜制品",
                    "苯甲酸",
                    "宁波甬鲜食品有限公司",
                    "酱腌菜",
                    "20260508",
                    1,
                    1,
                ]
            )
    source = Source.objects.get(code="outside.national_sampling")
    assert services.load_source_file(actor=SystemActor("test"), source=source, path=path).ok
    return {
        "office": UserFactory(
            username="t_food_office",
            role=Role.DEPARTMENT,
            department=Department.objects.get(code="food_coordination"),
        ),
        "haishu": UserFactory(username="t_hs", role=Role.DISTRICT, jurisdiction=city["330203"]),
        "jiangbei": UserFactory(username="t_jb", role=Role.DISTRICT, jurisdiction=city["330205"]),
    }


def _as(page, username):
    page.context.clear_cookies()
    login(page, username)


def test_signal_to_warning_to_answers_to_closure_to_consumer_notice(page, outbreak):
    _as(page, "t_food_office")
    page.goto("/warnings/signals/")
    with page.expect_navigation():
        page.click("#run-detection")
    page.click("#signals a:has-text('rule=producer')")
    assert "宁波甬鲜食品有限公司" in page.locator("#records").inner_text()
    page.fill("#raise-form input[name=title]", "宁波甬鲜酱腌菜苯甲酸超标")
    page.select_option("#raise-form select[name=classification]", "follow_up")
    page.select_option("#raise-form select[name=risk_level]", "high")
    with page.expect_navigation():
        page.click("#raise-form button[type=submit]")
    warning_url = page.url
    recipients = page.locator("#recipients").inner_text()
    assert "海曙区" in recipients and "江北区" in recipients
    assert "尚缺" in page.locator("#closure").inner_text()

    for user in ("t_hs", "t_jb"):
        _as(page, user)
        page.goto("/warnings/")
        with page.expect_navigation():  # the platform notification leads to the warning
            page.click("#notifications a")
        assert page.url == warning_url
        form = page.locator("form.answer-form")
        assert form.count() == 1  # only its own row is answerable
        form.locator("textarea[name=findings]").fill("辖区内在售该批次产品，已全部查清")
        form.locator("textarea[name=measures]").fill("责令下架封存，通知召回")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.locator("form.answer-form").count() == 0

    _as(page, "t_food_office")
    page.goto(warning_url)
    for _ in range(2):
        with page.expect_navigation():
            page.click("#recipients button:has-text('核实措施')")
    with page.expect_navigation():
        page.click("#close-form button[type=submit]")
    assert "已关闭" in page.locator("#warning-state").inner_text()
    page.fill("#notice-form textarea[name=text]", "请勿购买、食用宁波甬鲜食品有限公司批号20260508的酱腌菜。")
    with page.expect_navigation():
        page.click("#notice-form button[type=submit]")

    page.context.clear_cookies()
    page.goto("/public/warnings/")
    assert "批号20260508的酱腌菜" in page.locator("main").inner_text()

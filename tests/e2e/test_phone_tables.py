"""Phones are first-class: at 360 px no table hides a column and no page is wider than the screen."""

from __future__ import annotations

import pytest

from tests.e2e.test_register_flow import login
from tests.factories import EntityFactory, UserFactory
from zhijian.core.models import Role

pytestmark = pytest.mark.e2e

HIDDEN_CELLS = """() => Array.from(document.querySelectorAll('td')).filter(td => {
  const style = getComputedStyle(td);
  return style.display === 'none' || style.visibility === 'hidden' || td.getClientRects().length === 0;
}).length"""
CELLS_PAST_THE_EDGE = """() => Array.from(document.querySelectorAll('td')).filter(td => {
  const box = td.getBoundingClientRect();
  return box.width > 0 && box.right > window.innerWidth + 1;
}).length"""
# A header link broken over lines (e.g. 公开信息 stacked one character per line on a narrow header).
BROKEN_HEADER_LINKS = """() => Array.from(document.querySelectorAll('header.top a, header.top button')).filter(el => {
  const lines = el.getClientRects().length;
  const height = el.getBoundingClientRect().height;
  const line = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.6;
  return lines > 1 || height > line * 1.8;
}).map(el => el.textContent.trim())"""


def _assert_fits(page, url: str) -> None:
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 361, f"{url} is {width}px wide on a 360px screen"
    assert page.evaluate(HIDDEN_CELLS) == 0, f"{url} hides table cells on a phone"
    assert page.evaluate(CELLS_PAST_THE_EDGE) == 0, f"{url} has cells past the screen's edge"
    assert page.evaluate(BROKEN_HEADER_LINKS) == [], f"{url}: header links broken over lines"


def test_every_column_of_the_entity_list_is_shown_as_a_labelled_card(mobile_page, live_server, city):
    for n in range(3):
        EntityFactory(jurisdiction=city["330203"], name=f"宁波海曙卡片测试第{n}号科技有限公司")
    UserFactory(username="e2e_cards", role=Role.DISTRICT, jurisdiction=city["330203"])
    login(mobile_page, "e2e_cards")
    _assert_fits(mobile_page, "/entities/?q=卡片测试")
    labels = mobile_page.evaluate(
        "() => Array.from(document.querySelectorAll('table tbody tr:first-child td')).map(td => td.dataset.label)"
    )
    headings = mobile_page.evaluate(
        "() => Array.from(document.querySelectorAll('table thead th'))"
        ".map(th => th.textContent.replace(/[▲▼↕]/g, '').trim())"
    )
    assert labels == headings[: len(labels)] and len(labels) >= 4  # the fourth column and on are there too


def test_public_pages_fit_a_phone(mobile_page, live_server, city):
    EntityFactory(jurisdiction=city["330203"], name="宁波海曙公示测试贸易有限公司")
    for url in (
        "/public/register/?q=公示测试",
        "/credit/lists/public/",
        "/public/sampling/",
        "/public/inspections/",
        "/public/complaints/",
    ):
        _assert_fits(mobile_page, url)

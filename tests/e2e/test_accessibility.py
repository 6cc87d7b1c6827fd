"""Public pages to GB/T 37668-2019 (which follows WCAG 2.0 AA): axe-core, run in the browser, finds no
serious or critical violation; the 长者模式 enlarges the text and is remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import EntityFactory

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  if (!result.passes.length) return ['axe-core checked nothing'];
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""


def _public_urls(entity) -> list[str]:
    return [
        "/login/",
        "/public/register/",
        f"/public/register/?q={entity.name[2:6]}",
        f"/public/register/{entity.uscc}/",
        "/credit/lists/public/",
        f"/credit/report/{entity.uscc}/",
        "/public/sampling/",
        "/public/inspections/",
        "/public/inspections/verify/",
    ]


def test_public_pages_have_no_serious_accessibility_violation(audit_page, live_server, city):
    page = audit_page
    entity = EntityFactory(jurisdiction=city["330203"], name="宁波海曙无障碍测试贸易有限公司")
    found = {}
    for url in _public_urls(entity):
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN_AXE)
        if violations:
            found[url] = violations
    assert not found, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in found.items())


def test_large_text_mode_enlarges_and_is_remembered(page, live_server, city):
    page.goto("/public/register/")
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("#large-text-toggle")
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after >= before * 1.2
    page.goto("/public/sampling/")
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    assert page.get_attribute("#large-text-toggle", "aria-pressed") == "true"


def test_footer_names_the_organiser(page, live_server, city, settings):
    page.goto("/public/register/")
    assert "主办单位：宁波市市场监督管理局" in page.inner_text("footer")

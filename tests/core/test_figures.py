"""The shared figure card: a missed target shows in colour, with an icon, words and the target."""

from __future__ import annotations

from django.template import Context, Template

from zhijian.core.hooks import Figure
from zhijian.core.templatetags.figures import target_status


def render(figure) -> str:
    return Template("{% load figures %}{% figure_card f %}").render(Context({"f": figure}))


def test_target_status_for_floors_and_ceilings():
    assert target_status(0.5, 0.6) == "missed" and target_status(0.6, 0.6) == "met"
    assert target_status(3, 0, higher_is_better=False) == "missed"
    assert target_status(None, 0.6) == "" and target_status(5, None) == ""


def test_a_missed_target_is_shown_with_its_target_and_thousands_separators():
    html = render(Figure("抽检", "流通领域产品抽查", 2875, target=3000))
    assert 'data-target-status="missed"' in html and "✗ 未达目标" in html
    assert "2,875" in html and "3,000" in html


def test_a_ratio_met_shows_as_a_percentage():
    html = render(
        {"label": "双随机监管事项占比", "value": 0.65, "target": 0.6, "numerator": 13, "denominator": 20}
    )
    assert 'data-target-status="met"' in html and "65.0%" in html and "60.0%" in html and "✓ 达标" in html

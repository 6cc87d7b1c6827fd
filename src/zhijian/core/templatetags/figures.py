"""``{% figure_card f %}``: one key figure as a card, with its target and whether it is met.

Any object with ``label`` and ``value`` will do (core.hooks.Figure, an app's own figure); optional
attributes: ``target``, ``percent`` (value and target are ratios 0–1), ``higher_is_better`` (default
true), ``url``, ``unit``, ``app``, ``numerator``/``denominator``, ``key``, ``target_source``. A missed
target is shown in colour, with an icon and words, so it reads without colour too.
"""

from __future__ import annotations

from django import template

register = template.Library()


def target_status(value, target, higher_is_better: bool = True) -> str:
    """``met``, ``missed`` or ``""`` (no target, or no value to judge)."""
    if target is None or value is None or isinstance(value, str):
        return ""
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "missed"


def _get(figure, name: str, default=None):
    if isinstance(figure, dict):
        return figure.get(name, default)
    return getattr(figure, name, default)


@register.inclusion_tag("core/_figure.html")
def figure_card(figure, show_app: bool = False):
    """A figure as a card (an object or a dict with the attributes above)."""
    value = _get(figure, "value")
    target = _get(figure, "target")
    percent = _get(figure, "percent")
    if percent is None:  # an app's ratio figure (numerator / denominator) is a percentage
        percent = _get(figure, "denominator") is not None
    higher = _get(figure, "higher_is_better", True)
    return {
        "f": figure,
        "value": value,
        "target": target,
        "percent": percent,
        "higher_is_better": higher,
        "status": target_status(value, target, higher),
        "show_app": show_app,
        "note": _get(figure, "note", ""),
    }


@register.filter
def as_percent(ratio) -> str:
    """0.8567 → '85.7%'."""
    if ratio is None or ratio == "":
        return "—"
    return f"{float(ratio) * 100:.1f}%"

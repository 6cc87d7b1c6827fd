"""Template helpers of the shared lists: sortable headings and the matched text highlighted.

``{% sort_th page "sampled_on" "抽样日期" %}`` heads a column that the list's whitelist can sort
(a plain heading otherwise); ``{{ e.name|highlight:flt.q }}`` marks the searched text in a cell —
both the cell and the term are escaped first, so a name can never inject markup.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

ARROWS = {"ascending": "▲", "descending": "▼", "none": "↕"}


@register.simple_tag
def sort_th(page, key: str, label: str):
    """A ``<th>`` whose label links to the list sorted by ``key`` (ascending, descending, default)."""
    if page is None or key not in getattr(page, "sorts", {}):
        return format_html('<th scope="col">{}</th>', label)
    direction = page.direction(key)
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="sort" href="{}">{} <span aria-hidden="true">{}</span></a></th>',
        direction,
        page.sort_url(key),
        label,
        ARROWS[direction],
    )


@register.filter(needs_autoescape=True)
def highlight(value, term, autoescape=True):
    """``value`` escaped, with each case-insensitive occurrence of ``term`` in ``<mark>``."""
    text = "" if value is None else str(value)
    term = "" if term is None else str(term).strip()
    if not term:
        return escape(text) if autoescape else text
    parts = re.split("(" + re.escape(term) + ")", text, flags=re.IGNORECASE)
    out = []
    for index, part in enumerate(parts):
        out.append(f"<mark>{escape(part)}</mark>" if index % 2 else escape(part))
    return mark_safe("".join(out))  # noqa: S308 - every part is escaped above

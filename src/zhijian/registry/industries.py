"""GB/T 4754-2017 industry codes and the "246" industrial clusters derived from them."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import mark_safe

_DATA = Path(__file__).parent / "data" / "gbt4754.json"
_CODE = re.compile(r"^\s*([A-Ta-t])?\s*(\d{2,4})")


@cache
def _data() -> dict:
    return json.loads(_DATA.read_text(encoding="utf-8"))


def section_of(division: str) -> str | None:
    number = int(division)
    for section in _data()["sections"]:
        if section["from"] <= number <= section["to"]:
            return section["code"]
    return None


def divisions() -> dict[str, str]:
    return _data()["divisions"]


def clusters() -> list[dict]:
    return _data()["clusters"]


def cluster_choices() -> list[tuple[str, str]]:
    return [(c["code"], c["name"]) for c in clusters()]


class IndustryError(ValueError):
    pass


def normalize_industry(raw: str) -> str:
    """'C3451', '3451', 'c 3451 轴承制造' → 'C3451'. Raises :class:`IndustryError` in Chinese."""
    match = _CODE.match(raw or "")
    if not match:
        raise IndustryError("行业代码应为GB/T 4754-2017代码，如 C3451 或 3451")
    letter, digits = match.groups()
    division = digits[:2]
    if division not in divisions():
        raise IndustryError(f"行业大类“{division}”不在GB/T 4754-2017中")
    section = section_of(division)
    if letter and letter.upper() != section:
        raise IndustryError(f"行业门类“{letter.upper()}”与大类“{division}”不符（应为{section}）")
    return f"{section}{digits}"


@cache
def _prefixes() -> list[tuple[str, str]]:
    pairs = [(p, c["code"]) for c in clusters() for p in c["prefixes"]]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def cluster_of(industry_code: str) -> str:
    """The 246 cluster of a normalised industry code, or '' when it belongs to none."""
    for prefix, cluster in _prefixes():
        if industry_code.startswith(prefix):
            return cluster
    return ""


def industry_label(code: str) -> str:
    if not code:
        return ""
    return f"{code} {divisions().get(code[1:3], '')}"


@cache
@cache
def industry_tree() -> list[dict]:
    """Sections (门类) with their divisions (大类), for the searchable industry filter (read-only)."""
    tree = []
    for section in _data()["sections"]:
        codes = [f"{n:02d}" for n in range(section["from"], section["to"] + 1)]
        tree.append(
            {
                "code": section["code"],
                "name": section["name"],
                "divisions": [(c, divisions()[c]) for c in codes if c in divisions()],
            }
        )
    return tree


@lru_cache(maxsize=256)
def industry_options(selected: str) -> str:
    """The industry filter's ``<optgroup>``s and ``<option>``s (core/_industry_filter.html), ``selected``
    marked: some 120 options that every register list shows, built once per selected value rather
    than through the template engine on each page."""
    out = []
    for section in industry_tree():
        code, name = escape(section["code"]), escape(section["name"])
        mark = " selected" if selected == section["code"] else ""
        out.append(
            f'<optgroup label="{code} {name}">\n    <option value="{code}"{mark}>{code} {name}（全部）</option>\n    '
        )
        for division, label in section["divisions"]:
            mark = " selected" if selected == section["code"] + division else ""
            d = escape(division)
            out.append(f'<option value="{code}{d}"{mark}>{code}{d} {escape(label)}</option>')
        out.append("\n  </optgroup>")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above

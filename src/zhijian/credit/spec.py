"""The classification model as data (信用风险分类模型): indicator groups, points, caps, weights, thresholds.

A spec is JSON kept on :class:`~zhijian.credit.models.ScoringModel`. Points are risk points per
occurrence (negative for incentives), counted in full for records of the last ``recency`` window,
at a lower percentage in older windows, and not at all beyond the last window; an indicator never
contributes more than its ``cap``; a group's ``weight`` (percent) scales its indicators. The score
is clamped to 0…``max_score`` and the class is the highest whose threshold the score reaches.

Sources of an indicator:
- ``record``: credit records of ``kind`` with a severity in ``severities``;
- ``list``: being on ``list`` (in force on the classification date);
- ``age``: established less than ``max_months`` (and at least ``min_months``) before;
- ``industry``: GB/T 4754 industry code starting with one of ``prefixes`` (3 characters).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .models import CreditList, RecordKind, Severity

CLASSES = ("A", "B", "C", "D")

# The first version, seeded by the data migration from its frozen file. Points reflect how strongly
# each kind of information predicts a violation in the national practice (国市监信发〔2022〕6号
# groups: basic attributes, conduct, supervision, lists, incentives); Ningbo may re-weight them by
# saving a new version.
FIRST_VERSION = "2025.1"


def load_spec_file(version: str) -> dict[str, Any]:
    path = Path(__file__).resolve().parent / "data" / f"model-{version}.json"
    return json.loads(path.read_text(encoding="utf-8"))


DEFAULT_SPEC: dict[str, Any] = load_spec_file(FIRST_VERSION)


class SpecError(ValueError):
    """A model spec that cannot classify; the message says what to fix, in Chinese."""


def indicators(spec: dict) -> list[tuple[dict, dict]]:
    """(group, indicator) pairs in spec order."""
    return [(group, ind) for group in spec["groups"] for ind in group["indicators"]]


def indicator_labels(spec: dict) -> dict[str, str]:
    return {ind["code"]: ind["label"] for _, ind in indicators(spec)}


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{what}必须是整数")
    return value


def validate_spec(spec: Any) -> dict:
    """Check a spec's shape and numbers; return it. Raises :class:`SpecError`."""
    if not isinstance(spec, dict) or not isinstance(spec.get("groups"), list) or not spec["groups"]:
        raise SpecError("模型必须包含至少一个指标组")
    max_score = _int(spec.get("max_score"), "最高分值")
    if max_score <= 0:
        raise SpecError("最高分值必须大于0")
    thresholds = spec.get("thresholds") or {}
    values = [_int(thresholds.get(c), f"{c}类阈值") for c in CLASSES[1:]]
    if not 0 < values[0] < values[1] < values[2] <= max_score:
        raise SpecError("阈值必须满足 0 < B < C < D ≤ 最高分值")
    recency = spec.get("recency") or []
    if not recency:
        raise SpecError("至少需要一个时间窗口")
    last = 0
    for window in recency:
        months, percent = (
            _int(window.get("months"), "时间窗口月数"),
            _int(window.get("percent"), "时间窗口比例"),
        )
        if months <= last:
            raise SpecError("时间窗口月数必须递增")
        if not 0 <= percent <= 100:
            raise SpecError("时间窗口比例须在0–100之间")
        last = months
    seen: set[str] = set()
    for group in spec["groups"]:
        weight = _int(group.get("weight"), f"指标组“{group.get('label', '')}”的权重")
        if not 0 <= weight <= 200:
            raise SpecError(f"指标组“{group.get('label', '')}”的权重须在0–200（%）之间")
        for ind in group.get("indicators") or []:
            code = ind.get("code") or ""
            if not code or code in seen or len(code) > 40:
                raise SpecError(f"指标代码“{code}”缺失、重复或过长")
            seen.add(code)
            points = _int(ind.get("points"), f"指标“{ind.get('label', code)}”的分值")
            if "cap" in ind:
                cap = _int(ind["cap"], f"指标“{ind.get('label', code)}”的上限")
                if (cap < 0) != (points < 0) or abs(cap) < abs(points):
                    raise SpecError(f"指标“{ind.get('label', code)}”的上限须与分值同号且不小于分值")
            source = ind.get("source")
            if source == "record":
                if ind.get("kind") not in RecordKind.values or not set(ind.get("severities") or []) <= set(
                    Severity.values
                ):
                    raise SpecError(f"指标“{ind.get('label', code)}”的记录类别或严重程度无效")
            elif source == "list":
                if ind.get("list") not in CreditList.values:
                    raise SpecError(f"指标“{ind.get('label', code)}”的名录无效")
            elif source == "age":
                _int(ind.get("max_months"), "成立月数上限")
                _int(ind.get("min_months", 0), "成立月数下限")
            elif source == "industry":
                prefixes = ind.get("prefixes") or []
                if not prefixes or any(not isinstance(p, str) or len(p) != 3 for p in prefixes):
                    raise SpecError(f"指标“{ind.get('label', code)}”的行业代码前缀须为3位")
            else:
                raise SpecError(f"指标“{ind.get('label', code)}”的来源“{source}”无效")
    return spec


def with_changes(
    spec: dict,
    *,
    points: dict[str, int],
    caps: dict[str, int],
    weights: dict[str, int],
    thresholds: dict[str, int],
) -> dict:
    """A copy of ``spec`` with the numbers an administrator edited; validated."""
    import copy

    new = copy.deepcopy(spec)
    for group in new["groups"]:
        if group["code"] in weights:
            group["weight"] = weights[group["code"]]
        for ind in group["indicators"]:
            if ind["code"] in points:
                ind["points"] = points[ind["code"]]
            if ind["code"] in caps and "cap" in ind:
                ind["cap"] = caps[ind["code"]]
    new["thresholds"].update(thresholds)
    return validate_spec(new)

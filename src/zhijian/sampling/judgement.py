"""Judging one test item (单项判定): a measured value against its limit, in any unit of the same kind.

Pure functions, no database. A limit is one of

- ``max``: the value must not exceed it (≤, 全数值比较法 of GB/T 8170-2008: the reported value is
  compared as it is, without rounding first);
- ``min``: the value must reach it (≥);
- ``range``: between a lower and an upper bound, both included;
- ``nd``: 不得检出 / 不得使用 — anything at or above the detection limit (检出限) fails;
- ``plan``: a microbiological sampling plan (n, c, m, M) of GB 4789.1 / GB 29921: n units are tested,
  at most c may exceed m and none may exceed M (two-class plans have no M);
- ``qual``: a qualitative requirement, reported as 符合 / 不符合.

Values are :class:`~decimal.Decimal` throughout: 0.2 mg/kg and 200 μg/kg are the same number, exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

PASS, FAIL = "pass", "fail"
JUDGEMENT_LABELS = {PASS: "合格", FAIL: "不合格"}


class JudgementError(ValueError):
    """A result that cannot be judged; ``str()`` is the Chinese message for the laboratory."""


# Canonical unit → (dimension, factor to the dimension's base unit). Conversion only within a dimension.
_D = Decimal
UNITS: dict[str, tuple[str, Decimal]] = {
    # mass fraction, base mg/kg
    "mg/kg": ("mass_fraction", _D("1")),
    "μg/kg": ("mass_fraction", _D("0.001")),
    "ng/g": ("mass_fraction", _D("0.001")),
    "μg/g": ("mass_fraction", _D("1")),
    "ppm": ("mass_fraction", _D("1")),
    "ppb": ("mass_fraction", _D("0.001")),
    "g/kg": ("mass_fraction", _D("1000")),
    "mg/g": ("mass_fraction", _D("1000")),
    "mg/100g": ("mass_fraction", _D("10")),
    "g/100g": ("mass_fraction", _D("10000")),
    "%": ("mass_fraction", _D("10000")),
    # mass concentration, base mg/L
    "mg/L": ("mass_concentration", _D("1")),
    "μg/L": ("mass_concentration", _D("0.001")),
    "ng/mL": ("mass_concentration", _D("0.001")),
    "μg/mL": ("mass_concentration", _D("1")),
    "g/L": ("mass_concentration", _D("1000")),
    "mg/mL": ("mass_concentration", _D("1000")),
    "g/100mL": ("mass_concentration", _D("10000")),
    # concentration in air, base mg/m³
    "mg/m³": ("air_concentration", _D("1")),
    "μg/m³": ("air_concentration", _D("0.001")),
    # per surface (餐饮具), base mg/100cm²
    "mg/100cm²": ("surface", _D("1")),
    # length, base mm
    "mm": ("length", _D("1")),
    "μm": ("length", _D("0.001")),
    "cm": ("length", _D("10")),
    # resistance per length, base Ω/km
    "Ω/km": ("linear_resistance", _D("1")),
    "mΩ/m": ("linear_resistance", _D("1")),
    "Ω/m": ("linear_resistance", _D("1000")),
    # stress, base MPa
    "MPa": ("stress", _D("1")),
    "N/mm²": ("stress", _D("1")),
    "kPa": ("stress", _D("0.001")),
    # time, base min
    "min": ("time", _D("1")),
    "h": ("time", _D("60")),
    # electrical
    "mA": ("current", _D("1")),
    "A": ("current", _D("1000")),
    "μA": ("current", _D("0.001")),
    "Ω": ("resistance", _D("1")),
    "mΩ": ("resistance", _D("0.001")),
    "kΩ": ("resistance", _D("1000")),
    "MΩ": ("resistance", _D("1000000")),
    # force, base N
    "N": ("force", _D("1")),
    "kN": ("force", _D("1000")),
    # units that convert to nothing else
    "℃": ("temperature", _D("1")),
    "级": ("grade", _D("1")),
    "": ("none", _D("1")),
    "CFU/g": ("cfu_g", _D("1")),
    "CFU/mL": ("cfu_ml", _D("1")),
    "MPN/g": ("mpn_g", _D("1")),
    "MPN/100mL": ("mpn_100ml", _D("1")),
    "/25g": ("per_25g", _D("1")),
    "/50cm²": ("per_50cm2", _D("1")),
    "CFU/100mL": ("cfu_100ml", _D("1")),
    "CFU/250mL": ("cfu_250ml", _D("1")),
}
_ALIASES = {
    "毫克/千克": "mg/kg",
    "mg/kg": "mg/kg",
    "微克/千克": "μg/kg",
    "克/千克": "g/kg",
    "毫克/克": "mg/g",
    "克/100克": "g/100g",
    "毫克/升": "mg/L",
    "微克/升": "μg/L",
    "克/升": "g/L",
    "克/100毫升": "g/100mL",
    "毫克/立方米": "mg/m³",
    "毫米": "mm",
    "微米": "μm",
    "欧/千米": "Ω/km",
    "欧姆/千米": "Ω/km",
    "ohm/km": "Ω/km",
    "n/mm2": "N/mm²",
    "分钟": "min",
    "分": "min",
    "小时": "h",
    "°c": "℃",
    "摄氏度": "℃",
    "毫安": "mA",
    "安": "A",
    "欧": "Ω",
    "欧姆": "Ω",
    "ohm": "Ω",
    "牛": "N",
    "千牛": "kN",
    "％": "%",
    "cfu/25g": "/25g",
    "/25g": "/25g",
    "—": "",
    "-": "",
    "/": "",
    "无": "",
    "无量纲": "",
}
_BY_FOLDED = {u.casefold(): u for u in UNITS}


@lru_cache(maxsize=512)
def canonical_unit(text: str) -> str:
    """'ug/Kg', 'µg/kg', '微克/千克' → 'μg/kg'. Raises :class:`JudgementError` for an unknown unit."""
    compact = "".join((text or "").split())
    compact = compact.replace("µ", "μ").replace("·", "").replace("（", "(").replace("）", ")")
    if compact in UNITS:
        return compact
    if compact in _ALIASES:
        return _ALIASES[compact]
    folded = compact.casefold()
    if folded in _ALIASES:
        return _ALIASES[folded]
    # 'u' for micro, 'm3' for m³, 'cm2' for cm², 'l'/'ml' for litres
    folded = re.sub(r"^u(?=[gam])", "μ", folded)
    folded = re.sub(r"(?<=/)u(?=[gam])", "μ", folded)
    folded = folded.replace("m3", "m³").replace("cm2", "cm²").replace("mm2", "mm²")
    if folded in _BY_FOLDED:
        return _BY_FOLDED[folded]
    raise JudgementError(f"无法识别的单位“{text}”")


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (both canonical), exactly."""
    if from_unit == to_unit:
        return value
    source, target = UNITS[from_unit], UNITS[to_unit]
    if source[0] != target[0]:
        raise JudgementError(f"单位“{from_unit or '无'}”不能换算为限量单位“{to_unit or '无'}”")
    return plain(value * source[1] / target[1])


def plain(value: Decimal) -> Decimal:
    """Drop trailing zeros from a converted value without switching to exponent notation."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


# --- limits ------------------------------------------------------------------------------------------

RULES = ("max", "min", "range", "nd", "plan", "qual")


@dataclass(frozen=True)
class Limit:
    """What a test item requires: ``rule`` with bounds in ``unit`` (both limits in the same unit)."""

    rule: str
    unit: str = ""
    value: Decimal | None = None  # the upper bound (max, range) or the lower bound (min)
    low: Decimal | None = None  # the lower bound of a range
    plan: tuple[int, int, Decimal, Decimal | None] | None = None  # n, c, m, M
    method_lod: Decimal | None = None  # typical detection limit, in ``unit``

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r}")
        if self.rule in ("max", "min") and self.value is None:
            raise ValueError(f"{self.rule} limit needs a value")
        if self.rule == "range" and (self.value is None or self.low is None or self.low > self.value):
            raise ValueError("range limit needs low <= value")
        if self.rule == "plan" and self.plan is None:
            raise ValueError("plan limit needs (n, c, m, M)")

    def describe(self) -> str:
        """The limit as a report writes it: '≤0.2 mg/kg', '不得检出', 'n=5,c=1,m=100,M=1000 CFU/g'."""
        unit = f" {self.unit}" if self.unit else ""
        if self.rule == "max":
            return f"≤{self.value}{unit}"
        if self.rule == "min":
            return f"≥{self.value}{unit}"
        if self.rule == "range":
            return f"{self.low}～{self.value}{unit}"
        if self.rule == "nd":
            return "不得检出"
        if self.rule == "plan":
            assert self.plan is not None
            n, c, m, big_m = self.plan
            if big_m is None and m == 0:
                return f"n={n},c={c},m=0{unit}（不得检出）"
            tail = f",M={big_m}" if big_m is not None else ""
            return f"n={n},c={c},m={m}{tail}{unit}"
        return "符合标准要求"


# --- measured values ---------------------------------------------------------------------------------

_NOT_DETECTED = {"未检出", "nd", "n.d.", "n.d", "<lod", "低于检出限", "阴性", "-"}
_DETECTED = {"检出", "阳性", "+"}
_QUAL_PASS = {"符合", "合格", "通过", "符合要求", "符合标准要求", "未发现"}
_QUAL_FAIL = {"不符合", "不合格", "不通过", "不符合要求", "不符合标准要求"}
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_NUMBER = re.compile(
    r"^(?P<lt>[<≤])?(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))"
    r"(?:(?:[×xX*]10\^?(?P<exp>[+-]?\d+))|(?:[eE](?P<e>[+-]?\d+)))?(?P<unit>.*)$"
)


@dataclass(frozen=True)
class Reading:
    """One reported figure: a number, or 未检出 (below ``lod`` when known), or 检出, or 符合/不符合."""

    kind: str  # number | nd | detected | qual_pass | qual_fail
    value: Decimal | None = None
    unit: str | None = None  # a unit written inside the figure itself, e.g. '0.35mg/kg'


def _clean(text: str) -> str:
    return (
        "".join((text or "").split())
        .replace("＜", "<")
        .replace("（", "(")
        .replace("）", ")")
        .translate(_SUPERSCRIPT)
    )


def read_figure(text: str) -> Reading:
    """Parse what a laboratory wrote for one figure. Raises :class:`JudgementError`."""
    compact = _clean(text)
    if not compact:
        raise JudgementError("检验结果不能为空")
    folded = compact.casefold()
    if folded in _NOT_DETECTED:
        return Reading("nd")
    if compact in _DETECTED:
        return Reading("detected")
    if compact in _QUAL_PASS:
        return Reading("qual_pass")
    if compact in _QUAL_FAIL:
        return Reading("qual_fail")
    match = _NUMBER.match(compact)
    if not match:
        raise JudgementError(f"检验结果“{text}”不是数值，也不是“未检出”“检出”“符合”“不符合”")
    try:
        value = Decimal(match["num"])
    except InvalidOperation:
        raise JudgementError(f"检验结果“{text}”不是数值") from None
    exponent = match["exp"] or match["e"]
    if exponent is not None:
        if abs(int(exponent)) > 12:
            raise JudgementError(f"检验结果“{text}”的指数超出范围")
        value = value.scaleb(int(exponent))
    unit = match["unit"] or None
    if match["lt"]:
        # '<0.01' is how many reports write 未检出 with their detection limit
        return Reading("nd", value=value, unit=unit)
    return Reading("number", value=value, unit=unit)


def _number_in(text: str, unit_hint: str) -> tuple[Decimal, str]:
    reading = read_figure(text)
    if reading.kind not in ("number", "nd") or reading.value is None:
        raise JudgementError(f"检出限“{text}”应为数值")
    if reading.value <= 0:
        raise JudgementError(f"检出限“{text}”应大于0")
    return reading.value, canonical_unit(reading.unit) if reading.unit else unit_hint


# --- the judgement -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The outcome of one item: its judgement, the value in the limit's unit, and why, in Chinese."""

    judgement: str
    value: Decimal | None
    detection_limit: Decimal | None
    shown: str
    reason: str

    @property
    def failed(self) -> bool:
        return self.judgement == FAIL


def _fmt(value: Decimal | None, unit: str) -> str:
    return f"{value} {unit}".strip() if value is not None else ""


@lru_cache(maxsize=65536)
def judge(limit: Limit, measured: str, unit: str = "", detection_limit: str = "") -> Verdict:
    """Judge ``measured`` (in ``unit``; blank: the limit's unit) against ``limit``.

    ``detection_limit`` (检出限) is in ``unit`` unless it names its own; when the laboratory gives none,
    the item's typical method detection limit stands in. Raises :class:`JudgementError` when the
    result cannot be judged (an unknown unit, a unit of another kind, a detection limit above a
    maximum, a plan with the wrong number of units …).
    """
    if limit.rule == "plan":
        return _judge_plan(limit, measured, unit)
    reading = read_figure(measured)
    result_unit = (
        canonical_unit(reading.unit) if reading.unit else (canonical_unit(unit) if unit else limit.unit)
    )
    if unit and reading.unit and canonical_unit(unit) != result_unit:
        raise JudgementError(f"结果中的单位“{reading.unit}”与单位列“{unit}”不一致")
    if limit.rule == "qual":
        if reading.kind == "qual_pass" or (reading.kind == "nd"):
            return Verdict(PASS, None, None, "符合", "符合标准要求")
        if reading.kind in ("qual_fail", "detected"):
            return Verdict(FAIL, None, None, "不符合", "不符合标准要求")
        raise JudgementError("定性项目应填写“符合”或“不符合”")
    if reading.kind in ("qual_pass", "qual_fail"):
        raise JudgementError(f"该项目应报告数值或“未检出”，而不是“{measured.strip()}”")

    lod: Decimal | None = None
    if reading.kind == "nd" and reading.value is not None:
        lod = convert(reading.value, result_unit, limit.unit)
    elif detection_limit and detection_limit.strip():
        lod_value, lod_unit = _number_in(detection_limit, result_unit)
        lod = convert(lod_value, lod_unit, limit.unit)
    elif limit.method_lod is not None:
        lod = limit.method_lod
    value = (
        convert(reading.value, result_unit, limit.unit)
        if reading.value is not None and reading.kind == "number"
        else None
    )
    shown_unit = result_unit or ""
    nd_shown = f"未检出（检出限 {_fmt(lod, limit.unit)}）" if lod is not None else "未检出"
    converted = (
        f"（折合 {_fmt(value, limit.unit)}）" if value is not None and result_unit != limit.unit else ""
    )

    if limit.rule == "nd":
        if reading.kind == "nd" or (value is not None and lod is not None and value < lod):
            return Verdict(PASS, None, lod, nd_shown, "未检出")
        if reading.kind == "detected" or (value is not None and value > 0):
            shown = "检出" if value is None else _fmt(reading.value, shown_unit) + converted
            return Verdict(FAIL, value, lod, shown, f"检出{_fmt(value, limit.unit)}，标准规定不得检出")
        return Verdict(PASS, value, lod, _fmt(reading.value, shown_unit), "未检出")

    if reading.kind == "detected":
        raise JudgementError("限量项目应报告检出值，而不是“检出”")
    assert limit.value is not None
    if reading.kind == "nd":
        if lod is None:
            raise JudgementError("结果为“未检出”时须填写检出限")
        if limit.rule == "max":
            if lod > limit.value:
                raise JudgementError(
                    f"检出限 {_fmt(lod, limit.unit)} 高于限量 {_fmt(limit.value, limit.unit)}，方法不适用，无法判定"
                )
            return Verdict(PASS, None, lod, nd_shown, f"未检出，低于限量 {limit.describe()}")
        if limit.rule == "min":
            if lod > limit.value:
                raise JudgementError(f"检出限 {_fmt(lod, limit.unit)} 高于下限，无法判定")
            return Verdict(FAIL, None, lod, nd_shown, f"未检出，低于标准下限 {limit.describe()}")
        raise JudgementError("区间项目应报告数值")

    assert value is not None
    shown = _fmt(reading.value, shown_unit) + converted
    if limit.rule == "max":
        ok = value <= limit.value
        reason = (
            f"{_fmt(value, limit.unit)} 不超过限量 {limit.describe()}"
            if ok
            else f"{_fmt(value, limit.unit)} 超过限量 {limit.describe()}"
        )
    elif limit.rule == "min":
        ok = value >= limit.value
        reason = (
            f"{_fmt(value, limit.unit)} 达到 {limit.describe()}"
            if ok
            else f"{_fmt(value, limit.unit)} 低于标准要求 {limit.describe()}"
        )
    else:
        assert limit.low is not None
        ok = limit.low <= value <= limit.value
        reason = f"{_fmt(value, limit.unit)} {'在' if ok else '不在'}规定范围 {limit.describe()} 内"
    return Verdict(PASS if ok else FAIL, value, lod, shown, reason)


_SPLIT = re.compile(r"[;；/、,，|]+")


def _judge_plan(limit: Limit, measured: str, unit: str) -> Verdict:
    assert limit.plan is not None
    n, c, m, big_m = limit.plan
    if unit and canonical_unit(unit) != limit.unit:
        raise JudgementError(f"微生物项目的单位应为“{limit.unit}”，不能为“{unit}”")
    parts = [p for p in _SPLIT.split(_clean(measured)) if p]
    if len(parts) == 1 and read_figure(parts[0]).kind == "nd":
        parts = parts * n  # "未检出" for the whole set of units
    if len(parts) != n:
        raise JudgementError(f"该项目须报告{n}个样品单元的结果（用“/”或“;”分隔），实际为{len(parts)}个")
    values: list[Decimal] = []
    for part in parts:
        reading = read_figure(part)
        if reading.kind == "nd":
            if reading.value is not None and reading.value > m and m > 0:
                raise JudgementError(f"“{part}”的检出限高于m值{m}，无法判定")
            values.append(Decimal(0))
        elif reading.kind == "detected":
            values.append(Decimal(1) if m == 0 else m + 1)
        elif reading.kind == "number" and reading.value is not None:
            if reading.value < 0:
                raise JudgementError(f"菌落数“{part}”不能为负")
            values.append(reading.value)
        else:
            raise JudgementError(f"“{part}”不是菌落数或“未检出”")
    above_m = sum(1 for v in values if v > m)
    above_big_m = [v for v in values if big_m is not None and v > big_m]
    shown = "/".join(("未检出" if v == 0 else str(v)) for v in values)
    if above_big_m:
        return Verdict(FAIL, max(values), None, shown, f"有{len(above_big_m)}个样品单元超过M值{big_m}")
    if above_m > c:
        return Verdict(FAIL, max(values), None, shown, f"{above_m}个样品单元超过m值{m}，允许{c}个")
    return Verdict(PASS, max(values), None, shown, f"符合 {limit.describe()}")

"""Turning one register row's text into clean entity fields, or Chinese messages per column."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from zhijian.core.codes import validate_uscc

from .industries import cluster_of, normalize_industry
from .models import EntityStatus, EntityType, Tag
from .search import name_bigrams
from .tables import Column

COLUMNS = [
    Column("uscc", "统一社会信用代码", True, ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码")),
    Column("name", "企业名称", True, ("企业名称", "名称", "主体名称", "市场主体名称", "企业（机构）名称")),
    Column(
        "entity_type", "类型", True, ("类型", "企业类型", "主体类型", "市场主体类型", "企业类型（主体类型）")
    ),
    Column(
        "legal_representative",
        "法定代表人",
        True,
        (
            "法定代表人",
            "法定代表人（负责人、经营者）",
            "法定代表人/负责人/经营者",
            "负责人",
            "经营者",
            "法定代表人（负责人）",
        ),
    ),
    Column(
        "registered_capital",
        "注册资本",
        False,
        ("注册资本", "注册资本（万元）", "注册资金", "资金数额", "出资额", "注册资本（金）"),
    ),
    Column("established_on", "成立日期", True, ("成立日期", "注册日期", "登记日期", "设立日期")),
    Column("status", "登记状态", True, ("登记状态", "经营状态", "状态", "企业状态")),
    Column(
        "address", "住所", True, ("住所", "经营场所", "住所/经营场所", "住所（经营场所）", "地址", "企业住所")
    ),
    Column(
        "industry_code",
        "所属行业",
        False,
        ("所属行业", "行业代码", "国民经济行业代码", "行业", "所属行业代码"),
    ),
    Column("jurisdiction", "管辖单位", False, ("管辖单位", "登记机关", "所属辖区", "管辖机关", "辖区")),
    Column("office", "市场监管所", False, ("市场监管所", "所属市场监管所", "管辖所")),
    Column("tags", "标签", False, ("标签", "企业标签")),
    Column("contact_phone", "联系电话", False, ("联系电话", "电话")),
]

_TYPE_RULES: list[tuple[tuple[str, ...], str]] = [
    (("分公司", "分支机构", "分社", "分店", "营业单位", "分厂"), EntityType.BRANCH),
    (("个体",), EntityType.INDIVIDUAL),
    (("合作社",), EntityType.FARMER_COOP),
    (("外商", "外国", "台港澳", "中外合资", "中外合作", "外资"), EntityType.FOREIGN_INVESTED),
    (("股份有限",), EntityType.JOINT_STOCK),
    (("有限责任", "有限公司"), EntityType.LLC),
    (("个人独资",), EntityType.SOLE_PROPRIETORSHIP),
    (("合伙",), EntityType.PARTNERSHIP),
    (("全民所有制", "集体所有制", "股份合作"), EntityType.COLLECTIVE),
]
_STATUS = {
    "存续": EntityStatus.ACTIVE,
    "在营": EntityStatus.ACTIVE,
    "开业": EntityStatus.ACTIVE,
    "在业": EntityStatus.ACTIVE,
    "存续（在营、开业、在册）": EntityStatus.ACTIVE,
    "确立": EntityStatus.ACTIVE,
    "停业": EntityStatus.SUSPENDED,
    "歇业": EntityStatus.SUSPENDED,
    "注销": EntityStatus.DEREGISTERED,
    "已注销": EntityStatus.DEREGISTERED,
    "吊销": EntityStatus.REVOKED,
    "吊销，未注销": EntityStatus.REVOKED,
    "吊销未注销": EntityStatus.REVOKED,
    "撤销": EntityStatus.CANCELLED,
    "迁出": EntityStatus.MOVED_OUT,
}
_TAGS = {str(label): str(code) for code, label in Tag.choices}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")
_CAPITAL = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|万人民币|万元人民币|万)?(人民币)?$")
FORMULA_PREFIXES = ("=", "+", "-", "@")


@lru_cache(maxsize=4096)
def parse_entity_type(text: str) -> str:
    for needles, code in _TYPE_RULES:
        if any(n in text for n in needles):
            return code
    for code, label in EntityType.choices:
        if text in (label, code):
            return code
    raise ValueError(f"无法识别的主体类型“{text}”")


@lru_cache(maxsize=1024)
def parse_status(text: str) -> str:
    compact = "".join(text.split())
    if compact in _STATUS:
        return _STATUS[compact]
    if compact in EntityStatus.values:
        return compact
    raise ValueError(f"无法识别的登记状态“{text}”（可用：存续、停业、注销、吊销、撤销、迁出）")


def parse_date(text: str, today: dt.date) -> dt.date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the common ISO form, without strptime
        try:
            return _check_date(dt.date.fromisoformat(text), text, today)
        except ValueError as exc:
            if "晚于" in str(exc) or "早于" in str(exc):
                raise
    for fmt in _DATE_FORMATS:
        try:
            value = dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
        return _check_date(value, text, today)
    raise ValueError(f"日期“{text}”格式无法识别（应如 2021-03-15）")


def _check_date(value: dt.date, text: str, today: dt.date) -> dt.date:
    if value > today:
        raise ValueError(f"成立日期“{text}”晚于今天")
    if value.year < 1949:
        raise ValueError(f"成立日期“{text}”早于1949年，疑似有误")
    return value


def parse_capital(text: str) -> Decimal | None:
    if text and text.replace(".", "", 1).isdigit() and text.isascii():  # plain "123.45": no regex
        return _capital_in_range(Decimal(text), text)
    compact = "".join(text.split())
    if not compact:
        return None
    match = _CAPITAL.match(compact)
    if not match:
        raise ValueError(f"注册资本“{text}”不是金额（单位：万元）")
    try:
        value = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"注册资本“{text}”不是金额（单位：万元）") from None
    return _capital_in_range(value, text)


def _capital_in_range(value: Decimal, text: str) -> Decimal:
    if value >= _CAPITAL_LIMIT:
        raise ValueError(f"注册资本“{text}”超出范围")
    return value


_CAPITAL_LIMIT = Decimal("1e12")


@lru_cache(maxsize=4096)
def parse_tags(text: str) -> tuple[str, ...]:
    tags = []
    for label in re.split(r"[;；,，、\s]+", text.strip()):
        if not label:
            continue
        if label not in _TAGS and label not in Tag.values:
            raise ValueError(f"未知标签“{label}”（可用：{'、'.join(_TAGS)}）")
        tags.append(_TAGS.get(label, label))
    return tuple(sorted(set(tags)))


class RowValidator:
    """Validates rows of one file; knows the city's jurisdictions and the USCCs seen so far."""

    def __init__(self, jurisdictions, today: dt.date | None = None, allowed: set[int] | None = None):
        self.today = today or dt.date.today()
        self.allowed = allowed  # county-level units the importing user may change; None: all
        county = [j for j in jurisdictions if j.level in ("district", "zone")]
        self.by_name = {}
        for unit in county:
            bare = unit.name.replace("市场监督管理局", "")
            for key in {unit.name, "宁波市" + unit.name, unit.short_name, unit.code, bare}:
                self.by_name[key] = unit
        # A division code maps to the district of that territory (zones share theirs: not by code).
        self.by_division = {u.division_code: u for u in county if u.level == "district"}
        self.by_division.update(_retired_divisions(self.by_division))
        self.offices = {(o.parent_id, o.name): o for o in jurisdictions if o.level == "office"}
        self.offices.update({(o.parent_id, o.short_name): o for o in jurisdictions if o.level == "office"})
        self.first_row: dict[str, int] = {}
        self._parsers = (
            ("entity_type", parse_entity_type),
            ("status", parse_status),
            ("established_on", self._date),
            ("registered_capital", parse_capital),
            ("industry_code", _industry_or_blank),
            ("tags", parse_tags),
        )

    def _date(self, text: str) -> dt.date:
        return parse_date(text, self.today)

    def validate(self, number: int, raw: dict[str, str]) -> tuple[dict | None, list[tuple[str, str]]]:
        """Return (clean fields, []) or (None, [(field, message), …])."""
        errors: list[tuple[str, str]] = []
        for field, text in raw.items():
            if text.startswith(FORMULA_PREFIXES) and field != "registered_capital":
                errors.append((field, f"内容以“{text[0]}”开头，疑似表格公式注入，已拒绝"))
        if errors:
            return None, errors
        get = raw.get
        clean: dict = {}
        try:
            clean["uscc"] = validate_uscc(get("uscc", ""))
        except ValueError as exc:
            errors.append(("uscc", str(exc)))
        for field, label, limit in _TEXT_FIELDS:
            value = get(field, "").strip()
            if not value:
                errors.append((field, f"{label}不能为空"))
            elif len(value) > limit:
                errors.append((field, f"{label}超过{limit}个字符"))
            clean[field] = value
        # Each parser raises ValueError (or a subclass) with the Chinese message for its column.
        for field, parse in self._parsers:
            try:
                clean[field] = parse(get(field, ""))
            except ValueError as exc:
                errors.append((field, str(exc)))
        clean["name_grams"] = name_bigrams(clean["name"])
        clean["cluster"] = _cluster(clean.get("industry_code") or "")
        clean["contact_phone"] = get("contact_phone", "").strip()[:30]
        self._jurisdiction(raw, clean, errors)
        uscc = clean.get("uscc")
        if uscc:
            first = self.first_row.setdefault(uscc, number)
            if first != number:
                errors.append(("uscc", f"统一社会信用代码与第{first}行重复"))
        return (None, errors) if errors else (clean, [])

    def _jurisdiction(self, raw: dict[str, str], clean: dict, errors: list) -> None:
        named = "".join(raw.get("jurisdiction", "").split())
        unit = None
        if named:
            unit = self.by_name.get(named)
            if unit is None:
                errors.append(("jurisdiction", f"管辖单位“{named}”不是本市的区县(市)局或分局"))
                return
        elif clean.get("uscc"):
            unit = self.by_division.get(clean["uscc"][2:8])
            if unit is None:
                errors.append(
                    (
                        "jurisdiction",
                        f"代码中的登记地“{clean['uscc'][2:8]}”不在本市各区县(市)，请填写管辖单位",
                    )
                )
                return
        else:
            return
        if self.allowed is not None and unit.pk not in self.allowed:
            errors.append(("jurisdiction", "该主体不在您的辖区，无权导入"))
            return
        clean["jurisdiction_id"] = unit.pk
        office_name = raw.get("office", "").strip()
        clean["office_id"] = None
        if office_name:
            office = self.offices.get((unit.pk, office_name)) or self.offices.get(
                (unit.pk, office_name + "市场监督管理所")
            )
            if office is None:
                errors.append(("office", f"市场监管所“{office_name}”不属于{unit.name}"))
            else:
                clean["office_id"] = office.pk


_industry = lru_cache(maxsize=8192)(normalize_industry)


def _industry_or_blank(text: str) -> str:
    text = text.strip()
    return _industry(text) if text else ""


_TEXT_FIELDS = (("name", "名称", 200), ("legal_representative", "法定代表人", 60), ("address", "住所", 300))
_cluster = lru_cache(maxsize=8192)(cluster_of)


def _retired_divisions(by_division: dict) -> dict:
    """Division codes retired by boundary changes, still printed in older USCCs.

    江东区 330204 merged into 鄞州区 in 2016 (国函〔2016〕137号); the older 鄞县 code
    330227 became 鄞州 in 2002; 奉化市 330283 became 奉化区 330213 in 2016.
    """
    retired = {"330204": "330212", "330227": "330212", "330283": "330213"}
    return {old: by_division[new] for old, new in retired.items() if new in by_division}

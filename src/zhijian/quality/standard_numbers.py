"""Standard numbers (标准编号) in the official formats: parse, validate, normalise.

A Chinese standard number is ``<代号> <顺序号>-<年代号>``: GB 4806.1-2016, GB/T 4754-2017, GB/Z 41809-2022
(national, GB 1.1 / 《国家标准管理办法》); industry standards with a two-letter code of the approved
list (JB/T 10560-2006, QB/T 1333-2018); local standards DB + the province's (or city's) division code
(DB33/T 2350-2021, DB3302/T 1123-2022); group standards T/<社会团体代号> (T/CAS 115-2005, and the
浙江制造 standards T/ZZB 0001-2016); enterprise standards Q/<企业代号> (Q/NBXT 001-2020, with the
S of a 企业标准 self-declared as food safety: Q/YLT 0001S-2019). Foreign and international standards
use a colon before the year (ISO 9001:2015, IEC 60335-2-24:2020, EN 71-1:2014+A1:2018) or, for ASTM,
a two-digit suffix (ASTM D638-14). Old national standards keep their two-digit year (GB 3100-93).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# 行业标准代号 (industry standard codes) approved by SAC (《行业标准管理办法》附件 and later approvals).
INDUSTRY_CODES = frozenset(
    [
        "AQ",
        "BB",
        "CB",
        "CH",
        "CJ",
        "CY",
        "DA",
        "DL",
        "DZ",
        "EJ",
        "FZ",
        "GA",
        "GB",
        "GH",
        "GM",
        "GY",
        "HB",
        "HG",
        "HJ",
        "HS",
        "HY",
        "JB",
        "JC",
        "JG",
        "JR",
        "JT",
        "JY",
        "LB",
        "LD",
        "LS",
        "LY",
        "MH",
        "MT",
        "MZ",
        "NB",
        "NY",
        "QB",
        "QC",
        "QJ",
        "RB",
        "SB",
        "SC",
        "SF",
        "SH",
        "SJ",
        "SL",
        "SN",
        "SW",
        "SY",
        "TB",
        "TD",
        "TY",
        "WB",
        "WH",
        "WJ",
        "WM",
        "WS",
        "WW",
        "XB",
        "YB",
        "YC",
        "YD",
        "YS",
        "YY",
        "YZ",
        "ZY",
    ]
) - {"GB"}
# Province-level division codes (GB/T 2260) a DB number may carry.
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
    ]
)
FOREIGN_PREFIXES = (
    "ISO/IEC",
    "ISO",
    "IEC",
    "EN",
    "BS EN",
    "DIN EN",
    "DIN",
    "JIS",
    "ANSI",
    "UL",
    "IEEE",
    "SAE",
    "ITU-T",
)


class Kind:
    NATIONAL = "national"
    INDUSTRY = "industry"
    LOCAL = "local"
    GROUP = "group"
    ZHEJIANG_MADE = "zhejiang_made"
    ENTERPRISE = "enterprise"
    FOREIGN = "foreign"

    CHOICES = [
        (NATIONAL, "国家标准"),
        (INDUSTRY, "行业标准"),
        (LOCAL, "地方标准"),
        (GROUP, "团体标准"),
        (ZHEJIANG_MADE, "“浙江制造”标准"),
        (ENTERPRISE, "企业标准"),
        (FOREIGN, "国际及国外标准"),
    ]


class StandardNumberError(ValueError):
    """The text is not a standard number in an official format; the message is Chinese."""


@dataclass(frozen=True)
class StandardNumber:
    """A parsed standard number: ``code`` is the 代号 (GB/T, JB/T, DB33/T, T/ZZB …)."""

    number: str  # the canonical text
    kind: str
    code: str
    serial: str
    year: int
    mandatory: bool

    def __str__(self) -> str:
        return self.number


_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d"
_CN = re.compile(
    r"""^(?P<code>GB(?:/[TZ])?|[A-Z]{2}(?:/[TZ])?|DB\d{2}(?:\d{2})?(?:/[TZ])?|T/[A-Z][A-Z0-9]{1,11}|Q/[A-Z0-9]{2,20}(?:\ [A-Z0-9]{1,10})?)
        \ (?P<serial>\d{1,6}(?:\.\d{1,3}){0,2}[A-Z]?)-(?P<year>\d{4}|\d{2})$""",
    re.X,
)
_FOREIGN = re.compile(
    r"^(?P<code>ISO/IEC|BS EN|DIN EN|ISO|IEC|EN|DIN|JIS [A-Z]|ANSI|UL|IEEE|SAE [A-Z]|ITU-T [A-Z])"
    r" (?P<serial>[0-9][0-9A-Z.\-]*?)(?::(?P<year>\d{4}))(?P<amend>(?:\+A\d{1,2}:\d{4})*)$"
)
_ASTM = re.compile(r"^ASTM (?P<serial>[A-G]\d{1,4}(?:/[A-G]\d{1,4}M)?M?)-(?P<year>\d{2})[a-e]?$")


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "")  # full-width letters, digits, ／ and ：
    for dash in _DASHES:
        text = text.replace(dash, "-")
    text = " ".join(text.upper().split())
    # "GB/T4754-2017", "GB / T 4754 - 2017", "GBT 4754-2017" → "GB/T 4754-2017"
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"\s*:\s*", ":", text)
    text = re.sub(r"^(GB|[A-Z]{2})([TZ])(?=[\s\d])", r"\1/\2", text)
    text = re.sub(r"^(GB(?:/[TZ])?|[A-Z]{2}/[TZ]|DB\d{2}(?:\d{2})?/[TZ])(?=\d)", r"\1 ", text)
    text = re.sub(r"^(ISO/IEC|ISO|IEC|EN)(?=\d)", r"\1 ", text)  # "ISO9001:2015"
    return text


def _full_year(text: str) -> int:
    value = int(text)
    if len(text) == 4:
        return value
    return 1900 + value if value >= 50 else 2000 + value


def parse_standard_number(raw: str) -> StandardNumber:
    """Parse ``raw`` into a :class:`StandardNumber` or raise :class:`StandardNumberError` in Chinese."""
    text = _clean(raw)
    if not text:
        raise StandardNumberError("请填写标准编号")
    if match := _ASTM.match(text):
        return StandardNumber(text, Kind.FOREIGN, "ASTM", match["serial"], _full_year(match["year"]), False)
    if match := _FOREIGN.match(text):
        return StandardNumber(text, Kind.FOREIGN, match["code"], match["serial"], int(match["year"]), False)
    match = _CN.match(text)
    if not match:
        raise StandardNumberError(
            f"“{raw}”不是有效的标准编号（应如 GB/T 4754-2017、JB/T 10560-2006、DB33/T 2350-2021、"
            "T/ZZB 0001-2016、Q/NBXT 001-2020 或 ISO 9001:2015）"
        )
    code, serial, year_text = match["code"], match["serial"], match["year"]
    year = _full_year(year_text)
    if year < 1950:
        raise StandardNumberError(f"“{raw}”的年代号{year_text}无效")
    if code.startswith("GB"):
        kind = Kind.NATIONAL
    elif code.startswith("DB"):
        if code[2:4] not in PROVINCES:
            raise StandardNumberError(f"“{raw}”的地方标准代号{code}中的行政区划代码{code[2:4]}不存在")
        kind = Kind.LOCAL
    elif code.startswith("T/"):
        kind = Kind.ZHEJIANG_MADE if code == "T/ZZB" else Kind.GROUP
    elif code.startswith("Q/"):
        kind = Kind.ENTERPRISE
    else:
        if code[:2] not in INDUSTRY_CODES:
            raise StandardNumberError(f"“{raw}”的行业标准代号{code[:2]}不在批准的行业标准代号中")
        kind = Kind.INDUSTRY
    if len(year_text) == 2 and kind not in (Kind.NATIONAL, Kind.INDUSTRY):
        raise StandardNumberError(f"“{raw}”的年代号应为四位数字")
    if kind in (Kind.GROUP, Kind.ZHEJIANG_MADE, Kind.ENTERPRISE, Kind.LOCAL) and year < 1988:
        raise StandardNumberError(f"“{raw}”的年代号{year}早于该类标准设立的年份")
    mandatory = kind in (Kind.NATIONAL, Kind.INDUSTRY, Kind.LOCAL) and not code.endswith(("/T", "/Z"))
    return StandardNumber(f"{code} {serial}-{year_text}", kind, code, serial, year, mandatory)


def normalize_standard_number(raw: str) -> str:
    return parse_standard_number(raw).number


def looks_like_standard_number(text: str) -> bool:
    try:
        parse_standard_number(text)
    except StandardNumberError:
        return False
    return True

"""Standard numbers in the official formats: national, industry, local, group, 浙江制造, enterprise, foreign."""

import pytest

from zhijian.quality.standard_numbers import Kind, StandardNumberError, parse_standard_number

VALID = [
    # as written, canonical, kind, code, year, mandatory
    ("GB/T 4754-2017", "GB/T 4754-2017", Kind.NATIONAL, "GB/T", 2017, False),
    ("GB 4806.1-2016", "GB 4806.1-2016", Kind.NATIONAL, "GB", 2016, True),
    ("GB/Z 41809-2022", "GB/Z 41809-2022", Kind.NATIONAL, "GB/Z", 2022, False),
    ("GB 3100-93", "GB 3100-93", Kind.NATIONAL, "GB", 1993, True),
    ("GB/T 2828.1-2012", "GB/T 2828.1-2012", Kind.NATIONAL, "GB/T", 2012, False),
    ("gb/t4754—2017", "GB/T 4754-2017", Kind.NATIONAL, "GB/T", 2017, False),  # lower case, no space, em dash
    ("ＧＢ／Ｔ　４７５４－２０１７", "GB/T 4754-2017", Kind.NATIONAL, "GB/T", 2017, False),  # full width
    ("GBT 2828.1-2012", "GB/T 2828.1-2012", Kind.NATIONAL, "GB/T", 2012, False),
    ("JB/T 10560-2006", "JB/T 10560-2006", Kind.INDUSTRY, "JB/T", 2006, False),
    ("QB/T 1333-2018", "QB/T 1333-2018", Kind.INDUSTRY, "QB/T", 2018, False),
    ("FZ/T 73020-2019", "FZ/T 73020-2019", Kind.INDUSTRY, "FZ/T", 2019, False),
    ("HG/T 2902-1997", "HG/T 2902-1997", Kind.INDUSTRY, "HG/T", 1997, False),
    ("YY 0505-2012", "YY 0505-2012", Kind.INDUSTRY, "YY", 2012, True),
    ("DB33/T 2350-2021", "DB33/T 2350-2021", Kind.LOCAL, "DB33/T", 2021, False),
    ("DB33 656-2013", "DB33 656-2013", Kind.LOCAL, "DB33", 2013, True),
    ("DB3302/T 1123-2022", "DB3302/T 1123-2022", Kind.LOCAL, "DB3302/T", 2022, False),
    ("T/ZZB 0001-2016", "T/ZZB 0001-2016", Kind.ZHEJIANG_MADE, "T/ZZB", 2016, False),
    ("T/CAS 115-2005", "T/CAS 115-2005", Kind.GROUP, "T/CAS", 2005, False),
    ("T/NBSX 003-2021", "T/NBSX 003-2021", Kind.GROUP, "T/NBSX", 2021, False),
    ("Q/NBXT 001-2020", "Q/NBXT 001-2020", Kind.ENTERPRISE, "Q/NBXT", 2020, False),
    ("Q/YLT 0001S-2019", "Q/YLT 0001S-2019", Kind.ENTERPRISE, "Q/YLT", 2019, False),
    ("ISO 9001:2015", "ISO 9001:2015", Kind.FOREIGN, "ISO", 2015, False),
    ("IEC 60335-2-24:2020", "IEC 60335-2-24:2020", Kind.FOREIGN, "IEC", 2020, False),
    ("ISO/IEC 17025:2017", "ISO/IEC 17025:2017", Kind.FOREIGN, "ISO/IEC", 2017, False),
    ("EN 71-1:2014+A1:2018", "EN 71-1:2014+A1:2018", Kind.FOREIGN, "EN", 2014, False),
    ("JIS C 9335-1:2014", "JIS C 9335-1:2014", Kind.FOREIGN, "JIS C", 2014, False),
    ("ASTM D638-14", "ASTM D638-14", Kind.FOREIGN, "ASTM", 2014, False),
    ("iso9001：2015", "ISO 9001:2015", Kind.FOREIGN, "ISO", 2015, False),
]


@pytest.mark.parametrize("raw, canonical, kind, code, year, mandatory", VALID)
def test_real_numbers_parse_to_their_canonical_form(raw, canonical, kind, code, year, mandatory):
    parsed = parse_standard_number(raw)
    assert (parsed.number, parsed.kind, parsed.code, parsed.year, parsed.mandatory) == (
        canonical,
        kind,
        code,
        year,
        mandatory,
    )


INVALID = [
    ("", "请填写标准编号"),
    ("GB 4754", "不是有效的标准编号"),  # no year
    ("GB/T 4754-17x", "不是有效的标准编号"),
    ("XX/T 100-2020", "行业标准代号XX"),  # not an approved industry code
    ("DB99/T 1-2020", "行政区划代码99"),  # no province 99
    ("T/ZZB 1-88", "年代号应为四位数字"),  # group standards never had two-digit years
    ("Q/NBXT 001-1980", "早于该类标准设立"),
    ("GB/T 4754-1901", "年代号"),
    ("ISO 9001", "不是有效的标准编号"),  # an ISO number needs its year after a colon
    ("质量管理体系", "不是有效的标准编号"),
]


@pytest.mark.parametrize("raw, message", INVALID)
def test_malformed_numbers_are_refused_in_chinese(raw, message):
    with pytest.raises(StandardNumberError, match=message):
        parse_standard_number(raw)

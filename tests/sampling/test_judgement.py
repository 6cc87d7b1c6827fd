"""Judging one item: numeric limits, 不得检出 with detection limits, unit conversion, sampling plans."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhijian.sampling.judgement import FAIL, PASS, JudgementError, Limit, canonical_unit, convert, judge

D = Decimal
LEAD_RICE = Limit("max", "mg/kg", value=D("0.2"), method_lod=D("0.02"))  # GB 2762-2022 表1
AFB1 = Limit("max", "μg/kg", value=D("10"))  # GB 2761-2017 大米
BENZOIC_CAKE = Limit("nd", "g/kg", method_lod=D("0.005"))  # GB 2760-2014: not permitted in 糕点
CLENBUTEROL = Limit("nd", "μg/kg")  # 农业农村部公告第250号
PROTEIN = Limit("min", "g/100g", value=D("2.9"))
PH = Limit("range", "", value=D("7.5"), low=D("4.0"))
STAPH = Limit("plan", "CFU/g", plan=(5, 1, D("100"), D("1000")))  # GB 29921-2021
SALMONELLA = Limit("plan", "/25g", plan=(5, 0, D("0"), None))
FLAME = Limit("qual")


@pytest.mark.parametrize(
    ("measured", "unit", "expected"),
    [
        ("0.15", "mg/kg", PASS),
        ("0.2", "mg/kg", PASS),  # equal to the limit passes (≤)
        ("0.200", "", PASS),  # blank unit: the limit's
        ("0.21", "mg/kg", FAIL),
        ("200", "μg/kg", PASS),  # 200 μg/kg = 0.2 mg/kg, exactly
        ("201", "ug/kg", FAIL),
        ("0.0002", "g/kg", PASS),
        ("0.00021", "g/kg", FAIL),
        ("0.35mg/kg", "", FAIL),  # a unit written inside the figure
    ],
)
def test_numeric_maximum_in_any_unit_of_mass_fraction(measured, unit, expected):
    assert judge(LEAD_RICE, measured, unit).judgement == expected


def test_a_failing_value_is_explained_in_the_limit_unit():
    verdict = judge(LEAD_RICE, "350", "μg/kg")
    assert verdict.judgement == FAIL
    assert verdict.value == D("0.35")
    assert "0.35 mg/kg 超过限量 ≤0.2 mg/kg" in verdict.reason
    assert "折合 0.35 mg/kg" in verdict.shown


def test_microgram_limit_with_milligram_result():
    assert judge(AFB1, "0.008", "mg/kg").judgement == PASS  # 8 μg/kg
    assert judge(AFB1, "0.0101", "mg/kg").judgement == FAIL


def test_not_detected_below_a_maximum_needs_a_detection_limit_below_it():
    assert judge(LEAD_RICE, "未检出").judgement == PASS  # the item's method detection limit 0.02 stands in
    assert judge(LEAD_RICE, "ND", "mg/kg", "0.01").detection_limit == D("0.01")
    assert judge(LEAD_RICE, "<0.05", "mg/kg").judgement == PASS  # '<LOD' is how reports write 未检出
    with pytest.raises(JudgementError, match="检出限 0.3 mg/kg 高于限量"):
        judge(LEAD_RICE, "未检出", "mg/kg", "0.3")
    with pytest.raises(JudgementError, match="须填写检出限"):
        judge(AFB1, "未检出")


@pytest.mark.parametrize(
    ("measured", "unit", "lod", "expected"),
    [
        ("未检出", "g/kg", "0.005", PASS),
        ("未检出", "", "", PASS),
        ("0.003", "g/kg", "0.005", PASS),  # below the detection limit: not detected
        ("0.005", "g/kg", "0.005", FAIL),  # at the detection limit: detected
        ("0.12", "g/kg", "", FAIL),
        ("12", "mg/kg", "5 mg/kg", FAIL),  # 0.012 g/kg ≥ 0.005 g/kg
        ("4", "mg/kg", "5", PASS),  # 4 mg/kg < 5 mg/kg
        ("检出", "", "", FAIL),
    ],
)
def test_must_not_be_detected(measured, unit, lod, expected):
    assert judge(BENZOIC_CAKE, measured, unit, lod).judgement == expected


def test_banned_drug_without_any_detection_limit_fails_on_any_positive_value():
    assert judge(CLENBUTEROL, "未检出").judgement == PASS
    assert judge(CLENBUTEROL, "0.3", "μg/kg").judgement == FAIL
    assert judge(CLENBUTEROL, "0", "μg/kg").judgement == PASS


def test_minimum_range_and_qualitative_requirements():
    assert judge(PROTEIN, "3.1").judgement == PASS
    assert judge(PROTEIN, "2.9").judgement == PASS
    assert judge(PROTEIN, "2.85").judgement == FAIL
    assert judge(PROTEIN, "29", "g/kg").judgement == PASS  # 2.9 g/100g
    assert judge(PH, "7.5").judgement == PASS and judge(PH, "7.6").judgement == FAIL
    assert judge(PH, "3.9").judgement == FAIL
    assert judge(FLAME, "符合").judgement == PASS and judge(FLAME, "不符合").judgement == FAIL
    with pytest.raises(JudgementError, match="定性项目"):
        judge(FLAME, "12")


@pytest.mark.parametrize(
    ("measured", "expected"),
    [
        ("<10/<10/20/50/90", PASS),
        ("150/<10/20/50/90", PASS),  # one unit above m: c = 1 allows it
        ("150/120/20/50/90", FAIL),  # two above m
        ("1.2×10³/<10/20/50/90", FAIL),  # above M
        ("未检出", PASS),  # all units not detected
    ],
)
def test_microbiological_sampling_plan(measured, expected):
    assert judge(STAPH, measured).judgement == expected


def test_two_class_plan_for_pathogens_and_wrong_unit_count():
    assert judge(SALMONELLA, "未检出/未检出/未检出/未检出/未检出").judgement == PASS
    assert judge(SALMONELLA, "未检出/检出/未检出/未检出/未检出").judgement == FAIL
    with pytest.raises(JudgementError, match="须报告5个样品单元"):
        judge(STAPH, "10/20")


@pytest.mark.parametrize(
    ("measured", "unit", "message"),
    [
        ("abc", "mg/kg", "不是数值"),
        ("0.1", "furlongs", "无法识别的单位"),
        ("0.1", "mg/L", "不能换算"),
        ("", "", "不能为空"),
    ],
)
def test_unjudgeable_results_are_refused_with_a_reason(measured, unit, message):
    with pytest.raises(JudgementError, match=message):
        judge(LEAD_RICE, measured, unit)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("ug/Kg", "μg/kg"),
        ("µg/kg", "μg/kg"),
        ("微克/千克", "μg/kg"),
        ("MG/KG", "mg/kg"),
        ("mg/m3", "mg/m³"),
        ("％", "%"),
    ],
)
def test_unit_spellings(text, canonical):
    assert canonical_unit(text) == canonical


def test_conversions_between_mass_fraction_units_are_exact():
    assert convert(D("0.2"), "mg/kg", "μg/kg") == D("200")
    assert convert(D("1"), "g/kg", "mg/kg") == D("1000")
    assert convert(D("0.25"), "g/100g", "g/kg") == D("2.5")
    assert convert(D("0.1"), "%", "mg/kg") == D("1000")
    assert convert(D("7.41"), "mΩ/m", "Ω/km") == D("7.41")


_UNITS = ["mg/kg", "μg/kg", "g/kg", "g/100g", "%", "mg/g"]


@given(
    value=st.decimals(min_value=D("0.000001"), max_value=D("100000"), places=6),
    unit=st.sampled_from(_UNITS),
)
def test_judging_is_the_same_whatever_mass_fraction_unit_the_result_is_written_in(value, unit):
    in_limit_unit = convert(value, "mg/kg", unit)
    assert (
        judge(LEAD_RICE, str(value), "mg/kg").judgement
        == judge(LEAD_RICE, str(in_limit_unit), unit).judgement
    )


@given(
    value=st.decimals(min_value=D("0.0001"), max_value=D("1000"), places=4),
    a=st.sampled_from(_UNITS),
    b=st.sampled_from(_UNITS),
)
def test_conversion_round_trip(value, a, b):
    assert convert(convert(value, a, b), b, a) == value

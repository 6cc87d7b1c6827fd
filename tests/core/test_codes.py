import pytest
from stdnum.cn import uscc

from zhijian.core.codes import CodeError, normalize_uscc, validate_uscc

VALID = "91330203" + "MA2AB1234"
VALID += uscc.calc_check_digit(VALID)


def test_valid_code_passes_unchanged():
    assert validate_uscc(VALID) == VALID


def test_lower_case_and_spaces_are_tolerated():
    messy = " " + " ".join([VALID[:8], VALID[8:].lower()]) + " "
    assert normalize_uscc(messy) == VALID
    assert validate_uscc(messy) == VALID


def test_wrong_check_character_names_the_expected_one():
    wrong = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")
    with pytest.raises(CodeError) as err:
        validate_uscc(wrong)
    assert err.value.code == "uscc_checksum"
    assert f"应为“{VALID[-1]}”" in str(err.value)


@pytest.mark.parametrize("code", [VALID[:-1], VALID + "1", "9133"])
def test_wrong_length(code):
    with pytest.raises(CodeError) as err:
        validate_uscc(code)
    assert err.value.code == "uscc_length"
    assert "18位" in str(err.value)


def test_forbidden_letters_are_a_format_error():
    with pytest.raises(CodeError) as err:
        validate_uscc("9133020" + "3MA2AB12I4" + "X")  # I is not in the alphabet
    assert err.value.code == "uscc_format"


def test_empty():
    with pytest.raises(CodeError) as err:
        validate_uscc("  ")
    assert err.value.code == "uscc_missing"

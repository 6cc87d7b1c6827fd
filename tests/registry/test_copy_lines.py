"""Staging lines (PostgreSQL COPY text) survive any text a register file may hold."""

from hypothesis import given
from hypothesis import strategies as st

from zhijian.registry.writing import copy_line, parse_copy_line

field = st.one_of(st.none(), st.text(alphabet=st.sampled_from('ab恒达\t\n\r\\N,{}" '), max_size=12))


@given(st.lists(field, min_size=1, max_size=8))
def test_a_line_parses_back_to_its_fields(values):
    line = copy_line(values)
    assert "\n" not in line and "\r" not in line
    assert parse_copy_line(line) == values


def test_plain_fields_take_the_fast_path_unchanged():
    assert (
        copy_line(["91330203MA2ABCDE0A", None, "宁波恒达机械有限公司"])
        == "91330203MA2ABCDE0A\t\\N\t宁波恒达机械有限公司"
    )


def test_a_backslash_n_in_text_is_not_a_null():
    line = copy_line(["\\N", None])
    assert line == "\\\\N\t\\N"
    assert parse_copy_line(line) == ["\\N", None]

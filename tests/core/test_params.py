"""The shared parameter parser (issue 15 item 4): a value is valid or refused with a Chinese message."""

from __future__ import annotations

import datetime as dt

import pytest

from zhijian.core.errors import DomainError
from zhijian.core.params import BadParameter, date_param, id_list, int_param, page_param
from zhijian.credit.forms import PenaltyForm
from zhijian.sampling.forms import TaskForm


@pytest.mark.parametrize(
    "value", [str(2**63), str(2**70), "-" + str(2**70), "²", "١٢", "1.5", "1e3", " 0x1", "0"]
)
def test_an_id_outside_the_integer_range_or_not_ascii_digits_is_refused(value):
    with pytest.raises(BadParameter) as refused:
        int_param({"jurisdiction": value}, "jurisdiction")
    error = refused.value
    assert isinstance(error, DomainError) and error.status == 400 and error.code == "invalid_parameter"
    assert error.message.startswith("参数“jurisdiction”应为") and "jurisdiction" in error.fields


def test_valid_and_absent_values():
    assert int_param({"id": str(2**63 - 1)}, "id") == 2**63 - 1
    assert int_param({"id": " 42 "}, "id") == 42
    assert int_param({}, "id") is None and int_param({"id": ""}, "id", default=7) == 7
    assert page_param({}) == 1 and page_param({"page": "3"}) == 3
    assert date_param({"d": "2026-02-28"}, "d") == dt.date(2026, 2, 28)
    assert id_list(["1", "2", ""]) == [1, 2]


@pytest.mark.parametrize(
    ("name", "value"), [("page", "10001"), ("page", "-1"), ("d", "2026-02-30"), ("d", "9999-01-01")]
)
def test_pages_and_dates_out_of_range_are_refused(name, value):
    with pytest.raises(BadParameter):
        page_param({name: value}) if name == "page" else date_param({name: value}, name)


def test_form_numbers_are_bounded_to_what_the_columns_hold():
    penalty = PenaltyForm(
        {
            "title": "x",
            "occurred_on": "2026-01-01",
            "measures": ["fine"],
            "sector": "general",
            "fine_amount": "1" * 20,
        }
    )
    assert not penalty.is_valid() and "fine_amount" in penalty.errors
    assert TaskForm.base_fields["quota"].max_value == 1_000_000

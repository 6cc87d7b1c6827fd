"""Date pickers show their value: ISO dates, prefilled with today (a localised 2026/12/01 shows blank)."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from zhijian.core.forms import date_field
from zhijian.credit.forms import PenaltyForm
from zhijian.sampling.forms import ServeForm


def _value(html: str, name: str) -> str:
    match = re.search(rf'<input type="date" name="{name}" value="([^"]*)"', html)
    assert match, html
    return match.group(1)


@pytest.mark.parametrize(("form", "name"), [(PenaltyForm, "occurred_on"), (ServeForm, "served_on")])
def test_date_fields_render_today_in_iso_under_the_chinese_locale(form, name):
    with translation.override("zh-hans"):
        html = str(form()[name])
    assert _value(html, name) == timezone.localdate().isoformat()


def test_a_bound_date_keeps_what_was_typed():
    from django import forms

    class F(forms.Form):
        on = date_field("日期")

    with translation.override("zh-hans"):
        bound = F(data={"on": "2026-02-29"})
        assert not bound.is_valid()
        assert _value(str(bound["on"]), "on") == "2026-02-29"
        good = F(data={"on": "2026-02-27"})
        assert good.is_valid() and good.cleaned_data["on"] == dt.date(2026, 2, 27)

"""Form parts every app shares."""

from __future__ import annotations

from django import forms
from django.utils import timezone


class DateInput(forms.DateInput):
    """A date picker whose value is always ISO (YYYY-MM-DD): the only format ``<input type=date>`` shows.

    Django's localised rendering (``2026/12/01`` in zh-hans) would leave the picker blank.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = True, today: bool = True, **kwargs) -> forms.DateField:
    """A date field prefilled with today (``today=False``: left empty)."""
    if today:
        kwargs.setdefault("initial", timezone.localdate)
    return forms.DateField(label=label, required=required, widget=DateInput, **kwargs)

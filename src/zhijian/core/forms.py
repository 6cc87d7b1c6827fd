"""Form parts every app shares."""

from __future__ import annotations

import datetime as dt

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
    """A date field prefilled with today (``today=False``: left empty; ``initial=`` another default)."""
    if today:
        kwargs.setdefault("initial", timezone.localdate)
    return forms.DateField(label=label, required=required, widget=DateInput, **kwargs)


def end_of_quarter() -> dt.date:
    """The last day of the current quarter: the default deadline of a task planned now."""
    today = timezone.localdate()
    last_month = (today.month - 1) // 3 * 3 + 3
    following = dt.date(today.year + (last_month == 12), last_month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def previous_month() -> tuple[dt.date, dt.date]:
    """The first and last day of the previous calendar month (a monthly report's period)."""
    first_of_this = timezone.localdate().replace(day=1)
    last = first_of_this - dt.timedelta(days=1)
    return last.replace(day=1), last


class FilesInput(forms.ClearableFileInput):
    """A file input that takes several files at once (``multiple``)."""

    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input: cleans to a list of uploads (empty when none is chosen).

    The request's total size is bounded by :func:`zhijian.core.uploads.upload_limit` on the view; the
    service checks each file's kind and size.
    """

    def __init__(self, *args, accept: str = "", **kwargs):
        kwargs.setdefault("widget", FilesInput(attrs={"accept": accept} if accept else None))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []

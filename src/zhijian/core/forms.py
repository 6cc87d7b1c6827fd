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

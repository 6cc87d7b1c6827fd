"""Statutory numbers as dated rule data (规则数据), looked up by the date a case started."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .models import RuleValue


class MissingRule(LookupError):
    def __init__(self, key: str, on: dt.date):
        super().__init__(f"规则“{key}”在 {on:%Y-%m-%d} 没有有效取值，请管理员补录。")
        self.key, self.on = key, on


def rule(key: str, on: dt.date) -> RuleValue:
    """The version of rule ``key`` in force on ``on`` (a case keeps the rule it started under)."""
    found = (
        RuleValue.objects.filter(key=key, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )
    if found is None:
        raise MissingRule(key, on)
    return found

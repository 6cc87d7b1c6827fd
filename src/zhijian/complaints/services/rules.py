"""Confirming a rule value against the official text (规则核对)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhijian.core import audit
from zhijian.core.models import Role

from ..models import RuleCheck
from ._base import ComplaintsError, is_system, require_role


def confirm_rule(*, actor, check: RuleCheck, checked_against: str, on: dt.date | None = None) -> RuleCheck:
    """An administrator confirms an unconfirmed rule; cases computed on it stop saying so."""
    require_role(actor, {Role.CITY_ADMIN}, "只有市局管理员可以确认规则数据")
    if not checked_against.strip():
        raise ComplaintsError(
            "source_missing", "请填写核对所依据的正式文本", {"checked_against": "请填写核对依据"}
        )
    with transaction.atomic():
        check = RuleCheck.objects.select_for_update().get(pk=check.pk)
        if check.confirmed_on:
            raise ComplaintsError("confirmed", "该规则已确认")
        check.confirmed_on = on or dt.date.today()
        check.confirmed_by = None if is_system(actor) else actor
        check.checked_against = checked_against.strip()[:200]
        check.save(update_fields=["confirmed_on", "confirmed_by", "checked_against"])
        audit.record(
            actor,
            audit.Change(
                "complaints.rule.confirm",
                "RuleValue",
                str(check.rule_id),
                {"confirmed": False},
                {"confirmed": True, "checked_against": checked_against},
            ),
        )
    return check

"""The 12315 procedure's rule versions; the numbers themselves are rule data (migration 0002).

Order 20 (《市场监督管理投诉举报处理暂行办法》, 国家市场监督管理总局令第20号, in force 2020-01-01,
amended by Order 61 of 2022) applies to cases received up to 2026-04-14; Order 121
(《市场监督管理投诉举报处理办法》, 国家市场监督管理总局令第121号) to cases received from 2026-04-15.
Order 121's rows were entered before the official text was checked against: each has a
:class:`~zhijian.complaints.models.RuleCheck` with no confirmation, and every case computed on one
says so until an administrator confirms it (``services.rules.confirm_rule``).

The numbers the law leaves to the platform (the ODR firm's window, the city's deadline to settle a
jurisdiction dispute, the disclosure delay, the duplicate window, the warning margin) are rows too,
marked as platform configuration in their note.
"""

from __future__ import annotations

import datetime as dt

ORDER_20_FROM = dt.date(2020, 1, 1)
ORDER_121_FROM = dt.date(2026, 4, 15)
ORDER_20_TO = ORDER_121_FROM - dt.timedelta(days=1)

ORDER_20_TITLE = "《市场监督管理投诉举报处理暂行办法》（国家市场监督管理总局令第20号，2022年第61号令修改）"
ORDER_121_TITLE = "《市场监督管理投诉举报处理办法》（国家市场监督管理总局令第121号）"


def ensure_rules() -> None:
    """Load the rule rows (tests whose flush removed them; a fresh database has them from migrating)."""
    from importlib import import_module

    from django.apps import apps

    from zhijian.core.models import RuleValue

    if not RuleValue.objects.filter(key="complaints.accept_decision").exists():
        import_module("zhijian.complaints.migrations.0002_procedure_rules").forwards(apps, None)

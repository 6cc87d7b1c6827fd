from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem
from zhijian.core.roles import OFFICERS, STAFF
from zhijian.core.schedule import Scheduled


class CreditConfig(AppConfig):
    name = "zhijian.credit"
    label = "credit"
    verbose_name = "信用监管"
    demo_loader = "zhijian.demo.credit.loader.load"
    schedule = [
        Scheduled(
            "credit.expire", "zhijian.credit.scheduled.expire", "停止公示期满的信用记录", daily_at="00:30"
        ),
    ]
    nav = [
        NavItem("信用监管", "credit:overview", STAFF),
        NavItem("信用修复", "credit:repairs", OFFICERS),
        NavItem("列入建议", "credit:proposals", OFFICERS),
        NavItem("我的信用", "credit:mine", frozenset({"enterprise"})),
        NavItem("信用名录", "credit:public_lists", frozenset({PUBLIC})),
    ]

    urls = [("credit/", "zhijian.credit.urls")]
    api_router = ("/credit/", "zhijian.credit.api.router")
    todos = "zhijian.credit.workbench.todos"
    links = {
        "credit.entity": "credit:entity",
        "credit.mine": "credit:mine",
        "credit.report": "credit:report",
    }

    def ready(self) -> None:
        from . import subscribers  # noqa: F401 - registers the event handlers

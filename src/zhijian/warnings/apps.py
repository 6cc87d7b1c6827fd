import datetime as dt

from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem
from zhijian.core.roles import CITY_WIDE, OFFICERS
from zhijian.core.schedule import Scheduled


class WarningsConfig(AppConfig):
    """The food-safety risk early-warning platform (食品安全风险分析预警平台)."""

    name = "zhijian.warnings"
    label = "warnings"
    verbose_name = "食品安全风险分析预警"
    nav = [
        NavItem("风险预警", "warnings:cockpit", OFFICERS),
        NavItem("信息源", "warnings:source_list", CITY_WIDE),
        NavItem("消费提示", "warnings_public:notices", frozenset({PUBLIC})),
    ]
    urls = [("warnings/", "zhijian.warnings.urls"), ("public/warnings/", "zhijian.warnings.public_urls")]
    api_router = ("/warnings/", "zhijian.warnings.api.router")
    todos = "zhijian.warnings.workbench.todos"
    figures = "zhijian.warnings.workbench.figures"
    demo_loader = "zhijian.demo.warnings.loader.load"
    schedule = [
        Scheduled(
            "warnings.sources",
            "zhijian.warnings.scheduled.check_sources",
            "信息源超时检查与告警",
            every=dt.timedelta(hours=1),
        ),
        Scheduled(
            "warnings.detect",
            "zhijian.warnings.scheduled.detect",
            "生成监测序列并运行预警检测，预警信号入库",
            daily_at="03:00",
        ),
    ]

    def ready(self) -> None:
        from . import subscribers  # noqa: F401 - registers the event handlers

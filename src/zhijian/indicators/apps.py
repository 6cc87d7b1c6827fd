from django.apps import AppConfig

from zhijian.core import roles as access
from zhijian.core.nav import NavItem
from zhijian.core.schedule import Scheduled


class IndicatorsConfig(AppConfig):
    """规划实施驾驶舱: the plan's indicators, targets, tasks and evaluation."""

    name = "zhijian.indicators"
    label = "indicators"
    verbose_name = "规划实施驾驶舱"
    nav = [
        NavItem("规划指标", "indicators:home", access.OFFICERS),
        NavItem("驾驶舱大屏", "indicators:screen", access.OFFICERS),
    ]
    urls = [("indicators/", "zhijian.indicators.urls")]
    api_router = ("/indicators/", "zhijian.indicators.api.router")
    demo_loader = "zhijian.demo.indicators.loader.load"
    schedule = [
        Scheduled(
            "indicators.nightly",
            "zhijian.indicators.scheduled.nightly",
            "重新计算全部计算指标（上年与本年，按月、按年）",
            daily_at="04:00",
        ),
    ]
    todos = "zhijian.indicators.queries.todos_for"

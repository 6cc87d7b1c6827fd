from django.apps import AppConfig

from zhijian.core.nav import NavItem

STAFF = frozenset({"city_admin", "department", "district"})


class IndicatorsConfig(AppConfig):
    """规划实施驾驶舱: the plan's indicators, targets, tasks and evaluation."""

    name = "zhijian.indicators"
    label = "indicators"
    verbose_name = "规划实施驾驶舱"
    nav = [NavItem("规划指标", "indicators:home", STAFF)]
    demo_loader = "zhijian.indicators.demo.load"
    todos = "zhijian.indicators.queries.todos_for"

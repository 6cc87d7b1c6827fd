from django.apps import AppConfig


class WarningsConfig(AppConfig):
    """The food-safety risk early-warning platform (食品安全风险分析预警平台)."""

    name = "zhijian.warnings"
    label = "warnings"
    verbose_name = "食品安全风险分析预警"

from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem

STAFF = frozenset({"city_admin", "department", "district", "inspector"})
OFFICERS = frozenset({"city_admin", "department", "district"})


class CreditConfig(AppConfig):
    name = "zhijian.credit"
    label = "credit"
    verbose_name = "信用监管"
    demo_loader = "zhijian.credit.demo.load"
    nav = [
        NavItem("信用监管", "credit_overview", STAFF),
        NavItem("信用修复", "credit_repairs", OFFICERS),
        NavItem("列入建议", "credit_proposals", OFFICERS),
        NavItem("我的信用", "credit_mine", frozenset({"enterprise"})),
        NavItem("信用名录", "credit_public_lists", frozenset({PUBLIC})),
    ]

    def ready(self) -> None:
        from . import subscribers  # noqa: F401 - registers the event handlers

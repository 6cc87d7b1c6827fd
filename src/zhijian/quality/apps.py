from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem

STAFF = frozenset({"city_admin", "department", "district", "inspector"})


class QualityConfig(AppConfig):
    name = "zhijian.quality"
    label = "quality"
    verbose_name = "质量基础设施"
    nav = [
        NavItem("对标达标", "quality:campaign", STAFF),
        NavItem("一站式服务", "quality:services", frozenset({*STAFF, "enterprise"})),
        NavItem("服务需求", "quality:request_list", frozenset({"lab"})),
        NavItem("我的质量服务", "quality:mine", frozenset({"enterprise"})),
        NavItem("对标达标名单", "quality_public:benchmark", frozenset({PUBLIC})),
    ]
    demo_loader = "zhijian.quality.demo.load"
    todos = "zhijian.quality.hooks.todos"
    indicators = "zhijian.quality.hooks.indicators"
    links = {"quality.mine": "quality:mine", "quality.benchmark": "quality_public:benchmark"}

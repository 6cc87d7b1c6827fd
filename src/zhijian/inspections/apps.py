from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem

STAFF = frozenset({"city_admin", "department", "district"})
INSPECTOR = frozenset({"inspector"})


class InspectionsConfig(AppConfig):
    name = "zhijian.inspections"
    label = "inspections"
    verbose_name = "双随机、一公开"
    nav = [
        NavItem("双随机抽查", "inspections:home", STAFF),
        NavItem("我的检查", "inspections:field_today", INSPECTOR),
        NavItem("抽查公示", "inspections_public:index", frozenset({PUBLIC})),
    ]
    demo_loader = "zhijian.inspections.demo.load"
    indicators = "zhijian.inspections.indicators.definitions"

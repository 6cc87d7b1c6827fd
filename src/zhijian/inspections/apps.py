from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem
from zhijian.core.roles import OFFICERS

STAFF = OFFICERS
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
    demo_loader = "zhijian.demo.inspections.loader.load"
    # Runs after every app's loader: the task over special-equipment user units needs the equipment
    # app's demo register (reached through its provider), which loads after this app's.
    demo_finisher = "zhijian.demo.inspections.loader.finish"
    indicators = "zhijian.inspections.indicators.definitions"
    urls = [
        ("inspections/", "zhijian.inspections.urls"),
        ("public/inspections/", "zhijian.inspections.public_urls"),
    ]
    api_router = ("/inspections/", "zhijian.inspections.api.router")
    todos = "zhijian.inspections.workbench.todos"
    home_for_roles = {"inspector": "inspections:field_today"}
    links = {"inspections.check": "inspections:inspection_detail"}
    providers = {"inspections.check_citation": "zhijian.inspections.queries.check_citation"}

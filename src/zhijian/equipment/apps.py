from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem

STAFF = frozenset({"city_admin", "department", "district", "inspector"})
ENTERPRISE = frozenset({"enterprise"})
INSTITUTE = frozenset({"lab"})


class EquipmentConfig(AppConfig):
    name = "zhijian.equipment"
    label = "equipment"
    verbose_name = "特种设备安全监管"
    nav = [
        NavItem("特种设备", "equipment:home", STAFF),
        NavItem("电梯监测大屏", "equipment:screen", STAFF),
        NavItem("我的特种设备", "equipment:my_units", ENTERPRISE),
        NavItem("特种设备检验", "equipment:unit_list", INSTITUTE),
        NavItem("维保单位等级", "equipment:grades_public", frozenset({PUBLIC})),
    ]
    urls = [("equipment/", "zhijian.equipment.urls")]
    api_router = ("/equipment/", "zhijian.equipment.api.router")
    demo_loader = "zhijian.demo.equipment.loader.load"
    todos = "zhijian.equipment.workbench.todos"
    figures = "zhijian.equipment.workbench.figures"
    indicators = "zhijian.equipment.providers.indicator_sources"
    # Read interfaces other apps reach through core.hooks.provider(s_named), never by importing this app:
    # the double-random draw's eligible objects (key user units at a higher ratio) and the cockpit figure.
    providers = {
        "inspections.eligible.special_equipment": "zhijian.equipment.providers.eligible_user_units",
        "inspections.strata.special_equipment": "zhijian.equipment.providers.spot_check_strata",
        "equipment.accident_rate": "zhijian.equipment.providers.accident_rate_figures",
    }
    links = {"equipment.unit": "equipment:unit_detail", "equipment.mine": "equipment:my_units"}

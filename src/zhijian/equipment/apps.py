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
    demo_loader = "zhijian.equipment.demo.load"
    # Read interfaces other apps reach through core, never by importing this app (see docs/equipment.md).
    eligible_objects = {"special_equipment_users": "zhijian.equipment.providers.eligible_user_units"}
    indicators = {"equipment.accident_rate": "zhijian.equipment.providers.accident_rate_figures"}

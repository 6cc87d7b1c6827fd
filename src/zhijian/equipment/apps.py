import datetime as dt

from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem
from zhijian.core.schedule import Scheduled

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
    schedule = [
        Scheduled(
            "equipment.sweep",
            "zhijian.equipment.scheduled.sweep",
            "救援到场超时升级、监测终端失联标记",
            every=dt.timedelta(minutes=1),
        ),
        Scheduled(
            "equipment.daily",
            "zhijian.equipment.scheduled.daily",
            "检验到期提醒、设备与使用单位风险分级",
            daily_at="06:30",
        ),
    ]
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

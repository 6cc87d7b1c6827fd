from django.apps import AppConfig

from zhijian.core import roles
from zhijian.core.nav import PUBLIC, NavItem
from zhijian.core.schedule import Scheduled

STAFF = roles.STAFF


class QualityConfig(AppConfig):
    name = "zhijian.quality"
    label = "quality"
    verbose_name = "质量基础设施"
    nav = [
        NavItem("对标达标", "quality:campaign", STAFF),
        NavItem("进展情况报表", "quality:report_list", STAFF),
        NavItem("三库培育", "quality:library_list", STAFF),
        NavItem("服务需求", "quality:request_list", roles.LAB),  # a laboratory's work comes first
        NavItem("一站式服务", "quality:services", STAFF | roles.ENTERPRISE),
        NavItem("服务需求", "quality:request_list", STAFF | roles.ENTERPRISE),
        NavItem("能力缺口分析", "quality:analysis", roles.CITY_WIDE),
        NavItem("我的质量服务", "quality:mine", roles.ENTERPRISE),
        NavItem("标准库", "quality:standard_list", roles.ALL_ROLES | {PUBLIC}),
        NavItem("对标达标名单", "quality_public:benchmark", frozenset({PUBLIC})),
    ]
    urls = [("quality/", "zhijian.quality.urls"), ("public/quality/", "zhijian.quality.public_urls")]
    api_router = ("/quality/", "zhijian.quality.api.router")
    demo_loader = "zhijian.demo.quality.loader.load"
    schedule = [
        Scheduled(
            "quality.remind",
            "zhijian.quality.scheduled.remind",
            "提醒即将到期或逾期未报送进展情况报表的单位",
            daily_at="09:00",
        ),
    ]
    todos = "zhijian.quality.hooks.todos"
    figures = "zhijian.quality.hooks.figures"
    indicators = "zhijian.quality.indicators.definitions"
    links = {"quality.mine": "quality:mine", "quality.benchmark": "quality_public:benchmark"}

import datetime as dt

from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem
from zhijian.core.schedule import Scheduled

STAFF = frozenset({"city_admin", "department", "district", "inspector"})


class ComplaintsConfig(AppConfig):
    name = "zhijian.complaints"
    label = "complaints"
    verbose_name = "12315投诉举报"
    nav = [
        NavItem("投诉举报", "complaints:home", STAFF),
        NavItem("消费投诉", "complaints:firm_cases", frozenset({"enterprise"})),
        NavItem("投诉举报登记", "complaints_public:file", frozenset({PUBLIC})),
        NavItem("消费投诉公示", "complaints_public:disclosure", frozenset({PUBLIC})),
    ]
    urls = [
        ("complaints/", "zhijian.complaints.urls"),
        ("public/complaints/", "zhijian.complaints.public_urls"),
    ]
    api_router = ("/complaints/", "zhijian.complaints.api.router")
    demo_loader = "zhijian.demo.complaints.loader.load"
    schedule = [
        Scheduled(
            "complaints.release-odr",
            "zhijian.complaints.scheduled.release_odr",
            "ODR企业先行处理期满未和解的投诉转市场监管部门",
            every=dt.timedelta(hours=1),
        ),
        Scheduled(
            "complaints.nightly",
            "zhijian.complaints.scheduled.nightly",
            "群体投诉聚类、同一来源重复举报标记",
            daily_at="02:00",
        ),
        Scheduled(
            "complaints.prune-throttle",
            "zhijian.complaints.scheduled.prune_throttle",
            "清理一小时前的公众登记限流计数",
            every=dt.timedelta(hours=1),
        ),
    ]
    todos = "zhijian.complaints.hooks.todos"
    indicators = "zhijian.complaints.indicators.definitions"
    links = {"complaints.firm_disclosure": "complaints_public:disclosure_firm"}
    providers = {"complaints.received_cases": "zhijian.complaints.providers.received_cases"}

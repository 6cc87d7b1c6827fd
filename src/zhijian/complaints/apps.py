from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem

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
    todos = "zhijian.complaints.hooks.todos"
    indicators = "zhijian.complaints.indicators.definitions"
    links = {"complaints.firm_disclosure": "complaints_public:disclosure_firm"}

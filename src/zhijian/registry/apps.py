from django.apps import AppConfig

from zhijian.core.nav import NavItem
from zhijian.core.roles import OFFICERS, STAFF

WRITERS = OFFICERS


class RegistryConfig(AppConfig):
    name = "zhijian.registry"
    label = "registry"
    verbose_name = "市场主体库"
    nav = [
        NavItem("市场主体", "registry:entity_list", STAFF),
        NavItem("导入", "registry:entity_import", WRITERS),
    ]
    figures = "zhijian.registry.workbench.figures"
    indicators = "zhijian.registry.indicators.definitions"
    urls = [("entities/", "zhijian.registry.urls")]
    api_router = ("/", "zhijian.registry.api.router")
    links = {"registry.entity": "registry:entity_detail"}

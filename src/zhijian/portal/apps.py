from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem


class PortalConfig(AppConfig):
    name = "zhijian.portal"
    label = "portal"
    verbose_name = "公示门户"
    nav = [
        NavItem("公示查询", "portal:register", frozenset({PUBLIC})),
        NavItem("审计链头", "portal:audit", frozenset({PUBLIC})),
    ]
    urls = [("public/", "zhijian.portal.urls")]

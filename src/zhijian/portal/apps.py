from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem


class PortalConfig(AppConfig):
    name = "zhijian.portal"
    label = "portal"
    verbose_name = "公示门户"
    nav = [
        NavItem("公示查询", "public_register", frozenset({PUBLIC})),
        NavItem("审计链头", "public_audit", frozenset({PUBLIC})),
    ]

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhijian.portal"
    label = "portal"
    verbose_name = "公示门户"

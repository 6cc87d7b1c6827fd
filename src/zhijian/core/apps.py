from django.apps import AppConfig

from .nav import NavItem

ADMIN = frozenset({"city_admin"})


class CoreConfig(AppConfig):
    name = "zhijian.core"
    label = "core"
    verbose_name = "平台核心"
    nav = [NavItem("工作日历", "calendar_notice", ADMIN)]

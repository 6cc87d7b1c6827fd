from django.apps import AppConfig

from zhijian.core.nav import NavItem

STAFF = frozenset({"city_admin", "department", "district", "inspector"})
WRITERS = frozenset({"city_admin", "department", "district"})


class RegistryConfig(AppConfig):
    name = "zhijian.registry"
    label = "registry"
    verbose_name = "市场主体库"
    nav = [NavItem("市场主体", "entity_list", STAFF), NavItem("导入", "entity_import", WRITERS)]
    indicators = "zhijian.registry.indicators.definitions"

from django.apps import AppConfig

from zhijian.core.nav import PUBLIC, NavItem

STAFF = frozenset({"city_admin", "department", "district", "inspector", "lab"})
CASE_HANDLERS = frozenset({"city_admin", "department", "district"})


class SamplingConfig(AppConfig):
    name = "zhijian.sampling"
    label = "sampling"
    verbose_name = "监督抽查与食品安全抽检"
    nav = [
        NavItem("抽检", "sampling:home", STAFF),
        NavItem("核查处置", "sampling:case_list", CASE_HANDLERS),
        NavItem("抽检公告", "sampling_public:announcements", frozenset({PUBLIC})),
    ]
    demo_loader = "zhijian.sampling.demo.load"
    indicators = "zhijian.sampling.indicators.definitions"
    home_for_roles = {"lab": "sampling:sample_list"}

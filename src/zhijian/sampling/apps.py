from django.apps import AppConfig

from zhijian.core import roles as access
from zhijian.core.nav import PUBLIC, NavItem
from zhijian.core.schedule import Scheduled

STAFF = access.STAFF | access.LAB
CASE_HANDLERS = access.OFFICERS


class SamplingConfig(AppConfig):
    name = "zhijian.sampling"
    label = "sampling"
    verbose_name = "监督抽查与食品安全抽检"
    nav = [
        NavItem("抽检", "sampling:home", STAFF),
        NavItem("核查处置", "sampling:case_list", CASE_HANDLERS),
        NavItem("抽检公告", "sampling_public:announcements", frozenset({PUBLIC})),
    ]
    urls = [("sampling/", "zhijian.sampling.urls"), ("public/sampling/", "zhijian.sampling.public_urls")]
    api_router = ("/sampling/", "zhijian.sampling.api.router")
    todos = "zhijian.sampling.workbench.todos"
    demo_loader = "zhijian.demo.sampling.loader.load"
    schedule = [
        Scheduled(
            "sampling.escalate",
            "zhijian.sampling.scheduled.escalate",
            "逾期未办结的核查处置升级至市局处室",
            daily_at="01:00",
        ),
    ]
    indicators = "zhijian.sampling.indicators.definitions"
    home_for_roles = {"lab": "sampling:sample_list"}

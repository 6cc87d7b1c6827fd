"""The demo loader: a year across both rule versions, with every feature represented, deterministic."""

import datetime as dt

import pytest
from rich.console import Console

from tests.factories import EntityFactory
from zhijian.complaints.models import Case, Cluster, Enrolment, Mediation, Status
from zhijian.complaints.queries import figures, overdue_q
from zhijian.core.models import Deadline, OutboxEvent
from zhijian.demo.complaints import loader as demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(city, rules):
    units = [city[c] for c in ("330203", "330212", "330205", "330206")]
    return [EntityFactory(jurisdiction=units[i % 4], name=f"宁波演示{i}号商贸有限公司") for i in range(1200)]


def test_a_year_of_cases(register, users, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo.load(seed=7, scale="demo", console=Console(quiet=True))
    today = dt.date.today()
    cases = Case.objects.all()
    assert 140 <= cases.count() <= 260  # 1,200 entities × 0.125, plus duplicates and a cluster
    assert cases.filter(rule_version="order20").exists() and cases.filter(rule_version="order121").exists()
    assert cases.filter(received_on__gte=today - dt.timedelta(days=365)).count() == cases.count()
    assert (
        Enrolment.objects.filter(programme="odr").exists()
        and Enrolment.objects.filter(programme="comp_first").exists()
    )
    assert cases.filter(status=Status.CLOSED, outcome="mediated").exists()
    assert cases.filter(outcome="terminated").exists() and Mediation.objects.exists()
    assert cases.filter(overdue_q(today)).exists()
    assert Cluster.objects.exists() and cases.filter(cluster__isnull=False).count() >= 8
    assert OutboxEvent.objects.filter(topic="complaints.case_closed").exists()
    assert Deadline.objects.filter(object_type="complaints.Case", kind="mediation").exists()
    f = figures(SystemActorLike(), today - dt.timedelta(days=365), today)
    assert f["disposal_rate"] and 40 <= f["mediation_success_rate"] <= 80
    # loading again adds nothing
    demo.load(seed=7, scale="demo", console=Console(quiet=True))
    assert Case.objects.count() == cases.count()


class SystemActorLike:
    is_authenticated = True
    is_active = True
    role = "city_admin"
    pk = None

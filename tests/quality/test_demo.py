"""The demo loader: runs through the services on a small register, deterministically, in seconds."""

import time

import pytest
from rich.console import Console

from tests.factories import EntityFactory
from zhijian.core.audit import verify
from zhijian.core.reference import county_units
from zhijian.demo.quality import loader as demo
from zhijian.quality.models import Enrolment, ProgressReport, ServiceRequest, Standard
from zhijian.quality.queries import public_benchmark_list, service_analysis
from zhijian.quality.reference import QUOTAS_2020

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_register(city):
    for unit in county_units():
        for cluster, industry in (
            ("key_components", "C3451"),
            ("smart_appliances", "C3851"),
            ("fashion_textiles", "C1830"),
        ):
            for _ in range(2):
                EntityFactory(
                    jurisdiction=unit, cluster=cluster, industry_code=industry, entity_type="joint_stock"
                )


def _snapshot():
    return sorted(Enrolment.objects.values_list("uscc", "product_name", "status", "outcome"))


def test_the_demo_loads_fast_and_the_same_way_twice(small_register, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    started = time.monotonic()
    demo.load(seed=7, scale="demo", console=Console(quiet=True))
    elapsed = time.monotonic() - started
    assert elapsed < 60, elapsed
    assert Standard.objects.count() == len(demo.STANDARDS) + 1
    # six firms a unit in this register, capped by each unit's 附件1 quota
    assert Enrolment.objects.filter(campaign__year=2020).count() == sum(
        min(6, q) for q in QUOTAS_2020.values()
    )
    assert public_benchmark_list().exists()
    assert ServiceRequest.objects.values("status").distinct().count() == 5
    assert ProgressReport.objects.filter(status="submitted").count() == 9
    import datetime as dt

    gaps = {line.code for line in service_analysis(dt.date(2000, 1, 1), dt.date(2100, 1, 1)) if line.gap}
    assert "biomedicine" in gaps and "key_components" not in gaps
    first = _snapshot()
    demo.load(seed=7, scale="demo", console=Console(quiet=True))  # a second run changes nothing
    assert _snapshot() == first
    assert verify()[1] == []


def test_the_demo_pages_render_with_few_queries(
    small_register, tmp_path, settings, users, django_assert_max_num_queries
):
    from tests.quality.test_scoping_matrix import client_for

    settings.VAR_DIR = tmp_path
    demo.load(seed=7, scale="demo", console=Console(quiet=True))
    admin, haishu = client_for(users["admin"]), client_for(users["haishu"])
    for url in (
        "/quality/",
        "/quality/reports/",
        "/quality/libraries/",
        "/quality/services/",
        "/quality/services/analysis/",
        "/quality/requests/",
        "/quality/standards/",
        "/public/quality/",
    ):
        with django_assert_max_num_queries(30):
            assert admin.get(url).status_code == 200, url
    assert haishu.get("/quality/reports/").status_code == 200
    page = admin.get("/quality/reports/").content.decode()
    assert 'id="overdue-count"' in page

"""The demo loader: deterministic, set-based, and a class mix that looks like a real city's."""

from __future__ import annotations

import pytest

from tests.credit.conftest import AS_OF
from zhijian.core.access import SystemActor
from zhijian.credit.models import CreditRecord, CreditStanding, ListEntry
from zhijian.demo.credit import loader as demo
from zhijian.demo.generator import EntityGenerator, write_csv
from zhijian.registry.importing import import_entities

pytestmark = pytest.mark.django_db


def test_demo_credit_data_is_deterministic_with_a_plausible_mix_by_district(city, tmp_path):
    path = tmp_path / "register.csv"
    write_csv(path, list(EntityGenerator(2025, 3000, today=AS_OF).rows()))
    assert import_entities(path, actor=SystemActor("test"), parallel=False).ok

    first = demo.load(seed=2025, scale="demo", console=None, as_of=AS_OF)
    snapshot = sorted(CreditStanding.objects.values_list("entity__uscc", "credit_class", "score"))
    second = demo.load(seed=2025, scale="demo", console=None, as_of=AS_OF)
    assert first == second
    assert sorted(CreditStanding.objects.values_list("entity__uscc", "credit_class", "score")) == snapshot
    assert CreditRecord.objects.count() > 3 * 3000  # about 4.5 records per entity at this scale
    # the demo enterprise's firm has something to repair in the tour
    tour = demo._prepare_tour_entity(AS_OF)
    assert ListEntry.objects.filter(entity=tour, list="abnormal", status="in_force").count() == 1
    assert CreditRecord.objects.filter(entity=tour, kind="penalty", publicity="published").count() == 1

    counts = first["class_counts"]
    total = sum(counts.values())
    share = {c: counts.get(c, 0) / total for c in "ABCD"}
    assert 0.15 <= share["A"] <= 0.45, share
    assert 0.40 <= share["B"] <= 0.75, share
    assert 0.03 <= share["C"] <= 0.20, share
    assert 0.005 <= share["D"] <= 0.06, share

    def risky_share(code):
        rows = CreditStanding.objects.filter(entity__jurisdiction__code=code)
        return rows.filter(credit_class__in="CD").count() / max(1, rows.count())

    assert risky_share("3302Z1") < risky_share("330282")  # 高新区 better run than 慈溪's workshops

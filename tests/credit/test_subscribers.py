"""Events from other domains become credit records and reclass the entity (handlers are idempotent)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from tests.factories import EntityFactory
from zhijian.core import events
from zhijian.core.access import SystemActor
from zhijian.core.models import OutboxEvent
from zhijian.credit.classify import rescore_all
from zhijian.credit.models import CreditRecord, CreditStanding, Publicity, RecordKind, Severity

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(haishu):
    return EntityFactory(jurisdiction=haishu, established_on=dt.date(2010, 1, 1), industry_code="C2911")


def emit(topic, payload):
    with transaction.atomic():
        events.emit(topic, payload)
    return events.relay_once()


def inspection(firm, code, label, inspection_id=501):
    return {
        "inspection_id": inspection_id,
        "task_id": 9,
        "entity_id": firm.pk,
        "uscc": firm.uscc,
        "result_code": code,
        "result_label": label,
        "completed_on": "2026-11-10",
        "department": "海曙区市场监督管理局",
        "legal_basis": "市场监督管理随机抽查工作细则",
        "public": True,
    }


def test_an_adverse_spot_check_result_reclasses_the_firm_and_a_correction_updates_it(firm):
    rescore_all(actor=SystemActor("test"))
    assert CreditStanding.objects.get(entity=firm).credit_class == "A"
    emit("inspections.result_recorded", inspection(firm, "unreachable", "通过登记的住所或者经营场所无法联系"))
    record = CreditRecord.objects.get(source_ref="inspections.inspection:501")
    assert (record.kind, record.severity, record.publicity) == (
        RecordKind.SPOT_CHECK,
        Severity.SERIOUS,
        Publicity.PUBLISHED,
    )
    assert CreditStanding.objects.get(entity=firm).credit_class == "B"
    changed = OutboxEvent.objects.get(topic="credit.class_changed")
    assert (changed.payload["from"], changed.payload["to"]) == ("A", "B")
    # the same event again: nothing new
    emit("inspections.result_recorded", inspection(firm, "unreachable", "通过登记的住所或者经营场所无法联系"))
    assert CreditRecord.objects.count() == 1
    # a corrected result for the same inspection updates the record and the class
    emit("inspections.result_recorded", inspection(firm, "no_problem", "未发现问题"))
    record.refresh_from_db()
    assert record.severity == Severity.INFO
    assert CreditStanding.objects.get(entity=firm).credit_class == "A"


def test_unknown_result_codes_fall_back_on_the_label(firm):
    emit("inspections.result_recorded", inspection(firm, "zz", "未发现问题", 1))
    emit("inspections.result_recorded", inspection(firm, "yy", "发现问题，已责令整改", 2))
    severities = dict(CreditRecord.objects.values_list("source_ref", "severity"))
    assert severities == {
        "inspections.inspection:1": Severity.INFO,
        "inspections.inspection:2": Severity.GENERAL,
    }


def test_failed_sample_records_seller_and_producer_and_a_reversal_withdraws_both(firm, haishu):
    producer = EntityFactory(jurisdiction=haishu, established_on=dt.date(2010, 1, 1), industry_code="C1491")
    payload = {
        "sample_id": 77,
        "sample_no": "NCP26330203000077",
        "kind": "food",
        "category": "糕点",
        "product": "绿豆糕",
        "judged_on": "2026-11-12",
        "seller_uscc": firm.uscc,
        "producer_uscc": producer.uscc,
        "failed_items": ["菌落总数", "霉菌"],
        "lab": "宁波市食品检验检测研究院",
    }
    emit("sampling.sample_failed", payload)
    emit("sampling.sample_failed", payload)  # offered twice: recorded once
    records = CreditRecord.objects.filter(kind=RecordKind.SAMPLE_FAILED)
    assert records.count() == 2 and {r.entity_id for r in records} == {firm.pk, producer.pk}
    assert "菌落总数" in records.first().title
    assert CreditStanding.objects.get(entity=firm).credit_class == "B"
    emit(
        "sampling.judgement_reversed",
        {
            "sample_id": 77,
            "sample_no": "NCP26330203000077",
            "seller_uscc": firm.uscc,
            "producer_uscc": producer.uscc,
            "judged_on": "2026-11-20",
        },
    )
    assert set(records.values_list("publicity", flat=True)) == {Publicity.WITHDRAWN}
    assert CreditStanding.objects.get(entity=firm).credit_class == "A"


def test_a_producer_outside_the_register_is_skipped(firm):
    emit(
        "sampling.sample_failed",
        {
            "sample_id": 78,
            "sample_no": "X",
            "kind": "product",
            "category": "电线",
            "product": "电线电缆",
            "judged_on": "2026-11-12",
            "seller_uscc": firm.uscc,
            "producer_uscc": None,
            "failed_items": [],
            "lab": "L",
        },
    )
    assert CreditRecord.objects.filter(entity=firm).count() == 1


def test_a_record_arriving_by_event_reclasses_its_entity_in_the_same_transaction(haishu):
    """Latency is measured by bench/bench_credit.py (one-entity reclass); here only the behaviour."""
    from zhijian.credit import services

    # Given a population with records, classified
    firms = [
        EntityFactory(jurisdiction=haishu, established_on=dt.date(2015, 1, 1), industry_code="C2911")
        for _ in range(30)
    ]
    for f in firms[:10]:
        services.record_penalty(
            actor=SystemActor("test"),
            entity=f,
            measures=["fine"],
            title="虚假广告",
            occurred_on=dt.date(2026, 6, 1),
            reclassify=False,
        )
    rescore_all(actor=SystemActor("test"))
    target = firms[20]
    services.record_penalty(
        actor=SystemActor("test"),
        entity=target,
        measures=["fine"],
        title="预热",
        occurred_on=dt.date(2026, 6, 2),
    )  # compiles once
    # When a new record arrives through the event path, the firm is reclassed in the same transaction
    for i, f in enumerate(firms[21:29]):
        before = CreditStanding.objects.get(entity=f)
        emit("inspections.result_recorded", inspection(f, "obstruction", "不配合检查情节严重", 900 + i))
        after = CreditStanding.objects.get(entity=f)
        assert after.credit_class == "B" and after.classified_at > before.classified_at

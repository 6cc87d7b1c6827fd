"""The platform's own sources through the event log: food complaints and credit drops become
observations with their lineage, and detection judges their series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from tests.complaints.conftest import file, firms, rules  # noqa: F401 - fixtures of the complaints app
from tests.factories import EntityFactory
from tests.warnings.conftest import SYSTEM
from zhijian.core import events
from zhijian.core.models import EventDelivery, OutboxEvent
from zhijian.warnings import services
from zhijian.warnings.models import Observation, Source

pytestmark = pytest.mark.django_db


def emit(topic, payload):
    with transaction.atomic():
        events.emit(topic, payload)
    return events.relay_once()


def received(code="T261102ABCDEF", **overrides):
    payload = {
        "case_id": 7,
        "code": code,
        "kind": "complaint",
        "respondent_uscc": "",
        "jurisdiction": "330203",
        "received_on": "2026-11-02",
        "category": "food",
        "channel": "phone",
    }
    payload.update(overrides)
    return payload


def closed(code="T261102ABCDEF", outcome="mediated", **overrides):
    payload = {
        "case_id": 7,
        "code": code,
        "kind": "complaint",
        "outcome": outcome,
        "outcome_label": "调解成功",
        "respondent_uscc": "",
        "respondent_name": "某餐馆",
        "entity_id": None,
        "received_on": "2026-11-02",
        "closed_on": "2026-11-20",
        "amount_recovered": "0",
        "category": "food",
        "jurisdiction": "330203",
        "rule_version": "order121",
    }
    payload.update(overrides)
    return payload


def test_a_food_complaint_filed_on_the_platform_becomes_an_observation_of_its_district(firms, city):  # noqa: F811
    Source.objects.filter(code="own.complaints").update(stale_since=timezone.now(), last_data_at=None)
    case = file(
        dt.date(2026, 11, 2), category="food", product="酱腌菜", subject="酱腌菜有异味", demand="退款"
    )
    event = OutboxEvent.objects.get(topic="complaints.case_received")
    assert event.payload["product"] == "酱腌菜" and event.payload["respondent_name"] == firms["shop"].name

    events.relay_once()
    assert EventDelivery.objects.get(subscriber="warnings.record_food_complaint", event=event).done

    observation = Observation.objects.get(source__code="own.complaints")
    assert observation.reference == f"complaints.case:{case.code}"  # lineage: the case's tracking code
    assert observation.occurred_on == dt.date(2026, 11, 2)
    assert observation.district == city["330203"] and observation.category == "食品"
    assert observation.producer == firms["shop"].name and observation.product == "酱腌菜"
    assert (observation.count, observation.tested, observation.failed) == (1, 0, 0)
    source = Source.objects.get(code="own.complaints")
    assert source.last_data_at is not None and source.stale_since is None  # the source is fresh again


def test_complaints_not_about_food_and_enquiries_are_not_counted(city):
    emit("complaints.case_received", received(code="T1", category="appliances"))
    emit("complaints.case_received", received(code="T2", kind="enquiry"))
    assert not Observation.objects.exists()


def test_the_channel_of_a_complaint_comes_from_the_platform_the_category_or_the_trade(city):
    maker = EntityFactory(jurisdiction=city["330212"], industry_code="C1431", name="宁波某食品有限公司")
    emit("complaints.case_received", received(code="T1", platform_uscc="91330200MA2AAAAA1X"))
    emit("complaints.case_received", received(code="T2", category="catering"))
    emit("complaints.case_received", received(code="T3", respondent_uscc=maker.uscc))
    emit("complaints.case_received", received(code="T4"))
    channels = dict(Observation.objects.values_list("reference", "channel"))
    assert channels == {
        "complaints.case:T1": "online",
        "complaints.case:T2": "catering",
        "complaints.case:T3": "production",
        "complaints.case:T4": "",
    }
    assert Observation.objects.get(reference="complaints.case:T2").category == "餐饮住宿服务"
    assert Observation.objects.get(reference="complaints.case:T3").producer == maker.name


def test_a_case_offered_again_is_counted_once_and_a_merged_case_counts_zero(city):
    emit("complaints.case_received", received())
    emit("complaints.case_received", received())  # a second event with the same case
    assert Observation.objects.get().count == 1
    emit("complaints.case_closed", closed(outcome="merged", outcome_label="合并处理"))
    assert Observation.objects.get().count == 0  # the case it joined is counted instead


def test_an_imported_case_is_counted_when_it_closes(city):
    emit("complaints.case_closed", closed(code="T9"))
    observation = Observation.objects.get()
    assert observation.reference == "complaints.case:T9" and observation.count == 1
    assert observation.district == city["330203"] and observation.producer == "某餐馆"


def test_a_platform_import_counts_its_food_cases_on_their_days_of_receipt(firms, city, tmp_path):  # noqa: F811
    from tests.complaints.test_import import rows, write_csv
    from zhijian.complaints.importing import import_cases
    from zhijian.complaints.models import Case

    path = write_csv(tmp_path / "export.csv", rows(firms))
    with transaction.atomic():
        result = import_cases(path, actor=SYSTEM)
    assert result.ok and result.created == 3
    event = OutboxEvent.objects.get(topic="complaints.cases_imported")
    filed = sorted(Case.objects.values_list("pk", flat=True))
    assert event.payload["case_ranges"] == [[filed[0], filed[-1]]]
    events.relay_once()
    # Only the report about expired milk is about food (a rice cooker complaint and an enquiry are not).
    report = Case.objects.get(platform_no="P2026002")
    observation = Observation.objects.get(source__code="own.complaints")
    assert observation.reference == f"complaints.case:{report.code}"
    assert observation.occurred_on == dt.date(2026, 4, 15)  # received, not closed
    assert observation.district == city["330212"] and observation.category == "食品"
    assert Source.objects.get(code="own.complaints").last_data_at is not None
    # The case closing later does not count it twice.
    emit("complaints.case_closed", closed(code=report.code, jurisdiction="330212", received_on="2026-04-15"))
    assert Observation.objects.filter(source__code="own.complaints").count() == 1


def test_id_ranges_compress_consecutive_ids():
    from zhijian.complaints.importing import id_ranges

    assert id_ranges([5, 3, 4, 9, 10, 12]) == [(3, 5), (9, 10), (12, 12)]
    assert id_ranges([]) == []


def class_changed(firm, before, after, at="2026-11-20T02:00:00+00:00"):
    return {
        "entity_id": firm.pk,
        "uscc": firm.uscc,
        "from": before,
        "to": after,
        "model_version": "2026.1",
        "classified_at": at,
    }


def test_a_food_firm_dropping_a_credit_class_is_an_observation_of_the_credit_source(city):
    maker = EntityFactory(jurisdiction=city["33020301"], industry_code="C1431", name="宁波甬鲜食品有限公司")
    restaurant = EntityFactory(jurisdiction=city["330212"], industry_code="H6210")
    other = EntityFactory(jurisdiction=city["330212"], industry_code="C2911")
    emit("credit.class_changed", class_changed(maker, "B", "D"))
    emit("credit.class_changed", class_changed(restaurant, "D", "C"))  # better: not a drop
    emit("credit.class_changed", class_changed(other, "A", "D"))  # not the food trade
    emit("credit.class_changed", class_changed(restaurant, "", "D"))  # a first class, not a drop

    observation = Observation.objects.get()
    assert observation.source.code == "own.credit"
    assert observation.reference == f"credit.class:{maker.pk}:20261120T100000"  # local time of the change
    assert observation.occurred_on == dt.date(2026, 11, 20)
    assert observation.district == city["330203"]  # the office's county
    assert (observation.category, observation.channel) == ("食品制造", "production")
    assert observation.hazard == "信用风险分类降为D类" and observation.producer == maker.name
    assert Source.objects.get(code="own.credit").last_data_at is not None

    emit("credit.class_changed", class_changed(maker, "B", "D"))  # the same event again
    assert Observation.objects.count() == 1


def test_detection_judges_a_complaints_series_on_its_own(city):
    """Weekly food complaints in 海曙 for three years, a rise in the last week: a signal of the
    complaints series, not mixed with another source's counts in the same district and category."""
    rng = np.random.default_rng(3)
    last = dt.date(2026, 11, 2)  # a Monday
    payloads = []
    for w in range(160):
        week = last - dt.timedelta(weeks=159 - w)
        for k in range(int(rng.poisson(1.5)) + (10 if w == 159 else 0)):
            day = week + dt.timedelta(days=k % 5)
            payloads.append(received(code=f"T{w}-{k}", received_on=day.isoformat()))
    with transaction.atomic():
        events.emit_many("complaints.case_received", payloads)
    while events.relay_once():
        pass
    assert Observation.objects.count() == len(payloads)
    signals = services.run_detection(actor=SYSTEM, until=last + dt.timedelta(days=6), weeks=1)
    statistical = [s for s in signals if s.method == "farrington-improved"]
    assert len(statistical) == 1
    signal = statistical[0]
    assert signal.series_key == f"source=own.complaints|district={city['330203'].pk}|category=食品"
    assert signal.dimensions["source"] == "own.complaints" and signal.observed >= 10
    assert signal.district == city["330203"]
    assert signal.observations.count() == signal.observed

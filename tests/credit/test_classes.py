"""Fixtures with a known expected class: every indicator source, caps, recency, lists, clamping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.credit.conftest import AS_OF
from tests.factories import EntityFactory
from zhijian.core.access import SystemActor
from zhijian.credit import services
from zhijian.credit.classify import reclassify_entity, rescore_all
from zhijian.credit.models import Classification, CreditList, CreditStanding, ListGround, RecordKind, Severity

pytestmark = pytest.mark.django_db


def record(entity, kind, severity, on, **extra):
    return services.record_credit_record(
        actor=SystemActor("test"),
        entity=entity,
        kind=kind,
        severity=severity,
        title="测试记录",
        occurred_on=on,
        source="test",
        public=extra.pop("public", True),
        today=AS_OF,
        reclassify=False,
        **extra,
    )


def standing(entity) -> CreditStanding:
    return CreditStanding.objects.get(entity=entity)


def test_classes_follow_the_model_for_known_fixtures(haishu):
    # Given entities whose records add up to known points under model 2025.1
    old = dt.date(2010, 1, 1)
    clean = EntityFactory(jurisdiction=haishu, established_on=old, industry_code="C2911")  # 0 → A
    young = EntityFactory(
        jurisdiction=haishu, established_on=dt.date(2026, 3, 1), industry_code="H6210"
    )  # 6+3 → B
    fined = EntityFactory(jurisdiction=haishu, established_on=old, industry_code="C2911")
    record(fined, RecordKind.PENALTY, Severity.GENERAL, dt.date(2026, 6, 1), measures=["fine"])  # 12
    record(
        fined, RecordKind.SAMPLE_FAILED, Severity.GENERAL, dt.date(2025, 3, 1)
    )  # older window: 10 × 50 % = 5
    listed = EntityFactory(jurisdiction=haishu, established_on=old, industry_code="C2911")
    services.enter_list(
        actor=SystemActor("test"),
        entity=listed,
        list_code=CreditList.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        entered_on=dt.date(2026, 1, 5),
        reason="住所无法联系",
    )  # 22
    record(
        listed, RecordKind.PENALTY, Severity.GENERAL, dt.date(2026, 9, 1), measures=["fine", "confiscation"]
    )  # 12
    record(listed, RecordKind.PENALTY, Severity.GENERAL, dt.date(2026, 10, 1), measures=["fine"])  # 12
    record(listed, RecordKind.PENALTY, Severity.GENERAL, dt.date(2026, 10, 2), measures=["fine"])  # 12
    record(
        listed, RecordKind.PENALTY, Severity.GENERAL, dt.date(2026, 10, 3), measures=["fine"]
    )  # 12 → capped at 36
    honoured = EntityFactory(jurisdiction=haishu, established_on=old, industry_code="C2911")
    record(honoured, RecordKind.HONOUR, Severity.INFO, dt.date(2026, 5, 1))
    record(honoured, RecordKind.SPOT_CHECK, Severity.INFO, dt.date(2026, 5, 1))  # −3 −2 → clamped at 0
    record(honoured, RecordKind.COMPLAINT, Severity.GENERAL, dt.date(2020, 5, 1))  # too old: ignored

    # When the whole population is classified
    run = rescore_all(actor=SystemActor("test"), as_of=AS_OF)

    # Then every class and score is the expected one, with the main factors stored
    assert (standing(clean).credit_class, standing(clean).score) == ("A", Decimal("0"))
    assert (standing(young).credit_class, standing(young).score) == ("B", Decimal("9"))
    assert (standing(fined).credit_class, standing(fined).score) == ("B", Decimal("17"))
    assert [f[0] for f in standing(fined).factors()] == ["penalty", "sample_failed"]
    assert (standing(listed).credit_class, standing(listed).score) == ("D", Decimal("58"))
    assert standing(listed).factors()[0][0] == "penalty" and standing(listed).factor_1_points == Decimal("36")
    assert (standing(honoured).credit_class, standing(honoured).score) == ("A", Decimal("0"))
    assert run.entities == CreditStanding.objects.count()
    # first classifications supersede nothing; the listed firm was classed when listed, then again
    assert list(Classification.objects.values_list("entity_id", flat=True)) == [listed.pk]


def test_a_new_record_reclasses_one_entity_and_emits_class_changed(haishu):
    from zhijian.core.models import OutboxEvent

    entity = EntityFactory(jurisdiction=haishu, established_on=dt.date(2010, 1, 1), industry_code="C2911")
    rescore_all(actor=SystemActor("test"), as_of=AS_OF)
    assert standing(entity).credit_class == "A"

    record(entity, RecordKind.PENALTY, Severity.GENERAL, dt.date(2026, 10, 1), measures=["fine"])
    outcome = reclassify_entity(entity.pk, trigger="record", actor=SystemActor("test"), as_of=AS_OF)

    assert (outcome.previous_class, outcome.credit_class) == ("A", "B")
    assert standing(entity).credit_class == "B"
    event = OutboxEvent.objects.filter(topic="credit.class_changed").get()
    assert event.payload["uscc"] == entity.uscc and (event.payload["from"], event.payload["to"]) == ("A", "B")
    # Unchanged input: nothing is written again
    again = reclassify_entity(entity.pk, trigger="record", actor=SystemActor("test"), as_of=AS_OF)
    assert not again.changed
    archived = Classification.objects.get(entity=entity)  # the superseded A, with its model and time
    assert archived.credit_class == "A" and archived.superseded_at == standing(entity).classified_at

"""Which sampling stratum a firm is in: its credit risk class (信用风险分类), read from credit.

The credit app keeps one ``CreditStanding`` row per classified entity (``entity`` one-to-one,
related name ``credit_standing``, ``credit_class`` 'A'..'D'). A firm without a row is unclassified
and falls in stratum ``U``, whose ratio is its own rule (``inspections.sampling_ratio.U``: the routine
ratio, as for B, by default). This module is the only place that knows where classes live.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import CharField, Model, QuerySet, Value
from django.db.models.functions import Coalesce

UNCLASSIFIED = "U"
CLASS_FIELD = "credit_standing__credit_class"


def credit_standing_model() -> type[Model] | None:
    """The credit app's CreditStanding model, or None while the credit app is not installed."""
    try:
        return apps.get_model("credit", "CreditStanding")
    except LookupError:
        return None


def stratum_expression():
    """A query expression giving each entity's stratum: its credit class, or 'U' when it has none."""
    if credit_standing_model() is None:
        return Value(UNCLASSIFIED, output_field=CharField())
    return Coalesce(CLASS_FIELD, Value(UNCLASSIFIED), output_field=CharField())


def with_stratum(entities: QuerySet) -> QuerySet:
    return entities.annotate(stratum=stratum_expression())


def classes_of(entity_ids: list[int]) -> dict[int, str]:
    """Entity id → stratum for a few entities (pages, small checks)."""
    from zhijian.registry.models import Entity

    rows = with_stratum(Entity.objects.filter(pk__in=entity_ids)).values_list("pk", "stratum")
    return dict(rows)

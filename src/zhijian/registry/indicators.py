"""Plan indicators computed from the register (see :class:`zhijian.core.hooks.IndicatorSource`).

- 在册市场主体总量 (seed 001 表2-1 row 1, 万户): entities established on or before the period's last
  day that had no 注销 / 吊销 / 迁出 event on or before it, per jurisdiction. The count is a stock
  at the period's end, so the period's start does not matter.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import ibis
from django.urls import reverse

from zhijian.core.analytics import source
from zhijian.core.hooks import IndicatorSource

from .models import Entity, LifecycleEvent, LifecycleKind

LEAVING = (LifecycleKind.DEREGISTERED, LifecycleKind.REVOKED, LifecycleKind.MOVED_OUT)


def registered_entities(start: dt.date, end: dt.date, district_id: int | None = None):
    """Entities in the register at the end of ``end``, per jurisdiction (numerator; no denominator)."""
    entity = source(Entity, ["id", "jurisdiction", "established_on"])
    event = source(LifecycleEvent, ["entity", "kind", "occurred_on"])
    gone = event.filter(event.kind.isin([str(k) for k in LEAVING]), event.occurred_on <= end)
    gone = gone.select(gone_id=gone.entity_id).distinct()
    alive = entity.filter(entity.established_on <= end)
    if district_id is not None:
        alive = alive.filter(alive.jurisdiction_id == district_id)
    alive = alive.anti_join(gone, alive.id == gone.gone_id)
    return alive.group_by(district_id=alive.jurisdiction_id).aggregate(
        numerator=alive.count().cast("int64"), denominator=ibis.null().cast("int64")
    )


def register_changes(end: dt.date, district_id: int | None = None):
    """Net change of the register per jurisdiction and day up to ``end``: +1 on the day an entity was
    established, −1 on its first leaving day (never before its establishment). Summed up to a date
    it gives :func:`registered_entities` of that date."""
    entity = source(Entity, ["id", "jurisdiction", "established_on"])
    event = source(LifecycleEvent, ["entity", "kind", "occurred_on"])
    born = entity.filter(entity.established_on <= end)
    if district_id is not None:
        born = born.filter(born.jurisdiction_id == district_id)
    arrivals = born.group_by(district_id=born.jurisdiction_id, day=born.established_on).aggregate(
        delta=born.count().cast("int64")
    )
    leaving = event.filter(event.kind.isin([str(k) for k in LEAVING]), event.occurred_on <= end)
    first = leaving.group_by(gone_id=leaving.entity_id).aggregate(left_on=leaving.occurred_on.min())
    gone = first.join(born, first.gone_id == born.id)
    gone = gone.select(district_id=gone.jurisdiction_id, day=ibis.greatest(gone.established_on, gone.left_on))
    departures = gone.group_by("district_id", "day").aggregate(delta=(-gone.count()).cast("int64"))
    return arrivals.union(departures)


def records_url(start: dt.date, end: dt.date, district_id: int | None = None) -> str:
    params = {"status": "active"}
    if district_id:
        params["jurisdiction"] = str(district_id)
    return f"{reverse('registry:entity_list')}?{urlencode(params)}"


def definitions() -> list[IndicatorSource]:
    return [
        IndicatorSource(
            code="s001.t21.r01",
            app="registry",
            compute=registered_entities,
            records_url=records_url,
            note="期末在册：成立日期不晚于期末且期末前无注销、吊销、迁出记录的市场主体",
            scale=Decimal("0.0001"),
            changes=register_changes,
        )
    ]

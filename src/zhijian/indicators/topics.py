"""Events the plan cockpit emits (docs/events.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhijian.core.events import register_topic
from zhijian.core.topics import Payload


class ValueLocked(Payload):
    """A reported indicator value was approved and locked (a correction carries ``supersedes``)."""

    value_id: int
    code: str
    jurisdiction: str
    period_start: dt.date
    period_end: dt.date
    version: int
    value: Decimal
    supersedes: int | None = None


register_topic("indicators.value_locked", ValueLocked)

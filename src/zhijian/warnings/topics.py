"""Events the warnings app emits (docs/events.md)."""

from __future__ import annotations

from zhijian.core.events import register_topic
from zhijian.core.topics import Payload


class WarningRaised(Payload):
    warning_id: int
    number: str
    classification: str
    risk_level: str
    hazard: str
    product: str
    producer: str
    districts: list[str]


class WarningClosed(Payload):
    warning_id: int
    number: str


class SourceStale(Payload):
    source: str
    last_data_at: str | None


register_topic("warnings.warning_raised", WarningRaised)
register_topic("warnings.warning_closed", WarningClosed)
register_topic("warnings.source_stale", SourceStale)

"""Events the credit app emits (docs/events.md)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from zhijian.core.events import register_topic
from zhijian.core.topics import Payload


class ClassChanged(Payload):
    entity_id: int
    uscc: str
    from_: str = Field(alias="from")
    to: str
    model_version: str
    classified_at: dt.datetime


register_topic("credit.class_changed", ClassChanged)

"""Events the sampling app emits (docs/events.md)."""

from __future__ import annotations

import datetime as dt

from zhijian.core.events import register_topic
from zhijian.core.topics import Payload


class SampleFailed(Payload):
    sample_id: int
    sample_no: str
    kind: str
    category: str
    product: str
    judged_on: dt.date
    seller_uscc: str | None
    producer_uscc: str | None
    failed_items: list[str]
    lab: str | None


class JudgementReversed(Payload):
    sample_id: int
    sample_no: str
    seller_uscc: str | None
    producer_uscc: str | None
    judged_on: dt.date


register_topic("sampling.sample_failed", SampleFailed)
register_topic("sampling.judgement_reversed", JudgementReversed)

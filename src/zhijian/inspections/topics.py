"""Events the 双随机 app emits (docs/events.md)."""

from __future__ import annotations

import datetime as dt

from zhijian.core.events import register_topic
from zhijian.core.topics import Payload

RESULT_TOPIC = "inspections.result_recorded"


class ResultRecorded(Payload):
    inspection_id: int
    task_id: int
    entity_id: int
    uscc: str
    result_code: str
    result_label: str
    completed_on: dt.date | None
    department: str
    legal_basis: str
    public: bool
    task_title: str = ""
    verification_code: str = ""


register_topic(RESULT_TOPIC, ResultRecorded)

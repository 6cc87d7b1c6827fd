"""Events the register emits (docs/events.md)."""

from __future__ import annotations

from pydantic import Field

from zhijian.core.events import register_topic
from zhijian.core.topics import Payload


class EntitiesImported(Payload):
    run_id: int
    created: int
    changed: int


class EntityStatusChanged(Payload):
    uscc: str = Field(min_length=18, max_length=18)
    entity_id: int
    from_: str = Field(alias="from")
    to: str


register_topic("registry.entities_imported", EntitiesImported)
register_topic("registry.entity_status_changed", EntityStatusChanged)

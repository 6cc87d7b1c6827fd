"""Base of every event payload schema: strict, so that a misspelt field fails where it is written."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Payload(BaseModel):
    """An event payload (docs/events.md). Unknown fields are refused; add a field with a default."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

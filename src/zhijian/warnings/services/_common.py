"""What every warnings service shares: the app's coded error and the actor's name for records."""

from __future__ import annotations

from zhijian.core.access import SystemActor
from zhijian.core.errors import DomainError


class WarningsError(DomainError):
    """A refused warnings operation (codes ``warnings.*``, Chinese messages)."""


def actor_name(actor) -> str:
    if isinstance(actor, SystemActor):
        return actor.name
    return getattr(actor, "display_name", "") or getattr(actor, "username", "") or str(actor)

"""Domain events through a transactional outbox (事件外发箱).

A service calls :func:`emit` inside its transaction: the event row commits with the change or not at
all. The relay (:func:`relay_once`, run by ``zhijian worker``) hands each event to every subscriber
of its topic. A handler runs in one transaction with the row that marks its delivery done, so a
handler that raises, or a worker that dies, leaves the delivery pending and it is tried again;
a handler never sees the same event twice once it has committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections import defaultdict
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from .models import EventDelivery, OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
_subscribers: dict[str, dict[str, Handler]] = defaultdict(dict)

MAX_BACKOFF = dt.timedelta(hours=1)


def subscriber(topic: str, name: str):
    """Register ``fn`` as subscriber ``name`` of ``topic``. Names must stay stable across releases."""

    def register(fn: Handler) -> Handler:
        _subscribers[topic][name] = fn
        return fn

    return register


def subscribers_of(topic: str) -> dict[str, Handler]:
    return dict(_subscribers.get(topic, {}))


def emit(topic: str, payload: dict) -> OutboxEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be emitted inside the transaction of their change")
    return OutboxEvent.objects.create(topic=topic, payload=payload)


def emit_many(topic: str, payloads: list[dict]) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be emitted inside the transaction of their change")
    OutboxEvent.objects.bulk_create([OutboxEvent(topic=topic, payload=p) for p in payloads], batch_size=5000)


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=2**attempts), MAX_BACKOFF)


def _deliver(event: OutboxEvent, name: str, handler: Handler, now: dt.datetime) -> bool:
    """Deliver ``event`` to one subscriber; return True when it is (or already was) done."""
    delivery, _ = EventDelivery.objects.get_or_create(event=event, subscriber=name)
    if delivery.done:
        return True
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        return False
    try:
        with transaction.atomic():
            locked = EventDelivery.objects.select_for_update(
                skip_locked=connection.features.has_select_for_update_skip_locked
            ).filter(pk=delivery.pk, done=False)
            if not locked.exists():
                return True  # another worker holds or finished it
            handler(event)
            locked.update(
                done=True, delivered_at=timezone.now(), attempts=delivery.attempts + 1, last_error=""
            )
        return True
    except Exception:
        attempts = delivery.attempts + 1
        logger.warning("event %s to %s failed (attempt %s)", event.pk, name, attempts, exc_info=True)
        EventDelivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            last_error=traceback.format_exc()[-4000:],
            next_attempt_at=now + _backoff(attempts),
        )
        return False


def relay_once(batch: int = 200) -> int:
    """Deliver pending events; return how many events became fully delivered."""
    now = timezone.now()
    finished = 0
    for event in OutboxEvent.objects.filter(dispatched=False).order_by("id")[:batch]:
        results = [_deliver(event, name, fn, now) for name, fn in subscribers_of(event.topic).items()]
        if all(results):
            OutboxEvent.objects.filter(pk=event.pk).update(dispatched=True)
            finished += 1
    return finished

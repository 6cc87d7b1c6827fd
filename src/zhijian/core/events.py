"""Domain events through a transactional outbox (事件外发箱) with independent, retried deliveries.

A service calls :func:`emit` inside its transaction: the event row commits with the change or not at
all, and its payload is checked against the topic's schema (:func:`register_topic`) before it is
written. The relay (:func:`relay_once`, run by ``zhijian worker``) works in two steps that always make
progress:

1. **Fan-out.** Each new event gets one :class:`~zhijian.core.models.EventDelivery` per subscriber of
   its topic.
2. **Delivery.** Due deliveries run oldest-first *per delivery*, fresh ones before retried ones. A
   handler runs in one transaction with the row that marks its delivery done, so a handler that raises,
   or a worker that dies, leaves that delivery pending; it is retried with exponential backoff
   (``EVENTS_BACKOFF_*`` settings), independently of every other delivery. After
   ``EVENTS_MAX_ATTEMPTS`` failures a delivery is **dead** (死信): it stops being retried, the
   administrator's workbench shows it, and ``zhijian events replay`` puts it back in the queue.

No event, however many fail ahead of it, waits for another: a failing subscriber delays only its own
deliveries. A handler never sees the same event twice once it has committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from pydantic import BaseModel, ValidationError

from .models import EventDelivery, OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
_subscribers: dict[str, dict[str, Handler]] = defaultdict(dict)
_topics: dict[str, type[BaseModel]] = {}


class EventSchemaError(TypeError):
    """A payload that does not match its topic's schema: a programming error, never user input."""


def register_topic(topic: str, schema: type[BaseModel]) -> type[BaseModel]:
    """Declare ``topic`` and the schema of its payload. The emitting app registers its topics."""
    existing = _topics.get(topic)
    if (
        existing is not None
        and existing is not schema
        and existing.model_json_schema() != schema.model_json_schema()
    ):
        raise ValueError(f"topic {topic} registered twice with different schemas")
    _topics[topic] = schema
    return schema


def topic_schema(topic: str) -> type[BaseModel]:
    try:
        return _topics[topic]
    except KeyError:
        raise EventSchemaError(
            f"topic {topic!r} has no registered schema (core.events.register_topic)"
        ) from None


def registered_topics() -> dict[str, type[BaseModel]]:
    return dict(sorted(_topics.items()))


def checked_payload(topic: str, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` validated against its topic's schema, as the JSON that will be stored."""
    schema = topic_schema(topic)
    try:
        return schema.model_validate(payload).model_dump(mode="json", by_alias=True)
    except ValidationError as exc:
        raise EventSchemaError(f"payload of {topic} does not match its schema: {exc}") from exc


def subscriber(topic: str, name: str):
    """Register ``fn`` as subscriber ``name`` of ``topic``. Names must stay stable across releases."""

    def register(fn: Handler) -> Handler:
        _subscribers[topic][name] = fn
        return fn

    return register


def subscribers_of(topic: str) -> dict[str, Handler]:
    return dict(_subscribers.get(topic, {}))


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be emitted inside the transaction of their change")


def emit(topic: str, payload: dict) -> OutboxEvent:
    _in_transaction()
    return OutboxEvent.objects.create(topic=topic, payload=checked_payload(topic, payload))


def emit_many(topic: str, payloads: Iterable[dict]) -> None:
    _in_transaction()
    rows = [OutboxEvent(topic=topic, payload=checked_payload(topic, p)) for p in payloads]
    OutboxEvent.objects.bulk_create(rows, batch_size=5000)


# --- relay -------------------------------------------------------------------------------------------


def max_attempts() -> int:
    return int(getattr(settings, "EVENTS_MAX_ATTEMPTS", 10))


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: doubling from ``EVENTS_BACKOFF_BASE`` up to the cap."""
    base = float(getattr(settings, "EVENTS_BACKOFF_BASE", 2.0))
    cap = float(getattr(settings, "EVENTS_BACKOFF_MAX", 3600.0))
    return dt.timedelta(seconds=min(base * 2 ** (attempts - 1), cap))


def fan_out(batch: int = 5000) -> int:
    """Create the deliveries of events not yet fanned out; return how many events were fanned out."""
    events = list(
        OutboxEvent.objects.filter(fanned_out=False).order_by("id").values_list("id", "topic")[:batch]
    )
    if not events:
        return 0
    deliveries: list[EventDelivery] = []
    without_subscribers: list[int] = []
    for event_id, topic in events:
        names = subscribers_of(topic)
        if not names:
            without_subscribers.append(event_id)
        deliveries.extend(EventDelivery(event_id=event_id, subscriber=name) for name in names)
    ids = [event_id for event_id, _ in events]
    with transaction.atomic():
        EventDelivery.objects.bulk_create(deliveries, batch_size=5000, ignore_conflicts=True)
        OutboxEvent.objects.filter(id__in=ids).update(fanned_out=True)
        if without_subscribers:
            OutboxEvent.objects.filter(id__in=without_subscribers).update(dispatched=True)
    return len(ids)


def _due(now: dt.datetime):
    return EventDelivery.objects.filter(done=False, dead=False).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _deliver(delivery: EventDelivery, now: dt.datetime) -> bool:
    """Run one delivery; True when it is (or already was) done."""
    event = delivery.event
    handler = subscribers_of(event.topic).get(delivery.subscriber)
    try:
        if handler is None:
            raise LookupError(f"subscriber {delivery.subscriber} of {event.topic} is not registered")
        with transaction.atomic():
            locked = EventDelivery.objects.select_for_update(
                skip_locked=connection.features.has_select_for_update_skip_locked
            ).filter(pk=delivery.pk, done=False, dead=False)
            if not locked.exists():
                return True  # another worker holds or finished it
            handler(event)
            locked.update(
                done=True, delivered_at=timezone.now(), attempts=delivery.attempts + 1, last_error=""
            )
        return True
    except Exception as exc:
        attempts = delivery.attempts + 1
        dead = attempts >= max_attempts()
        # The traceback is kept on the delivery (zhijian events dead); the log gets one line.
        logger.warning(
            "event %s to %s failed (attempt %s%s): %s",
            event.pk,
            delivery.subscriber,
            attempts,
            ", dead-lettered" if dead else "",
            exc,
        )
        EventDelivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            last_error=traceback.format_exc()[-4000:],
            next_attempt_at=None if dead else now + backoff(attempts),
            dead=dead,
            dead_at=now if dead else None,
        )
        return False


def _due_batch(now: dt.datetime, batch: int) -> list[EventDelivery]:
    """Due deliveries, fairly shared between subscribers so that one failing subscriber never starves
    another: each gets an equal quota, fresh deliveries before retried ones, oldest first."""
    names = sorted({name for handlers in _subscribers.values() for name in handlers})
    quota = max(1, batch // (len(names) + 1))
    due: list[EventDelivery] = []
    pending = _due(now).select_related("event").order_by("attempts", "id")
    for name in names:
        due.extend(pending.filter(subscriber=name)[:quota])
    # Deliveries of subscribers no longer registered: tried (and dead-lettered) rather than left forever.
    due.extend(pending.exclude(subscriber__in=names)[:quota])
    return due


def relay_once(batch: int = 500) -> int:
    """Fan out new events and run due deliveries; return how many events became fully delivered."""
    fan_out()
    now = timezone.now()
    due = _due_batch(now, batch)
    touched = set()
    for delivery in due:
        if _deliver(delivery, now):
            touched.add(delivery.event_id)
    if not touched:
        return 0
    unfinished = set(
        EventDelivery.objects.filter(event_id__in=touched, done=False).values_list("event_id", flat=True)
    )
    finished = touched - unfinished
    OutboxEvent.objects.filter(id__in=finished, dispatched=False).update(dispatched=True)
    return len(finished)


def dead_letters():
    """Deliveries that gave up: the administrator's to-do until replayed."""
    return EventDelivery.objects.filter(dead=True).select_related("event")


def replay(*, ids: Iterable[int] = (), topic: str = "", subscriber_name: str = "") -> int:
    """Put dead deliveries back in the queue (attempts reset); filter by delivery id, topic, subscriber."""
    deliveries = dead_letters()
    ids = list(ids)
    if ids:
        deliveries = deliveries.filter(pk__in=ids)
    if topic:
        deliveries = deliveries.filter(event__topic=topic)
    if subscriber_name:
        deliveries = deliveries.filter(subscriber=subscriber_name)
    return EventDelivery.objects.filter(pk__in=list(deliveries.values_list("pk", flat=True))).update(
        dead=False, dead_at=None, attempts=0, next_attempt_at=None
    )

import pytest
from django.db import transaction
from pydantic import BaseModel, ConfigDict

from zhijian.core import events
from zhijian.core.models import EventDelivery, OutboxEvent

pytestmark = pytest.mark.django_db


class AnyPayload(BaseModel):
    model_config = ConfigDict(extra="allow")


@pytest.fixture
def topic(monkeypatch):
    """A private topic with a fresh subscriber table and a permissive schema."""
    monkeypatch.setattr(events, "_subscribers", events.defaultdict(dict))
    monkeypatch.setattr(events, "_topics", {"test.thing_happened": AnyPayload})
    return "test.thing_happened"


def test_event_is_delivered_once_to_each_subscriber(topic):
    seen = {"a": [], "b": []}
    events.subscriber(topic, "a")(lambda e: seen["a"].append(e.payload["n"]))
    events.subscriber(topic, "b")(lambda e: seen["b"].append(e.payload["n"]))
    with transaction.atomic():
        events.emit(topic, {"n": 1})
    assert events.relay_once() == 1
    assert events.relay_once() == 0  # nothing left: never delivered twice
    assert seen == {"a": [1], "b": [1]}
    assert OutboxEvent.objects.get().dispatched


def test_event_of_a_rolled_back_change_never_exists(topic):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        events.emit(topic, {"n": 1})
        1 / 0  # noqa: B018
    assert not OutboxEvent.objects.exists()


def test_failing_subscriber_is_retried_and_does_not_block_the_others(topic):
    calls = {"flaky": 0, "steady": 0}

    def flaky(event):
        calls["flaky"] += 1
        if calls["flaky"] == 1:
            raise RuntimeError("downstream unavailable")

    events.subscriber(topic, "flaky")(flaky)
    events.subscriber(topic, "steady")(lambda e: calls.__setitem__("steady", calls["steady"] + 1))
    with transaction.atomic():
        events.emit(topic, {})
    assert events.relay_once() == 0
    failed = EventDelivery.objects.get(subscriber="flaky")
    assert not failed.done and failed.attempts == 1 and "downstream unavailable" in failed.last_error
    assert EventDelivery.objects.get(subscriber="steady").done
    EventDelivery.objects.filter(pk=failed.pk).update(next_attempt_at=None)  # backoff elapsed
    assert events.relay_once() == 1
    assert calls == {"flaky": 2, "steady": 1}


def test_handler_writes_roll_back_with_a_failed_delivery(topic, users):
    """A handler's own writes commit with its delivery mark, or not at all: no half-handled event."""

    def handler(event):
        users["admin"].__class__.objects.filter(pk=users["admin"].pk).update(display_name="handled")
        raise RuntimeError("crash after writing")

    events.subscriber(topic, "writer")(handler)
    with transaction.atomic():
        events.emit(topic, {})
    events.relay_once()
    users["admin"].refresh_from_db()
    assert users["admin"].display_name != "handled"


def test_worker_death_mid_handler_leaves_the_event_pending(topic):
    """A worker killed inside a handler (simulated by BaseException) has committed nothing."""
    state = {"die": True, "handled": 0}

    def handler(event):
        if state["die"]:
            raise KeyboardInterrupt
        state["handled"] += 1

    events.subscriber(topic, "s")(handler)
    with transaction.atomic():
        events.emit(topic, {})
    with pytest.raises(KeyboardInterrupt):
        events.relay_once()
    assert not EventDelivery.objects.filter(done=True).exists()
    state["die"] = False
    assert events.relay_once() == 1
    assert state["handled"] == 1


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused(topic):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        events.emit(topic, {})
    assert not OutboxEvent.objects.exists()

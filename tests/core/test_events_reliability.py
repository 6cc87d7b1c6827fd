"""The relay cannot jam: failing deliveries retry on their own, dead-letter, and replay (issue 8)."""

import pytest
from django.core.management import call_command
from django.db import transaction
from pydantic import BaseModel

from zhijian.core import events
from zhijian.core.models import EventDelivery, OutboxEvent

pytestmark = pytest.mark.django_db


class Numbered(BaseModel):
    n: int


@pytest.fixture
def relay(monkeypatch, settings):
    monkeypatch.setattr(events, "_subscribers", events.defaultdict(dict))
    monkeypatch.setattr(events, "_topics", {"test.bad": Numbered, "test.good": Numbered})
    settings.EVENTS_MAX_ATTEMPTS = 3
    return events


def _emit(topic, count):
    with transaction.atomic():
        events.emit_many(topic, [{"n": i} for i in range(count)])


def test_a_valid_event_behind_1000_failing_ones_is_delivered_within_seconds(relay):
    delivered = []
    relay.subscriber("test.bad", "broken")(lambda e: 1 / 0)
    relay.subscriber("test.good", "working")(lambda e: delivered.append(e.payload["n"]))
    _emit("test.bad", 1000)
    _emit("test.good", 1)
    # One pass of the relay: the failing subscriber's backlog does not hold the working one up
    # (each subscriber has its own share of every pass). How fast a pass is: bench/bench_events.py.
    relay.relay_once()
    assert delivered == [0]
    # The broken subscriber's share of the pass was tried and waits for its backoff; the rest wait
    # their turn. None of them held the working subscriber up.
    tried = EventDelivery.objects.filter(subscriber="broken", attempts=1, done=False).count()
    assert 0 < tried < 1000
    assert EventDelivery.objects.filter(subscriber="broken", done=True).count() == 0


def test_deliveries_to_two_subscribers_of_one_event_are_independent(relay):
    seen = []
    relay.subscriber("test.good", "broken")(lambda e: 1 / 0)
    relay.subscriber("test.good", "working")(lambda e: seen.append(e.pk))
    _emit("test.good", 1)
    relay.relay_once()
    assert len(seen) == 1
    assert not OutboxEvent.objects.get().dispatched  # one subscriber still owes it


def test_repeated_failure_dead_letters_then_replay_delivers(relay, settings):
    state = {"fail": True, "handled": 0}

    def flaky(event):
        if state["fail"]:
            raise RuntimeError("downstream down")
        state["handled"] += 1

    relay.subscriber("test.good", "flaky")(flaky)
    _emit("test.good", 1)
    for _ in range(settings.EVENTS_MAX_ATTEMPTS):
        EventDelivery.objects.update(next_attempt_at=None)  # let the backoff elapse
        relay.relay_once()
    delivery = EventDelivery.objects.get()
    assert delivery.dead and delivery.attempts == settings.EVENTS_MAX_ATTEMPTS
    assert "downstream down" in delivery.last_error
    relay.relay_once()
    assert EventDelivery.objects.get().attempts == settings.EVENTS_MAX_ATTEMPTS  # no longer retried
    state["fail"] = False
    call_command("events", "replay", "--subscriber", "flaky")
    assert relay.relay_once() == 1
    assert state["handled"] == 1
    assert EventDelivery.objects.get().done and OutboxEvent.objects.get().dispatched


def test_dead_letters_are_the_administrators_todo(relay, users):
    from zhijian.core.hooks import todos_for

    relay.subscriber("test.good", "broken")(lambda e: 1 / 0)
    _emit("test.good", 2)
    EventDelivery.objects.all()  # fan out happens in the relay
    relay.relay_once()
    EventDelivery.objects.update(dead=True)
    admin_todos = [t for t in todos_for(users["admin"]) if t.app == "平台运维"]
    assert admin_todos and admin_todos[0].count == 2
    assert not [t for t in todos_for(users["haishu"]) if t.app == "平台运维"]


def test_payload_is_checked_against_its_schema_when_written(relay):
    with pytest.raises(events.EventSchemaError), transaction.atomic():
        events.emit("test.good", {"n": "not a number"})
    with pytest.raises(events.EventSchemaError), transaction.atomic():
        events.emit("test.unknown", {"n": 1})
    assert not OutboxEvent.objects.exists()


def test_every_topic_the_apps_emit_has_a_schema():
    for topic in (
        "registry.entities_imported",
        "registry.entity_status_changed",
        "inspections.result_recorded",
        "sampling.sample_failed",
        "sampling.judgement_reversed",
        "credit.class_changed",
    ):
        assert events.topic_schema(topic)
    with pytest.raises(events.EventSchemaError):
        events.checked_payload(
            "registry.entity_status_changed", {"uscc": "x" * 18, "entity_id": 1, "to": "a"}
        )


def test_one_subscriber_behind_its_own_1000_failures_reaches_the_valid_event_in_a_few_passes(relay):
    delivered = []

    def picky(event):
        if event.payload["n"] < 1000:
            raise ValueError("bad data")
        delivered.append(event.payload["n"])

    relay.subscriber("test.good", "picky")(picky)
    _emit("test.good", 1001)
    passes = 0
    while not delivered and passes < 10:
        relay.relay_once()
        passes += 1
    assert delivered == [1000]
    # Failed deliveries wait for their backoff and fresh ones go first, so every pass makes progress:
    # a pass gives the subscriber half of its 500 deliveries (the other half is for unknown names).
    assert passes <= 1001 // 250 + 1

"""The MQTT subscriber (``zhijian equipment mqtt``): device messages from a broker into the same ingestion.

Devices publish to ``zhijian/equipment/<device_id>/messages`` a JSON object
``{"token": "<the device's credential>", "messages": [{"id", "kind", "at", "state"}, …]}``. The broker is
shared and may be anonymous, so every payload carries the device's own credential, checked exactly as
the HTTP endpoint checks it, and it must match the device named in the topic: a device cannot publish
for another. A paho network thread queues payloads; the main loop takes up to ``batch`` of them (or
what arrived within ``linger`` seconds), groups them by device and stores them with one
:func:`~zhijian.equipment.services.devices.ingest_many` call. Every ``sweep`` seconds it escalates
missed rescue arrivals and flags silent devices. A payload that fails is logged and dropped (the
device's retry, with the same message ids, is then stored once).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import queue
import time
from dataclasses import dataclass, field

from django.db import close_old_connections, connections

from .services import EquipmentError, escalate_rescues, flag_silent_devices
from .services.common import WORKER
from .services.devices import MAX_BATCH, MessageIn, authenticate_device, ingest_many

logger = logging.getLogger(__name__)
TOPIC = "zhijian/equipment/+/messages"


@dataclass
class WorkerStats:
    payloads: int = 0
    messages: int = 0
    accepted: int = 0
    duplicates: int = 0
    refused: int = 0
    rescues: int = 0
    batches: int = 0
    started: float = field(default_factory=time.monotonic)


def parse_payload(topic: str, body: bytes) -> tuple[int, list[MessageIn]]:
    """The device (primary key) and messages of one MQTT payload, or :class:`EquipmentError`."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[:2] != ["zhijian", "equipment"] or parts[3] != "messages":
        raise EquipmentError("bad_topic", f"主题“{topic}”不正确")
    device_id = parts[2]
    try:
        data = json.loads(body)
        token = data["token"]
        raw = data["messages"]
        if not isinstance(raw, list) or len(raw) > MAX_BATCH:
            raise ValueError
        messages = [
            MessageIn(
                str(m["id"]),
                str(m["kind"]),
                dt.datetime.fromisoformat(m["at"]),
                str(m.get("state", "raised")),
            )
            for m in raw
        ]
    except (ValueError, KeyError, TypeError):
        raise EquipmentError("bad_payload", "报文不是有效的JSON或缺少字段") from None
    if any(m.get("device") not in (None, device_id) for m in raw):
        raise EquipmentError("device_mismatch", "报文中的终端编号与主题不符")
    device_pk = authenticate_device(device_id, str(token))
    if device_pk is None:
        raise EquipmentError("device_forbidden", "终端凭证与终端编号不符")
    return device_pk, messages


def store(payloads: list[tuple[str, bytes]], stats: WorkerStats) -> None:
    """Parse, authenticate and store a drained batch of payloads in one transaction."""
    batches: dict[int, list[MessageIn]] = {}
    for topic, body in payloads:
        try:
            device_pk, messages = parse_payload(topic, body)
        except EquipmentError as exc:
            stats.refused += 1
            logger.warning("MQTT payload on %s refused: %s", topic, exc.code)
            continue
        batches.setdefault(device_pk, []).extend(messages)
        stats.messages += len(messages)
    if not batches:
        return
    try:
        result = ingest_many(batches)
    except EquipmentError as exc:  # one bad message: store the others device by device
        logger.warning("MQTT batch refused (%s); storing device by device", exc.code)
        for device_pk, messages in batches.items():
            try:
                part = ingest_many({device_pk: messages})
            except EquipmentError:
                stats.refused += 1
                continue
            stats.accepted += part.accepted
            stats.duplicates += part.duplicates
            stats.rescues += len(part.rescues)
        return
    stats.accepted += result.accepted
    stats.duplicates += result.duplicates
    stats.rescues += len(result.rescues)
    stats.batches += 1


def run(
    *,
    host: str = "127.0.0.1",
    port: int = 1883,
    batch: int = 500,
    linger: float = 0.05,
    sweep: float = 30.0,
    seconds: float | None = None,
    max_messages: int | None = None,
    on_ready=None,
) -> WorkerStats:
    """Subscribe and store until stopped (or for ``seconds``, or until ``max_messages`` were stored)."""
    import paho.mqtt.client as mqtt

    inbox: queue.Queue[tuple[str, bytes]] = queue.Queue()
    subscribed = queue.Queue()

    def on_connect(client, userdata, flags, reason_code, properties):
        client.subscribe(TOPIC, qos=1)

    def on_subscribe(client, userdata, mid, reason_codes, properties):
        subscribed.put(True)

    def on_message(client, userdata, message):
        inbox.put((message.topic, message.payload))

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"zhijian-equipment-{int(time.time())}")
    client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
    client.connect(host, port, keepalive=30)
    client.loop_start()
    stats = WorkerStats()
    try:
        subscribed.get(timeout=10)
        if on_ready:
            on_ready()
        deadline = time.monotonic() + seconds if seconds else None
        next_sweep = time.monotonic() + sweep
        while True:
            now = time.monotonic()
            if deadline and now >= deadline:
                break
            if max_messages and stats.messages >= max_messages:
                break
            payloads: list[tuple[str, bytes]] = []
            with contextlib.suppress(queue.Empty):
                payloads.append(inbox.get(timeout=0.2))
            drain_until = time.monotonic() + linger
            while len(payloads) < batch and time.monotonic() < drain_until:
                try:
                    payloads.append(inbox.get(timeout=max(0.0, drain_until - time.monotonic())))
                except queue.Empty:
                    break
            if payloads:
                stats.payloads += len(payloads)
                close_old_connections()
                store(payloads, stats)
            if time.monotonic() >= next_sweep:
                escalate_rescues(actor=WORKER)
                flag_silent_devices(actor=WORKER)
                next_sweep = time.monotonic() + sweep
    finally:
        client.loop_stop()
        client.disconnect()
        connections.close_all()  # this thread's connection: the worker is done with it
    return stats

"""The MQTT subscriber against the broker on 127.0.0.1:1883: stores, dedupes, refuses foreign credentials."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time

import pytest

from zhijian.core.access import SystemActor
from zhijian.equipment import services
from zhijian.equipment.models import DeviceMessage, RescueCase
from zhijian.equipment.mqtt import parse_payload

CLI = SystemActor("cli")

pytestmark = pytest.mark.django_db(transaction=True)


def broker_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=1).close()
        return True
    except OSError:
        return False


def payload(token, messages):
    return json.dumps({"token": token, "messages": messages}).encode()


def test_parse_refuses_another_devices_credential(equipment_rules, units):
    from zhijian.equipment.services import EquipmentError

    _, secret_mall = services.register_device(actor=CLI, unit=units["mall"], device_id="M-1")
    services.register_device(actor=CLI, unit=units["school"], device_id="S-1")
    at = dt.datetime.now(dt.UTC).isoformat()
    body = payload(secret_mall, [{"id": "1", "kind": "trapped", "at": at}])
    assert parse_payload("zhijian/equipment/M-1/messages", body)[1][0].kind == "trapped"
    with pytest.raises(EquipmentError) as refused:
        parse_payload("zhijian/equipment/S-1/messages", body)
    assert refused.value.code == "device_forbidden"


@pytest.mark.skipif(not broker_up(), reason="no MQTT broker on 127.0.0.1:1883")
def test_messages_published_to_the_broker_are_stored_once(equipment_rules, units):
    import paho.mqtt.client as mqtt

    from zhijian.equipment.mqtt import run

    _, secret = services.register_device(actor=CLI, unit=units["mall"], device_id="M-2")
    _, other = services.register_device(actor=CLI, unit=units["school"], device_id="S-2")
    ready = threading.Event()
    out = {}
    worker = threading.Thread(
        target=lambda: out.setdefault("stats", run(seconds=6, linger=0.02, on_ready=ready.set)), daemon=True
    )
    worker.start()
    assert ready.wait(10)
    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()
    at = dt.datetime.now(dt.UTC).isoformat()
    good = payload(
        secret, [{"id": "h1", "kind": "heartbeat", "at": at}, {"id": "t1", "kind": "trapped", "at": at}]
    )
    for _ in range(2):  # a device's retry repeats the same ids
        publisher.publish("zhijian/equipment/M-2/messages", good, qos=1).wait_for_publish()
    publisher.publish(
        "zhijian/equipment/M-2/messages", payload(other, [{"id": "x", "kind": "heartbeat", "at": at}]), qos=1
    ).wait_for_publish()
    time.sleep(1.0)
    publisher.loop_stop()
    worker.join(15)
    stats = out["stats"]
    assert DeviceMessage.objects.count() == 2
    assert RescueCase.objects.count() == 1
    assert (stats.accepted, stats.duplicates, stats.refused) == (2, 2, 1)

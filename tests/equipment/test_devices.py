"""Device messages: credentials, duplicates, out-of-order delivery, rescue cases, escalation, silence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhijian.core.access import SystemActor
from zhijian.equipment import services
from zhijian.equipment.models import Alarm, Device, DeviceMessage, RescueCase
from zhijian.equipment.services.devices import MessageIn

CLI = SystemActor("cli")

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def devices(units):
    mall, secret_mall = services.register_device(actor=CLI, unit=units["mall"], device_id="DEV-MALL-1")
    school, secret_school = services.register_device(actor=CLI, unit=units["school"], device_id="DEV-SCH-1")
    return {"mall": (mall, secret_mall), "school": (school, secret_school)}


def post(client, device_id, secret, messages):
    return client.post(
        f"/api/v1/equipment/devices/{device_id}/messages",
        {"messages": messages},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Device {secret}",
    )


def msg(i, kind="heartbeat", minutes=0, state="raised"):
    return {"id": f"m{i}", "kind": kind, "at": at(minutes).isoformat(), "state": state}


class TestCredentials:
    def test_a_device_posts_with_its_own_credential(self, devices):
        device, secret = devices["mall"]
        response = post(Client(), device.device_id, secret, [msg(1), msg(2, minutes=1)])
        assert response.status_code == 200, response.content
        assert response.json()["accepted"] == 2
        device.refresh_from_db()
        assert device.last_seen_at == at(1)

    def test_a_credential_cannot_post_for_another_device(self, devices):
        _, secret_mall = devices["mall"]
        school, _ = devices["school"]
        response = post(Client(), school.device_id, secret_mall, [msg(1, "trapped")])
        assert response.status_code == 403
        assert response.json()["code"] == "device_forbidden"
        assert not DeviceMessage.objects.exists() and not Alarm.objects.exists()

    def test_a_message_naming_another_device_is_refused(self, devices):
        device, secret = devices["mall"]
        response = post(Client(), device.device_id, secret, [{**msg(1), "device": "DEV-SCH-1"}])
        assert response.status_code == 403 and response.json()["code"] == "device_mismatch"

    def test_no_or_wrong_credential(self, devices):
        device, _ = devices["mall"]
        assert post(Client(), device.device_id, "", [msg(1)]).status_code == 401
        assert post(Client(), device.device_id, "guess", [msg(1)]).status_code == 403
        assert post(Client(), "DEV-NONE", "guess", [msg(1)]).status_code == 403

    def test_a_new_credential_replaces_the_old(self, devices, units):
        device, old = devices["mall"]
        _, new = services.register_device(actor=CLI, unit=units["mall"], device_id=device.device_id)
        assert post(Client(), device.device_id, old, [msg(1)]).status_code == 403
        assert post(Client(), device.device_id, new, [msg(1)]).status_code == 200


class TestDuplicatesAndOrder:
    def ingest(self, device, *messages):
        return services.ingest_messages(device_pk=device.pk, messages=list(messages))

    def test_a_repeated_message_is_stored_once(self, devices):
        device, _ = devices["mall"]
        m = MessageIn("a1", "trapped", at(0))
        first = self.ingest(device, m, m)
        second = self.ingest(device, m)
        assert (first.accepted, first.duplicates, second.accepted, second.duplicates) == (1, 1, 0, 1)
        assert DeviceMessage.objects.count() == 1
        assert RescueCase.objects.count() == 1

    def test_an_older_heartbeat_does_not_move_last_seen_back(self, devices):
        device, _ = devices["mall"]
        self.ingest(device, MessageIn("h2", "heartbeat", at(5)))
        self.ingest(device, MessageIn("h1", "heartbeat", at(1)))
        device.refresh_from_db()
        assert device.last_seen_at == at(5)

    def test_raise_and_clear_swapped_inside_a_batch(self, devices):
        device, _ = devices["mall"]
        self.ingest(
            device, MessageIn("c", "door_fault", at(3), "cleared"), MessageIn("r", "door_fault", at(1))
        )
        alarm = Alarm.objects.get()
        assert (alarm.status, alarm.raised_at, alarm.cleared_at, alarm.late) == (
            "cleared",
            at(1),
            at(3),
            False,
        )

    def test_a_clear_before_its_raise_across_batches_makes_one_episode(self, devices):
        device, _ = devices["mall"]
        self.ingest(device, MessageIn("c", "trapped", at(3), "cleared"))
        self.ingest(device, MessageIn("r", "trapped", at(1)))
        alarm = Alarm.objects.get()
        assert (alarm.status, alarm.raised_at, alarm.cleared_at) == ("cleared", at(1), at(3))
        assert not RescueCase.objects.exists()  # already over when it reached us

    def test_a_late_raise_of_a_past_episode_opens_no_rescue(self, devices):
        device, _ = devices["mall"]
        self.ingest(device, MessageIn("r2", "trapped", at(10)))
        self.ingest(device, MessageIn("c2", "trapped", at(20), "cleared"))
        self.ingest(device, MessageIn("r1", "trapped", at(2)))
        assert Alarm.objects.count() == 2
        late = Alarm.objects.get(raised_at=at(2))
        assert late.late and late.status == "cleared"
        assert RescueCase.objects.count() == 1

    def test_a_stale_clear_does_not_close_the_open_episode(self, devices):
        device, _ = devices["mall"]
        self.ingest(device, MessageIn("r", "over_speed", at(10)))
        self.ingest(device, MessageIn("c-old", "over_speed", at(5), "cleared"))
        assert Alarm.objects.get().status == "open"

    def test_a_second_raise_while_open_is_the_same_episode(self, devices):
        device, _ = devices["mall"]
        self.ingest(device, MessageIn("r1", "trapped", at(0)), MessageIn("r2", "trapped", at(1)))
        assert Alarm.objects.count() == 1 and RescueCase.objects.count() == 1

    def test_a_naive_time_or_unknown_kind_is_refused(self, devices):
        device, _ = devices["mall"]
        with pytest.raises(services.EquipmentError):
            self.ingest(device, MessageIn("x", "heartbeat", dt.datetime(2026, 1, 1)))
        with pytest.raises(services.EquipmentError):
            self.ingest(device, MessageIn("y", "earthquake", at(0)))


class TestRescue:
    def open_case(self, devices):
        device, _ = devices["mall"]
        result = services.ingest_messages(device_pk=device.pk, messages=[MessageIn("t", "trapped", at(0))])
        return RescueCase.objects.get(pk=result.rescues[0])

    def test_trapped_alarm_opens_a_case_with_the_rule_deadline(self, devices, parties):
        case = self.open_case(devices)
        assert case.arrival_deadline == at(30)
        assert case.deadline_rule.key == "equipment.rescue.arrival"
        assert case.maintenance_uscc == parties["lift_a"].uscc

    def test_escalation_when_the_deadline_passes_without_arrival(self, devices):
        case = self.open_case(devices)
        assert services.escalate_rescues(now=at(29)) == 0
        assert services.escalate_rescues(now=at(31)) == 1
        assert services.escalate_rescues(now=at(40)) == 0  # once
        case.refresh_from_db()
        assert case.escalated_at == at(31)
        from zhijian.core.models import OutboxEvent

        assert OutboxEvent.objects.filter(topic="equipment.rescue_escalated").count() == 1

    def test_an_arrived_case_is_not_escalated(self, devices, accounts):
        case = self.open_case(devices)
        services.record_arrival(actor=accounts["lift_a"], case=case, at=at(20))
        assert services.escalate_rescues(now=at(31)) == 0

    def test_only_the_maintenance_company_records_arrival_and_closure(self, devices, accounts):
        case = self.open_case(devices)
        for who in ("lift_b", "mall"):
            with pytest.raises(services.EquipmentError):
                services.record_arrival(actor=accounts[who], case=case, at=at(10))
        with pytest.raises(services.EquipmentError):
            services.close_rescue(actor=accounts["lift_a"], case=case, rescued_at=at(15))
        services.record_arrival(actor=accounts["lift_a"], case=case, at=at(12))
        closed = services.close_rescue(
            actor=accounts["lift_a"], case=case, rescued_at=at(25), note="盘车放人"
        )
        assert closed.status == "closed" and closed.rescue_minutes == 25


class TestSilence:
    def test_a_device_that_stops_sending_is_flagged_and_cleared_by_its_next_message(self, devices):
        device, _ = devices["mall"]
        services.ingest_messages(device_pk=device.pk, messages=[MessageIn("h", "heartbeat", at(0))])
        assert services.flag_silent_devices(now=at(9)) == 0
        assert services.flag_silent_devices(now=at(11)) == 1
        assert Device.objects.get(pk=device.pk).silent
        services.ingest_messages(device_pk=device.pk, messages=[MessageIn("h2", "heartbeat", at(12))])
        assert not Device.objects.get(pk=device.pk).silent

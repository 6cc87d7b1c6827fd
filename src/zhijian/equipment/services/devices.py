"""Monitoring devices (电梯物联网监测终端): credentials, message ingestion, alarms, silence.

Ingestion is shaped for thousands of messages a second: a batch is one transaction that locks the
device's row (so one device's batches apply in order), drops repeats by ``(device, msg_id)``, stores
the new messages in one bulk insert, moves ``last_seen_at`` forward only (an older message never
moves it back), and applies the events in the order they happened:

- a *raise* while an episode of that kind is open is the same episode;
- a *raise* older than the last clear of that kind is a late message (乱序): it is kept as a late,
  already-cleared alarm and opens no rescue;
- a *clear* older than the open episode's raise belongs to an earlier episode and is ignored;
- a *clear* with no episode open (its raise is still on the way) is kept as an orphan clear that
  the raise, when it arrives, completes.

Telemetry is not audited message by message; the rescue cases it opens are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from zhijian.core import audit, events

from ..models import Alarm, AlarmStatus, Device, DeviceMessage, MessageKind, Unit
from ..rules import SILENT_AFTER, RuleBook
from .common import SYSTEM, EquipmentError, audit_actor, require_change
from .rescue import open_rescue

MAX_BATCH = 1000
KINDS = frozenset(MessageKind.values)
EVENT_KINDS = KINDS - {MessageKind.HEARTBEAT}
_CACHE_SECONDS = 30.0
_credentials: dict[str, tuple[float, str, int]] = {}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def register_device(*, actor, unit: Unit, device_id: str) -> tuple[Device, str]:
    """Give ``unit`` a monitoring device; return it with its secret, shown once and stored only hashed."""
    require_change(actor, unit)
    if not device_id or len(device_id) > 40 or not device_id.replace("-", "").isalnum():
        raise EquipmentError(
            "bad_device_id", "终端编号只能由字母、数字和短横线组成，且不超过40位", ("device_id",)
        )
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        device, created = Device.objects.get_or_create(
            device_id=device_id,
            defaults={"unit": unit, "district_id": unit.district_id, "secret_digest": digest(secret)},
        )
        if not created:
            if device.unit_id != unit.pk:
                raise EquipmentError("device_taken", "该终端已绑定其他设备")
            device.secret_digest = digest(secret)  # a new credential replaces the old one
            device.save(update_fields=["secret_digest"])
        audit.record(
            audit_actor(actor),
            audit.Change(
                "equipment.device.credential", "equipment.device", device_id, None, {"unit": unit.code}
            ),
        )
    _credentials.pop(device_id, None)
    return device, secret


def authenticate_device(device_id: str, secret: str) -> int | None:
    """The device's primary key when ``secret`` is its credential, else None (cached 30 s per process)."""
    now = time.monotonic()
    cached = _credentials.get(device_id)
    if cached is None or now - cached[0] > _CACHE_SECONDS:
        row = (
            Device.objects.filter(device_id=device_id, active=True).values_list("secret_digest", "pk").first()
        )
        if row is None:
            _credentials.pop(device_id, None)
            return None
        cached = (now, row[0], row[1])
        _credentials[device_id] = cached
    return cached[2] if hmac.compare_digest(cached[1], digest(secret)) else None


@dataclass(frozen=True)
class MessageIn:
    msg_id: str
    kind: str
    at: dt.datetime
    state: str = "raised"


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    alarms: int = 0
    rescues: list[int] = field(default_factory=list)


def _validate(messages: list[MessageIn]) -> None:
    for m in messages:
        if m.kind not in KINDS or m.state not in ("raised", "cleared") or not m.msg_id:
            raise EquipmentError("bad_message", f"报文“{m.msg_id}”的类型或状态不正确", ("messages",))
        if len(m.msg_id) > 64:
            raise EquipmentError("bad_message", f"报文编号“{m.msg_id[:20]}…”超过64位", ("messages",))
        if timezone.is_naive(m.at):
            raise EquipmentError("naive_time", f"报文“{m.msg_id}”的时间须带时区", ("messages",))


def ingest_messages(
    *, device_pk: int, messages: list[MessageIn], received_at: dt.datetime | None = None
) -> IngestResult:
    """Store one device's batch and apply its events (see the module docstring)."""
    if len(messages) > MAX_BATCH:
        raise EquipmentError("batch_too_large", f"每批报文不得超过{MAX_BATCH}条")
    return ingest_many({device_pk: messages}, received_at=received_at)


def ingest_many(
    batches: dict[int, list[MessageIn]], *, received_at: dt.datetime | None = None
) -> IngestResult:
    """Store the batches of many devices in one transaction (the MQTT worker's path; HTTP uses one).

    Heartbeats cost one set-based insert and one set-based update for the whole call, whatever the
    number of devices; only devices with events in the call lock their rows and run the episode logic.
    """
    for messages in batches.values():
        _validate(messages)
    received_at = received_at or timezone.now()
    result = IngestResult()
    unique: dict[tuple[int, str], MessageIn] = {}
    total = 0
    for device_pk, messages in batches.items():
        total += len(messages)
        for m in messages:
            unique.setdefault((device_pk, m.msg_id), m)
    result.duplicates = total - len(unique)
    if not unique:
        return result
    with transaction.atomic():
        if connection.vendor == "postgresql" and not any(m.kind in EVENT_KINDS for m in unique.values()):
            # Heartbeats only: commit without waiting for the WAL flush. A database crash may forget the
            # last fraction of a second of heartbeats (a device looks silent a little early); a batch
            # with any event commits durably as every other change does.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        fresh_keys = _store(unique, received_at)
        result.accepted = len(fresh_keys)
        result.duplicates += len(unique) - len(fresh_keys)
        if not fresh_keys:
            return result
        events_by_device: dict[int, list[MessageIn]] = {}
        for key in fresh_keys:
            m = unique[key]
            if m.kind in EVENT_KINDS:
                events_by_device.setdefault(key[0], []).append(m)
        for device_pk in sorted(events_by_device):
            device = Device.objects.select_for_update().get(pk=device_pk)
            for m in sorted(events_by_device[device_pk], key=lambda m: (m.at, m.state != "raised")):
                if m.state == "raised":
                    alarm = _raise(device, m)
                    if alarm is not None:
                        result.alarms += 1
                        if alarm.kind == MessageKind.TRAPPED and alarm.status == AlarmStatus.OPEN:
                            result.rescues.append(open_rescue(alarm).pk)
                else:
                    _clear(device, m)
    return result


def _store(unique: dict[tuple[int, str], MessageIn], received_at: dt.datetime) -> set[tuple[int, str]]:
    """Insert the messages not stored yet and move their devices' ``last_seen_at`` forward; return the
    keys that were new. Repeats are dropped by the ``(device, msg_id)`` key. On PostgreSQL this is one
    statement (insert, then the update fed by what the insert returned)."""
    keys = list(unique)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH ins AS (
                    INSERT INTO equipment_devicemessage (device_id, msg_id, kind, state, occurred_at, received_at)
                    SELECT d, i, k, s, a, %s
                    FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::timestamptz[])
                        AS v(d, i, k, s, a)
                    ON CONFLICT (device_id, msg_id) DO NOTHING
                    RETURNING device_id, msg_id, occurred_at
                ), upd AS (
                    UPDATE equipment_device AS dev
                    SET last_seen_at = GREATEST(COALESCE(dev.last_seen_at, n.a), n.a),
                        silent = false, silent_since = NULL
                    FROM (SELECT device_id, max(occurred_at) AS a FROM ins GROUP BY device_id) AS n
                    WHERE dev.id = n.device_id AND (dev.last_seen_at IS NULL OR dev.last_seen_at < n.a OR dev.silent)
                )
                SELECT device_id, msg_id FROM ins
                """,
                [
                    received_at,
                    [k[0] for k in keys],
                    [k[1] for k in keys],
                    [unique[k].kind for k in keys],
                    [unique[k].state for k in keys],
                    [unique[k].at for k in keys],
                ],
            )
            return {(row[0], row[1]) for row in cursor.fetchall()}
    devices = {k[0] for k in keys}
    seen = set(
        DeviceMessage.objects.filter(device_id__in=devices, msg_id__in=[k[1] for k in keys]).values_list(
            "device_id", "msg_id"
        )
    )
    fresh = [k for k in keys if k not in seen]
    DeviceMessage.objects.bulk_create(
        [
            DeviceMessage(
                device_id=k[0],
                msg_id=k[1],
                kind=unique[k].kind,
                state=unique[k].state,
                occurred_at=unique[k].at,
                received_at=received_at,
            )
            for k in fresh
        ],
        batch_size=2000,
    )
    newest: dict[int, dt.datetime] = {}
    for k in fresh:
        if k[0] not in newest or unique[k].at > newest[k[0]]:
            newest[k[0]] = unique[k].at
    _advance_last_seen(newest)
    return set(fresh)


def _advance_last_seen(newest: dict[int, dt.datetime]) -> None:
    """Move each device's ``last_seen_at`` forward (never back) and clear its silence (SQLite path)."""
    for device_pk, at in newest.items():
        Device.objects.filter(pk=device_pk).filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=at)
        ).update(last_seen_at=at)
        Device.objects.filter(pk=device_pk, silent=True).update(silent=False, silent_since=None)


def _raise(device: Device, m: MessageIn) -> Alarm | None:
    episodes = Alarm.objects.filter(device=device, kind=m.kind)
    if episodes.filter(status=AlarmStatus.OPEN, raised_at__lte=m.at).exists():
        return None  # the episode is already open
    orphan = (
        episodes.filter(status=AlarmStatus.CLEARED, late=True, cleared_at__gte=m.at)
        .order_by("cleared_at")
        .first()
    )
    if orphan is not None and orphan.raised_at == orphan.cleared_at:
        Alarm.objects.filter(pk=orphan.pk).update(raised_at=m.at)  # the raise of an orphan clear arrived
        return None
    if episodes.filter(status=AlarmStatus.CLEARED, raised_at__lte=m.at, cleared_at__gte=m.at).exists():
        return None  # inside a finished episode
    later = episodes.filter(cleared_at__gte=m.at).exists() or episodes.filter(raised_at__gt=m.at).exists()
    if later:
        return Alarm.objects.create(
            device=device,
            unit_id=device.unit_id,
            district_id=device.district_id,
            kind=m.kind,
            raised_at=m.at,
            cleared_at=m.at,
            status=AlarmStatus.CLEARED,
            late=True,
        )
    return Alarm.objects.create(
        device=device, unit_id=device.unit_id, district_id=device.district_id, kind=m.kind, raised_at=m.at
    )


def _clear(device: Device, m: MessageIn) -> None:
    episodes = Alarm.objects.filter(device=device, kind=m.kind)
    open_alarm = episodes.filter(status=AlarmStatus.OPEN).order_by("-raised_at").first()
    if open_alarm is not None:
        if open_alarm.raised_at <= m.at:
            Alarm.objects.filter(pk=open_alarm.pk).update(status=AlarmStatus.CLEARED, cleared_at=m.at)
        return  # otherwise a clear of an earlier episode, arriving late
    if episodes.filter(raised_at__lte=m.at, cleared_at__gte=m.at).exists():
        return
    Alarm.objects.create(
        device=device,
        unit_id=device.unit_id,
        district_id=device.district_id,
        kind=m.kind,
        raised_at=m.at,
        cleared_at=m.at,
        status=AlarmStatus.CLEARED,
        late=True,
    )


def flag_silent_devices(*, actor=SYSTEM, now: dt.datetime | None = None) -> int:
    """Mark devices that sent nothing within the rule's window as silent (失联); return how many."""
    now = now or timezone.now()
    minutes = RuleBook(timezone.localdate(now)).number(SILENT_AFTER)
    cutoff = now - dt.timedelta(minutes=minutes)
    with transaction.atomic():
        flagged = Device.objects.filter(active=True, silent=False, last_seen_at__lt=cutoff).update(
            silent=True, silent_since=now
        )
        if flagged:
            events.emit("equipment.devices_silent", {"count": flagged, "at": now.isoformat()})
    return flagged

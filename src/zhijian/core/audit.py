"""The append-only, hash-chained audit log (审计日志).

Services call :func:`record` (or :func:`record_many` for bulk paths) inside their transaction; the
entry commits or rolls back with the change it describes. Each entry's hash covers its fields and
the previous entry's hash; :func:`verify` walks the chain and names every break.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from .bulk import RawJSON, insert_rows
from .middleware import current_request_id
from .models import AuditCheckpoint, AuditEntry

GENESIS = "0" * 64
# Arbitrary constant naming the advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK = 7_330_200


@dataclass(frozen=True)
class Change:
    """One change to audit: what, and its state before and after (None when created / deleted).

    ``attachment`` carries the bulk of a bulk change (e.g. every entity an import created, as
    JSON lines) as bytes beside the entry; the entry's hash covers the attachment's SHA-256, so the
    chain proves it as it proves ``before`` and ``after``.
    """

    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    attachment: bytes | None = None


_encoder = DjangoJSONEncoder()


def canonical_json(value: Any) -> str | None:
    """The one text form of a before/after value: what is stored, and what the hash covers.

    Keys sorted, no spaces, dates and decimals as strings (Django's encoder). A JSON column gives
    back a value whose canonical text is the same, so verification recomputes the same hash.
    """
    if value is None:
        return None
    return json.dumps(
        value, default=_encoder.default, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def entry_hash(
    *,
    seq: int,
    at: str,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    before: str | None,
    after: str | None,
    request_id: str,
    prev_hash: str,
    attachment_sha256: str | None = None,
) -> str:
    """SHA-256 over the entry's fields; ``before``/``after`` are their canonical JSON texts.

    An entry with an attachment adds the attachment's SHA-256 as a last field.
    """
    fields = [
        seq,
        at,
        actor_id,
        actor_name,
        action,
        object_type,
        object_id,
        before,
        after,
        request_id,
        prev_hash,
    ]
    if attachment_sha256 is not None:
        fields.append(attachment_sha256)
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def attachment_digest(attachment: bytes | None) -> str | None:
    return None if attachment is None else hashlib.sha256(attachment).hexdigest()


def _timestamp(value) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _lock_chain() -> tuple[int, str]:
    """Take the chain's lock for this transaction and return the last (seq, hash)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    # SQLite runs write transactions one at a time (IMMEDIATE mode), which is the lock there.
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return last if last else (0, GENESIS)


def _actor_fields(actor) -> tuple[int | None, str]:
    """Who acted: a user (id and name) or a named system actor; anything else is a programming error."""
    from .access import SystemActor, actor_of

    actor = actor_of(actor)
    if isinstance(actor, SystemActor):
        return None, actor.name
    return actor.pk, actor.get_username()


def build_entries(actor, changes: Iterable[Change], start: tuple[int, str]) -> Iterator[tuple]:
    """Chain ``changes`` after ``start`` = (seq, hash), yielding rows in ``_FIELDS`` order."""
    seq, prev = start
    actor_id, actor_name = _actor_fields(actor)
    request_id = current_request_id()
    now = timezone.now()
    at = _timestamp(now)
    for change in changes:
        seq += 1
        before, after = canonical_json(change.before), canonical_json(change.after)
        digest = entry_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_name=actor_name,
            action=change.action,
            object_type=change.object_type,
            object_id=str(change.object_id),
            before=before,
            after=after,
            request_id=request_id,
            prev_hash=prev,
            attachment_sha256=attachment_digest(change.attachment),
        )
        yield (
            seq,
            now,
            actor_id,
            actor_name,
            change.action,
            change.object_type,
            str(change.object_id),
            RawJSON(before) if before is not None else None,
            RawJSON(after) if after is not None else None,
            request_id,
            prev,
            digest,
            change.attachment,
        )
        prev = digest


def record(actor, change: Change) -> int:
    """Append one entry; return its sequence number. Must run inside the change's transaction."""
    return record_many(actor, [change])


def record_many(actor, changes: Iterable[Change]) -> int:
    """Append entries in order, in bulk; return the last sequence number (0 for none).

    Must run inside the caller's transaction, so that the entries commit with the change.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries must be written inside the transaction of their change")
    start = _lock_chain()
    last = [start[0]]

    def rows():
        for row in build_entries(actor, changes, start):
            last[0] = row[0]
            yield row

    insert_rows(AuditEntry, _FIELDS, rows())
    return last[0]


_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
    "prev_hash",
    "hash",
    "attachment",
)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    kind: str  # altered | inserted_or_deleted | missing
    detail: str


def verify(progress=None) -> tuple[int, list[ChainBreak]]:
    """Walk the chain in order; return (entries checked, breaks found)."""
    breaks: list[ChainBreak] = []
    expected_seq, prev = 1, GENESIS
    checked = 0
    fields = [
        "seq",
        "at",
        "actor_id",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "request_id",
        "prev_hash",
        "hash",
        "has_attachment",
    ]
    # Attachments can be megabytes each: they are read one at a time, only where there is one.
    entries = AuditEntry.objects.annotate(
        has_attachment=ExpressionWrapper(Q(attachment__isnull=False), output_field=BooleanField())
    )
    for row in entries.order_by("seq").values_list(*fields).iterator(chunk_size=5000):
        (
            seq,
            at,
            actor_id,
            actor_name,
            action,
            object_type,
            object_id,
            before,
            after,
            request_id,
            prev_hash,
            digest,
            has_attachment,
        ) = row
        attachment = _attachment(seq) if has_attachment else None
        if seq != expected_seq:
            breaks.append(ChainBreak(seq, "missing", f"序号 {expected_seq}–{seq - 1} 的记录缺失"))
        if prev_hash != prev:
            breaks.append(
                ChainBreak(
                    seq, "inserted_or_deleted", f"第 {seq} 条记录的前序哈希与上一条不符（记录被插入或删除）"
                )
            )
        recomputed = entry_hash(
            seq=seq,
            at=_timestamp(at),
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=canonical_json(before),
            after=canonical_json(after),
            request_id=request_id,
            prev_hash=prev_hash,
            attachment_sha256=attachment_digest(attachment),
        )
        if recomputed != digest:
            breaks.append(ChainBreak(seq, "altered", f"第 {seq} 条记录的内容与其哈希不符（记录被篡改）"))
        prev, expected_seq = digest, seq + 1
        checked += 1
        if progress and checked % 5000 == 0:
            progress(checked)
    heads = dict(
        AuditEntry.objects.values_list("seq", "hash").filter(seq__in=AuditCheckpoint.objects.values("seq"))
    )
    for checkpoint in AuditCheckpoint.objects.order_by("seq"):
        if heads.get(checkpoint.seq) != checkpoint.hash:
            breaks.append(
                ChainBreak(
                    checkpoint.seq,
                    "missing",
                    f"检查点第 {checkpoint.seq} 条记录已不在链中或已改变（记录被删除）",
                )
            )
    return checked, breaks


def _attachment(seq: int) -> bytes:
    stored = AuditEntry.objects.values_list("attachment", flat=True).get(seq=seq)
    assert stored is not None
    return bytes(stored)


def checkpoint() -> AuditCheckpoint | None:
    """Remember the current head, so that a later deletion of the tail is detected."""
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return AuditCheckpoint.objects.create(seq=head[0], hash=head[1]) if head else None

"""The append-only, hash-chained audit log (审计日志).

Services call :func:`record` (or :func:`record_many` for bulk paths) inside their transaction; the
entry commits or rolls back with the change it describes. Each entry's hash covers its fields and
the previous entry's hash; :func:`verify` walks the chain and names every break.

A hash chain alone proves nothing against someone who can write the database: they can cut the
tail, or rewrite an entry and recompute every hash after it. So the chain's head is signed at a set
interval (:func:`sign_head`, ``zhijian audit sign-head``) by a key the database does not hold
(core/signing.py), published on the portal and kept as a file by auditors (:func:`head_document`);
:func:`verify` proves the chain against every signed head and against an archived one
(``zhijian audit verify --anchor FILE``). Other code archives its own commitments (e.g. a draw's
seed digest) into the chain with :func:`archive_commitment`; the next signed head names them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from . import signing
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


class NonCanonicalJSON(ValueError):
    """JSON text that is not the one canonical form of its value (e.g. a key given twice)."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        duplicated = sorted({key for key in keys if keys.count(key) > 1})
        raise NonCanonicalJSON(f"JSON 中键重复：{'、'.join(duplicated)}")
    return dict(pairs)


def _no_constant(name: str):
    raise NonCanonicalJSON(f"JSON 中不允许 {name}")


def parse_json(text: str) -> Any:
    """Parse JSON, refusing a key given twice (readers disagree on which value wins) and NaN."""
    return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)


def parse_canonical(text: str) -> Any:
    """Parse JSON that must be exactly in canonical form: no duplicate key, nothing to re-spell."""
    value = parse_json(text)
    if canonical_json(value) != text:
        raise NonCanonicalJSON("JSON 不是规范形式（键序、空白或数字写法不同）")
    return value


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
    kind: str  # altered | inserted_or_deleted | missing | noncanonical | head | anchor
    detail: str


_WALK_FIELDS = [
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "before_text",
    "after_text",
    "request_id",
    "prev_hash",
    "hash",
    "has_attachment",
]


def _stored_json(text: str | None, seq: int, field: str, breaks: list[ChainBreak]) -> str | None:
    """The canonical text of a stored JSON value, as the hash covers it; a break if it is not canonical.

    The hash is computed over what every reader of the database sees: a key given twice would let
    SQLite's JSON functions read one value and a verifier another, so it is a break. On SQLite
    the stored text must be the canonical text itself; PostgreSQL's jsonb keeps its own spelling.
    """
    if text is None:
        return None
    try:
        value = parse_json(text)
    except (NonCanonicalJSON, ValueError) as exc:
        breaks.append(
            ChainBreak(seq, "noncanonical", f"第 {seq} 条记录的 {field} 不是合法的规范 JSON：{exc}")
        )
        return text
    canonical = canonical_json(value)
    if connection.vendor != "postgresql" and canonical != text:
        breaks.append(ChainBreak(seq, "noncanonical", f"第 {seq} 条记录的 {field} 不是规范 JSON 文本"))
    return canonical


def verify(progress=None, *, anchor: dict | None = None, trusted_keys: dict[str, bytes] | None = None):
    """Walk the chain in order and check it against every head; return (entries checked, breaks).

    ``anchor`` is a head document an auditor kept (:func:`load_head_document`): the chain must still
    pass through it, and the database must still hold it. ``trusted_keys`` (key id → raw public key)
    defaults to the configured keys (core/signing.py); with none configured, the anchor's own key is
    trusted, as the auditor trusts the file they kept.
    """
    breaks: list[ChainBreak] = []
    if trusted_keys is None:
        trusted_keys = signing.trusted_public_keys()
    trusted_keys = dict(trusted_keys)
    anchor_statement = None
    if anchor is not None:
        anchor_statement = _check_anchor(anchor, trusted_keys, breaks)
    heads = list(AuditCheckpoint.objects.order_by("id"))
    wanted = {head.seq for head in heads}
    if anchor_statement is not None:
        wanted.add(anchor_statement["seq"])
    seen: dict[int, str] = {}
    expected_seq, prev = 1, GENESIS
    checked = 0
    # Attachments can be megabytes each: they are read one at a time, only where there is one.
    entries = AuditEntry.objects.annotate(
        has_attachment=ExpressionWrapper(Q(attachment__isnull=False), output_field=BooleanField()),
        before_text=Cast("before", TextField()),
        after_text=Cast("after", TextField()),
    )
    for row in entries.order_by("seq").values_list(*_WALK_FIELDS).iterator(chunk_size=5000):
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
            before=_stored_json(before, seq, "before", breaks),
            after=_stored_json(after, seq, "after", breaks),
            request_id=request_id,
            prev_hash=prev_hash,
            attachment_sha256=attachment_digest(attachment),
        )
        if recomputed != digest:
            breaks.append(ChainBreak(seq, "altered", f"第 {seq} 条记录的内容与其哈希不符（记录被篡改）"))
        if seq in wanted:
            seen[seq] = digest
        prev, expected_seq = digest, seq + 1
        checked += 1
        if progress and checked % 5000 == 0:
            progress(checked)
    _check_heads(heads, seen, trusted_keys, breaks)
    if anchor_statement is not None:
        seq = anchor_statement["seq"]
        if seen.get(seq) != anchor_statement["hash"]:
            breaks.append(
                ChainBreak(
                    seq,
                    "anchor",
                    f"存档链头（第 {seq} 条）已不在链中：该记录或其之前的记录被删除、篡改或重算",
                )
            )
        if not any(head.statement == canonical_json(anchor_statement) for head in heads):
            breaks.append(ChainBreak(seq, "anchor", f"存档链头（第 {seq} 条）在数据库的链头表中已不存在"))
    return checked, breaks


def _check_anchor(anchor: dict, trusted_keys: dict[str, bytes], breaks: list[ChainBreak]) -> dict | None:
    """The anchor's statement if its signature holds under a trusted key (adding it when none is)."""
    statement, signature, public_key = anchor["statement"], anchor["signature"], anchor["public_key"]
    kid = statement.get("key_id", "")
    if signing.key_id(public_key) != kid:
        breaks.append(ChainBreak(0, "anchor", "存档链头的公钥与其密钥标识不符"))
        return None
    if not trusted_keys:
        trusted_keys[kid] = public_key
    if trusted_keys.get(kid) != public_key:
        breaks.append(ChainBreak(0, "anchor", f"存档链头由未受信任的密钥 {kid} 签名"))
        return None
    if not signing.signature_valid(public_key, (canonical_json(statement) or "").encode(), signature):
        breaks.append(ChainBreak(0, "anchor", "存档链头的签名无效（文件被改动）"))
        return None
    return statement


def _check_heads(heads, seen: dict[int, str], trusted_keys: dict[str, bytes], breaks: list[ChainBreak]):
    """Every head must be signed by a trusted key, point into the chain, link to the one before, and
    never move back."""
    previous_digest = None
    highest = 0
    for head in heads:
        if seen.get(head.seq) != head.hash:
            breaks.append(
                ChainBreak(
                    head.seq, "missing", f"链头第 {head.seq} 条记录已不在链中或已改变（记录被删除或重算）"
                )
            )
        if head.seq < highest:
            breaks.append(ChainBreak(head.seq, "head", f"链头从第 {highest} 条退回到第 {head.seq} 条"))
        highest = max(highest, head.seq)
        if not head.signature:
            continue  # an unsigned checkpoint of an earlier version: a position, no proof
        try:
            statement = parse_canonical(head.statement)
            signature = signing.unb64(head.signature)
        except ValueError as exc:
            breaks.append(ChainBreak(head.seq, "head", f"链头（第 {head.seq} 条）的签名声明无法读取：{exc}"))
            continue
        public_key = trusted_keys.get(statement.get("key_id", ""))
        if public_key is None:
            breaks.append(
                ChainBreak(
                    head.seq,
                    "head",
                    f"链头（第 {head.seq} 条）由未受信任的密钥 {statement.get('key_id')} 签名",
                )
            )
        elif not signing.signature_valid(public_key, head.statement.encode(), signature):
            breaks.append(ChainBreak(head.seq, "head", f"链头（第 {head.seq} 条）的签名无效"))
        if (statement.get("seq"), statement.get("hash"), statement.get("key_id")) != (
            head.seq,
            head.hash,
            head.key_id,
        ):
            breaks.append(ChainBreak(head.seq, "head", f"链头（第 {head.seq} 条）的字段与其签名声明不符"))
        if statement.get("previous_head_sha256") != previous_digest:
            breaks.append(
                ChainBreak(
                    head.seq, "head", f"链头（第 {head.seq} 条）与上一个签名链头衔接不上（链头被删除或插入）"
                )
            )
        previous_digest = _sha256_text(head.statement)


def _attachment(seq: int) -> bytes:
    stored = AuditEntry.objects.values_list("attachment", flat=True).get(seq=seq)
    assert stored is not None
    return bytes(stored)


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


HEAD_FORMAT = "zhijian-audit-head/1"
COMMITMENT_ACTION = "audit.commitment"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def archive_commitment(*, actor, kind: str, key: str, sha256: str, detail: dict | None = None) -> int:
    """Archive a commitment (e.g. a draw's seed digest) in the chain; return its sequence number.

    The next signed head covers it and names it in its ``commitments``, so that it can no longer be
    changed or withdrawn unnoticed once that head is published. ``kind`` says what is committed
    (``inspections.draw``), ``key`` which one, ``sha256`` the 64 lower-case hex digits committed;
    ``detail`` is any further JSON the head should show. Must run inside the caller's transaction.
    """
    if not _SHA256.fullmatch(sha256):
        raise ValueError("承诺值须为64位小写十六进制 SHA-256")
    body = {"kind": kind, "key": key, "sha256": sha256, "detail": detail or {}}
    return record(actor, Change(COMMITMENT_ACTION, "Commitment", key[:64], None, body))


def checkpoint() -> AuditCheckpoint | None:
    """Sign the current head (kept for ``audit verify --checkpoint``); see :func:`sign_head`."""
    return sign_head()


def sign_head(signer: signing.HeadSigner | None = None) -> AuditCheckpoint | None:
    """Sign the chain's current head with the configured key and store it; None for an empty chain.

    The statement names the head (seq, hash), the time, the key, the previous signed head's digest
    and every commitment archived since; the signature covers its canonical JSON.
    """
    signer = signer or signing.configured_signer()
    public_key = signer.public_key
    with transaction.atomic():
        seq, head_hash = _lock_chain()
        if seq == 0:
            return None
        previous = AuditCheckpoint.objects.exclude(signature="").order_by("-id").first()
        previous_seq = previous.seq if previous else 0
        commitments = [
            {"seq": s, **{k: (after or {})[k] for k in ("kind", "key", "sha256")}}
            for s, after in AuditEntry.objects.filter(
                action=COMMITMENT_ACTION, seq__gt=previous_seq, seq__lte=seq
            )
            .order_by("seq")
            .values_list("seq", "after")
        ]
        statement: dict[str, Any] = {
            "format": HEAD_FORMAT,
            "seq": seq,
            "hash": head_hash,
            "signed_at": _timestamp(timezone.now()),
            "key_id": signing.key_id(public_key),
            "previous_head_sha256": _sha256_text(previous.statement) if previous else None,
            "commitments": commitments,
        }
        text = canonical_json(statement)
        assert text is not None
        return AuditCheckpoint.objects.create(
            seq=seq,
            hash=head_hash,
            statement=text,
            signature=signing.b64(signer.sign(text.encode("utf-8"))),
            key_id=statement["key_id"],
        )


def latest_signed_head() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.exclude(signature="").order_by("-id").first()


class ChainBroken(Exception):
    """The chain failed verification, so its head is not signed (a signature would launder the break)."""

    def __init__(self, breaks: list[ChainBreak]):
        super().__init__(f"审计链校验未通过（{len(breaks)} 处异常），拒绝签发链头")
        self.breaks = breaks


def sign_head_if_due(
    signer: signing.HeadSigner | None = None, *, force: bool = False
) -> AuditCheckpoint | None:
    """Verify the chain and sign its head when the last signed head is older than AUDIT_HEAD_INTERVAL.

    Returns the new head, or None when none was due (or the chain is empty). Raises
    ImproperlyConfigured without a signing key and :class:`ChainBroken` when verification fails.
    ``zhijian worker`` calls it every minute, ``zhijian audit sign-head`` on demand (``force``).
    """
    from django.conf import settings

    latest = latest_signed_head()
    interval: dt.timedelta = settings.AUDIT_HEAD_INTERVAL  # type: ignore[misc]  # security_settings
    if not force and latest and timezone.now() - latest.at < interval:
        return None
    signer = signer or signing.configured_signer()  # refuse before a long walk when there is no key
    _, breaks = verify()
    if breaks:
        raise ChainBroken(breaks)
    return sign_head(signer)


def head_document(head: AuditCheckpoint) -> dict:
    """The file an auditor keeps and the portal publishes: statement, signature, public key.

    The public key travels with the head for convenience only: a verifier checks it against a
    key it holds (the published key, or the first head it archived).
    """
    public_key = signing.trusted_public_keys().get(head.key_id)
    return {
        "format": HEAD_FORMAT,
        "statement": parse_canonical(head.statement),
        "signature": head.signature,
        "public_key": signing.b64(public_key) if public_key else None,
    }


def load_head_document(text: str) -> dict:
    """Parse a head document (duplicate keys refused); raise ValueError in Chinese if malformed."""
    document = parse_json(text)
    if not isinstance(document, dict) or document.get("format") != HEAD_FORMAT:
        raise ValueError("不是智监审计链头文件")
    statement = document.get("statement")
    if not isinstance(statement, dict) or not isinstance(statement.get("seq"), int):
        raise ValueError("链头文件缺少签名声明")
    try:
        signature = signing.unb64(document["signature"])
        public_key = signing.unb64(document["public_key"])
    except (KeyError, TypeError, ValueError):
        raise ValueError("链头文件的签名或公钥无法读取") from None
    return {"statement": statement, "signature": signature, "public_key": public_key}

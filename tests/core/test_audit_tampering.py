"""The tampering suite (issue 15, item 2): every rewrite of the audit log is caught by the latest signed head.

Each scenario tampers as someone with full write access to the database would — around the
append-only triggers, recomputing hashes, forging heads with a key of their own — but without the
signing key, which the database does not hold. The auditor holds the latest head's file (the
anchor); ``verify(anchor=...)`` and ``zhijian audit verify --anchor FILE`` must report a break.
Runs on PostgreSQL and SQLite (scripts/test.sh with ZHIJIAN_TEST_DB=postgres|sqlite).
"""

from __future__ import annotations

import contextlib
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from zhijian.core import audit, signing
from zhijian.core.access import SystemActor
from zhijian.core.bulk import RawJSON, insert_rows
from zhijian.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CLERK = SystemActor("clerk")

TABLES = ("core_auditentry", "core_auditcheckpoint")
SQLITE_TRIGGERS = (
    "core_auditentry_no_update",
    "core_auditentry_no_delete",
    "core_auditcheckpoint_no_update",
    "core_auditcheckpoint_no_delete",
)
DRAW_DIGEST = "ab" * 32


@pytest.fixture
def key_file(settings, tmp_path):
    settings.AUDIT_SIGNING_KEY = tmp_path / "audit_signing_key.pem"
    settings.AUDIT_SIGNING_KEY_GENERATE = True
    settings.AUDIT_VERIFY_KEYS = []
    return settings.AUDIT_SIGNING_KEY


@pytest.fixture
def attacker(tmp_path):
    """A signer with a key of the attacker's own making."""
    return signing.KeyFileSigner(signing.generate_key_file(tmp_path / "attacker.pem"))


def _write(changes):
    with transaction.atomic():
        audit.record_many(CLERK, changes)


@pytest.fixture
def chain(key_file, tmp_path):
    """Eight entries (an attachment at 6, a commitment at 7), heads signed at 4 and 8; the auditor's file."""
    _write([audit.Change("thing.update", "Thing", str(i), {"v": i}, {"v": i + 1}) for i in range(4)])
    head_a = audit.sign_head()
    _write([audit.Change("thing.update", "Thing", "4", {"v": 4}, {"v": 5})])
    _write(
        [audit.Change("thing.create_many", "Thing", "batch", None, {"count": 2}, attachment=b'[["a"],["b"]]')]
    )
    with transaction.atomic():
        audit.archive_commitment(
            actor=SystemActor("inspections"), kind="inspections.draw", key="draw-1", sha256=DRAW_DIGEST
        )
    _write([audit.Change("thing.delete", "Thing", "7", {"v": 7}, None)])
    head_b = audit.sign_head()
    anchor_path = tmp_path / "head.json"
    anchor_path.write_text(json.dumps(audit.head_document(head_b), ensure_ascii=False), encoding="utf-8")
    assert audit.verify(anchor=_anchor(anchor_path))[1] == []
    return {"a": head_a, "b": head_b, "anchor": anchor_path}


def _anchor(path):
    return audit.load_head_document(path.read_text(encoding="utf-8"))


@contextlib.contextmanager
def untriggered():
    """Write as a database administrator would: with the append-only triggers out of the way."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        yield cursor
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def sql(statement, params=()):
    with untriggered() as cursor:
        cursor.execute(statement, params)


def _rows():
    """The chain as plain dicts, payloads as their canonical texts."""
    rows = []
    for entry in AuditEntry.objects.order_by("seq"):
        row = {f: getattr(entry, f) for f in audit._FIELDS}
        row["before"], row["after"] = audit.canonical_json(entry.before), audit.canonical_json(entry.after)
        row["attachment"] = bytes(entry.attachment) if entry.attachment is not None else None
        rows.append(row)
    return rows


def rewrite(mutate):
    """Apply ``mutate`` to the chain's rows, renumber, recompute every hash, and store the result:
    a chain that is consistent in itself."""
    rows = mutate(_rows())
    prev = audit.GENESIS
    out = []
    for seq, row in enumerate(rows, start=1):
        row["seq"], row["prev_hash"] = seq, prev
        row["hash"] = audit.entry_hash(
            seq=seq,
            at=audit._timestamp(row["at"]),
            actor_id=row["actor_id"],
            actor_name=row["actor_name"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            before=row["before"],
            after=row["after"],
            request_id=row["request_id"],
            prev_hash=prev,
            attachment_sha256=audit.attachment_digest(row["attachment"]),
        )
        prev = row["hash"]
        out.append(
            tuple(
                RawJSON(row[f]) if f in ("before", "after") and row[f] is not None else row[f]
                for f in audit._FIELDS
            )
        )
    sql("DELETE FROM core_auditentry")
    insert_rows(AuditEntry, audit._FIELDS, out)


def _edit_after(rows, seq=2, value='{"v":99}'):
    rows[seq - 1]["after"] = value
    return rows


def _forge_heads(signer):
    """Drop every head and sign the rewritten chain with ``signer``."""
    sql("DELETE FROM core_auditcheckpoint")
    audit.sign_head(signer)


# --- the scenarios: each tampers with the chain built by the ``chain`` fixture -------------------------


def edit_actor(ctx):
    sql("UPDATE core_auditentry SET actor_name = 'mallory' WHERE seq = 2")


def edit_payload(ctx):
    sql("UPDATE core_auditentry SET after = %s WHERE seq = 3", ['{"v":99}'])


def edit_timestamp(ctx):
    sql("UPDATE core_auditentry SET at = %s WHERE seq = 2", ["2020-01-01 00:00:00+00:00"])


def edit_action(ctx):
    sql("UPDATE core_auditentry SET action = 'thing.view' WHERE seq = 5")


def edit_hash_field(ctx):
    sql("UPDATE core_auditentry SET hash = %s WHERE seq = 8", ["0" * 64])


def delete_middle(ctx):
    sql("DELETE FROM core_auditentry WHERE seq = 3")


def delete_tail(ctx):
    sql("DELETE FROM core_auditentry WHERE seq = 8")


def delete_tail_and_its_head(ctx):
    sql("DELETE FROM core_auditentry WHERE seq > 4")
    sql("DELETE FROM core_auditcheckpoint WHERE id = %s", [ctx["b"].id])


def delete_everything(ctx):
    sql("DELETE FROM core_auditentry")
    sql("DELETE FROM core_auditcheckpoint")


def insert_middle(ctx):
    with untriggered() as cursor:
        cursor.execute("UPDATE core_auditentry SET seq = -seq WHERE seq >= 4")
        cursor.execute("UPDATE core_auditentry SET seq = 1 - seq WHERE seq < 0")
        cursor.execute(
            "INSERT INTO core_auditentry (seq, at, actor_id, actor_name, action, object_type, object_id, before,"
            " after, request_id, prev_hash, hash) SELECT 4, at, actor_id, 'mallory', action, object_type,"
            " object_id, before, after, request_id, prev_hash, hash FROM core_auditentry WHERE seq = 3"
        )


def rehash_after_edit(ctx):
    rewrite(_edit_after)


def rehash_after_delete_middle(ctx):
    rewrite(lambda rows: rows[:2] + rows[3:])


def rehash_after_insert(ctx):
    rewrite(lambda rows: rows[:3] + [dict(rows[1], actor_name="mallory")] + rows[3:])


def reorder(ctx):
    with untriggered() as cursor:
        cursor.execute("UPDATE core_auditentry SET seq = 100 WHERE seq = 2")
        cursor.execute("UPDATE core_auditentry SET seq = 2 WHERE seq = 3")
        cursor.execute("UPDATE core_auditentry SET seq = 3 WHERE seq = 100")


def rehash_after_reorder(ctx):
    rewrite(lambda rows: [rows[0], rows[2], rows[1], *rows[3:]])


def rehash_and_forge_heads_with_own_key(ctx):
    rewrite(_edit_after)
    _forge_heads(ctx["attacker"])


def rebuild_whole_chain_with_own_key(ctx):
    sql("DELETE FROM core_auditentry")
    sql("DELETE FROM core_auditcheckpoint")
    _write([audit.Change("thing.update", "Thing", str(i), {"v": i}, {"v": i + 1}) for i in range(8)])
    audit.sign_head(ctx["attacker"])


def move_checkpoint_back(ctx):
    sql("DELETE FROM core_auditentry WHERE seq > 4")
    sql(
        "UPDATE core_auditcheckpoint SET seq = %s, hash = %s WHERE id = %s",
        [ctx["a"].seq, ctx["a"].hash, ctx["b"].id],
    )


def delete_latest_head(ctx):
    sql("DELETE FROM core_auditcheckpoint WHERE id = %s", [ctx["b"].id])


def delete_earlier_head(ctx):
    sql("DELETE FROM core_auditcheckpoint WHERE id = %s", [ctx["a"].id])


def swap_head_signatures(ctx):
    sql("UPDATE core_auditcheckpoint SET signature = %s WHERE id = %s", [ctx["a"].signature, ctx["b"].id])


def forge_head_statement(ctx):
    """Rewrite the chain and put the new head into the latest head's statement, keeping its signature."""
    rewrite(_edit_after)
    last = AuditEntry.objects.order_by("-seq").first()
    statement = json.loads(ctx["b"].statement)
    statement["hash"] = last.hash
    sql(
        "UPDATE core_auditcheckpoint SET hash = %s, statement = %s WHERE id = %s",
        [last.hash, audit.canonical_json(statement), ctx["b"].id],
    )


def duplicate_key_in_head_statement(ctx):
    """A key given twice, the last one true: readers taking the first see another head."""
    text = ctx["b"].statement.replace('"seq":8', '"seq":4,"seq":8', 1)
    sql("UPDATE core_auditcheckpoint SET statement = %s WHERE id = %s", [text, ctx["b"].id])


def duplicate_key_in_payload(ctx):
    """``{"v":99,"v":3}``: SQLite's JSON functions read 99, Python's json reads 3 (the hashed value).

    PostgreSQL's jsonb keeps one value per key, the last, so there the database and the verifier
    read the same value; the first value is made different too (99 → 98 would not matter) so
    that the scenario is a tampering on both databases: the stored value differs from the hashed one
    on PostgreSQL, and the text is ambiguous on SQLite.
    """
    value = '{"v":99,"v":3}' if connection.vendor == "sqlite" else '{"v":3,"v":99}'
    sql("UPDATE core_auditentry SET after = %s WHERE seq = 3", [value])


def attachment_edited(ctx):
    sql("UPDATE core_auditentry SET attachment = %s WHERE seq = 6", [b'[["a"],["forged"]]'])


def attachment_removed(ctx):
    sql("UPDATE core_auditentry SET attachment = NULL WHERE seq = 6")


def attachment_added(ctx):
    sql("UPDATE core_auditentry SET attachment = %s WHERE seq = 5", [b'[["smuggled"]]'])


def attachment_edited_and_rehashed(ctx):
    def mutate(rows):
        rows[5]["attachment"] = b'[["a"],["forged"]]'
        return rows

    rewrite(mutate)


def commitment_changed_and_rehashed(ctx):
    """Swap the archived draw commitment for another digest, rehash, and re-sign with an own key."""

    def mutate(rows):
        rows[6]["after"] = rows[6]["after"].replace(DRAW_DIGEST, "cd" * 32)
        return rows

    rewrite(mutate)
    _forge_heads(ctx["attacker"])


def commitment_withdrawn(ctx):
    rewrite(lambda rows: rows[:6] + rows[7:])


SCENARIOS = [
    edit_actor,
    edit_payload,
    edit_timestamp,
    edit_action,
    edit_hash_field,
    delete_middle,
    delete_tail,
    delete_tail_and_its_head,
    delete_everything,
    insert_middle,
    rehash_after_edit,
    rehash_after_delete_middle,
    rehash_after_insert,
    reorder,
    rehash_after_reorder,
    rehash_and_forge_heads_with_own_key,
    rebuild_whole_chain_with_own_key,
    move_checkpoint_back,
    delete_latest_head,
    delete_earlier_head,
    swap_head_signatures,
    forge_head_statement,
    duplicate_key_in_head_statement,
    duplicate_key_in_payload,
    attachment_edited,
    attachment_removed,
    attachment_added,
    attachment_edited_and_rehashed,
    commitment_changed_and_rehashed,
    commitment_withdrawn,
]


@pytest.mark.parametrize("tamper", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_tampering_is_detected_against_the_latest_head(chain, attacker, tamper, capsys):
    """Given a chain whose latest head an auditor keeps, when it is tampered with, verification fails."""
    tamper({**chain, "attacker": attacker})
    _, breaks = audit.verify(anchor=_anchor(chain["anchor"]))
    assert breaks, f"{tamper.__name__} went unnoticed"
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", "--anchor", str(chain["anchor"]))
    assert exit_info.value.code == 1
    assert "✗" in capsys.readouterr().out


def test_sqlite_and_the_verifier_would_read_different_values_of_a_duplicate_key(chain):
    """Why duplicate keys are a break: on SQLite, queries read the first value, Python the last."""
    if connection.vendor != "sqlite":
        pytest.skip("jsonb keeps one value per key")
    duplicate_key_in_payload(chain)
    with connection.cursor() as cursor:
        cursor.execute("SELECT json_extract(after, '$.v') FROM core_auditentry WHERE seq = 3")
        assert cursor.fetchone()[0] == 99
    assert AuditEntry.objects.get(seq=3).after == {"v": 3}
    assert "noncanonical" in [b.kind for b in audit.verify()[1]]


def test_scenarios_number_at_least_twenty():
    assert len(SCENARIOS) >= 20


def test_an_edited_anchor_file_is_refused(chain):
    document = json.loads(chain["anchor"].read_text(encoding="utf-8"))
    document["statement"]["seq"] = 4
    chain["anchor"].write_text(json.dumps(document), encoding="utf-8")
    _, breaks = audit.verify(anchor=_anchor(chain["anchor"]))
    assert [b.kind for b in breaks] == ["anchor"]


def test_an_anchor_file_with_a_duplicate_key_is_refused(chain, capsys):
    text = chain["anchor"].read_text(encoding="utf-8").replace('"format"', '"signature": "x", "format"', 1)
    chain["anchor"].write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="键重复"):
        _anchor(chain["anchor"])
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--anchor", str(chain["anchor"]))
    assert "键重复" in capsys.readouterr().out


def test_an_anchor_signed_by_another_key_is_refused(chain, attacker, tmp_path):
    forged = audit.sign_head(attacker)
    path = tmp_path / "forged.json"
    document = audit.head_document(forged)
    document["public_key"] = signing.b64(attacker.public_key)
    path.write_text(json.dumps(document), encoding="utf-8")
    _, breaks = audit.verify(anchor=_anchor(path))
    assert any(b.kind == "anchor" and "未受信任" in b.detail for b in breaks)


def test_the_untampered_chain_verifies_from_the_command_line(chain, capsys):
    call_command("audit", "verify", "--anchor", str(chain["anchor"]))
    assert "8 条记录校验通过，与存档链头（第 8 条）一致" in capsys.readouterr().out

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from zhijian.core import audit
from zhijian.core.access import SystemActor
from zhijian.core.models import AuditEntry

pytestmark = pytest.mark.django_db


TESTER = SystemActor("tester")


def _write(n=5, actor=TESTER):
    with transaction.atomic():
        audit.record_many(
            actor, [audit.Change("thing.update", "Thing", str(i), {"v": i}, {"v": i + 1}) for i in range(n)]
        )


def _untriggered(sql, params=()):
    """Tamper as a database administrator would: around the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")
            cursor.execute(sql, params)


def test_intact_chain_verifies():
    _write()
    checked, breaks = audit.verify()
    assert checked == 5 and breaks == []


def test_entries_carry_before_after_actor_and_link_to_previous():
    _write(2)
    first, second = AuditEntry.objects.order_by("seq")
    assert first.before == {"v": 0} and first.after == {"v": 1}
    assert first.actor_name == "tester"
    assert second.prev_hash == first.hash


def test_update_and_delete_are_refused_by_the_database():
    _write(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.update(actor_name="mallory")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()


def test_altered_row_is_reported():
    _write()
    _untriggered("UPDATE core_auditentry SET actor_name = 'mallory' WHERE seq = 3")
    _, breaks = audit.verify()
    assert [(b.seq, b.kind) for b in breaks] == [(3, "altered")]


def test_deleted_row_is_reported():
    _write()
    _untriggered("DELETE FROM core_auditentry WHERE seq = 2")
    _, breaks = audit.verify()
    kinds = {(b.seq, b.kind) for b in breaks}
    assert (3, "missing") in kinds and (3, "inserted_or_deleted") in kinds


def test_inserted_row_is_reported():
    _write(3)
    last = AuditEntry.objects.order_by("-seq").first()
    _untriggered(
        "INSERT INTO core_auditentry (seq, at, actor_id, actor_name, action, object_type, object_id, before, after,"
        " request_id, prev_hash, hash) SELECT 100, at, actor_id, 'mallory', action, object_type, object_id, before,"
        " after, request_id, %s, %s FROM core_auditentry WHERE seq = 1",
        [last.hash, "f" * 64],
    )
    _, breaks = audit.verify()
    assert {(b.seq, b.kind) for b in breaks} >= {(100, "missing"), (100, "altered")}


def test_tail_deletion_is_caught_by_a_checkpoint():
    _write(4)
    assert audit.verify()[1] == []
    audit.checkpoint()
    _untriggered("DELETE FROM core_auditentry WHERE seq = 4")
    _, breaks = audit.verify()
    assert [(b.seq, b.kind) for b in breaks] == [(4, "missing")]


def test_cli_verify_exits_non_zero_on_a_break(capsys):
    _write(3)
    call_command("audit", "verify")
    assert "3 条记录校验通过" in capsys.readouterr().out
    _untriggered("UPDATE core_auditentry SET after = '{\"v\": 99}' WHERE seq = 2")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert "第 2 条记录的内容与其哈希不符" in capsys.readouterr().out


def _write_with_attachment(payload=b'[["91330203MA2ABCDE0A", "x"]]'):
    with transaction.atomic():
        audit.record(
            SystemActor("importer"),
            audit.Change("thing.create_many", "Thing", "batch 1", None, {"count": 1}, attachment=payload),
        )
    _write(1)


def test_attachment_is_covered_by_the_chain():
    _write_with_attachment()
    assert audit.verify()[1] == []
    entry = AuditEntry.objects.get(action="thing.create_many")
    assert bytes(entry.attachment).startswith(b"[[")


def test_altered_attachment_is_reported():
    """Given a bulk entry with its rows attached, when someone swaps the rows, the chain breaks there."""
    _write_with_attachment()
    _untriggered(
        "UPDATE core_auditentry SET attachment = %s WHERE action = 'thing.create_many'",
        [b'[["91330203MA2ABCDE0A", "forged"]]'],
    )
    _, breaks = audit.verify()
    assert [(b.seq, b.kind) for b in breaks] == [(1, "altered")]


def test_removed_attachment_is_reported():
    _write_with_attachment()
    _untriggered("UPDATE core_auditentry SET attachment = NULL WHERE action = 'thing.create_many'")
    _, breaks = audit.verify()
    assert [(b.seq, b.kind) for b in breaks] == [(1, "altered")]

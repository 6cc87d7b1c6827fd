"""Signed chain heads: the key outside the database, the append-only head table, publication, commitments."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from zhijian.core import audit, signing
from zhijian.core.access import SystemActor
from zhijian.core.models import AuditCheckpoint
from zhijian.security_settings import settings_for

pytestmark = pytest.mark.django_db

CLERK = SystemActor("clerk")


@pytest.fixture
def key_file(settings, tmp_path):
    settings.AUDIT_SIGNING_KEY = tmp_path / "audit_signing_key.pem"
    settings.AUDIT_SIGNING_KEY_GENERATE = True
    settings.AUDIT_VERIFY_KEYS = []
    return settings.AUDIT_SIGNING_KEY


def _write(n=3):
    with transaction.atomic():
        audit.record_many(
            CLERK, [audit.Change("thing.update", "Thing", str(i), None, {"v": i}) for i in range(n)]
        )


def test_the_demo_generates_its_own_key_under_var_and_production_names_none(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHIJIAN_AUDIT_SIGNING_KEY", raising=False)
    assert settings_for("demo", tmp_path)["AUDIT_SIGNING_KEY"] == tmp_path / "audit_signing_key.pem"
    assert settings_for("production", tmp_path)["AUDIT_SIGNING_KEY"] is None
    monkeypatch.setenv("ZHIJIAN_AUDIT_SIGNING_KEY", "/etc/zhijian/audit.pem")
    assert settings_for("production", tmp_path)["AUDIT_SIGNING_KEY"] == "/etc/zhijian/audit.pem"


def test_a_key_is_generated_once_with_owner_only_permissions(key_file):
    _write()
    audit.sign_head()
    assert key_file.stat().st_mode & 0o777 == 0o600
    first = key_file.read_bytes()
    audit.sign_head()
    assert key_file.read_bytes() == first


def test_production_refuses_to_sign_without_a_configured_key(settings):
    settings.AUDIT_SIGNING_KEY = None
    settings.AUDIT_SIGNING_KEY_GENERATE = False
    _write()
    with pytest.raises(ImproperlyConfigured, match="ZHIJIAN_AUDIT_SIGNING_KEY"):
        audit.sign_head()
    with pytest.raises(CommandError, match="未配置审计签名密钥"):
        call_command("audit", "sign-head")
    assert not AuditCheckpoint.objects.exists()


def test_production_does_not_generate_a_missing_key_file(settings, tmp_path):
    settings.AUDIT_SIGNING_KEY = tmp_path / "absent.pem"
    settings.AUDIT_SIGNING_KEY_GENERATE = False
    with pytest.raises(ImproperlyConfigured, match="不存在"):
        signing.configured_signer()
    assert not (tmp_path / "absent.pem").exists()


def test_a_signer_of_another_kind_is_named_in_settings(settings, tmp_path):
    """An HSM or KMS plugs in through AUDIT_SIGNER; the audit chain only needs public_key and sign."""
    signer = signing.KeyFileSigner(signing.generate_key_file(tmp_path / "hsm.pem"))
    settings.AUDIT_SIGNER = "tests.core.test_audit_heads.hsm_signer"
    hsm_signer.instance = signer
    _write()
    head = audit.sign_head()
    assert head.key_id == signing.key_id(signer.public_key)
    assert audit.verify()[1] == []


def hsm_signer():
    return hsm_signer.instance


def test_the_head_table_refuses_update_and_delete(key_file):
    _write()
    audit.sign_head()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.update(seq=1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.all().delete()


def test_a_head_names_the_previous_head_and_the_commitments_archived_since(key_file):
    _write()
    first = audit.sign_head()
    with transaction.atomic():
        seq = audit.archive_commitment(
            actor=SystemActor("inspections"),
            kind="inspections.draw",
            key="抽取-7",
            sha256="0f" * 32,
            detail={"plan": 7},
        )
    second = audit.sign_head()
    statement = json.loads(second.statement)
    assert statement["previous_head_sha256"] == audit._sha256_text(first.statement)
    assert statement["commitments"] == [
        {"seq": seq, "kind": "inspections.draw", "key": "抽取-7", "sha256": "0f" * 32}
    ]
    assert json.loads(audit.sign_head().statement)["commitments"] == []


def test_a_commitment_must_be_a_lower_case_sha256(key_file):
    for digest in ("XYZ", "AB" * 32, "0" * 63):
        with pytest.raises(ValueError, match="SHA-256"), transaction.atomic():
            audit.archive_commitment(actor=SystemActor("test"), kind="k", key="x", sha256=digest)


def test_sign_head_if_due_waits_for_the_interval(key_file, settings, capsys):
    settings.AUDIT_HEAD_INTERVAL = dt.timedelta(hours=24)
    _write()
    call_command("audit", "sign-head", "--if-due")
    call_command("audit", "sign-head", "--if-due")
    assert AuditCheckpoint.objects.count() == 1
    assert "未满间隔" in capsys.readouterr().out
    settings.AUDIT_HEAD_INTERVAL = dt.timedelta(0)
    call_command("audit", "sign-head", "--if-due")
    assert AuditCheckpoint.objects.count() == 2


def test_sign_head_refuses_a_broken_chain(key_file):
    _write()
    from tests.core.test_audit_tampering import sql

    sql("UPDATE core_auditentry SET actor_name = 'mallory' WHERE seq = 2")
    with pytest.raises(CommandError, match="拒绝签发"):
        call_command("audit", "sign-head")


def test_exported_head_file_verifies_with_only_the_public_key(key_file, settings, tmp_path, capsys):
    """An auditor's machine holds the head file and the public key, never the private key."""
    _write()
    out = tmp_path / "head.json"
    call_command("audit", "sign-head", "--out", str(out))
    public = tmp_path / "public.pem"
    public.write_text(signing.public_key_pem(signing.load_public_key(key_file)))
    settings.AUDIT_SIGNING_KEY = None
    settings.AUDIT_SIGNING_KEY_GENERATE = False
    call_command("audit", "verify", "--anchor", str(out), "--public-key", str(public))
    assert "与存档链头（第 3 条）一致" in capsys.readouterr().out


def test_the_portal_publishes_heads_and_the_public_key(client, key_file):
    _write()
    with transaction.atomic():
        audit.archive_commitment(
            actor=SystemActor("test"), kind="inspections.draw", key="d-1", sha256="1a" * 32
        )
    head = audit.sign_head()
    page = client.get("/public/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert head.hash in html and "1a" * 32 in html and "BEGIN PUBLIC KEY" in html
    latest = client.get("/public/audit/head.json")
    assert latest["Content-Disposition"] == 'attachment; filename="zhijian-audit-head-4.json"'
    document = audit.load_head_document(latest.content.decode())
    assert audit.verify(anchor=document)[1] == []
    assert client.get(f"/public/audit/heads/{head.pk}.json").status_code == 200
    key = client.get(f"/public/audit/keys/{head.key_id}.pem")
    assert signing.key_id(signing.load_public_key_text(key.content)) == head.key_id
    assert client.get("/public/audit/heads/999.json").status_code == 404


def test_json_with_a_duplicate_key_or_a_non_canonical_spelling_is_refused():
    with pytest.raises(audit.NonCanonicalJSON, match="键重复"):
        audit.parse_json('{"a":1,"a":2}')
    with pytest.raises(audit.NonCanonicalJSON):
        audit.parse_canonical('{"b":1, "a":2}')
    with pytest.raises(audit.NonCanonicalJSON):
        audit.parse_json('{"a":NaN}')
    assert audit.parse_canonical('{"a":2,"b":[1,"二"]}') == {"a": 2, "b": [1, "二"]}


def test_the_deploy_check_warns_when_no_signing_key_is_configured(settings):
    settings.AUDIT_SIGNING_KEY = None
    settings.AUDIT_SIGNING_KEY_GENERATE = False
    assert [w.id for w in signing.check_signing_key()] == ["zhijian.W001"]


def test_the_deploy_check_is_quiet_with_a_key(key_file):
    assert signing.check_signing_key() == []


def test_a_head_is_signed_when_due_and_not_before(key_file, settings):
    settings.AUDIT_HEAD_INTERVAL = dt.timedelta(hours=24)
    assert audit.sign_head_if_due() is None  # an empty chain has no head
    _write()
    first = audit.sign_head_if_due()
    assert first is not None and first.seq == 3
    _write()
    assert audit.sign_head_if_due() is None
    settings.AUDIT_HEAD_INTERVAL = dt.timedelta(0)
    assert audit.sign_head_if_due().seq == 6


def test_a_broken_chain_is_never_signed(key_file):
    from tests.core.test_audit_tampering import sql

    _write()
    sql("UPDATE core_auditentry SET actor_name = 'mallory' WHERE seq = 2")
    with pytest.raises(audit.ChainBroken) as raised:
        audit.sign_head_if_due()
    assert raised.value.breaks[0].seq == 2
    assert not AuditCheckpoint.objects.exists()


def test_the_worker_signs_the_head_when_due(key_file, monkeypatch):
    """zhijian worker's head loop: one pass signs the first head, and it stops when asked."""
    import threading

    from zhijian.core.management.commands import worker

    _write()
    stop = threading.Event()
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # the test's transaction stays open

    real = audit.sign_head_if_due

    def sign_then_stop():
        head = real()
        stop.set()
        return head

    monkeypatch.setattr(worker.audit, "sign_head_if_due", sign_then_stop)
    worker.audit_head_loop(stop, every=0.01)
    assert AuditCheckpoint.objects.exclude(signature="").count() == 1


def test_the_worker_head_loop_survives_a_missing_key(settings, monkeypatch, caplog):
    import threading

    from zhijian.core.management.commands import worker

    settings.AUDIT_SIGNING_KEY = None
    settings.AUDIT_SIGNING_KEY_GENERATE = False
    _write()
    stop = threading.Event()
    calls = []
    real = audit.sign_head_if_due

    def counted():
        calls.append(1)
        if len(calls) == 2:
            stop.set()
        return real()

    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker.audit, "sign_head_if_due", counted)
    worker.audit_head_loop(stop, every=0.01)
    assert len(calls) == 2
    assert sum("audit heads are not signed" in r.message for r in caplog.records) == 1

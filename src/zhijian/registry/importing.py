"""Importing the register from a file (市场主体导入): validate every row, then write all or nothing.

One pass over the file, streamed: each row is validated; while no row has failed, valid rows are
written in batches inside one transaction; at the end the transaction commits only when every row
was valid and this is not a dry run. Importing the same file twice changes nothing: rows are matched
by USCC and only real differences are written, each as a lifecycle event and an audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.bulk import RawJSON, insert_rows
from zhijian.core.models import Jurisdiction
from zhijian.core.scoping import CITY_WIDE, user_district_id

from .models import Entity, EntityStatus, EntityTag, ImportRun, LifecycleEvent, LifecycleKind
from .parallel import validated_batches_parallel, validated_batches_serial
from .tables import Table, UnreadableFile, open_table
from .validation import COLUMNS, RowValidator

BATCH = 5000
# Below this size (about 20,000 rows) starting a second process costs more than it saves.
PARALLEL_MIN_BYTES = 4 << 20
MAX_ISSUES = 100_000
COMPARED = (
    "name",
    "entity_type",
    "legal_representative",
    "registered_capital",
    "established_on",
    "status",
    "address",
    "industry_code",
    "cluster",
    "jurisdiction_id",
    "office_id",
    "contact_phone",
)
# Columns a file may leave out without clearing what the register already holds.
OPTIONAL_FIELDS = {
    "registered_capital": ("registered_capital",),
    "industry_code": ("industry_code", "cluster"),
    "jurisdiction": ("jurisdiction_id",),
    "office": ("office_id",),
    "contact_phone": ("contact_phone",),
    "tags": ("tags",),
}
_STATUS_EVENT = {
    EntityStatus.DEREGISTERED: LifecycleKind.DEREGISTERED,
    EntityStatus.REVOKED: LifecycleKind.REVOKED,
    EntityStatus.MOVED_OUT: LifecycleKind.MOVED_OUT,
}


@dataclass(frozen=True)
class ImportIssue:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    file_name: str
    encoding: str = ""
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    unreadable: str = ""
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.issues and not self.unreadable

    @property
    def exit_code(self) -> int:
        return 2 if self.unreadable else (1 if self.issues else 0)


class PermissionDenied(Exception):
    pass


_NO_CHANGES = RawJSON("{}")


def _public_json(clean: dict) -> dict:
    out = {}
    for key, value in clean.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, str | int | bool | list):
            value = str(value)
        out[key] = value
    return out


def _created_image(clean: dict) -> dict:
    """The audit image of a new entity, with JSON-native values (no encoder callbacks per row)."""
    image = {f: clean[f] for f in ("uscc", *COMPARED)}
    image["established_on"] = image["established_on"].isoformat()
    if image["registered_capital"] is not None:
        image["registered_capital"] = str(image["registered_capital"])
    image["tags"] = list(clean.get("tags", ()))
    return image


def _column(field_name: str) -> str:
    field = Entity._meta.get_field(field_name)
    assert isinstance(field, Field)
    return str(field.column)


def _by_uscc(usccs: list[str], fields: tuple[str, ...]) -> list[dict]:
    """Rows of the register for these codes, as dicts of ``fields``."""
    if connection.vendor != "postgresql":
        return list(Entity.objects.filter(uscc__in=usccs).values(*fields))
    # One array parameter instead of thousands of placeholders: far cheaper to send and to parse.
    columns = ", ".join(connection.ops.quote_name(_column(f)) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM registry_entity WHERE uscc = ANY(%s)", [usccs])  # noqa: S608
        return [dict(zip(fields, row, strict=True)) for row in cursor.fetchall()]


class _Writer:
    """Compares a batch of clean rows with the register and writes the differences."""

    def __init__(self, actor, source: str, write: bool):
        self.actor, self.source, self.write = actor, source, write
        self.created = self.changed = self.unchanged = 0
        self.today = timezone.localdate()

    def flush(self, batch: list[dict]) -> None:
        if not batch:
            return
        existing = {
            row["uscc"]: row for row in _by_uscc([c["uscc"] for c in batch], ("id", "uscc", *COMPARED))
        }
        tags_of: dict[int, list[str]] = {}
        if any("tags" in c for c in batch) and existing:
            for entity_id, tag in EntityTag.objects.filter(
                entity_id__in=[e["id"] for e in existing.values()]
            ).values_list("entity_id", "tag"):
                tags_of.setdefault(entity_id, []).append(tag)
        new_rows, updates = [], []
        for clean in batch:
            old = existing.get(clean["uscc"])
            if old is None:
                new_rows.append(clean)
                continue
            diff = {f: [old[f], clean[f]] for f in COMPARED if f in clean and old[f] != clean[f]}
            if "tags" in clean and sorted(tags_of.get(old["id"], [])) != list(clean["tags"]):
                diff["tags"] = [sorted(tags_of.get(old["id"], [])), list(clean["tags"])]
            if diff:
                updates.append((old, clean, diff))
            else:
                self.unchanged += 1
        self.created += len(new_rows)
        self.changed += len(updates)
        if self.write:
            self._insert(new_rows)
            self._update(updates)

    def _insert(self, rows: list[dict]) -> None:
        if not rows:
            return
        now = timezone.now()
        fields = ("uscc", "created_at", "updated_at", *COMPARED)
        for clean in rows:
            clean.setdefault("jurisdiction_id", clean.get("derived_jurisdiction_id"))
            clean.setdefault("office_id", None)
            clean.setdefault("registered_capital", None)
            clean.setdefault("industry_code", "")
            clean.setdefault("cluster", "")
            clean.setdefault("contact_phone", "")
        insert_rows(Entity, fields, ([c["uscc"], now, now, *(c[f] for f in COMPARED)] for c in rows))
        ids = {row["uscc"]: row["id"] for row in _by_uscc([c["uscc"] for c in rows], ("uscc", "id"))}
        insert_rows(
            EntityTag, ("entity_id", "tag"), ((ids[c["uscc"]], t) for c in rows for t in c.get("tags", []))
        )
        insert_rows(
            LifecycleEvent,
            ("entity_id", "kind", "occurred_on", "changes", "source", "recorded_at"),
            (
                (
                    ids[c["uscc"]],
                    LifecycleKind.ESTABLISHED,
                    c["established_on"],
                    _NO_CHANGES,
                    self.source,
                    now,
                )
                for c in rows
            ),
        )
        audit.record_many(
            self.actor,
            (
                audit.Change(
                    "entity.create",
                    "Entity",
                    str(ids[c["uscc"]]),
                    None,
                    _created_image(c),
                )
                for c in rows
            ),
        )

    def _update(self, updates: list[tuple[dict, dict, dict]]) -> None:
        if not updates:
            return
        now = timezone.now()
        objects, lifecycle, changes, status_events = [], [], [], []
        fields_touched: set[str] = set()
        for old, clean, diff in updates:
            entity = Entity(id=old["id"], uscc=old["uscc"], updated_at=now)
            for f in COMPARED:
                setattr(entity, f, clean.get(f, old[f]))
            objects.append(entity)
            fields_touched.update(f for f in diff if f != "tags")
            kind = LifecycleKind.CHANGED
            if "status" in diff:
                new_status = diff["status"][1]
                kind = _STATUS_EVENT.get(
                    new_status,
                    LifecycleKind.RESTORED if new_status == EntityStatus.ACTIVE else LifecycleKind.CHANGED,
                )
                status_events.append(
                    {"uscc": old["uscc"], "entity_id": old["id"], "from": diff["status"][0], "to": new_status}
                )
            json_diff = {f: _public_json({"old": v[0], "new": v[1]}) for f, v in diff.items()}
            lifecycle.append(
                (
                    old["id"],
                    kind,
                    self.today,
                    {f: [d["old"], d["new"]] for f, d in json_diff.items()},
                    self.source,
                    now,
                )
            )
            changes.append(
                audit.Change(
                    "entity.update",
                    "Entity",
                    str(old["id"]),
                    {f: d["old"] for f, d in json_diff.items()},
                    {f: d["new"] for f, d in json_diff.items()},
                )
            )
            if "tags" in diff:
                EntityTag.objects.filter(entity_id=old["id"]).delete()
                EntityTag.objects.bulk_create(EntityTag(entity_id=old["id"], tag=t) for t in clean["tags"])
        if fields_touched:
            Entity.objects.bulk_update(objects, [*sorted(fields_touched), "updated_at"], batch_size=1000)
        insert_rows(
            LifecycleEvent,
            ("entity_id", "kind", "occurred_on", "changes", "source", "recorded_at"),
            lifecycle,
        )
        audit.record_many(self.actor, changes)
        if status_events:
            events.emit_many("registry.entity_status_changed", status_events)


def _allowed_jurisdictions(actor) -> set[int] | None:
    """None: city-wide; otherwise the county-level units the actor may change."""
    if actor is None or isinstance(actor, str):
        return None  # the operator on the server's command line
    if not actor.is_active or actor.role not in Entity.scope.change_roles:
        raise PermissionDenied("您没有导入市场主体的权限")
    if actor.role in CITY_WIDE:
        return None
    district_id = user_district_id(actor)
    if district_id is None:
        raise PermissionDenied("您的账户未设置所属辖区")
    return {district_id}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_entities(
    path: Path,
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    file_name: str | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Import a register file. Nothing is written unless every row is valid and ``dry_run`` is off.

    ``parallel`` validates in a second process (default: for files over PARALLEL_MIN_BYTES on a
    machine with more than one core).
    """
    path = Path(path)
    allowed = _allowed_jurisdictions(actor)
    result = ImportResult(file_name=file_name or path.name, dry_run=dry_run)
    try:
        table = open_table(path, COLUMNS)
    except UnreadableFile as exc:
        result.unreadable = str(exc)
        return result
    result.encoding = table.encoding
    missing = [c for c in COLUMNS if c.required and c.field not in table.columns]
    if missing:
        result.issues = [ImportIssue(table.header_row, c.label, f"缺少必填列“{c.label}”") for c in missing]
        return result
    digest = _sha256(path)
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1 and path.stat().st_size >= PARALLEL_MIN_BYTES
    try:
        with transaction.atomic():
            _run(table, result, actor, allowed, dry_run, progress, path, parallel)
            if not result.ok or dry_run:
                transaction.set_rollback(True)
            else:
                run = ImportRun.objects.create(
                    actor=None if actor is None or isinstance(actor, str) else actor,
                    file_name=result.file_name,
                    file_sha256=digest,
                    rows=result.rows,
                    created=result.created,
                    changed=result.changed,
                    unchanged=result.unchanged,
                    errors=0,
                    finished_at=timezone.now(),
                )
                result.run_id = run.pk
                audit.record(
                    actor,
                    audit.Change(
                        "registry.import",
                        "ImportRun",
                        str(run.pk),
                        None,
                        {
                            "file": result.file_name,
                            "sha256": digest,
                            "rows": result.rows,
                            "created": result.created,
                            "changed": result.changed,
                            "unchanged": result.unchanged,
                        },
                    ),
                )
                events.emit(
                    "registry.entities_imported",
                    {"run_id": run.pk, "created": result.created, "changed": result.changed},
                )
    except UnreadableFile as exc:  # raised mid-stream, e.g. a broken CSV quote
        result.unreadable = str(exc)
    return result


def _run(
    table: Table, result: ImportResult, actor, allowed, dry_run, progress, path: Path, parallel: bool
) -> None:
    present = set(table.columns)
    jurisdictions = list(Jurisdiction.objects.all())
    if parallel:
        batches = validated_batches_parallel(path, jurisdictions, timezone.localdate())
    else:
        batches = validated_batches_serial(table, RowValidator(jurisdictions))
    writer = _Writer(actor, f"导入：{result.file_name}", write=not dry_run)
    batch: list[dict] = []
    labels = {c.field: table.labels.get(c.field, c.label) for c in COLUMNS}
    for validated in batches:
        for number, clean, errors in validated:
            result.rows += 1
            if clean is not None:
                if "jurisdiction" not in present:
                    clean["derived_jurisdiction_id"] = clean.pop("jurisdiction_id")
                if (
                    allowed is not None
                    and (clean.get("jurisdiction_id") or clean.get("derived_jurisdiction_id")) not in allowed
                ):
                    errors = [("jurisdiction", "该主体不在您的辖区，无权导入")]
                    clean = None
            if errors:
                if len(result.issues) < MAX_ISSUES:
                    result.issues.extend(ImportIssue(number, labels.get(f, f), m) for f, m in errors)
                continue
            assert clean is not None
            for column, fields in OPTIONAL_FIELDS.items():
                if column not in present:
                    for f in fields:
                        clean.pop(f, None)
            if not result.issues:
                batch.append(clean)
        if not result.issues and len(batch) >= BATCH:
            writer.flush(batch)
            batch = []
        if progress:
            progress(result.rows, 0)
    if not result.issues:
        writer.flush(batch)
    result.created, result.changed, result.unchanged = writer.created, writer.changed, writer.unchanged
    if progress:
        progress(result.rows, result.rows)

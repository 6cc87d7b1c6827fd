# ruff: noqa: S608  (SQL here is built from this module's constant table and column names only)
"""Writing validated register rows, set-based (批量写入市场主体).

The validator turns each valid row into a tuple in the staging table's column order
(:func:`stage_row`); :class:`StagedWriter` copies each chunk of them into a temporary staging table
and lets the database do the rest in a few statements: match the chunk against the register by
USCC, insert the new entities with their 设立 lifecycle event and tags, and return only the rows
that really differ, which are then updated one by one with a 变更/注销/… event and an audit entry.

Why staging: a city's first load is 1.5 million rows. Per-row work in Python (reading ids back,
building one audit entry per entity) cost more than the database's own work; a staged chunk costs
one COPY and three statements however large it is, on PostgreSQL and SQLite alike.

Audit: the entities a chunk creates are recorded as one ``entity.create_many`` entry whose
attachment holds every created row as the file gave it, after validation (JSON, columns named in
the entry); the chain covers the attachment's SHA-256. Each changed entity gets its own
``entity.update`` entry with before and after.

Bulk mode (PostgreSQL, a large file into a register no larger than it, e.g. a city's first load):
the register's secondary indexes and foreign keys are dropped inside the import's transaction and
built again, and the foreign keys validated, before it commits — one sorted index build and one
set-based check instead of millions of single-row ones, as ``pg_restore`` does. The register's
tables are locked against readers until the import commits; a smaller import never does this.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.bulk import insert_rows

from .models import Entity, EntityStatus, EntityTag, LifecycleEvent, LifecycleKind
from .search import name_bigrams

# Fields compared with the register, in the staging table's column order (after n and uscc).
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
STAGE_FIELDS = ("n", "uscc", *COMPARED, "tags", "name_grams")
_USCC, _TAGS, _NAME = STAGE_FIELDS.index("uscc"), STAGE_FIELDS.index("tags"), STAGE_FIELDS.index("name")
# A file may leave these columns out; then the register keeps what it holds for them.
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
STAGE = "zj_import_stage"
STAGE_TAG = "zj_import_stage_tag"
_STAGE_TYPES = {
    "name": "varchar(200)",
    "entity_type": "varchar(24)",
    "legal_representative": "varchar(60)",
    "registered_capital": "numeric(16, 4)",
    "established_on": "date",
    "status": "varchar(14)",
    "address": "varchar(300)",
    "industry_code": "varchar(5)",
    "cluster": "varchar(24)",
    "jurisdiction_id": "bigint",
    "office_id": "bigint",
    "contact_phone": "varchar(30)",
}
# The tables whose plain indexes and foreign keys bulk mode rebuilds.
BULK_TABLES = ("registry_entity", "registry_lifecycleevent")


def stage_line(number: int, clean: dict) -> str:
    """A validated row as one line of PostgreSQL's COPY text format, in STAGE_FIELDS order.

    Lines are what travels from the validating process to the database (and into the audit
    attachment) untouched: the parent process does no per-row work on a first load.
    """
    capital = clean["registered_capital"]
    office = clean["office_id"]
    return copy_line(
        (
            str(number),
            clean["uscc"],
            clean["name"],
            clean["entity_type"],
            clean["legal_representative"],
            None if capital is None else str(capital),
            clean["established_on"].isoformat(),
            clean["status"],
            clean["address"],
            clean["industry_code"],
            clean["cluster"],
            str(clean["jurisdiction_id"]),
            None if office is None else str(office),
            clean["contact_phone"],
            ",".join(clean["tags"]),
            _array_literal(clean["name_grams"]),
        )
    )


_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
_ESCAPED = re.compile(r"\\(.)")


def copy_line(values: tuple[str | None, ...] | list[str | None]) -> str:
    """Text fields as one COPY text line: tab-separated, ``\\N`` for NULL, backslash escapes."""
    nulls = values.count(None)
    line = "\t".join("\\N" if v is None else v for v in values)
    # Fast path: no field holds a tab, newline or backslash (only the NULL markers have one).
    if (
        line.count("\\") == nulls
        and line.count("\t") == len(values) - 1
        and "\n" not in line
        and "\r" not in line
    ):
        return line
    return "\t".join("\\N" if v is None else "".join(_ESCAPES.get(c, c) for c in v) for v in values)


def parse_copy_line(line: str) -> list[str | None]:
    """The fields of a COPY text line (the inverse of :func:`copy_line`)."""
    return [
        None
        if f == "\\N"
        else (_ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(1)), f) if "\\" in f else f)
        for f in line.split("\t")
    ]


def _array_literal(items: list[str]) -> str:
    """A PostgreSQL text[] literal; every element quoted, so any character is safe."""
    joined = '","'.join(items)
    if "\\" in joined or '"' in "".join(items):
        joined = '","'.join(item.replace("\\", "\\\\").replace('"', '\\"') for item in items)
    return '{"' + joined + '"}' if items else "{}"


def _column(field: str) -> str:
    return str(Entity._meta.get_field(field).column)  # type: ignore[union-attr]


class StagedWriter:
    """Writes chunks of staged rows into the register; one instance per import, inside its transaction.

    ``present`` names the file's columns: an optional column the file lacks is neither compared nor
    overwritten for entities already in the register. With ``write`` off (a dry run) the writer
    only counts what would be created and changed.
    """

    def __init__(self, *, actor, source: str, present: set[str], write: bool, label: str, bulk: bool = False):
        self.actor, self.source, self.write, self.label = actor, source, write, label
        absent = {f for column, fields in OPTIONAL_FIELDS.items() if column not in present for f in fields}
        self.compared = tuple(f for f in COMPARED if f not in absent)
        self.compare_tags = "tags" not in absent
        self.created = self.changed = self.unchanged = 0
        self.chunks = 0
        self.today = timezone.localdate()
        self.q = connection.ops.quote_name
        self.postgres = connection.vendor == "postgresql"
        self.bulk = bulk and write and self.postgres
        self._rebuild: list[str] = []
        self.empty_register = False  # known empty: every row is new, nothing to match
        if self.postgres:
            with connection.cursor() as cursor:
                # A chunk's sort and hash fit in memory; index builds get room (this transaction only).
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        self._create_stage()
        if self.bulk:
            self._drop_indexes_and_keys()

    # -- staging ---------------------------------------------------------------------------------

    def _create_stage(self) -> None:
        columns = ", ".join(f"{f} {_STAGE_TYPES[f]}" for f in COMPARED)
        grams = "text[]" if self.postgres else "text"
        with connection.cursor() as cursor:
            self._drop_stage(cursor)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE} (n integer NOT NULL, uscc varchar(18) NOT NULL, {columns}, "
                f"tags text NOT NULL, name_grams {grams}, entity_id bigint, new_id bigint)"
            )
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE_TAG} (uscc varchar(18) NOT NULL, tag varchar(20))")

    @staticmethod
    def _drop_stage(cursor) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TAG}")

    def _stage(self, cursor, lines: list[str]) -> None:
        # TRUNCATE leaves no dead rows behind in PostgreSQL; SQLite has only DELETE.
        empty = "TRUNCATE" if self.postgres else "DELETE FROM"
        cursor.execute(f"{empty} {STAGE}")
        cursor.execute(f"{empty} {STAGE_TAG}")
        columns = ", ".join(STAGE_FIELDS)
        if self.postgres:
            with cursor.cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
                copy.write("\n".join(lines) + "\n")
            cursor.execute(
                f"INSERT INTO {STAGE_TAG} (uscc, tag) SELECT uscc, unnest(string_to_array(tags, ',')) "
                f"FROM {STAGE} WHERE tags <> ''"
            )
        else:
            rows = [_sqlite_stage_row(parse_copy_line(line)) for line in lines]
            placeholders = ", ".join(["%s"] * len(STAGE_FIELDS))
            cursor.executemany(f"INSERT INTO {STAGE} ({columns}) VALUES ({placeholders})", rows)
            tags = [(row[_USCC], tag) for row in rows if row[_TAGS] for tag in row[_TAGS].split(",")]
            if tags:
                cursor.executemany(f"INSERT INTO {STAGE_TAG} (uscc, tag) VALUES (%s, %s)", tags)
        if self.empty_register:
            return
        # Matching by USCC, one index probe per row: a correlated subquery keeps the plan fixed
        # whatever the planner believes about a temporary table's size.
        cursor.execute(
            f"UPDATE {STAGE} SET entity_id = (SELECT e.id FROM registry_entity e WHERE e.uscc = {STAGE}.uscc)"
        )

    # -- one chunk -------------------------------------------------------------------------------

    def flush(self, lines: list[str]) -> None:
        """Write one chunk of staged lines (see :func:`stage_line`), in file order."""
        if not lines:
            return
        self.chunks += 1
        with connection.cursor() as cursor:
            self._stage(cursor, lines)
            existing: set[str] = set()
            if not self.empty_register:
                cursor.execute(f"SELECT uscc FROM {STAGE} WHERE entity_id IS NOT NULL")
                existing = {uscc for (uscc,) in cursor.fetchall()}
            updates = self._differences(cursor) if existing else []
        new_rows = (
            [line for line in lines if line.split("\t", 2)[_USCC] not in existing] if existing else lines
        )
        self.created += len(new_rows)
        self.changed += len(updates)
        self.unchanged += len(existing) - len(updates)
        if self.write:
            self._insert(new_rows)
            self._update(updates)

    def finish(self) -> None:
        """Drop the staging tables; in bulk mode, build the indexes and check the keys again; merge
        the bigram index's pending entries."""
        with connection.cursor() as cursor:
            self._drop_stage(cursor)
            if self._rebuild:
                for statement in self._rebuild:
                    cursor.execute(statement)
                self._rebuild = []
            if self.postgres and self.write and (self.created or self.changed):
                # New names wait in the GIN index's pending list (fastupdate) until it fills or
                # autovacuum comes by; while entries wait there the planner prices the index high and
                # a name search scans the whole register (9 ms instead of 0.1 ms at 20,000 names).
                cursor.execute("SELECT gin_clean_pending_list('registry_entity_name_grams'::regclass)")

    def _insert(self, new_rows: list[str]) -> None:
        if not new_rows:
            return
        now = timezone.now()
        fields = ", ".join(self.q(_column(f)) for f in ("uscc", *COMPARED, "name_grams"))
        chosen = f"SELECT uscc, {', '.join(COMPARED)}, name_grams, %s, %s FROM {STAGE} WHERE entity_id IS NULL ORDER BY n"
        insert_entities = f"INSERT INTO registry_entity ({fields}, created_at, updated_at) {chosen}"
        lifecycle = (
            "INSERT INTO registry_lifecycleevent (entity_id, kind, occurred_on, changes, source, recorded_at)"
        )
        established = LifecycleKind.ESTABLISHED.value
        with connection.cursor() as cursor:
            if self.postgres:
                # One statement: the new ids flow from the entity insert into history and tags.
                cursor.execute(
                    f"WITH ins AS ({insert_entities} RETURNING id, uscc, established_on), "
                    f"life AS ({lifecycle} SELECT id, %s, established_on, '{{}}'::jsonb, %s, %s FROM ins) "
                    f"INSERT INTO registry_entitytag (entity_id, tag) "
                    f"SELECT ins.id, t.tag FROM ins JOIN {STAGE_TAG} t ON t.uscc = ins.uscc",
                    [now, now, established, self.source, now],
                )
            else:
                cursor.execute(insert_entities, [now, now])
                cursor.execute(
                    f"UPDATE {STAGE} SET new_id = (SELECT e.id FROM registry_entity e "
                    f"WHERE e.uscc = {STAGE}.uscc) WHERE entity_id IS NULL"
                )
                cursor.execute(
                    f"{lifecycle} SELECT new_id, %s, established_on, '{{}}', %s, %s FROM {STAGE} "
                    "WHERE new_id IS NOT NULL ORDER BY n",
                    [established, self.source, now],
                )
                cursor.execute(
                    f"INSERT INTO registry_entitytag (entity_id, tag) SELECT s.new_id, t.tag "
                    f"FROM {STAGE_TAG} t JOIN {STAGE} s ON s.uscc = t.uscc WHERE s.new_id IS NOT NULL"
                )
        audit.record(
            self.actor,
            audit.Change(
                "entity.create_many",
                "Entity",
                f"{self.label} #{self.chunks}",
                None,
                {
                    "count": len(new_rows),
                    "source": self.source,
                    "columns": list(STAGE_FIELDS),
                    "format": "PostgreSQL COPY text, one line per entity",
                },
                attachment=("\n".join(new_rows) + "\n").encode(),
            ),
        )

    def _differences(self, cursor) -> list[tuple[dict, dict, dict]]:
        """(register row, file row, {field: [old, new]}) for the staged rows that really differ."""
        distinct = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        conditions = [f"e.{self.q(_column(f))} {distinct} s.{f}" for f in self.compared]
        if self.compare_tags:
            conditions.append(f"{_tags_of('e.id')} <> s.tags")
        old_columns = ", ".join(f"e.{self.q(_column(f))}" for f in COMPARED)
        new_columns = ", ".join(f"s.{f}" for f in COMPARED)
        cursor.execute(
            f"SELECT e.id, e.uscc, {old_columns}, {_tags_of('e.id')}, {new_columns}, s.tags "
            f"FROM {STAGE} s JOIN registry_entity e ON e.id = s.entity_id "
            f"WHERE {' OR '.join(conditions)} ORDER BY s.n"
        )
        width = len(COMPARED)
        updates = []
        for row in cursor.fetchall():
            old = {f: _python_value(f, v) for f, v in zip(COMPARED, row[2 : 2 + width], strict=True)}
            old.update(id=row[0], uscc=row[1])
            old_tags = _split_tags(row[2 + width])
            new = {
                f: _python_value(f, v) for f, v in zip(COMPARED, row[3 + width : 3 + 2 * width], strict=True)
            }
            new["tags"] = _split_tags(row[-1])
            diff = {f: [old[f], new[f]] for f in self.compared if old[f] != new[f]}
            if self.compare_tags and old_tags != new["tags"]:
                diff["tags"] = [old_tags, new["tags"]]
            if diff:
                updates.append((old, new, diff))
        return updates

    def _update(self, updates: list[tuple[dict, dict, dict]]) -> None:
        if not updates:
            return
        now = timezone.now()
        objects, lifecycle, changes, status_events = [], [], [], []
        fields_touched: set[str] = set()
        for old, new, diff in updates:
            entity = Entity(id=old["id"], uscc=old["uscc"], updated_at=now)
            for f in COMPARED:
                setattr(entity, f, new[f] if f in self.compared else old[f])
            entity.name_grams = name_bigrams(entity.name)
            objects.append(entity)
            fields_touched.update(f for f in diff if f != "tags")
            if "name" in diff:
                fields_touched.add("name_grams")
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
            json_diff = {f: [_json_value(v[0]), _json_value(v[1])] for f, v in diff.items()}
            lifecycle.append((old["id"], kind, self.today, json_diff, self.source, now))
            changes.append(
                audit.Change(
                    "entity.update",
                    "Entity",
                    str(old["id"]),
                    {f: v[0] for f, v in json_diff.items()},
                    {f: v[1] for f, v in json_diff.items()},
                )
            )
            if "tags" in diff:
                EntityTag.objects.filter(entity_id=old["id"]).delete()
                EntityTag.objects.bulk_create(EntityTag(entity_id=old["id"], tag=t) for t in new["tags"])
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

    # -- bulk mode -------------------------------------------------------------------------------

    def _drop_indexes_and_keys(self) -> None:
        """Drop the plain indexes and foreign keys of BULK_TABLES, remembering how to restore them.

        Into an empty register (known under the lock) every row is new: the USCC's unique
        constraint goes too and is built once at the end, which also proves the codes unique.
        """
        with connection.cursor() as cursor:
            # Readers wait until the import commits; nobody else writes the register meanwhile.
            for table in BULK_TABLES:
                cursor.execute(f"LOCK TABLE {self.q(table)} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM registry_entity)")
            self.empty_register = cursor.fetchone()[0]
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
                "JOIN pg_am am ON am.oid = c.relam "
                "WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary "
                "AND t.relnamespace = 'public'::regnamespace AND am.amname <> 'gin'",
                [list(BULK_TABLES)],
            )
            indexes = cursor.fetchall()
            kinds = ["f", "u"] if self.empty_register else ["f"]
            cursor.execute(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ANY(%s) AND c.contype = ANY(%s) "
                "AND t.relnamespace = 'public'::regnamespace "
                # a unique constraint that foreign keys point at must stay
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid "
                "AND c.contype = 'u') ORDER BY c.contype",
                [list(BULK_TABLES), kinds],
            )
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {self.q(table)} DROP CONSTRAINT {self.q(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {self.q(name)}")
        # Unique constraints first ('u' sorts after 'f': reversed), then indexes, then foreign keys.
        self._rebuild = [
            f"ALTER TABLE {self.q(table)} ADD CONSTRAINT {self.q(name)} {definition}"
            for table, name, definition in reversed(keys)
            if definition.startswith("UNIQUE")
        ]
        self._rebuild += [definition for _name, definition in indexes]
        self._rebuild += [
            f"ALTER TABLE {self.q(table)} ADD CONSTRAINT {self.q(name)} {definition}"
            for table, name, definition in keys
            if not definition.startswith("UNIQUE")
        ]


def _tags_of(entity_id_sql: str) -> str:
    """SQL for an entity's tags as one sorted, comma-joined text ('' when none)."""
    if connection.vendor == "postgresql":
        inner = f"SELECT string_agg(tag, ',' ORDER BY tag) FROM registry_entitytag WHERE entity_id = {entity_id_sql}"
    else:
        inner = (
            "SELECT group_concat(tag, ',') FROM (SELECT tag FROM registry_entitytag "
            f"WHERE entity_id = {entity_id_sql} ORDER BY tag)"
        )
    return f"COALESCE(({inner}), '')"


def _split_tags(text: str) -> list[str]:
    return text.split(",") if text else []


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _python_value(field: str, value):
    """Database values as the validator produces them, so that comparisons are exact."""
    if value is None:
        return None
    if field == "registered_capital":
        return Decimal(str(value)).quantize(Decimal("0.0001"))
    if field == "established_on" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _sqlite_stage_row(fields: list[str | None]) -> list:
    """A parsed stage line as SQLite parameters: the bigrams as JSON text, the row number an int."""
    row: list = list(fields)
    row[0] = int(row[0])
    row[-1] = json.dumps(name_bigrams(row[_NAME] or ""), ensure_ascii=False)
    return row


def created_entities(entry) -> list[dict]:
    """The entities an ``entity.create_many`` audit entry records, as dicts of its named columns."""
    columns = entry.after["columns"]
    lines = bytes(entry.attachment).decode().splitlines()
    return [dict(zip(columns, parse_copy_line(line), strict=True)) for line in lines]

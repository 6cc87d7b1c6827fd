"""Set-based inserts: PostgreSQL COPY on the production path, executemany elsewhere.

Bulk paths (imports, demo data, batch jobs) insert millions of rows; Django's ``bulk_create``
builds one statement per batch, COPY streams rows straight into the table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import cast

from django.db import connection
from django.db.models import Field, Model


class RawJSON(str):
    """JSON already serialised: inserted as it is, not serialised again."""


def _json_value(value):
    if value is None or isinstance(value, RawJSON):
        return value
    return json.dumps(value, ensure_ascii=False)


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in ``fields`` order, Python values) into ``model``'s table."""
    meta = model._meta
    model_fields = [cast(Field, meta.get_field(f)) for f in fields]
    columns = [str(f.column) for f in model_fields]
    json_fields = {i for i, f in enumerate(model_fields) if f.get_internal_type() == "JSONField"}
    table = connection.ops.quote_name(meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row([_json_value(v) if i in json_fields else v for i, v in enumerate(row)])
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608
            # Only temporal and decimal values need Django's adaptation for SQLite; the rest pass as they are.
            adapted = {
                i: f.get_db_prep_value
                for i, f in enumerate(model_fields)
                if f.get_internal_type() in ("DateTimeField", "DateField", "DecimalField")
            }
            batch: list[list] = []
            for row in rows:
                batch.append(
                    [
                        _json_value(v)
                        if i in json_fields
                        else (
                            adapted[i](v, connection, prepared=False) if i in adapted and v is not None else v
                        )
                        for i, v in enumerate(row)
                    ]
                )
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count

"""The analytics layer (分析计算层): batch computations written once, run on the database or on Spark.

A computation is an Ibis expression over *unbound* tables named like the application's own tables
(:func:`source`). The same expression then runs

- on the application database itself (SQLite or PostgreSQL): compiled to that dialect and executed
  on Django's connection, inside the caller's transaction (:func:`materialize`, :func:`Prepared`);
- on Apache Spark (or DuckDB, for comparison): the source tables are exported to Parquet, registered
  under the same names, and the expression runs there unchanged (:class:`ParquetEngine`); its
  result comes back into a temporary table of the database (:func:`load_temp_table`).

Results are written back set-based (``INSERT … SELECT`` from the temporary table), never row by row.
Credit scoring uses it first; indicator values, warning series and draw eligibility use it too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
from django.db import DatabaseError, connection
from django.db.models import Field, Model

_DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite"}
_IBIS_TYPES = {
    "AutoField": "int64",
    "BigAutoField": "int64",
    "ForeignKey": "int64",
    "OneToOneField": "int64",
    "IntegerField": "int64",
    "BigIntegerField": "int64",
    "PositiveIntegerField": "int64",
    "PositiveSmallIntegerField": "int64",
    "SmallIntegerField": "int64",
    "CharField": "string",
    "TextField": "string",
    "DateField": "date",
    "DateTimeField": "timestamp",
    "BooleanField": "boolean",
}
# Column types of temporary result tables, by Ibis type.
_SQL_TYPES = {"int64": "BIGINT", "string": "TEXT", "date": "DATE", "boolean": "BOOLEAN"}


def source(model: type[Model], columns: Sequence[str]) -> ir.Table:
    """An unbound Ibis table for ``model``'s database table, with the named fields (by field name)."""
    schema = {}
    for name in columns:
        model_field: Field = model._meta.get_field(name)  # type: ignore[assignment]
        kind = model_field.get_internal_type()
        if kind not in _IBIS_TYPES:
            raise TypeError(f"{model.__name__}.{name}: {kind} is not supported by the analytics layer")
        schema[str(model_field.column)] = _IBIS_TYPES[kind]
    return ibis.table(schema, name=model._meta.db_table)


def dialect() -> str:
    return _DIALECTS[connection.vendor]


def compile_sql(expr: ir.Table) -> str:
    """``expr`` as SQL of the application database's dialect."""
    return str(ibis.to_sql(expr, dialect=dialect()))


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def drop_temp_table(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_quote(name)}")


# Memory a batch statement may use for each sort or hash on PostgreSQL (its default of 4MB spills
# the aggregations of a city to disk). Only batch statements get it, for their duration.
BATCH_WORK_MEM = os.environ.get("ZHIJIAN_ANALYTICS_WORK_MEM", "256MB")


@contextmanager
def batch_memory() -> Iterator[None]:
    """Raise PostgreSQL's ``work_mem`` for the statements inside (a no-op on SQLite)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, false)", [BATCH_WORK_MEM])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET work_mem")
        except DatabaseError:  # an aborted transaction rolls the setting back itself
            pass


def materialize(expr: ir.Table, name: str) -> int:
    """Run ``expr`` on the database into a new temporary table ``name``; return its row count."""
    drop_temp_table(name)
    sql = compile_sql(expr)
    with batch_memory(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {_quote(name)} AS {sql}".replace("%", "%%"), [])
        cursor.execute(f"ANALYZE {_quote(name)}")
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # noqa: S608 - our own temp table
        return int(cursor.fetchone()[0])


# Sentinel integers that stand for query parameters in a compiled expression (see Prepared).
_SENTINEL_BASE = -733_020_000_000


def parameter(index: int = 0) -> ir.IntegerScalar:
    """A placeholder for an integer parameter of a :class:`Prepared` query."""
    return ibis.literal(_SENTINEL_BASE - index, type="int64")


@dataclass
class Prepared:
    """An expression compiled once, executed many times with integer parameters.

    Compiling an Ibis expression takes tens of milliseconds; a per-entity path (reclassing one
    entity after a new record) compiles once per model version and day and binds the entity id.
    Parameters are :func:`parameter` placeholders in the expression.
    """

    expr: ir.Table
    parameters: int = 1
    sql: str = field(init=False)
    order: list[int] = field(init=False)
    columns: list[str] = field(init=False)

    def __post_init__(self) -> None:
        text = compile_sql(self.expr).replace("%", "%%")
        tokens = {str(_SENTINEL_BASE - i): i for i in range(self.parameters)}
        pieces, order, position = [], [], 0
        while True:
            hits = [(text.find(token, position), token) for token in tokens]
            hits = [(at, token) for at, token in hits if at >= 0]
            if not hits:
                break
            at, token = min(hits)
            pieces.append(text[position:at])
            pieces.append("%s")
            order.append(tokens[token])
            position = at + len(token)
        pieces.append(text[position:])
        if set(order) != set(range(self.parameters)):
            raise ValueError("a parameter does not occur in the compiled query")
        self.sql, self.order, self.columns = "".join(pieces), order, list(self.expr.columns)

    def fetch(self, *values: int) -> list[dict[str, Any]]:
        if len(values) != self.parameters:
            raise ValueError(f"expected {self.parameters} parameters")
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [int(values[i]) for i in self.order])
            return [dict(zip(self.columns, row, strict=True)) for row in cursor.fetchall()]


# ---------------------------------------------------------------------------------------------
# Moving results into the database


def load_temp_table(name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]) -> int:
    """Create temporary table ``name`` (columns as (name, ibis type)) and fill it set-based.

    PostgreSQL takes the rows through COPY; SQLite through ``executemany`` in batches.
    """
    drop_temp_table(name)
    definition = ", ".join(f"{_quote(c)} {_SQL_TYPES[t]}" for c, t in columns)
    quoted = ", ".join(_quote(c) for c, _ in columns)
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {_quote(name)} ({definition})")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_quote(name)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            sql = f"INSERT INTO {_quote(name)} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append([v.isoformat() if isinstance(v, dt.date) else v for v in row])
                if len(batch) >= 10_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        cursor.execute(f"ANALYZE {_quote(name)}")
    return count


# ---------------------------------------------------------------------------------------------
# Engines outside the database: Spark (the path for a province or the nation) and DuckDB


def java_available() -> bool:
    """Whether a Java runtime for Spark is on this machine."""
    home = os.environ.get("JAVA_HOME")
    return bool((home and Path(home, "bin", "java").exists()) or shutil.which("java"))


def _arrow_type(kind: str):
    import pyarrow as pa

    return {
        "int64": pa.int64(),
        "string": pa.string(),
        "date": pa.date32(),
        "boolean": pa.bool_(),
        "timestamp": pa.timestamp("us"),
        "json": pa.string(),  # a JSON column travels as its text
    }[kind]


def _to_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _to_json_text(value):
    """A JSON value as PostgreSQL prints jsonb (and Django writes JSON on SQLite): ", " and ": "."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def export_parquet(table: ir.Table, path: Path, chunk: int = 200_000) -> int:
    """Write the rows of the database table behind unbound ``table`` to a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = table.schema()
    names = list(schema.names)
    arrow_schema = pa.schema([(n, _arrow_type(str(schema[n]).rstrip("!"))) for n in names])
    dates = [i for i, n in enumerate(names) if str(schema[n]).rstrip("!") == "date"]
    jsons = [i for i, n in enumerate(names) if str(schema[n]).rstrip("!") == "json"]
    sql = f"SELECT {', '.join(_quote(n) for n in names)} FROM {_quote(table.get_name())}"  # noqa: S608
    count = 0
    with pq.ParquetWriter(path, arrow_schema) as writer, connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while True:
            rows = cursor.fetchmany(chunk)
            if not rows:
                break
            columns = list(zip(*rows, strict=True))
            arrays = [
                pa.array(
                    [_to_date(v) for v in col]
                    if i in dates
                    else [_to_json_text(v) for v in col]
                    if i in jsons
                    else list(col),
                    type=arrow_schema.field(i).type,
                )
                for i, col in enumerate(columns)
            ]
            writer.write_batch(pa.record_batch(arrays, schema=arrow_schema))
            count += len(rows)
    return count


def spark_session(cores: int | None = None):
    """A local Spark session (local mode): quiet, no UI, few shuffle partitions, UTC."""
    from pyspark.sql import SparkSession

    cores = cores or max(1, min(4, os.cpu_count() or 1))
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("zhijian-analytics")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", os.environ.get("ZHIJIAN_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


class ParquetEngine:
    """Runs expressions on an Ibis backend fed by Parquet exports of the database's tables.

    ``backend`` is a connected Ibis backend (``ibis.pyspark.connect(session)``,
    ``ibis.duckdb.connect()``). :meth:`register` exports each source table once.
    """

    def __init__(self, backend, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.registered: dict[str, int] = {}

    def register(self, table: ir.Table) -> int:
        name = table.get_name()
        if name not in self.registered:
            path = self.workdir / f"{name}.parquet"
            self.registered[name] = export_parquet(table, path)
            self.backend.read_parquet(str(path), table_name=name)
        return self.registered[name]

    def register_file(self, name: str, path: Path) -> None:
        """Register an existing Parquet file (e.g. a data lake's) under a table name."""
        self.backend.read_parquet(str(path), table_name=name)
        self.registered[name] = -1

    def batches(self, expr: ir.Table) -> Iterator[tuple]:
        """The result rows of ``expr``, streamed in Arrow batches."""
        reader = self.backend.to_pyarrow_batches(expr, chunk_size=100_000)
        for batch in reader:
            columns = [col.to_pylist() for col in batch.columns]
            yield from zip(*columns, strict=True)

    def into_temp_table(self, expr: ir.Table, name: str) -> int:
        """Run ``expr`` here and load its result into database temporary table ``name``."""
        schema = expr.schema()
        columns = [(n, str(schema[n]).rstrip("!")) for n in schema.names]
        return load_temp_table(name, columns, self.batches(expr))


@contextmanager
def spark_engine(cores: int | None = None) -> Iterator[ParquetEngine]:
    """A :class:`ParquetEngine` on local Spark, with a scratch folder removed afterwards."""
    session = spark_session(cores)
    with tempfile.TemporaryDirectory(prefix="zhijian-spark-") as folder:
        yield ParquetEngine(ibis.pyspark.connect(session), Path(folder))


@contextmanager
def duckdb_engine(threads: int | None = None) -> Iterator[ParquetEngine]:
    """A :class:`ParquetEngine` on in-process DuckDB (for benchmarks and cross-checks)."""
    backend = ibis.duckdb.connect(threads=threads or os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="zhijian-duckdb-") as folder:
        yield ParquetEngine(backend, Path(folder))


ProgressStep = Callable[[str], None]


def as_decimal_hundredths(value: int | None) -> Decimal | None:
    """An integer count of hundredths as a Decimal with two places."""
    return None if value is None else Decimal(int(value)).scaleb(-2)

"""The same generated data set is classed identically on SQLite, PostgreSQL, DuckDB and Spark.

The suite runs on both databases (CI runs it twice); each run also executes the SQLite dialect on
an in-memory copy and the unchanged expression on DuckDB and local Spark, and compares every
entity's class, score and factors; a digest pinned here makes the two suite runs agree with each
other too.
"""

from __future__ import annotations

import hashlib
import sqlite3

import ibis
import pytest
from django.db import connection

from tests.credit.conftest import AS_OF, require_java
from zhijian.core.access import SystemActor
from zhijian.core.analytics import duckdb_engine, materialize, spark_engine
from zhijian.credit import analytics
from zhijian.credit.classify import SCORES, active_model, rescore_all
from zhijian.credit.models import CreditStanding, ScoringRun
from zhijian.demo.credit import loader as demo
from zhijian.demo.generator import EntityGenerator, write_csv
from zhijian.registry.importing import import_entities

pytestmark = pytest.mark.django_db
SEED, COUNT = 11, 400
# sha256 over sorted "uscc class score factors" lines of the generated data set under model 2025.1.
EXPECTED_DIGEST = "a85dcd961bc177d16fd136e44cd9d652e79a51e54702f4e6a2f48674a6171fee"


@pytest.fixture
def generated(city, tmp_path):
    path = tmp_path / "register.csv"
    write_csv(path, list(EntityGenerator(SEED, COUNT, today=AS_OF).rows()))
    assert import_entities(path, actor=SystemActor("test"), parallel=False).ok
    demo.load(seed=SEED, scale="demo", console=None, as_of=AS_OF)
    return active_model()


def keyed(rows) -> dict[int, tuple]:
    return {
        int(r[0]): tuple(None if v is None else (int(v) if isinstance(v, int | float) else v) for v in r[1:])
        for r in rows
    }


def on_database(expr) -> dict[int, tuple]:
    materialize(expr, SCORES)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(analytics.OUTPUT_COLUMNS)} FROM {SCORES}")  # noqa: S608
        return keyed(cursor.fetchall())


def on_sqlite_copy(expr) -> dict[int, tuple]:
    """The SQLite dialect of the expression on an in-memory copy of the source tables."""
    memory = sqlite3.connect(":memory:")
    for table in analytics.sources().values():
        names = list(table.schema().names)
        memory.execute(f"CREATE TABLE {table.get_name()} ({', '.join(names)})")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(names)} FROM {table.get_name()}")  # noqa: S608
            rows = [
                [v.isoformat() if hasattr(v, "isoformat") else v for v in row] for row in cursor.fetchall()
            ]
        memory.executemany(f"INSERT INTO {table.get_name()} VALUES ({', '.join('?' * len(names))})", rows)  # noqa: S608
    return keyed(memory.execute(str(ibis.to_sql(expr, dialect="sqlite"))).fetchall())


def on_engine(engine, expr) -> dict[int, tuple]:
    for table in analytics.sources().values():
        engine.register(table)
    return keyed(engine.batches(expr))


def digest(result: dict[int, tuple]) -> str:
    from zhijian.registry.models import Entity

    usccs = dict(Entity.objects.values_list("id", "uscc"))
    lines = sorted(f"{usccs[k]} {' '.join(map(str, v))}" for k, v in result.items())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_database_sqlite_dialect_and_duckdb_agree(generated):
    expr = analytics.classification(generated.spec, AS_OF)
    here = on_database(expr)
    assert len(here) > 300
    assert on_sqlite_copy(expr) == here
    with duckdb_engine(threads=1) as engine:
        assert on_engine(engine, expr) == here
    # the mix is a real city's: every class occurs
    classes = {v[1] for v in here.values()}
    assert classes == {"A", "B", "C", "D"}
    assert digest(here) == EXPECTED_DIGEST


def test_spark_classes_identically_and_writes_nothing_new(generated):
    require_java()
    expr = analytics.classification(generated.spec, AS_OF)
    here = on_database(expr)
    with spark_engine(cores=1) as engine:
        assert on_engine(engine, expr) == here
    before = dict(CreditStanding.objects.values_list("entity_id", "credit_class"))
    run = rescore_all(actor=SystemActor("test"), engine="spark", as_of=AS_OF, spark_cores=1)
    assert run.status == ScoringRun.Status.SUCCEEDED and run.engine == "spark"
    assert run.changed == 0
    assert dict(CreditStanding.objects.values_list("entity_id", "credit_class")) == before

"""Benchmark: recompute every computed plan indicator for every county-level unit and every month
(and year) of five years at city scale, on PostgreSQL, beside the same expressions on DuckDB.

    BENCH_DB=zhijian_indicators_bench python bench/bench_indicators.py [--rows 1500000] [--reset]
        [--first-year 2022] [--last-year 2026] [--skip-duckdb]

1. Data (once; ``--reset`` redoes it), generated set-based inside PostgreSQL (``INSERT … SELECT``
   over ``generate_series`` with fixed arithmetic: deterministic): ``--rows`` entities in the 15
   county-level units, established over 30 years, 12 % of them with a leaving event
   (注销/吊销/迁出); five years of sampling at the plan's scale (56,000 food batches and 5,000
   product batches a year, 3,000 of them in circulation, every judged one with a conclusion, the
   failures with their loop); 300 check items and 400 drawn spot-check tasks a year with 3 items
   each. Then ANALYZE.
2. PostgreSQL: ``tasks.recompute(first, last)``: every computed indicator (8 today) × (60 months +
   5 years) = 520 expressions, each one query over all units, results stored (ComputedValue).
3. DuckDB (the baseline, same process): the same 520 expressions over Parquet exports of the same
   tables (the export timed apart), results stored the same way.

Target (issue 11): ≤ 60 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

TARGET_S = 60
FOOD_A_YEAR = 56_000
PRODUCTS_A_YEAR = 5_000
TASKS_A_YEAR = 400
ITEMS = 300


def recreate_database() -> None:
    import psycopg

    C.check_bench_db_name()
    with psycopg.connect(C.PG_BASE + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{C.BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{C.BENCH_DB}"')


def _defaults(model, given: dict[str, str]) -> dict[str, str]:
    """SQL expressions for every NOT NULL column of ``model`` that ``given`` leaves out."""
    from django.db import models as m

    out = dict(given)
    for field in model._meta.concrete_fields:
        if field.column in out or field.primary_key or field.null:
            continue
        if field.get_internal_type() == "ArrayField" or "Bigrams" in type(field).__name__:
            out[field.column] = "'{}'"
        elif isinstance(field, m.DateTimeField):
            out[field.column] = "now()"
        elif isinstance(field, m.DateField):
            out[field.column] = "current_date"
        elif isinstance(field, m.BooleanField):
            out[field.column] = "false"
        elif isinstance(field, m.JSONField):
            out[field.column] = "'{}'::jsonb"
        elif isinstance(field, m.BinaryField):
            out[field.column] = "''::bytea"
        elif isinstance(field, m.IntegerField | m.DecimalField):
            out[field.column] = "0"
        else:
            out[field.column] = "''"
    return out


def insert_series(cursor, model, count: int, columns: dict[str, str]) -> int:
    """INSERT ``count`` rows of ``model``; ``columns`` are SQL expressions of the row number ``i``."""
    filled = _defaults(model, columns)
    names = ", ".join(f'"{c}"' for c in filled)
    values = ", ".join(filled.values()).replace("%", "%%")
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({names}) SELECT {values} FROM generate_series(1::bigint, %s::bigint) AS i",  # noqa: S608
        [count],
    )
    return cursor.rowcount


def load_data(rows: int, first: int, last: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from zhijian.core.models import Department, Jurisdiction
    from zhijian.indicators.catalogue import load_catalogue
    from zhijian.inspections.models import CheckItem, Draw, Plan, Task
    from zhijian.registry.models import Entity, LifecycleEvent
    from zhijian.sampling.models import Category, Laboratory, Sample, SamplingPlan, SamplingTask
    from zhijian.sampling.reference import load_reference

    timings = {}
    started = time.perf_counter()
    call_command("setup")
    from zhijian.core.access import SystemActor

    load_reference(actor=SystemActor("bench:indicators"))
    load_catalogue()
    units = list(
        Jurisdiction.objects.filter(level__in=["district", "zone"])
        .order_by("code")
        .values_list("pk", flat=True)
    )
    unit_array = "ARRAY[" + ",".join(str(u) for u in units) + "]"
    n_units = len(units)
    pick = f"({unit_array})[1 + (i * 7) % {n_units}]"
    years = last - first + 1
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # bench database only: no FK triggers
        t = time.perf_counter()
        insert_series(
            cursor,
            Entity,
            rows,
            {
                "uscc": "lpad(i::text, 18, '0')",
                "name": "'宁波测试' || i || '号企业'",
                "entity_type": "CASE WHEN i % 3 = 0 THEN 'llc' ELSE 'individual' END",
                "legal_representative": "'张三'",
                "established_on": f"date '{last + 1}-01-01' - ((i * 7919) % 11000)::int",
                "status": "CASE WHEN i % 25 < 3 THEN 'deregistered' ELSE 'active' END",
                "address": "'浙江省宁波市'",
                "jurisdiction_id": pick,
            },
        )
        cursor.execute(
            f"""INSERT INTO {LifecycleEvent._meta.db_table} (entity_id, kind, occurred_on, changes, source, recorded_at)
            SELECT id, (ARRAY['deregistered','revoked','moved_out'])[1 + id % 3],
                   LEAST(established_on + (30 + (id * 31) % 3000)::int, date '{last}-12-31'), '{{}}'::jsonb, 'bench', now()
            FROM {Entity._meta.db_table} WHERE status = 'deregistered'"""  # noqa: S608
        )
        timings["register_s"] = time.perf_counter() - t

        t = time.perf_counter()
        lab = Laboratory.objects.create(code="B1", name="基准检验所", cma_no="0", tests_products=True)
        food_category = Category.objects.filter(kind="food", parent__isnull=False).order_by("code").first()
        product_category = Category.objects.filter(kind="product").order_by("code").first()
        plan = SamplingPlan.objects.create(year=first, kind="food", purpose="supervision", title="基准")
        task_of = {}
        for unit in units:
            for kind, category in (("food", food_category), ("product", product_category)):
                task_of[(unit, kind)] = SamplingTask.objects.create(
                    plan=plan,
                    category=category,
                    stage="circulation",
                    jurisdiction_id=unit,
                    laboratory=lab,
                    quota=1,
                    due_on=dt.date(last, 12, 31),
                ).pk
        food_tasks = "ARRAY[" + ",".join(str(task_of[(u, "food")]) for u in units) + "]"
        product_tasks = "ARRAY[" + ",".join(str(task_of[(u, "product")]) for u in units) + "]"
        total = (FOOD_A_YEAR + PRODUCTS_A_YEAR) * years
        per_year = FOOD_A_YEAR + PRODUCTS_A_YEAR
        is_food = f"(i % {per_year}) < {FOOD_A_YEAR}"
        unit_index = f"(1 + (i * 7) % {n_units})"
        insert_series(
            cursor,
            Sample,
            total,
            {
                "sample_no": "'B' || lpad(i::text, 9, '0')",
                "task_id": f"CASE WHEN {is_food} THEN ({food_tasks})[{unit_index}] ELSE ({product_tasks})[{unit_index}] END",
                "kind": f"CASE WHEN {is_food} THEN 'food' ELSE 'product' END",
                "purpose": "CASE WHEN i % 4 = 0 THEN 'evaluation' ELSE 'supervision' END",
                "stage": f"CASE WHEN {is_food} OR (i % {per_year}) < {FOOD_A_YEAR + 3000} THEN 'circulation' ELSE 'production' END",
                "category_id": f"CASE WHEN {is_food} THEN {food_category.pk} ELSE {product_category.pk} END",
                "jurisdiction_id": f"({unit_array})[{unit_index}]",
                "laboratory_id": str(lab.pk),
                "product_name": "'样品'",
                "seller_name": "'商行'",
                "sampled_on": f"date '{first}-01-01' + (((i - 1) / {per_year}) * 365 + (i * 13) % 365)::int",
                "status": "CASE WHEN i % 50 = 0 THEN 'sampled' ELSE 'reported' END",
                "judgement": "CASE WHEN i % 50 = 0 THEN '' WHEN i % 37 = 0 THEN 'fail' ELSE 'pass' END",
                "loop_status": "CASE WHEN i % 50 <> 0 AND i % 37 = 0 THEN (CASE WHEN i % 5 = 0 THEN 'open' ELSE 'closed' END) ELSE '' END",
            },
        )
        timings["sampling_s"] = time.perf_counter() - t

        t = time.perf_counter()
        department = Department.objects.order_by("code").first()
        insert_series(
            cursor,
            CheckItem,
            ITEMS,
            {
                "code": "'BI' || i",
                "department_id": str(department.pk),
                "name": "'事项' || i",
                "legal_basis": "'依据'",
                "object_type": "'企业'",
                "method": "'on_site'",
                "content": "'内容'",
                "specialty": "'general'",
                "active": "i % 20 <> 0",
                "entity_types": "'[]'::jsonb",
            },
        )
        inspection_plan = Plan.objects.create(year=first, title="基准计划", jurisdiction_id=units[0])
        flat = '{"A": "0.03", "B": "0.03", "C": "0.03", "D": "0.03", "U": "0.03"}'
        credit = '{"A": "0.01", "B": "0.03", "C": "0.05", "D": "0.1", "U": "0.03"}'
        insert_series(
            cursor,
            Task,
            TASKS_A_YEAR * years,
            {
                "plan_id": str(inspection_plan.pk),
                "title": "'任务' || i",
                "jurisdiction_id": pick,
                "ratios": f"CASE WHEN i % 10 < 8 THEN '{credit}'::jsonb ELSE '{flat}'::jsonb END",
                "ratio_source": "'规则'",
                "team_size": "2",
                "starts_on": f"date '{first}-01-01' + (((i - 1) / {TASKS_A_YEAR}) * 365 + (i * 17) % 365)::int",
                "due_on": f"date '{last + 1}-01-01'",
                "status": "'drawn'",
                "entity_types": "'[]'::jsonb",
            },
        )
        through = Task.items.through._meta.db_table
        cursor.execute(
            f"""INSERT INTO {through} (task_id, checkitem_id)
            SELECT t.id, c.id FROM {Task._meta.db_table} t
            JOIN {CheckItem._meta.db_table} c ON c.id - (SELECT min(id) FROM {CheckItem._meta.db_table})
              IN ((t.id * 3) % {ITEMS}, (t.id * 3 + 1) % {ITEMS}, (t.id * 3 + 2) % {ITEMS})"""  # noqa: S608
        )
        draw = _defaults(
            Draw,
            {
                "task_id": "id",
                "number": "1",
                "algorithm": "'bench'",
                "status": "CASE WHEN id % 20 = 0 THEN 'committed' ELSE 'drawn' END",
                "eligible_count": "100",
                "strata_counts": "'{}'::jsonb",
                "ratios": "ratios",
            },
        )
        names = ", ".join(f'"{c}"' for c in draw)
        cursor.execute(
            f"INSERT INTO {Draw._meta.db_table} ({names}) SELECT {', '.join(draw.values())} "  # noqa: S608
            f"FROM {Task._meta.db_table}"
        )
        timings["inspections_s"] = time.perf_counter() - t
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("ANALYZE")
        cursor.execute(f"SELECT count(*) FROM {Entity._meta.db_table}")
        entities = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM {Sample._meta.db_table}")
        samples = cursor.fetchone()[0]
    timings["load_total_s"] = time.perf_counter() - started
    return {"entities": entities, "samples": samples, **timings}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=C.default_rows())
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--first-year", type=int, default=2022)
    parser.add_argument("--last-year", type=int, default=2026)
    parser.add_argument("--skip-duckdb", action="store_true")
    args = parser.parse_args()
    C.configure_env()
    import psycopg

    with psycopg.connect(C.PG_BASE + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [C.BENCH_DB]).fetchone()
    if args.reset or not exists:
        recreate_database()
        fresh = True
    else:
        fresh = False
    C.django_setup()
    from django.db import connection

    from zhijian.core.analytics import duckdb_engine
    from zhijian.indicators.models import ComputedValue
    from zhijian.indicators.services.computing import definitions, unbound_tables
    from zhijian.indicators.tasks import recompute

    facts = {"machine": C.machine(), "code": C.code_version()}
    with connection.cursor() as cursor:
        facts["postgres"] = C.pg_facts(cursor)
    print(
        f"== indicators bench  {facts['machine']['date']}  {facts['machine']['nproc']} cores  {facts['machine']['cpu']}"
    )
    print(f"   {facts['postgres']['version']}  code {facts['code']}")
    if fresh:
        loaded = load_data(args.rows, args.first_year, args.last_year)
        print(f"   data: {loaded}")
        facts["data"] = loaded
    first, last = args.first_year, args.last_year
    today = dt.date(last, 12, 31)
    codes = list(definitions())
    periods = 12 * (last - first + 1) + (last - first + 1)
    print(f"   {len(codes)} computed indicators × {periods} periods = {len(codes) * periods} expressions")

    t = time.perf_counter()
    rows_pg = recompute(first, last, today=today)
    postgres_s = time.perf_counter() - t
    snapshot = {
        (r.code, r.jurisdiction_id, r.period_start, r.period_end): r.value
        for r in ComputedValue.objects.filter(period_start__year__gte=first)
    }
    print(f"PostgreSQL: {rows_pg} values in {postgres_s:.1f} s (target ≤ {TARGET_S} s)")
    result = {"postgres_s": postgres_s, "values": rows_pg, "expressions": len(codes) * periods}

    if not args.skip_duckdb:
        with duckdb_engine() as engine:
            t = time.perf_counter()
            start, end = dt.date(first, 1, 1), dt.date(first, 12, 31)
            for code in codes:
                for table in unbound_tables(definitions()[code].compute(start, end, None)):
                    engine.register(table)
            export_s = time.perf_counter() - t
            t = time.perf_counter()
            rows_duck = recompute(first, last, engine=engine, today=today)
            duckdb_s = time.perf_counter() - t
        same = snapshot == {
            (r.code, r.jurisdiction_id, r.period_start, r.period_end): r.value
            for r in ComputedValue.objects.filter(period_start__year__gte=first)
        }
        print(
            f"DuckDB:     {rows_duck} values in {duckdb_s:.1f} s (+ Parquet export {export_s:.1f} s); same values: {same}"
        )
        result.update({"duckdb_s": duckdb_s, "duckdb_export_s": export_s, "same_values": same})
    C.OUT.mkdir(parents=True, exist_ok=True)
    with open(C.OUT / "results.jsonl", "a", encoding="utf-8") as handle:
        handle.write(
            json.dumps({"bench": "indicators", **facts, **result}, default=str, ensure_ascii=False) + "\n"
        )


if __name__ == "__main__":
    main()

"""Benchmark: credit-risk classification of a city (1.5M entities, ~10M credit records).

    BENCH_DB=zj_credit_bench python bench/bench_credit.py [--rows 1500000] [--activity 1.8] [--reset]
        [--sample 2000] [--one 200] [--skip-duckdb] [--skip-orm] [--spark]

1. Data (once; ``--reset`` to redo): a fresh bench database, ``zhijian setup``, a synthetic register
   of ``--rows`` entities generated with numpy and loaded with COPY (not through the import), then the
   credit demo generator's records and list entries at city scale (``--activity`` scales the yearly
   rates to reach ~10M records), also by COPY. FK triggers are off during the COPY
   (``session_replication_role = replica``, bench database only), then ANALYZE.
2. Full reclass on PostgreSQL through the real code path (``rescore_all``, engine db): the first run
   writes every standing and history row; the second is the steady state (nothing changed).
3. The same Ibis expression on DuckDB over Parquet exports of the same tables (export timed apart):
   how close the database path is to what the hardware gives.
4. Baseline: a per-entity ORM loop (fetch records and list entries, score in Python, update_or_create
   the standing) on a random sample, extrapolated to the population; its classes are checked against
   the batch's.
5. One entity after a new record: record + reclass in one transaction (rolled back), ``--one`` times.

Targets (issue 3): full reclass ≤ 60 s; one entity ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

TARGET_FULL_S = 60
TARGET_ONE_MS = 200
AS_OF = dt.date(2026, 11, 2)


def recreate_database() -> None:
    import psycopg

    C.check_bench_db_name()
    with psycopg.connect(C.PG_BASE + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{C.BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{C.BENCH_DB}"')


def _copy_arrow(cursor, table: str, arrow_table) -> int:
    """COPY an Arrow table into ``table`` through CSV (pyarrow writes it, PostgreSQL parses it)."""
    import pyarrow.csv as pacsv

    buffer = io.BytesIO()
    pacsv.write_csv(arrow_table, buffer, write_options=pacsv.WriteOptions(include_header=False))
    columns = ", ".join(arrow_table.column_names)
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    return arrow_table.num_rows


def generate_register(rows: int, seed: int):
    """A city register as numpy columns: district shares, entity types, trades, ages and statuses."""
    import numpy as np
    from stdnum.cn import uscc as uscc_code

    from zhijian.core.models import Jurisdiction
    from zhijian.demo.generator import COMPANY_TRADES, DISTRICT_SHARES, INDIVIDUAL_TRADES

    rng = np.random.default_rng(seed)
    codes = list(DISTRICT_SHARES)
    shares = np.array([DISTRICT_SHARES[c][0] for c in codes])
    unit_ids = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "pk"))
    district = rng.choice(len(codes), size=rows, p=shares / shares.sum())
    types = np.array(
        [
            "individual",
            "llc",
            "sole_proprietorship",
            "partnership",
            "foreign_invested",
            "branch",
            "farmer_coop",
            "joint_stock",
        ],
        dtype=object,
    )
    type_index = rng.choice(len(types), size=rows, p=[0.58, 0.345, 0.015, 0.015, 0.01, 0.02, 0.01, 0.005])
    individual = type_index == 0
    trades_i = np.array([c for c, _, _ in INDIVIDUAL_TRADES], dtype=object)
    weights_i = np.array([w for _, _, w in INDIVIDUAL_TRADES], dtype=float)
    trades_c = np.array([c for c, _, _ in COMPANY_TRADES], dtype=object)
    weights_c = np.array([w for _, _, w in COMPANY_TRADES], dtype=float)
    industry = np.where(
        individual,
        trades_i[rng.choice(len(trades_i), size=rows, p=weights_i / weights_i.sum())],
        trades_c[rng.choice(len(trades_c), size=rows, p=weights_c / weights_c.sum())],
    )
    age_days = np.minimum(rng.exponential(7 * 365.25, size=rows), 35 * 365).astype(int)
    established = np.datetime64(AS_OF, "D") - age_days.astype("timedelta64[D]")
    statuses = np.array(["active", "deregistered", "revoked", "moved_out", "suspended"], dtype=object)
    status = statuses[rng.choice(5, size=rows, p=[0.88, 0.08, 0.03, 0.007, 0.003])]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    usccs = []
    for i in range(rows):
        division = DISTRICT_SHARES[codes[district[i]]][1]
        n, body = i, []
        for _ in range(9):
            n, r = divmod(n, 31)
            body.append(alphabet[r])
        head = ("92" if individual[i] else "91") + division + "".join(reversed(body))
        usccs.append(head + uscc_code.calc_check_digit(head))
    return {
        "uscc": np.array(usccs, dtype=object),
        "district_code": np.array(codes, dtype=object)[district],
        "jurisdiction_id": np.array([unit_ids[codes[d]] for d in range(len(codes))])[district],
        "entity_type": types[type_index],
        "industry_code": industry,
        "established_on": established,
        "status": status,
    }


def load_data(rows: int, activity: float) -> dict:
    import numpy as np
    import pyarrow as pa
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from zhijian.demo.credit.loader import publicity_days
    from zhijian.demo.credit.synthetic import Register, generate
    from zhijian.registry.search import name_bigrams

    timings = {}
    started = time.perf_counter()
    call_command("setup")
    reg = generate_register(rows, C.SEED)
    timings["generate_register_s"] = time.perf_counter() - started
    now = timezone.now()
    n = len(reg["uscc"])
    names = [f"宁波{c}{i}号企业" for i, c in enumerate(reg["industry_code"])]
    register = pa.table(
        {
            "uscc": reg["uscc"],
            "name": pa.array(names),
            # the search bigrams as a text[] literal (no name here holds a quote or a backslash)
            "name_grams": pa.array(["{" + ",".join(f'"{g}"' for g in name_bigrams(n)) + "}" for n in names]),
            "entity_type": reg["entity_type"],
            "legal_representative": np.full(n, "张三", dtype=object),
            "established_on": reg["established_on"],
            "status": reg["status"],
            "address": np.full(n, "浙江省宁波市", dtype=object),
            "jurisdiction_id": reg["jurisdiction_id"],
            "industry_code": reg["industry_code"],
            "cluster": np.full(n, "", dtype=object),
            "contact_phone": np.full(n, "", dtype=object),
            "created_at": pa.array(np.full(n, np.datetime64(now.replace(tzinfo=None), "us"))),
            "updated_at": pa.array(np.full(n, np.datetime64(now.replace(tzinfo=None), "us"))),
        }
    )
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        _copy_arrow(cursor.cursor, "registry_entity", register)
        cursor.execute("SELECT id, uscc FROM registry_entity ORDER BY uscc")
        ids = dict((u, i) for i, u in cursor.fetchall())
    timings["copy_register_s"] = time.perf_counter() - t
    order = np.argsort(reg["uscc"])
    entity_ids = np.array([ids[u] for u in reg["uscc"][order]], dtype=np.int64)
    data = generate(
        Register(
            ids=entity_ids,
            districts=reg["district_code"][order],
            types=reg["entity_type"][order],
            established=reg["established_on"][order],
        ),
        seed=C.SEED,
        as_of=AS_OF,
        penalty_publicity_days=publicity_days(AS_OF),
        activity=activity,
    )
    timings["generate_credit_s"] = time.perf_counter() - t - timings["copy_register_s"]
    rec = data["records"]
    m = len(rec["entity"])
    empty = np.full(m, "", dtype=object)

    def dates(values):
        return pa.array(values.astype("datetime64[D]"), type=pa.date32())

    records = pa.table(
        {
            "entity_id": rec["entity"],
            "kind": rec["kind"],
            "severity": rec["severity"],
            "title": rec["title"],
            "violation_type": empty,
            "decision_no": empty,
            "authority": np.full(m, "宁波市市场监督管理局", dtype=object),
            "occurred_on": dates(rec["occurred"]),
            "legal_basis": empty,
            "measures": rec["measures"],
            "sector": rec["sector"],
            "source": np.full(m, "bench", dtype=object),
            "source_ref": empty,
            "public": rec["public"],
            "publicity": rec["publicity"],
            "published_on": pa.array(
                np.where(rec["public"], rec["occurred"], np.datetime64("NaT")).astype("datetime64[D]"),
                type=pa.date32(),
            ),
            "publicity_until": dates(rec["until"]),
            "fulfilled_on": dates(rec["fulfilled"]),
            "withdrawal_reason": empty,
            "recorded_at": pa.array(np.full(m, np.datetime64(now.replace(tzinfo=None), "us"))),
        }
    )
    lists = data["lists"]
    k = len(lists["entity"])
    entries = pa.table(
        {
            "entity_id": lists["entity"],
            "list": lists["list"],
            "ground": lists["ground"],
            "status": np.where(np.isnat(lists["removed"]), "in_force", "removed").astype(object),
            "entered_on": dates(lists["entered"]),
            "entry_reason": np.full(k, "列入", dtype=object),
            "decision_no": np.full(k, "", dtype=object),
            "authority": np.full(k, "宁波市市场监督管理局", dtype=object),
            "removed_on": dates(lists["removed"]),
            "removal_reason": np.full(k, "", dtype=object),
            "recorded_at": pa.array(np.full(k, np.datetime64(now.replace(tzinfo=None), "us"))),
        }
    )
    t = time.perf_counter()
    with connection.cursor() as cursor:
        _copy_arrow(cursor.cursor, "credit_creditrecord", records)
        _copy_arrow(cursor.cursor, "credit_listentry", entries)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE registry_entity")
        cursor.execute("ANALYZE credit_creditrecord")
        cursor.execute("ANALYZE credit_listentry")
    timings["copy_credit_s"] = time.perf_counter() - t
    print(
        f"loaded {n:,} entities, {m:,} credit records, {k:,} list entries; {', '.join(f'{k} {v:.1f}' for k, v in timings.items())}"
    )
    return {"entities": n, "records": m, "entries": k, **timings}


def python_score(spec: dict, as_of: dt.date, entity, records, entries) -> tuple[int, str]:
    """The model computed in plain Python for one entity (the baseline's scorer): (total, class)."""
    from zhijian.credit.periods import add_months
    from zhijian.credit.spec import indicators

    windows = spec["recency"]
    oldest = add_months(as_of, -windows[-1]["months"])
    points: dict[str, int] = {}
    for group, ind in indicators(spec):
        weight, code = group["weight"], ind["code"]
        if ind["source"] == "record":
            raw = 0
            for r in records:
                if r.withdrawn_on or r.repaired_on or not (oldest < r.occurred_on <= as_of):
                    continue
                if r.kind != ind["kind"] or r.severity not in ind["severities"]:
                    continue
                pct = next(
                    (w["percent"] for w in windows if r.occurred_on > add_months(as_of, -w["months"])), 0
                )
                raw += ind["points"] * pct
            if raw and "cap" in ind:
                raw = max(raw, ind["cap"] * 100) if ind["points"] < 0 else min(raw, ind["cap"] * 100)
            value = raw * weight
        elif ind["source"] == "list":
            on = any(
                e.list == ind["list"]
                and e.status in ("in_force", "removed")
                and e.entered_on
                and e.entered_on <= as_of
                and (e.removed_on is None or e.removed_on > as_of)
                for e in entries
            )
            value = ind["points"] * 100 * weight if on else 0
        elif ind["source"] == "age":
            young = (
                add_months(as_of, -ind["max_months"])
                < entity.established_on
                <= add_months(as_of, -ind.get("min_months", 0))
            )
            value = ind["points"] * 100 * weight if young else 0
        else:
            value = ind["points"] * 100 * weight if entity.industry_code[:3] in ind["prefixes"] else 0
        if value:
            points[code] = value
    total = min(max(sum(points.values()), 0), spec["max_score"] * 10_000)
    t = spec["thresholds"]
    credit_class = (
        "D"
        if total >= t["D"] * 10_000
        else "C"
        if total >= t["C"] * 10_000
        else "B"
        if total >= t["B"] * 10_000
        else "A"
    )
    return total, credit_class


def orm_loop(sample: list[int], spec: dict, model) -> tuple[float, dict[int, str]]:
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from zhijian.credit.models import CreditRecord, CreditStanding, ListEntry
    from zhijian.registry.models import Entity

    classes = {}
    started = time.perf_counter()
    with transaction.atomic():
        for entity_id in sample:
            entity = Entity.objects.get(pk=entity_id)
            records = list(CreditRecord.objects.filter(entity_id=entity_id))
            entries = list(ListEntry.objects.filter(entity_id=entity_id))
            total, credit_class = python_score(spec, AS_OF, entity, records, entries)
            CreditStanding.objects.update_or_create(
                entity_id=entity_id,
                defaults={
                    "credit_class": credit_class,
                    "score": Decimal(total // 100) / 100,
                    "model_version": model,
                    "classified_at": timezone.now(),
                },
            )
            classes[entity_id] = credit_class
        transaction.set_rollback(True)
    return time.perf_counter() - started, classes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=C.default_rows())
    parser.add_argument("--activity", type=float, default=1.8)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--one", type=int, default=200)
    parser.add_argument("--skip-duckdb", action="store_true")
    parser.add_argument("--skip-orm", action="store_true")
    parser.add_argument("--spark", action="store_true", help="also run the batch on local Spark")
    args = parser.parse_args()
    C.configure_env()
    import psycopg

    fresh = args.reset
    try:
        with psycopg.connect(C.database_url()) as conn:
            count = conn.execute("SELECT COUNT(*) FROM registry_entity").fetchone()[0]
            fresh = fresh or count != args.rows
    except psycopg.Error:
        fresh = True
    if fresh:
        recreate_database()
    C.django_setup()
    if not fresh:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection, transaction

    from zhijian.core.analytics import duckdb_engine
    from zhijian.credit import analytics, services
    from zhijian.credit.classify import active_model, rescore_all
    from zhijian.credit.models import CreditStanding

    C.banner("credit: full reclass and one entity")
    with connection.cursor() as cursor:
        facts = C.pg_facts(cursor)
    print(f"    {facts}")
    data = load_data(args.rows, args.activity) if fresh else {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM registry_entity), (SELECT COUNT(*) FROM credit_creditrecord), (SELECT COUNT(*) FROM credit_listentry)"
        )
        entities, records, entries = cursor.fetchone()
    print(f"data: {entities:,} entities, {records:,} credit records, {entries:,} list entries")
    model = active_model()
    results: dict = {"entities": entities, "records": records, "entries": entries, "load": data, "pg": facts}

    # (1) PostgreSQL, through the real batch path. First run writes everything; second is steady.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE credit_creditstanding, credit_classification")
    for label in ("first", "steady"):
        started = time.perf_counter()
        run = rescore_all(actor=C.bench_actor(), as_of=AS_OF)
        wall = time.perf_counter() - started
        results[f"pg_{label}"] = {
            "wall_s": wall,
            "entities": run.entities,
            "changed": run.changed,
            **run.timings,
        }
        print(
            f"PostgreSQL full reclass ({label}): {wall:6.1f} s  [{run.timings}]  entities {run.entities:,}, changed {run.changed:,}, classes {run.class_counts}"
        )

    # (1b) A new model version: every standing changes, is archived to the history and rewritten.
    from zhijian.credit.models import ScoringModel

    original = model
    bumped = ScoringModel.objects.create(
        version=f"bench-{int(time.time())}", title="bench copy", spec=model.spec, valid_from=AS_OF
    )
    ScoringModel.objects.filter(pk=original.pk).update(active=False)
    ScoringModel.objects.filter(pk=bumped.pk).update(active=True)
    started = time.perf_counter()
    run = rescore_all(actor=C.bench_actor(), as_of=AS_OF)
    wall = time.perf_counter() - started
    results["pg_new_model"] = {
        "wall_s": wall,
        "entities": run.entities,
        "changed": run.changed,
        **run.timings,
    }
    print(
        f"PostgreSQL full reclass (new model version, all rewritten and archived): {wall:6.1f} s  [{run.timings}]  changed {run.changed:,}"
    )
    ScoringModel.objects.filter(pk=bumped.pk).update(active=False)
    ScoringModel.objects.filter(pk=original.pk).update(active=True)
    model = active_model()

    # (1c) Spark, local mode, through the real batch path (optional: minutes on a shared 2-core box).
    if args.spark:
        started = time.perf_counter()
        run = rescore_all(actor=C.bench_actor(), engine="spark", as_of=AS_OF)
        wall = time.perf_counter() - started
        results["spark"] = {"wall_s": wall, "entities": run.entities, "changed": run.changed, **run.timings}
        print(
            f"Spark (local[{os.cpu_count()}]) full reclass incl. Parquet export and load-back: {wall:6.1f} s  [{run.timings}]  changed {run.changed:,}"
        )

    # (2) DuckDB on the same data, the same expression.
    if not args.skip_duckdb:
        expr = analytics.classification(model.spec, AS_OF)
        with duckdb_engine(threads=os.cpu_count()) as engine:
            t = time.perf_counter()
            for table in analytics.sources().values():
                engine.register(table)
            export = time.perf_counter() - t
            t = time.perf_counter()
            duck = engine.backend.to_pyarrow(expr)
            compute = time.perf_counter() - t
        counts = {
            c: int(n)
            for c, n in zip(
                *__import__("numpy").unique(
                    duck.column("credit_class").to_numpy(zero_copy_only=False), return_counts=True
                ),
                strict=True,
            )
        }
        results["duckdb"] = {
            "export_s": export,
            "compute_s": compute,
            "rows": duck.num_rows,
            "classes": counts,
        }
        print(
            f"DuckDB same expression: compute {compute:6.1f} s (Parquet export of the three tables {export:.1f} s, not counted); classes {counts}"
        )

    # (3) Baseline: per-entity ORM loop on a sample, extrapolated.
    if not args.skip_orm:
        rng = random.Random(C.SEED)
        ids = list(CreditStanding.objects.values_list("entity_id", flat=True))
        sample = rng.sample(ids, min(args.sample, len(ids)))
        elapsed, classes = orm_loop(sample, model.spec, model)
        batch = dict(
            CreditStanding.objects.filter(entity_id__in=sample).values_list("entity_id", "credit_class")
        )
        mismatches = sum(1 for k, v in classes.items() if batch.get(k) != v)
        per_entity = elapsed / len(sample)
        results["orm_loop"] = {
            "sample": len(sample),
            "seconds": elapsed,
            "per_entity_ms": per_entity * 1000,
            "extrapolated_s": per_entity * entities,
            "mismatches": mismatches,
        }
        print(
            f"ORM loop baseline: {len(sample)} entities in {elapsed:.1f} s = {per_entity * 1000:.1f} ms each → {per_entity * run.entities / 60:,.1f} min for the population; class mismatches vs batch: {mismatches}"
        )

    # (4) One entity after a new record (record + reclass, one transaction, rolled back).
    rng = random.Random(C.SEED + 1)
    from zhijian.registry.models import Entity

    live = list(CreditStanding.objects.values_list("entity_id", flat=True)[:200_000])
    targets = Entity.objects.in_bulk(rng.sample(live, args.one + 5))
    timings, reclass_only = [], []
    from zhijian.credit.classify import reclassify_entity

    for i, entity in enumerate(targets.values()):
        with transaction.atomic():
            started = time.perf_counter()
            services.record_credit_record(
                actor=C.bench_actor(),
                entity=entity,
                kind="spot_check",
                severity="serious",
                title="双随机抽查：不配合检查",
                occurred_on=AS_OF,
                source="bench",
                public=True,
                today=AS_OF,
                reclassify=False,
            )
            middle = time.perf_counter()
            reclassify_entity(entity.pk, trigger="record", actor=C.bench_actor(), as_of=AS_OF)
            done = time.perf_counter()
            transaction.set_rollback(True)
        if i >= 5:  # the first few compile the prepared query and warm caches
            timings.append(done - started)
            reclass_only.append(done - middle)
    one = C.summary_ms(timings)
    only = C.summary_ms(reclass_only)
    results["one_entity"] = {"record_and_reclass": one, "reclass_only": only}
    print(f"one entity, record + reclass: {C.fmt_ms(one)}")
    print(f"one entity, reclass only:     {C.fmt_ms(only)}")
    full = results["pg_first"]["wall_s"]
    print(
        f"\nTARGETS: full reclass {full:.1f} s (≤ {TARGET_FULL_S} s: {'MET' if full <= TARGET_FULL_S else 'MISSED'}); "
        f"one entity p95 {one['p95']:.1f} ms (≤ {TARGET_ONE_MS} ms: {'MET' if one['p95'] <= TARGET_ONE_MS else 'MISSED'})"
    )
    C.record("credit", results)


if __name__ == "__main__":
    main()

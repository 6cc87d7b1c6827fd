"""Benchmark (a): import the city-scale register file into PostgreSQL with full validation.

    python bench/bench_import.py [--rows N] [--seed S] [--reset]

Generates ``EntityGenerator(seed, rows).rows()`` with ``write_csv`` (cached in bench/out/), then in
one process:

1. baseline: a plain ``COPY … FROM STDIN (FORMAT csv)`` of the same file into a bare table with the
   file's 13 columns (text, no index, no constraint) — what PostgreSQL alone costs;
2. the real thing: ``zhijian.registry.importing.import_entities(path, actor=SystemActor("bench"))`` — encoding
   detection, SHA-256, CSV parsing, per-row validation, diff against the register, COPY of entities,
   tags, lifecycle events and hash-chained audit entries, one transaction.

Target: >= 20,000 rows/s for (2). The ratio (2)/(1) is the cost of our checks.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

TARGET_ROWS_PER_S = 20_000
FILE_COLUMNS = [
    "uscc",
    "name",
    "entity_type",
    "legal_representative",
    "registered_capital",
    "established_on",
    "status",
    "address",
    "industry_code",
    "jurisdiction",
    "office",
    "tags",
    "contact_phone",
]


def register_file(rows: int, seed: int) -> tuple[Path, float | None]:
    """The generated register CSV; built once per (rows, seed) and kept in bench/out/."""
    from zhijian.demo.generator import EntityGenerator, write_csv

    path = C.OUT / f"register-{rows}-{seed}.csv"
    if path.exists():
        return path, None
    tmp = path.with_suffix(".tmp")
    started = time.perf_counter()
    written = write_csv(tmp, EntityGenerator(seed, rows).rows())
    assert written == rows, (written, rows)
    tmp.rename(path)
    return path, time.perf_counter() - started


def reset_register() -> None:
    """Empty the register, its history and the audit log — in the bench database only."""
    from django.db import connection

    C.check_bench_db_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        cursor.execute(
            "TRUNCATE registry_entity, registry_entitytag, registry_lifecycleevent, registry_importrun, "
            "core_auditentry, core_auditcheckpoint, core_eventdelivery, core_outboxevent RESTART IDENTITY CASCADE"
        )
        cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")


def copy_baseline(path: Path) -> tuple[int, float]:
    """COPY the file as it is into a bare 13-column text table; return (rows, seconds)."""
    from django.db import connection, transaction

    columns = ", ".join(f"{c} text" for c in FILE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_baseline")
        cursor.execute(f"CREATE TABLE bench_copy_baseline ({columns})")
    started = time.perf_counter()
    sql = "COPY bench_copy_baseline FROM STDIN (FORMAT csv, HEADER true)"
    with transaction.atomic(), connection.cursor() as cursor, path.open("rb") as handle:
        copy_cm = cursor.cursor.copy(sql)
        with copy_cm as copy:
            while block := handle.read(1 << 20):
                copy.write(block)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_copy_baseline")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy_baseline")
    return rows, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=C.default_rows())
    parser.add_argument("--seed", type=int, default=C.SEED)
    parser.add_argument("--reset", action="store_true", help="empty the bench register first")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()

    C.django_setup()
    from django.db import connection

    from zhijian.registry.importing import file_sha256, import_entities
    from zhijian.registry.models import Entity
    from zhijian.registry.tables import _detect_text_encoding

    C.banner(f"import: {args.rows:,} rows, seed {args.seed}, database {C.BENCH_DB}")
    with connection.cursor() as cursor:
        pg = C.pg_facts(cursor)
    print(f"    {pg}")

    if args.reset:
        reset_register()
    existing = Entity.objects.count()
    if existing:
        print(f"!! the register already holds {existing:,} entities: rerun with --reset for a clean import")
        return 2

    path, generated = register_file(args.rows, args.seed)
    size_mb = path.stat().st_size / 1e6
    gen = f"generated in {generated:.1f} s" if generated is not None else "cached"
    print(f"file: {path} ({size_mb:.0f} MB, {gen})")

    baseline_rows, baseline_s = (0, 0.0)
    if not args.skip_baseline:
        baseline_rows, baseline_s = copy_baseline(path)
        assert baseline_rows == args.rows, (baseline_rows, args.rows)
        print(
            f"baseline  COPY csv -> bare table : {baseline_rows:>10,} rows in {baseline_s:7.1f} s "
            f"= {baseline_rows / baseline_s:>9,.0f} rows/s"
        )

    # The two whole-file pre-passes import_entities makes before the row loop, timed on their own
    # (diagnostic only; the import below does them again and its figure includes them).
    t = time.perf_counter()
    _detect_text_encoding(path)
    encoding_s = time.perf_counter() - t
    t = time.perf_counter()
    file_sha256(path)
    sha_s = time.perf_counter() - t
    print(f"pre-passes: encoding detection {encoding_s:.1f} s, sha256 {sha_s:.1f} s (included below)")

    marks: list[tuple[int, float]] = []
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done // 100_000 > len(marks) or total:
            now = time.perf_counter() - started
            marks.append((done, now))
            print(f"    … {done:>10,} rows  {now:7.1f} s  {done / now:>8,.0f} rows/s", flush=True)

    result = import_entities(path, actor=C.bench_actor(), progress=progress)
    elapsed = time.perf_counter() - started
    if not result.ok:
        print(f"!! import failed: {result.unreadable or result.issues[:5]}")
        return 1
    assert result.created == args.rows, (result.created, args.rows)
    rate = args.rows / elapsed

    with connection.cursor() as cursor:
        for table in ("registry_entity", "registry_lifecycleevent", "core_auditentry", "registry_entitytag"):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute(
            "SELECT (SELECT count(*) FROM registry_entity), (SELECT count(*) FROM registry_lifecycleevent),"
            " (SELECT count(*) FROM core_auditentry), (SELECT count(*) FROM registry_entitytag)"
        )
        entities, events, audits, tags = cursor.fetchone()

    print()
    print(
        f"import_entities (full validation): {args.rows:>10,} rows in {elapsed:7.1f} s = {rate:>9,.0f} rows/s"
    )
    if baseline_s:
        print(
            f"plain COPY baseline              : {baseline_rows:>10,} rows in {baseline_s:7.1f} s "
            f"= {baseline_rows / baseline_s:>9,.0f} rows/s"
        )
        print(f"ratio import/COPY time           : {elapsed / baseline_s:.1f}x  (the cost of our checks)")
    print(
        f"written: {entities:,} entities, {events:,} lifecycle events, {audits:,} audit entries, {tags:,} tags"
    )
    verdict = "MET" if rate >= TARGET_ROWS_PER_S else "MISSED"
    print(f"target >= {TARGET_ROWS_PER_S:,} rows/s: {verdict}")

    C.record(
        "import",
        {
            "rows": args.rows,
            "seed": args.seed,
            "file_mb": round(size_mb, 1),
            "pg": pg,
            "import_s": round(elapsed, 2),
            "import_rows_per_s": round(rate),
            "copy_s": round(baseline_s, 2),
            "copy_rows_per_s": round(baseline_rows / baseline_s) if baseline_s else None,
            "ratio": round(elapsed / baseline_s, 2) if baseline_s else None,
            "encoding_detect_s": round(encoding_s, 2),
            "sha256_s": round(sha_s, 2),
            "marks": marks,
            "written": {"entities": entities, "events": events, "audit": audits, "tags": tags},
            "target_met": rate >= TARGET_ROWS_PER_S,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

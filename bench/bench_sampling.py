"""Benchmark (sampling): import a year of city-scale laboratory results into PostgreSQL.

    BENCH_DB=zj_sampling_bench python bench/bench_sampling.py [--fresh] [--seed S] [--entities N]

Issue 5's bar: importing a year of city-scale results (about 60,000 samples × ten items) takes
≤ 60 s on PostgreSQL, printed beside a plain ``COPY`` of the same rows. In one process:

1. setup (timed, not part of the figure): with ``--fresh`` the bench database is dropped and created,
   migrated and given the city; a register of ``--entities`` synthetic entities is imported (sellers
   in every district); then ``zhijian.demo.sampling.loader.prepare(scale="city")`` writes the catalogue,
   laboratories, local makers, plans, tasks and a year of city-scale samples (56,400 food and 3,150
   product batches of 2025, plus an autumn-2026 slice) with COPY;
2. the results file: ``demo.write_results_file`` writes every reported sample's results as the
   laboratories' CSV (one row per sample and item);
3. baseline: ``COPY … FROM STDIN (FORMAT csv)`` of that file into a bare 9-column text table;
4. the real thing: ``import_results(path, actor=SystemActor("bench"))`` — encoding detection, header mapping, row
   validation, judging every item against its limit with unit conversion, COPY of the item results,
   UPDATE … FROM of the samples, report deadlines, hash-chained audit entries, and for every failure
   its cases, notices, disposal deadlines and ``sampling.sample_failed`` events; one transaction.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

TARGET_S = 60.0
COLUMNS = [
    "sample_no",
    "item",
    "measured",
    "unit",
    "lod",
    "judgement",
    "report_no",
    "reported_on",
    "received_on",
]


def fresh_database() -> None:
    import psycopg

    C.check_bench_db_name()
    with psycopg.connect(C.PG_BASE + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{C.BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{C.BENCH_DB}"')


def copy_baseline(path) -> tuple[int, float]:
    from django.db import connection, transaction

    columns = ", ".join(f"{c} text" for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_results_baseline")
        cursor.execute(f"CREATE TABLE bench_results_baseline ({columns})")
    started = time.perf_counter()
    sql = "COPY bench_results_baseline FROM STDIN (FORMAT csv, HEADER true)"
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        path.open("rb") as handle,
        cursor.cursor.copy(sql) as copy,
    ):
        while block := handle.read(1 << 20):
            copy.write(block)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_results_baseline")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_results_baseline")
    return rows, elapsed


def time_xlsx(path, rows: int, import_results) -> dict:
    """The first samples of the CSV (about ``rows`` rows, whole samples) as an XLSX, imported as a dry run."""
    import csv

    from openpyxl import Workbook

    out = path.with_suffix(".xlsx")
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("检验结果")
    written, last = 0, None
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        sheet.append(next(reader))
        for row in reader:
            if written >= rows and row[0] != last:
                break
            sheet.append(row)
            written, last = written + 1, row[0]
    book.save(out)
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    result = import_results(out, actor=C.bench_actor(), dry_run=True)
    seconds = time.perf_counter() - started
    assert result.ok and result.rows == written, result.issues[:3]
    return {
        "rows": written,
        "samples": result.samples,
        "seconds": round(seconds, 2),
        "mb": out.stat().st_size / 1e6,
        "write_s": round(write_s, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fresh", action="store_true", help="drop and create the bench database first")
    parser.add_argument("--seed", type=int, default=C.SEED)
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--scale", default="city", help="the sampling demo's scale: city, demo or test")
    parser.add_argument(
        "--xlsx-rows",
        type=int,
        default=50_000,
        help="also time a dry-run XLSX upload of about this many rows (0: skip)",
    )
    args = parser.parse_args()

    C.configure_env()
    if args.fresh:
        fresh_database()
    C.django_setup()
    from django.core.management import call_command
    from django.db import connection
    from rich.console import Console

    from zhijian.core.reference import load_city
    from zhijian.demo.generator import EntityGenerator, write_csv
    from zhijian.demo.sampling import loader as demo
    from zhijian.registry.importing import import_entities
    from zhijian.sampling.importing import import_results
    from zhijian.sampling.models import Sample

    C.banner(f"sampling: a year of city-scale results, seed {args.seed}, database {C.BENCH_DB}")
    call_command("migrate", interactive=False, verbosity=0)
    load_city("ningbo")
    with connection.cursor() as cursor:
        pg = C.pg_facts(cursor)
    print(f"    {pg}")
    if Sample.objects.exists():
        print("!! the bench database already holds samples: rerun with --fresh")
        return 2

    started = time.perf_counter()
    register = C.OUT / f"sampling-register-{args.entities}-{args.seed}.csv"
    write_csv(register, EntityGenerator(args.seed, args.entities).rows())
    assert import_entities(register, actor=C.bench_actor()).ok
    console = Console(file=io.StringIO())
    world, year, autumn = demo.prepare(seed=args.seed, scale=args.scale, console=console)
    setup_s = time.perf_counter() - started
    specs = year + autumn
    print(
        f"setup: {args.entities:,} entities, {len(specs):,} samples ({len(year):,} of 2025) in {setup_s:.1f} s"
    )

    path = C.OUT / f"sampling-results-{args.scale}-{args.seed}.csv"
    started = time.perf_counter()
    rows = demo.write_results_file(world, specs, path)
    write_s = time.perf_counter() - started
    reported = sum(1 for s in specs if s.reported_on)
    size_mb = path.stat().st_size / 1e6
    print(
        f"file: {path} ({size_mb:.0f} MB): {rows:,} rows for {reported:,} samples, written in {write_s:.1f} s"
    )

    baseline_rows, baseline_s = copy_baseline(path)
    assert baseline_rows == rows, (baseline_rows, rows)
    print(
        f"baseline  COPY csv -> bare table : {rows:>9,} rows in {baseline_s:6.1f} s = {rows / baseline_s:>9,.0f} rows/s"
    )

    xlsx = {}
    if args.xlsx_rows:
        xlsx = time_xlsx(path, args.xlsx_rows, import_results)
        print(
            f"XLSX upload (dry run, {xlsx['samples']:,} samples): {xlsx['rows']:,} rows in {xlsx['seconds']:.1f} s "
            f"= {xlsx['rows'] / xlsx['seconds']:,.0f} rows/s (file {xlsx['mb']:.1f} MB, written in {xlsx['write_s']:.1f} s)"
        )

    marks: list[tuple[int, float]] = []
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done // 100_000 > len(marks) or total:
            now = time.perf_counter() - started
            marks.append((done, now))
            print(f"    … {done:>9,} rows  {now:6.1f} s  {done / now:>8,.0f} rows/s", flush=True)

    result = import_results(path, actor=C.bench_actor(), progress=progress)
    elapsed = time.perf_counter() - started
    if not result.ok:
        print(f"!! import failed: {result.unreadable or result.issues[:5]}")
        return 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM sampling_testresult), (SELECT count(*) FROM sampling_postprocessingcase),"
            " (SELECT count(*) FROM core_auditentry), (SELECT count(*) FROM core_outboxevent),"
            " (SELECT count(*) FROM core_deadline)"
        )
        results, cases, audits, events, deadlines = cursor.fetchone()
    print()
    print(
        f"import_results (judged, audited) : {rows:>9,} rows in {elapsed:6.1f} s = {rows / elapsed:>9,.0f} rows/s"
    )
    print(
        f"plain COPY baseline              : {rows:>9,} rows in {baseline_s:6.1f} s = {rows / baseline_s:>9,.0f} rows/s"
    )
    print(f"ratio import/COPY time           : {elapsed / baseline_s:.1f}x")
    print(
        f"samples reported {result.samples:,} (不合格 {result.failed_samples:,}); written: {results:,} item results, "
        f"{cases:,} cases, {audits:,} audit entries in all, {events:,} events, {deadlines:,} deadlines in all"
    )
    verdict = "MET" if elapsed <= TARGET_S else "MISSED"
    print(f"target <= {TARGET_S:.0f} s: {verdict}")
    C.record(
        "sampling_import",
        {
            "rows": rows,
            "samples": result.samples,
            "failed_samples": result.failed_samples,
            "file_mb": round(size_mb, 1),
            "pg": pg,
            "setup_s": round(setup_s, 1),
            "import_s": round(elapsed, 2),
            "copy_s": round(baseline_s, 2),
            "ratio": round(elapsed / baseline_s, 1),
            "marks": marks,
            "xlsx_dry_run": xlsx,
            "target_met": elapsed <= TARGET_S,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

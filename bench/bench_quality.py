"""Benchmark (quality): import a national-size standards list into PostgreSQL.

    BENCH_DB=zj_quality_bench python bench/bench_quality.py [--rows N]

The national catalogue holds some 44,000 national and 80,000 industry standards; a city keeps the
ones its firms use. In one process, on a fresh bench database (dropped, created, migrated):

1. a list of ``--rows`` synthetic standards in every official format (GB/T, GB, JB/T, QB/T, DB33/T,
   T/ZZB, Q/…, ISO), one in twenty replaced by a later one, written as a GB18030 CSV;
2. baseline: the same rows parsed and written with ``bulk_create`` in one transaction (rolled back);
3. the real thing: ``import_standards`` — header mapping, per-row validation of every number, then
   ``save_standard`` per row (canonical number, replaced-by, audit entry and event per standard), one
   transaction;
4. a second import of the same file (nothing changes: the idempotent path).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

CODES = ["GB/T", "GB", "JB/T", "QB/T", "FZ/T", "HG/T", "DB33/T", "DB3302/T", "T/ZZB", "Q/NBXT"]


def rows(n: int) -> list[list[str]]:
    out = []
    for i in range(n):
        code = CODES[i % len(CODES)]
        year = 2000 + i % 24
        number = f"{code} {10000 + i}-{year}"
        successor = (
            f"{code} {10000 + i + len(CODES)}-{min(year + 1, 2024)}"
            if i % 20 == 0 and i + len(CODES) < n
            else ""
        )
        # the successor's own year must match the row that holds it
        if successor:
            j = i + len(CODES)
            successor = f"{code} {10000 + j}-{2000 + j % 24}"
        out.append(
            [
                number,
                f"合成标准{i}",
                "被代替" if successor else "现行",
                f"{year}-03-01",
                f"{year}-09-01",
                successor,
            ]
        )
    return out


def fresh_database() -> None:
    import psycopg

    C.check_bench_db_name()
    with psycopg.connect(C.PG_BASE + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{C.BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{C.BENCH_DB}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    fresh_database()
    C.django_setup()
    from django.core.management import call_command
    from django.db import transaction

    from zhijian.core.access import SystemActor
    from zhijian.core.reference import load_city
    from zhijian.quality.importing import import_standards
    from zhijian.quality.models import Standard
    from zhijian.quality.standard_numbers import parse_standard_number

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    load_city("ningbo")
    print(f"setup: migrated and loaded the city in {time.monotonic() - started:.1f} s")
    data = rows(args.rows)
    path = C.OUT / f"standards-{args.rows}.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["标准编号", "标准名称", "状态", "发布日期", "实施日期", "代替标准"])
        writer.writerows(data)

    started = time.monotonic()
    with transaction.atomic():
        made = []
        for number, name, _status, issued, effective, _successor in data:
            parsed = parse_standard_number(number)
            made.append(
                Standard(
                    number=parsed.number,
                    kind=parsed.kind,
                    code=parsed.code,
                    year=parsed.year,
                    mandatory=parsed.mandatory,
                    name=name,
                    issued_on=issued,
                    effective_on=effective,
                )
            )
        Standard.objects.bulk_create(made, batch_size=5000)
        transaction.set_rollback(True)
    baseline = time.monotonic() - started

    actor = SystemActor("bench")
    started = time.monotonic()
    report = import_standards(path, actor=actor)
    first = time.monotonic() - started
    assert report.ok and report.created == args.rows, (report.issues[:3], report.created)
    started = time.monotonic()
    again = import_standards(path, actor=actor)
    second = time.monotonic() - started
    assert again.unchanged == args.rows
    print(f"== quality: {args.rows} standards on {C.machine()}")
    print(f"baseline parse + bulk_create:  {baseline:7.1f} s  ({args.rows / baseline:,.0f} rows/s)")
    print(
        f"import_standards (first):      {first:7.1f} s  ({args.rows / first:,.0f} rows/s)  ×{first / baseline:.1f} baseline"
    )
    print(f"import_standards (same again): {second:7.1f} s  ({args.rows / second:,.0f} rows/s)")


if __name__ == "__main__":
    main()

"""What each index on registry_entity costs a bulk load: COPY the same typed rows into copies of
the table with different index sets, in a transaction that is rolled back.

    python bench/experiment_indexes.py [--rows 500000]

Index sets: the app's (all of them), the app's without the bigram GIN index (what name search costs
each write), and none but the primary key and the unique uscc. (Migration 0003 of the registry
already dropped the two redundant indexes and the trigram index this experiment first measured;
the sets are taken from the live table, so an index added later is counted in "app (all)".)
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

BIGRAM = {"registry_entity_name_grams"}
MINIMAL = {"registry_entity_pkey", "entity_uscc_unique"}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=500_000)
    args = parser.parse_args()
    C.django_setup()
    from django.db import connection, transaction

    C.banner(f"index cost of a bulk load: {args.rows:,} entity rows, {C.BENCH_DB} (rolled back)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'registry_entity' ORDER BY indexname"
        )
        indexes = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM registry_entity")
        if cursor.fetchone()[0] < args.rows:
            print("!! not enough rows in registry_entity: run bench_import.py first")
            return 2
        buffer = io.BytesIO()
        with cursor.cursor.copy(
            f"COPY (SELECT * FROM registry_entity ORDER BY id LIMIT {int(args.rows)}) TO STDOUT"
        ) as copy:
            for block in copy:
                buffer.write(block)
    data = buffer.getvalue()
    print(f"{len(indexes)} indexes on registry_entity: {', '.join(sorted(indexes))}")
    sets = {
        "app (all)": set(indexes),
        "app - bigram GIN": set(indexes) - BIGRAM,
        "pk + unique uscc only": MINIMAL & set(indexes),
    }
    results = {}
    for label, keep in sets.items():
        with transaction.atomic(), connection.cursor() as cursor:
            # An ordinary (logged) table, as the real one is: the figure includes WAL.
            cursor.execute("CREATE TABLE bench_load (LIKE registry_entity INCLUDING DEFAULTS)")
            for name in sorted(keep):
                definition = indexes[name].replace(
                    f"INDEX {name} ON public.registry_entity", f"INDEX bl_{name[:50]} ON bench_load"
                )
                cursor.execute(definition)
            started = time.perf_counter()
            with cursor.cursor.copy("COPY bench_load FROM STDIN") as copy:
                view = memoryview(data)
                for i in range(0, len(data), 1 << 20):
                    copy.write(view[i : i + (1 << 20)])
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        results[label] = {
            "indexes": len(keep),
            "s": round(elapsed, 2),
            "rows_per_s": round(args.rows / elapsed),
        }
        print(
            f"  {label:<24} {len(keep):>2} indexes  {elapsed:6.1f} s  {args.rows / elapsed:>9,.0f} rows/s",
            flush=True,
        )
    C.record("index-experiment", {"rows": args.rows, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())

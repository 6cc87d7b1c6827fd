"""What would fix the search misses: candidate indexes and settings, tried inside one transaction
that is rolled back, on the bench database bench_import.py filled. No app file is changed and the
database is left as it was.

    python bench/experiment_search.py [--reps 3]

Variants, each measured with the same fragments and users as bench_search.py:
  as-is         the app's query and indexes
  stats-1000    ALTER TABLE registry_entity ALTER name SET STATISTICS 1000; ANALYZE — better row
                estimates for LIKE '%…%', so the planner stops walking the primary key backwards
                for rare fragments
  bigram        + an IMMUTABLE SQL function zj_bigrams(name) (the distinct 2-character substrings)
                with a GIN index on it; a 1- or 2-character query adds
                ``zj_bigrams(name) @> ARRAY[q]`` (same rows: LIKE stays as the exact filter)
  district-gin  + btree_gin and one GIN index on (jurisdiction_id, name gin_trgm_ops) and one on
                (jurisdiction_id, zj_bigrams(name)), so a district user's fragment search is one
                index scan
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

BIGRAMS_SQL = """
CREATE FUNCTION zj_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
  FROM generate_series(1, char_length(t) - 1) AS i
$$
"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--variants", default="as-is,stats-1000,bigram,district-gin")
    args = parser.parse_args()
    C.django_setup()
    import bench_search
    from django.db import connection, transaction

    from zhijian.registry.models import Entity
    from zhijian.registry.queries import EntityFilter, search_entities

    entities = Entity.objects.count()
    C.banner(f"search experiment: {entities:,} entities in {C.BENCH_DB} (all changes rolled back)")
    users = bench_search.ensure_users()
    groups = {k: v for k, v in bench_search.fragments(C.SEED).items() if k != "boilerplate"}
    use_bigrams = False

    def query(user, frag):
        qs = search_entities(user, EntityFilter(q=frag))
        if use_bigrams and len(frag) < 3:
            qs = qs.extra(where=["zj_bigrams(registry_entity.name) @> ARRAY[%s]::text[]"], params=[frag])
        return qs[:50]

    def measure(label: str) -> dict:
        out = {}
        rng = random.Random(1)
        for user_label, user in users.items():
            for group, frags in groups.items():
                for f in frags:
                    list(query(user, f))
                order = [f for f in frags for _ in range(args.reps)]
                rng.shuffle(order)
                times = []
                for f in order:
                    t = time.perf_counter()
                    list(query(user, f))
                    times.append(time.perf_counter() - t)
                s = C.summary_ms(times)
                out[f"{user_label} / {group}"] = s
                print(f"  {label:<13} {user_label:<12} {group:<7} {C.fmt_ms(s)}", flush=True)
        return out

    def ddl(*statements: str) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        print(
            f"  ({time.perf_counter() - started:.1f} s: {'; '.join(s.split('(')[0].strip() for s in statements)})"
        )

    results = {}
    with transaction.atomic():
        for variant in args.variants.split(","):
            if variant == "stats-1000":
                ddl(
                    "ALTER TABLE registry_entity ALTER COLUMN name SET STATISTICS 1000",
                    "ANALYZE registry_entity",
                )
            elif variant == "bigram":
                ddl(
                    BIGRAMS_SQL,
                    "CREATE INDEX zj_entity_name_bigrams ON registry_entity USING gin (zj_bigrams(name::text))",
                    "ANALYZE registry_entity",
                )
                use_bigrams = True
            elif variant == "district-gin":
                ddl(
                    "CREATE EXTENSION IF NOT EXISTS btree_gin",
                    "CREATE INDEX zj_entity_jur_name_trgm ON registry_entity "
                    "USING gin (jurisdiction_id, name gin_trgm_ops)",
                    "CREATE INDEX zj_entity_jur_name_bigrams ON registry_entity "
                    "USING gin (jurisdiction_id, zj_bigrams(name::text))",
                    "ANALYZE registry_entity",
                )
            results[variant] = measure(variant)
        if "bigram" in args.variants:
            with connection.cursor() as cursor:
                frag = "永洗"
                for user_label, user in users.items():
                    sql, params = query(user, frag).query.sql_with_params()
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
                    print(f"\n  plan, {user_label}, q={frag!r}:")
                    for (line,) in cursor.fetchall()[:10]:
                        print("     " + line)
        transaction.set_rollback(True)

    print("\n--- p95 ms of search_entities()[:50] (target <= 100) ---")
    keys = list(next(iter(results.values())))
    print(f"  {'':<28}" + "".join(f"{v:>14}" for v in results))
    for key in keys:
        print(f"  {key:<28}" + "".join(f"{results[v][key]['p95']:>14.1f}" for v in results))
    C.record("search-experiment", {"entities": entities, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark (b): name-fragment search at city scale on PostgreSQL.

    python bench/bench_search.py [--reps 5] [--baseline-reps 2]

Runs on the register bench_import.py loaded. For a fixed, deterministic list of 2-, 3- and
4-character fragments drawn from generated names, times

* the product: ``search_entities(user, EntityFilter(q=fragment), need=51)[:51]`` — what the entity
  list page runs for its first page (the newest-window counts included), as a city admin (no
  jurisdiction filter) and as a 鄞州 district user;
* the final SQL of that search sent raw (no ORM, without the window counts) — PostgreSQL alone;
* baseline: a plain ``name LIKE '%frag%'`` (no bigram condition) with the same scoping, order and
  limit on ``bench_entity_noidx``, a copy of ``registry_entity`` without the bigram index (primary
  key and the (jurisdiction, status) index kept), i.e. an unindexed ``LIKE``.

Target: p95 <= 100 ms for every fragment length; fragments nearly every name contains
("boilerplate") are shown apart.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

TARGET_P95_MS = 100
PER_LENGTH = 25
FRAGMENT_SEED = 20261122
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
# What a name carries besides its distinctive part: the place in front and the legal form behind.
PLACE = re.compile(
    r"^(宁波市|宁波)?(海曙区|江北区|北仑区|镇海区|鄞州区|奉化区|象山县|宁海县|余姚市|慈溪市|高新区|杭州湾新区)?"
)
FORM = re.compile(r"(农产品专业合作社|股份有限公司|有限公司.*分公司|有限公司|合伙企业（.*）|商行)$")
# Fragments almost every name contains: the worst case for "newest 50 that match", shown apart.
BOILERPLATE = ["宁波", "有限公司", "鄞州区"]


def fragments(seed: int) -> dict[str, list[str]]:
    """25 distinct fragments per length, drawn from the distinctive part of generated names."""
    from zhijian.demo.generator import EntityGenerator

    names = [row[1] for row in EntityGenerator(seed, 3000).rows()]
    cores = [FORM.sub("", PLACE.sub("", n)) for n in names]
    rng = random.Random(FRAGMENT_SEED)
    out: dict[str, list[str]] = {}
    for length in (2, 3, 4):
        chosen: list[str] = ["恒达"] if length == 2 else []
        while len(chosen) < PER_LENGTH:
            core = rng.choice(cores)
            if len(core) < length:
                continue
            start = rng.randrange(len(core) - length + 1)
            frag = core[start : start + length]
            if CJK.match(frag) and frag not in chosen:
                chosen.append(frag)
        out[f"{length}-char"] = chosen
    out["boilerplate"] = BOILERPLATE
    return out


def ensure_users():
    from zhijian.core.models import Jurisdiction, Role, User

    city, _ = User.objects.update_or_create(
        username="bench-city", defaults={"role": Role.CITY_ADMIN, "display_name": "bench city admin"}
    )
    district, _ = User.objects.update_or_create(
        username="bench-yinzhou",
        defaults={
            "role": Role.DISTRICT,
            "jurisdiction": Jurisdiction.objects.get(code="330212"),
            "display_name": "bench 鄞州",
        },
    )
    return {"city admin": User.objects.get(pk=city.pk), "district 鄞州": User.objects.get(pk=district.pk)}


def ensure_unindexed_copy(entities: int) -> None:
    """bench_entity_noidx: registry_entity's rows, primary key and (jurisdiction, status) index only."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_entity_noidx') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT count(*) FROM bench_entity_noidx")
            if cursor.fetchone()[0] == entities:
                return
            cursor.execute("DROP TABLE bench_entity_noidx")
        started = time.perf_counter()
        cursor.execute("CREATE TABLE bench_entity_noidx AS SELECT * FROM registry_entity")
        cursor.execute("ALTER TABLE bench_entity_noidx ADD PRIMARY KEY (id)")
        cursor.execute("CREATE INDEX bench_entity_noidx_jur ON bench_entity_noidx (jurisdiction_id, status)")
        cursor.execute("VACUUM ANALYZE bench_entity_noidx")
        print(f"built bench_entity_noidx ({entities:,} rows) in {time.perf_counter() - started:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=5, help="timed runs of each fragment (after a warm-up)")
    parser.add_argument("--baseline-reps", type=int, default=2)
    parser.add_argument("--seed", type=int, default=C.SEED)
    args = parser.parse_args()

    C.django_setup()
    from django.db import connection

    from zhijian.core.scoping import restrict
    from zhijian.registry.models import Entity
    from zhijian.registry.queries import EntityFilter, search_entities

    entities = Entity.objects.count()
    C.banner(f"search: {entities:,} entities in {C.BENCH_DB}")
    if not entities:
        print("!! the bench register is empty: run bench_import.py first")
        return 2
    with connection.cursor() as cursor:
        pg = C.pg_facts(cursor)
        cursor.execute("VACUUM ANALYZE registry_entity")
    print(f"    {pg}")
    users = ensure_users()
    ensure_unindexed_copy(entities)
    groups = fragments(args.seed)

    # How many rows each fragment matches (not timed), from one pass over the names.
    names = list(Entity.objects.values_list("name", "jurisdiction__code"))
    matches = {
        f: (sum(1 for n, _ in names if f in n), sum(1 for n, j in names if j == "330212" and f in n))
        for group in groups.values()
        for f in group
    }
    del names
    for group, frags in groups.items():
        print(f"  {group:<12}: " + " ".join(f"{f}({matches[f][0]})" for f in frags))

    def orm(user, frag):
        return list(search_entities(user, EntityFilter(q=frag), need=51)[:51])[:50]

    def sql_of(user, frag):
        return search_entities(user, EntityFilter(q=frag), need=51)[:51].query.sql_with_params()

    def baseline_sql_of(user, frag):
        plain = restrict(Entity.objects.all(), user).filter(name__contains=frag)
        sql, params = plain.select_related("jurisdiction").order_by("-id")[:50].query.sql_with_params()
        return sql.replace('"registry_entity"', '"bench_entity_noidx"'), params

    def raw(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    results: dict = {}
    rng = random.Random(FRAGMENT_SEED)
    for user_label, user in users.items():
        for group, frags in groups.items():
            key = f"{user_label} / {group}"
            for f in frags:  # warm-up: caches, plans, connection
                orm(user, f)
            order = [f for f in frags for _ in range(args.reps)]
            rng.shuffle(order)
            samples: dict[str, list[float]] = {"orm": [], "raw": [], "noidx": []}
            per_frag: dict[str, list[float]] = {f: [] for f in frags}
            counts = {}
            for f in order:
                t = time.perf_counter()
                rows = orm(user, f)
                dt_ = time.perf_counter() - t
                samples["orm"].append(dt_)
                per_frag[f].append(dt_)
                counts[f] = len(rows)
                sql, params = sql_of(user, f)
                t = time.perf_counter()
                raw(sql, params)
                samples["raw"].append(time.perf_counter() - t)
            for f in frags:
                sql, params = baseline_sql_of(user, f)
                raw(sql, params)  # warm-up
                for _ in range(args.baseline_reps):
                    t = time.perf_counter()
                    got = raw(sql, params)
                    samples["noidx"].append(time.perf_counter() - t)
                assert len(got) == counts[f], (f, len(got), counts[f])
            worst = sorted(per_frag, key=lambda f: -C.percentile(per_frag[f], 50))[:3]
            results[key] = {
                "orm": C.summary_ms(samples["orm"]),
                "raw": C.summary_ms(samples["raw"]),
                "noidx": C.summary_ms(samples["noidx"]),
                "slowest": [(f, round(C.percentile(per_frag[f], 50) * 1000, 1), matches[f]) for f in worst],
            }
            r = results[key]
            verdict = (
                ""
                if group == "boilerplate"
                else ("  MET" if r["orm"]["p95"] <= TARGET_P95_MS else "  MISSED")
            )
            print(f"\n{key}{verdict}")
            print(f"  search_entities()[:50] (ORM) : {C.fmt_ms(r['orm'])}")
            print(f"  same SQL raw, bigram index   : {C.fmt_ms(r['raw'])}")
            print(f"  baseline: unindexed LIKE copy: {C.fmt_ms(r['noidx'])}")
            print(
                "  slowest (median ms, matches city/鄞州): "
                + ", ".join(f"{f} {ms} {m}" for f, ms, m in r["slowest"])
            )

    # Plans of the slowest fragment of each group, as the city admin and the district user.
    print("\n--- plans (EXPLAIN ANALYZE) of each group's slowest fragment ---")
    plans = {}
    for key, r in results.items():
        user = users[key.split(" / ")[0]]
        frag = r["slowest"][0][0]
        sql, params = sql_of(user, frag)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        plans[key] = plan
        print(f"\n[{key}] q={frag!r}")
        for line in plan[:14]:
            print("   " + line)

    print("\n--- summary: p95 of search_entities()[:50], target <= 100 ms ---")
    for key, r in results.items():
        print(
            f"  {key:<32} p95 {r['orm']['p95']:7.1f} ms   (raw SQL {r['raw']['p95']:7.1f}, "
            f"unindexed {r['noidx']['p95']:7.1f})"
        )
    C.record(
        "search",
        {
            "entities": entities,
            "pg": pg,
            "fragments": groups,
            "matches": matches,
            "results": results,
            "plans": plans,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

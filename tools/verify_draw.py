#!/usr/bin/env python3
"""Verify a published Zhijian draw (zhijian-draw/1) from its JSON package. Python 3.8+, stdlib only.

    python3 verify_draw.py draw-17-1.json        # exit 0: verified; 1: a check failed; 2: unreadable

Written from docs/inspections-draw.md alone, without the platform's code: it is the outsider's
reimplementation the document promises. A public package (no credit strata) is checked as far as
the public can: the frozen inputs, the commitment, the seed, every drawn firm's key, the counts.
A full package (with strata) is re-drawn completely and compared.
"""

import hashlib
import json
import math
import sys
from decimal import Decimal
from fractions import Fraction

STRATA = ["A", "B", "C", "D", "U"]


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def ratio_text(value):
    number = Decimal(str(value))
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def normalize(text):
    return " ".join(str(text).split())


def main(path):
    with open(path, encoding="utf-8") as handle:
        package = json.load(handle)
    failures = []

    def check(ok, label):
        print(("  ok    " if ok else "  FAIL  ") + label)
        if not ok:
            failures.append(label)

    if package.get("format") != "zhijian-draw/1":
        print("unknown format: " + str(package.get("format")))
        return 2
    frozen = package["frozen"]
    print(f"draw of task {frozen['task']}, number {frozen['draw']} ({package['package']} package)")

    # §2 the frozen inputs and their hash
    lines = [
        "format=zhijian-draw/1",
        f"task={int(frozen['task'])}",
        f"draw={int(frozen['draw'])}",
        f"eligible_count={int(frozen['eligible_count'])}",
        "eligible_sha256=" + frozen["eligible_sha256"],
        "population_sha256=" + frozen["population_sha256"],
    ]
    lines += [f"ratio.{s}={ratio_text(frozen['ratios'][s])}" for s in STRATA]
    lines += ["beacon_source=" + normalize(frozen["beacon_source"]), "commitment=" + frozen["commitment"]]
    frozen_text = "".join(line + "\n" for line in lines)
    check(
        sha256_hex(frozen_text.encode("utf-8")) == package["frozen_sha256"],
        "frozen inputs hash to frozen_sha256",
    )

    # §1 the population (USCCs without strata), canonical order
    population = package["population"]
    check(population == sorted(set(population)), "population is sorted by USCC without duplicates")
    check(len(population) == frozen["eligible_count"], "population has eligible_count firms")
    population_text = "".join(u + "\n" for u in population).encode("ascii")
    check(
        sha256_hex(population_text) == frozen["population_sha256"], "population hashes to population_sha256"
    )
    counts = package["strata_counts"]
    check(
        sum(counts[s] for s in STRATA) == frozen["eligible_count"], "strata counts add up to eligible_count"
    )

    if package["secret"] is None:
        print("not drawn yet: the commitment is published, the secret is not")
        return 1 if failures else 0

    # §3 commitment and seed
    secret = package["secret"]
    check(
        sha256_hex(secret.encode("ascii")) == frozen["commitment"], "secret matches the published commitment"
    )
    seed_text = package["frozen_sha256"] + "\n" + secret + "\n" + normalize(package["beacon_value"])
    seed = hashlib.sha256(seed_text.encode("utf-8")).digest()
    check(seed.hex() == package["seed"], "seed = SHA-256(frozen_sha256, secret, beacon)")

    # §4 counts per stratum: ceil(n * ratio), at most n
    wanted = {}
    for s in STRATA:
        n = counts[s]
        wanted[s] = min(n, math.ceil(n * Fraction(ratio_text(frozen["ratios"][s]))))
    check(package["selected_count"] == sum(wanted.values()), "selected_count = sum of ceil(n x ratio)")
    selected = package["selected"]
    check(len(selected) == package["selected_count"], "the list has selected_count firms")

    # §4 keys of the drawn firms
    listed = set(population)
    keys_ok = all(
        s["uscc"] in listed and hashlib.sha256(seed + s["uscc"].encode("ascii")).hexdigest() == s["key"]
        for s in selected
    )
    check(keys_ok, "every drawn firm is in the population and its key is SHA-256(seed || USCC)")

    if package["package"] == "full":
        eligible = package["eligible"]
        canonical = "".join(line + "\n" for line in eligible).encode("ascii")
        check(sha256_hex(canonical) == frozen["eligible_sha256"], "eligible list hashes to eligible_sha256")
        check(
            [line[:18] for line in eligible] == population, "eligible list and population name the same firms"
        )
        members = {s: [] for s in STRATA}
        for line in eligible:
            members[line[19:]].append(line[:18])
        check({s: len(members[s]) for s in STRATA} == counts, "eligible list matches the strata counts")
        drawn = []
        for s in STRATA:
            ranked = sorted((hashlib.sha256(seed + u.encode("ascii")).digest(), u) for u in members[s])
            for rank, (key, uscc) in enumerate(ranked[: wanted[s]], start=1):
                drawn.append({"uscc": uscc, "stratum": s, "rank": rank, "key": key.hex()})
        check(drawn == selected, "re-drawing gives exactly the published list")
        text = "".join(f"{d['uscc']},{d['stratum']},{d['rank']}\n" for d in drawn).encode("ascii")
        check(sha256_hex(text) == package["selected_sha256"], "the list hashes to selected_sha256")
    else:
        print("  note  public package: strata are not published, so completeness needs the full package")

    print("VERIFIED" if not failures else f"NOT VERIFIED: {len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"unreadable package: {exc}")
        sys.exit(2)

#!/usr/bin/env python3
"""Verify a published Zhijian draw (zhijian-draw/2) from its JSON package. Python 3.8+, stdlib only.

    python3 verify_draw.py draw-17-1.json        # exit 0: verified; 1: a check failed; 2: unreadable

Written from docs/inspections-draw.md alone, without the platform's code: it is the outsider's
reimplementation the document promises. A public package (no credit strata, no salt) is checked as
far as the public can (§7): the frozen inputs and the lottery they name, the population, the
commitment, the lottery result's one spelling, the seed, the counts and the public drawn list.
A full package (strata and salt) is re-drawn completely and compared, and every inspector
assignment run is re-run and compared with the stored teams, lead flags included (§9).
"""

import datetime
import hashlib
import json
import math
import re
import sys
from fractions import Fraction

FORMAT = "zhijian-draw/2"
# §1a: the strata of each kind of object, in drawing order; market entities need no objects= line
OBJECT_STRATA = {"entities": ["A", "B", "C", "D", "U"], "special_equipment": ["K", "N"]}


def strata_of(frozen):
    return OBJECT_STRATA[frozen.get("objects") or "entities"]

# §3: code -> (issue digits, draw weekdays with Monday = 0, draw time, groups of
# (count, lowest, highest, digits, strictly ascending))
GAMES = {
    "fc3d": (7, {0, 1, 2, 3, 4, 5, 6}, "21:15:00", [(3, 0, 9, 1, False)]),
    "ssq": (7, {1, 3, 6}, "21:15:00", [(6, 1, 33, 2, True), (1, 1, 16, 2, True)]),
    "dlt": (5, {0, 2, 5}, "21:25:00", [(5, 1, 35, 2, True), (2, 1, 12, 2, True)]),
}
TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})\+08:00$")


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def ratio_text(text):
    """§2: a ratio must already be in its shortest plain form; anything else is refused."""
    if not re.match(r"^(0|1|0\.\d{0,3}[1-9])$", text):
        raise ValueError("ratio not canonical: " + repr(text))
    return text


def template(groups):
    return " + ".join(" ".join("N" * digits for _ in range(count)) for count, _, _, digits, _ in groups)


def result_is_canonical(game, value):
    groups = GAMES[game][3]
    parts = value.split(" + ")
    if len(parts) != len(groups):
        return False
    for text, (count, low, high, digits, ascending) in zip(parts, groups):  # noqa: B905 (Python 3.8)
        numbers = text.split(" ")
        if len(numbers) != count or not all(re.fullmatch(f"[0-9]{{{digits}}}", n) for n in numbers):
            return False
        values = [int(n) for n in numbers]
        if not all(low <= v <= high for v in values):
            return False
        if ascending and any(a >= b for a, b in zip(values, values[1:])):  # noqa: B905
            return False
    return True


def frozen_text(frozen):
    """§2, from the package's `frozen` fields."""
    counts, ratios, beacon = frozen["counts"], frozen["ratios"], frozen["beacon"]
    objects, strata = frozen.get("objects") or "entities", strata_of(frozen)
    lines = [
        "format=" + FORMAT,
        f"task={int(frozen['task'])}",
        f"draw={int(frozen['draw'])}",
        "replaces=" + frozen["replaces"],
        "reason_sha256=" + sha256_hex(frozen["reason"].encode("utf-8")),
        f"redraw_limit={int(frozen['redraw_limit'])}",
        "committed_at=" + frozen["committed_at"],
    ]
    if objects != "entities":
        lines += ["objects=" + objects]
    lines += [f"eligible_count={sum(int(counts[s]) for s in strata)}"]
    lines += [f"count.{s}={int(counts[s])}" for s in strata]
    lines += ["eligible_salted_sha256=" + frozen["eligible_salted_sha256"]]
    lines += ["population_sha256=" + frozen["population_sha256"]]
    lines += [f"ratio.{s}={ratio_text(ratios[s])}" for s in strata]
    lines += [
        "beacon.game=" + beacon["game"],
        "beacon.issue=" + beacon["issue"],
        "beacon.due=" + beacon["due"],
        "beacon.format=" + template(GAMES[beacon["game"]][3]),
        "commitment=" + frozen["commitment"],
    ]
    return "".join(line + "\n" for line in lines)


def lottery_ok(frozen):
    """§3: the issue's form, a draw day and time of the game, after the freeze."""
    beacon = frozen["beacon"]
    digits, weekdays, at, _ = GAMES[beacon["game"]]
    due, committed = TIME.match(beacon["due"]), TIME.match(frozen["committed_at"])
    if not due or not committed:
        return False
    year, month, day = int(due.group(1)), int(due.group(2)), int(due.group(3))
    prefix = str(year) if digits == 7 else f"{year % 100:02d}"
    issue = beacon["issue"]
    day = datetime.date(year, month, day)
    draw_days = sum(
        1 for n in range(day.timetuple().tm_yday) if (day - datetime.timedelta(n)).weekday() in weekdays
    )
    return (
        re.fullmatch(f"[0-9]{{{digits}}}", issue) is not None
        and issue.startswith(prefix)
        and not issue.endswith("000")
        and int(issue[len(prefix) :]) <= draw_days
        and day.weekday() in weekdays
        and due.group(4) == at
        and beacon["due"] > frozen["committed_at"]  # same offset and form: text order is time order
    )


def canonical_json(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def assign(inputs):
    """§9, steps 1-5."""
    text = "zhijian-assign/1\n" + sha256_hex(canonical_json(inputs)) + "\n" + inputs["draw_seed"]
    seed = hashlib.sha256(text.encode("utf-8")).digest()
    required = set(inputs["required"])
    load = {i["id"]: int(i["load"]) for i in inputs["inspectors"]}
    results = []
    for firm in inputs["firms"]:
        uscc = firm["uscc"]
        candidates = [
            i
            for i in inputs["inspectors"]
            if i["district"] in ("", firm["district"])
            and i["id"] not in firm["exclude"]
            and required & set(i["specialties"])
        ]
        candidates.sort(
            key=lambda i: (
                load[i["id"]],
                hashlib.sha256(seed + (uscc + "|" + i["id"]).encode("utf-8")).digest(),
            )
        )
        team, uncovered, reason = [], set(required), ""
        while uncovered:
            pick = next(
                (i for i in candidates if i["id"] not in team and uncovered & set(i["specialties"])), None
            )
            if pick is None:
                reason = "uncovered"
                break
            team.append(pick["id"])
            uncovered -= set(pick["specialties"])
        while not reason and len(team) < int(inputs["team_size"]):
            pick = next((i for i in candidates if i["id"] not in team), None)
            if pick is None:
                reason = "too_few"
                break
            team.append(pick["id"])
        if reason:
            team = []
        for member in team:
            load[member] += 1
        results.append({"uscc": uscc, "team": team, "reason": reason})
    return results, seed


def main(path):
    with open(path, encoding="utf-8") as handle:
        package = json.load(handle)
    failures = []

    def check(ok, label):
        print(("  ok    " if ok else "  FAIL  ") + label)
        if not ok:
            failures.append(label)

    if package.get("format") != FORMAT or package["frozen"].get("format") != FORMAT:
        print("unknown format: " + str(package.get("format")))
        return 2
    frozen = package["frozen"]
    if (frozen.get("objects") or "entities") not in OBJECT_STRATA:
        print("unknown kind of objects: " + str(frozen.get("objects")))
        return 2
    strata = strata_of(frozen)  # this draw's kind of objects: A B C D U, or K N
    counts = frozen["counts"]
    eligible_count = sum(int(counts[s]) for s in strata)
    print(
        "draw of task {}, number {} ({} package)".format(frozen["task"], frozen["draw"], package["package"])
    )

    # §2, §3, §5: the frozen inputs, the lottery they name, the redraw limit
    text = frozen_text(frozen)
    check(sha256_hex(text.encode("utf-8")) == package["frozen_sha256"], "frozen inputs hash to frozen_sha256")
    check(lottery_ok(frozen), "the lottery issue, draw day and time have the game's form, after the freeze")
    check(
        int(frozen["draw"]) <= int(frozen["redraw_limit"]) + 1, "the draw number is within the redraw limit"
    )
    check(
        (frozen["replaces"] == "-") == (int(frozen["draw"]) == 1), "a redraw, and only a redraw, names a draw"
    )

    # §1: the population
    population = package["population"]
    check(population == sorted(set(population)), "population is sorted by USCC without duplicates")
    check(len(population) == eligible_count, "population has as many firms as the counts add up to")
    population_text = "".join(u + "\n" for u in population).encode("ascii")
    check(
        sha256_hex(population_text) == frozen["population_sha256"], "population hashes to population_sha256"
    )

    if package["secret"] is None:
        print("not drawn yet: the commitment is published, the secret is not")
        return finish(failures)
    secret = package["secret"]
    check(
        sha256_hex(secret.encode("ascii")) == frozen["commitment"], "secret matches the published commitment"
    )
    if package["beacon_value"] is None:
        print("superseded before its lottery result was entered: nothing was drawn")
        return finish(failures)

    # §3, §4: the result's one text, the seed, the counts, the public drawn list
    value = package["beacon_value"]
    check(result_is_canonical(frozen["beacon"]["game"], value), "lottery result is in its one canonical text")
    seed_text = package["frozen_sha256"] + "\n" + secret + "\n" + value
    seed = hashlib.sha256(seed_text.encode("utf-8")).digest()
    check(seed.hex() == package["seed"], "seed = SHA-256(frozen_sha256, secret, lottery result)")
    wanted = {}
    for s in strata:
        n = int(counts[s])
        wanted[s] = min(n, math.ceil(n * Fraction(frozen["ratios"][s])))
    check(package["selected_count"] == sum(wanted.values()), "selected_count = sum of ceil(n x ratio)")
    selected = package["selected"]
    check(len(selected) == package["selected_count"], "the drawn list has selected_count firms")
    check(selected == sorted(set(selected)), "the drawn list is sorted without duplicates")
    check(set(selected) <= set(population), "every drawn firm is in the population")
    drawn_text = "".join(u + "\n" for u in selected).encode("ascii")
    check(sha256_hex(drawn_text) == package["drawn_sha256"], "the drawn list hashes to drawn_sha256")

    if package["package"] != "full":
        print("  note  public package: strata and salt are internal; completeness needs the full package")
        print(
            "  note  compare issue {} and its result with the lottery's official record".format(
                frozen["beacon"]["issue"]
            )
        )
        return finish(failures)

    # §1, §4 with the salt: the whole selection again
    salt = bytes.fromhex(package["salt"])
    eligible = package["eligible"]
    canonical = "".join(line + "\n" for line in eligible).encode("ascii")
    check(sha256_hex(salt + canonical) == frozen["eligible_salted_sha256"], "eligible list hashes (salted)")
    check([line[:18] for line in eligible] == population, "eligible list and population name the same firms")
    members = {s: [] for s in strata}
    for line in eligible:
        members.setdefault(line[19:], []).append(line[:18])
    check(set(members) == set(strata), "every eligible line is in one of the draw's strata")
    check({s: len(members[s]) for s in strata} == {s: int(counts[s]) for s in strata}, "counts per stratum")
    key_seed = hashlib.sha256(seed + salt).digest()
    ranked = []
    for s in strata:
        keys = sorted((hashlib.sha256(key_seed + u.encode("ascii")).digest(), u) for u in members[s])
        for rank, (key, uscc) in enumerate(keys[: wanted[s]], start=1):
            ranked.append({"uscc": uscc, "stratum": s, "rank": rank, "key": key.hex()})
    check(ranked == package["ranked"], "re-drawing gives exactly the published ranked list")
    ranked_text = "".join(f"{r['uscc']},{r['stratum']},{r['rank']}\n" for r in ranked).encode("ascii")
    check(sha256_hex(salt + ranked_text) == package["selected_salted_sha256"], "ranked list hashes (salted)")
    check(sorted(r["uscc"] for r in ranked) == selected, "the ranked and the public drawn lists agree")

    # §9: every assignment run and the stored teams
    order = {r["uscc"]: n for n, r in enumerate(ranked)}
    teams = {}
    for run in package["assignments"]:
        inputs = run["inputs"]
        label = f"assignment run {run['number']}"
        check(
            sha256_hex(canonical_json(inputs)) == run["inputs_sha256"],
            label + ": inputs hash to inputs_sha256",
        )
        check(inputs["draw_seed"] == package["seed"], label + ": its draw_seed is the draw's seed")
        positions = [order.get(f["uscc"], -1) for f in inputs["firms"]]
        check(
            -1 not in positions and positions == sorted(positions),
            label + ": drawn firms in drawn-list order",
        )
        results, run_seed = assign(inputs)
        check(run_seed.hex() == run["seed"], label + ": assignment seed")
        check(
            sha256_hex(canonical_json(results)) == run["result_sha256"],
            label + ": re-run hashes to result_sha256",
        )
        for result in results:
            if result["team"]:
                teams[result["uscc"]] = result["team"]
    stored = package["teams"]
    expected = {
        uscc: [{"id": member, "position": n, "lead": n == 0} for n, member in enumerate(team)]
        for uscc, team in teams.items()
    }
    check(stored == expected, "every stored team (members, positions, lead flags) is the re-run's")
    return finish(failures)


def finish(failures):
    print("VERIFIED" if not failures else f"NOT VERIFIED: {len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        print(f"unreadable package: {exc}")
        sys.exit(2)

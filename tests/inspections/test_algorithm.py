"""The draw algorithm zhijian-draw/1 on plain values: rounding, canonical forms, pinned results."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.inspections.stats import chi2_sf, chi2_statistic
from zhijian.inspections import algorithm
from zhijian.inspections.algorithm import DrawInputError

from .factories import uscc_for


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [("0.0300", "0.03"), ("0", "0"), ("0.000", "0"), ("1.00", "1"), (" 0.1 ", "0.1"), ("0.3333", "0.3333")],
)
def test_ratios_have_one_canonical_text(given_value, expected):
    assert algorithm.canonical_ratio(given_value) == expected


@pytest.mark.parametrize("bad", ["-0.1", "1.01", "abc", "0.00001", "NaN", "Infinity"])
def test_bad_ratios_are_refused_in_chinese(bad):
    with pytest.raises(DrawInputError, match="抽查比例"):
        algorithm.canonical_ratio(bad)


@pytest.mark.parametrize(
    ("size", "ratio", "count"),
    [
        (100, "0.03", 3),
        (33, "0.03", 1),
        (34, "0.03", 2),
        (0, "0.3", 0),
        (7, "0", 0),
        (7, "1", 7),
        (10, "0.1", 1),
    ],
)
def test_counts_round_up_so_the_share_is_never_below_the_ratio(size, ratio, count):
    assert algorithm.stratum_count(size, ratio) == count


def test_canonical_list_is_sorted_by_uscc_and_refuses_duplicates_and_bad_codes():
    a, b = uscc_for("330203", 2), uscc_for("330203", 1)
    assert algorithm.canonical_eligible([(a, "B"), (b, "D")]) == f"{b},D\n{a},B\n".encode()
    with pytest.raises(DrawInputError, match="重复"):
        algorithm.canonical_eligible([(a, "B"), (a, "C")])
    with pytest.raises(DrawInputError, match="格式错误"):
        algorithm.canonical_eligible([("91330203ABC", "B")])
    with pytest.raises(DrawInputError, match="信用类别"):
        algorithm.canonical_eligible([(a, "E")])


def test_commitment_seed_and_keys_follow_the_documented_formulas():
    secret, salt = "ab" * 32, "cd" * 32
    assert algorithm.commitment_of(secret) == hashlib.sha256(secret.encode()).hexdigest()
    seed = algorithm.seed_of("f" * 64, secret, "03 11 19 24 27 30 + 09")
    assert seed == hashlib.sha256(f"{'f' * 64}\n{secret}\n03 11 19 24 27 30 + 09".encode()).digest()
    key_seed = algorithm.key_seed_of(seed, salt)
    assert key_seed == hashlib.sha256(seed + bytes.fromhex(salt)).digest()
    assert algorithm.firm_key(key_seed, b"X") == hashlib.sha256(key_seed + b"X").digest()
    assert algorithm.salted_sha256(salt, b"A\n") == hashlib.sha256(bytes.fromhex(salt) + b"A\n").hexdigest()
    with pytest.raises(DrawInputError):
        algorithm.commitment_of("AB" * 32)  # upper case is not the canonical secret


# --- the lottery: one game, one issue, one draw time, one spelling of the result ------------------

SSQ, FC3D, DLT = (algorithm.GAMES[code] for code in ("ssq", "fc3d", "dlt"))


@pytest.mark.parametrize(
    ("game", "canonical"),
    [(SSQ, "03 11 19 24 27 30 + 09"), (FC3D, "3 0 7"), (FC3D, "0 0 0"), (DLT, "03 11 19 24 27 + 02 09")],
)
def test_a_result_in_its_canonical_text_is_accepted(game, canonical):
    assert algorithm.canonical_beacon_value(game, canonical) == canonical


@pytest.mark.parametrize(
    ("game", "spelling"),
    [
        (SSQ, "3 11 19 24 27 30 + 9"),  # leading zeros dropped
        (SSQ, "03,11,19,24,27,30+09"),  # other separators
        (SSQ, "03 11 19 24 27 30 +09"),
        (SSQ, "03 11 19 24 27 30+09"),
        (SSQ, "03  11 19 24 27 30 + 09"),  # two spaces
        (SSQ, " 03 11 19 24 27 30 + 09"),
        (SSQ, "03 11 19 24 27 30 + 09 "),
        (SSQ, "03 11 19 24 27 30 09"),  # no "+"
        (SSQ, "11 03 19 24 27 30 + 09"),  # the order drawn, not ascending
        (SSQ, "03 11 19 24 27 30 + 009"),
        (SSQ, "０３ １１ １９ ２４ ２７ ３０ ＋ ０９"),  # full-width
        (SSQ, "03 11 19 24 27 30 + 17"),  # blue out of range
        (SSQ, "03 03 19 24 27 30 + 09"),  # a repeated red
        (FC3D, "307"),
        (FC3D, "3,0,7"),
        (FC3D, "03 00 07"),
        (DLT, "03 11 19 24 27 + 09 02"),
        (DLT, "03 11 19 24 27 + 2 9"),
    ],
)
def test_every_other_spelling_of_a_result_is_refused_in_chinese(game, spelling):
    """The issue-15 finding: "whitespace-normalised" free text let the operator, who holds the
    secret, choose among ~100 spellings of one result — that is, among ~100 drawn lists."""
    with pytest.raises(DrawInputError, match="开奖号码须按规范格式"):
        algorithm.canonical_beacon_value(game, spelling)


def test_the_refusal_names_the_canonical_text_when_the_numbers_make_one():
    with pytest.raises(DrawInputError, match="应写作“03 11 19 24 27 30 \\+ 09”"):
        algorithm.canonical_beacon_value(SSQ, "3,11,19,24,27,30+9")
    with pytest.raises(DrawInputError, match="应写作“3 0 7”"):
        algorithm.canonical_beacon_value(FC3D, "307")


def test_equivalent_spellings_could_not_give_two_seeds():
    """However many spellings a person tries, at most one is accepted, so one seed follows."""
    spellings = [
        "03 11 19 24 27 30 + 09",
        "3 11 19 24 27 30 + 9",
        "03,11,19,24,27,30+09",
        "03 11 19 24 27 30+09",
    ]
    accepted = set()
    for spelling in spellings:
        with contextlib.suppress(DrawInputError):
            accepted.add(algorithm.canonical_beacon_value(SSQ, spelling))
    assert accepted == {"03 11 19 24 27 30 + 09"}


def test_the_lottery_is_fixed_by_game_issue_and_draw_day():
    beacon = algorithm.beacon_for("ssq", "2026133", dt.date(2026, 11, 17))
    assert beacon == algorithm.Beacon("ssq", "2026133", "2026-11-17T21:15:00+08:00")
    assert algorithm.beacon_for("dlt", "26134", dt.date(2026, 11, 18)).due == "2026-11-18T21:25:00+08:00"
    with pytest.raises(DrawInputError, match="只在周二、周四、周日开奖"):
        algorithm.beacon_for("ssq", "2026133", dt.date(2026, 11, 18))
    with pytest.raises(DrawInputError, match="7位数字"):
        algorithm.beacon_for("ssq", "26133", dt.date(2026, 11, 17))
    with pytest.raises(DrawInputError, match="年份不符"):
        algorithm.beacon_for("ssq", "2025133", dt.date(2026, 11, 17))
    with pytest.raises(DrawInputError, match="5位数字"):
        algorithm.beacon_for("dlt", "2026134", dt.date(2026, 11, 18))
    # 双色球 draw days of 2026 up to Sunday 11 January: Thu 1, Sun 4, Tue 6, Thu 8, Sun 11.
    with pytest.raises(DrawInputError, match="最多开奖5期"):
        algorithm.beacon_for("ssq", "2026006", dt.date(2026, 1, 11))
    assert algorithm.beacon_for("ssq", "2026005", dt.date(2026, 1, 11)).issue == "2026005"
    with pytest.raises(DrawInputError, match="不支持"):
        algorithm.beacon_for("lotto", "2026133", dt.date(2026, 11, 17))


def frozen_kwargs(**changes):
    values = {
        "task_id": 7,
        "draw_number": 1,
        "replaces": "",
        "reason": "",
        "redraw_limit": 2,
        "committed_at": "2026-11-16T10:00:00+08:00",
        "counts": {"A": 2, "B": 3, "C": 2, "D": 3, "U": 2},
        "eligible_salted_sha256": "1" * 64,
        "population_sha256": "2" * 64,
        "ratios": {"A": "0", "B": "0.25", "C": "0.5", "D": "0.3", "U": "0.03"},
        "beacon": algorithm.Beacon("ssq", "2026133", "2026-11-17T21:15:00+08:00"),
        "commitment": "3" * 64,
    }
    return {**values, **changes}


@pytest.mark.parametrize(
    "change",
    [
        {"beacon": algorithm.Beacon("ssq", "2026134", "2026-11-17T21:15:00+08:00")},  # another issue
        {"beacon": algorithm.Beacon("ssq", "2026133", "2026-11-19T21:15:00+08:00")},  # another draw time
        {"beacon": algorithm.Beacon("fc3d", "2026133", "2026-11-17T21:15:00+08:00")},  # another game
        {"counts": {"A": 3, "B": 2, "C": 2, "D": 3, "U": 2}},  # strata counts
        {"reason": "理由被改写"},
        {"replaces": "4" * 64},
        {"redraw_limit": 9},
        {"committed_at": "2026-11-16T11:00:00+08:00"},
    ],
)
def test_every_input_is_covered_by_the_frozen_hash(change):
    """The issue-15 findings: the beacon's source was free text and its due time, the strata counts
    and the redraw's reason lay outside every hash."""
    before = algorithm.sha256_hex(algorithm.frozen_text(**frozen_kwargs()).encode())
    after = algorithm.sha256_hex(algorithm.frozen_text(**frozen_kwargs(**change)).encode())
    assert before != after


# --- nothing published gives a firm's class away ---------------------------------------------------


def _splits(usccs, counts):
    """Every assignment of strata to ``usccs`` with the given counts per stratum."""
    import itertools

    labels = [s for s in algorithm.STRATA for _ in range(counts[s])]
    return {tuple(p) for p in itertools.permutations(labels)}


def test_public_hashes_reveal_no_class():
    """An attacker knows the public package: the population, the counts, the ratios, the drawn list.
    Against zhijian-draw/1's unsalted hashes, trying the class splits recovers every class; against
    the salted hashes of /2 no split matches, and the firms' keys need the salt too."""
    pairs = [(uscc_for("330203", n), "ABCDU"[n % 3 + (n % 2)]) for n in range(1, 8)]
    canonical = algorithm.canonical_eligible(pairs)
    members = algorithm.parse_canonical(canonical)
    counts = algorithm.strata_counts(members)
    ratios = {"A": "0", "B": "0.5", "C": "0.5", "D": "1", "U": "0.5"}
    population = [u.decode() for s in algorithm.STRATA for u in members[s]]
    population.sort()
    salt, seed = "5a" * 32, hashlib.sha256(b"seed").digest()
    selected = algorithm.select(members, ratios, algorithm.key_seed_of(seed, salt))

    def attack(published_eligible: str, published_selected: str, with_salt: bytes = b""):
        found = []
        for split in _splits(population, counts):
            guess = "".join(f"{u},{s}\n" for u, s in zip(population, split, strict=True)).encode()
            if hashlib.sha256(with_salt + guess).hexdigest() == published_eligible:
                found.append(dict(zip(population, split, strict=True)))
        return found

    truth = dict(pairs)
    # zhijian-draw/1 published SHA-256(canonical eligible text): the attack recovers every class
    assert attack(algorithm.sha256_hex(canonical), "") == [truth]
    # zhijian-draw/2 publishes it salted: without the salt, no guess matches
    assert attack(algorithm.salted_sha256(salt, canonical), "") == []
    # the drawn list with its strata and ranks: /1's unsalted hash gave each drawn firm's class
    drawn = sorted(s.uscc for s in selected)
    ranked_salted = algorithm.salted_sha256(salt, algorithm.selected_text(selected))
    for split in _splits(drawn, {s: sum(1 for x in selected if x.stratum == s) for s in algorithm.STRATA}):
        by_uscc = dict(zip(drawn, split, strict=True))
        guesses = []
        for stratum in algorithm.STRATA:
            keyed = sorted(u for u in drawn if by_uscc[u] == stratum)
            guesses.extend(algorithm.Selected(u, stratum, rank, "") for rank, u in enumerate(keyed, 1))
        assert algorithm.sha256_hex(algorithm.selected_text(guesses)) != ranked_salted
    # and the public cannot compute any firm's key: the key seed needs the salt
    assert all(algorithm.firm_key(seed, s.uscc.encode()).hex() != s.key for s in selected)


# The pinned larger example: 200 firms, the default ratios.
EXAMPLE_SECRET = "0123456789abcdef" * 4
EXAMPLE_SALT = "fedcba9876543210" * 4
EXAMPLE_BEACON = "03 11 19 24 27 30 + 09"
EXAMPLE_RATIOS = {"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "0.03"}


def example_inputs():
    pairs = [(uscc_for("330203", n), "ABCDU"[n % 5]) for n in range(1, 201)]
    canonical = algorithm.canonical_eligible(pairs)
    frozen = algorithm.frozen_text(
        **frozen_kwargs(
            task_id=1,
            counts=algorithm.count_strata(canonical),
            eligible_salted_sha256=algorithm.salted_sha256(EXAMPLE_SALT, canonical),
            population_sha256=algorithm.sha256_hex(algorithm.population_text(canonical)),
            ratios=EXAMPLE_RATIOS,
            commitment=algorithm.commitment_of(EXAMPLE_SECRET),
        )
    )
    return canonical, frozen


def test_worked_example_gives_the_documented_digests():
    canonical, frozen = example_inputs()
    frozen_sha256 = algorithm.sha256_hex(frozen.encode())
    seed = algorithm.seed_of(frozen_sha256, EXAMPLE_SECRET, EXAMPLE_BEACON)
    key_seed = algorithm.key_seed_of(seed, EXAMPLE_SALT)
    selected = algorithm.select(algorithm.parse_canonical(canonical), EXAMPLE_RATIOS, key_seed)
    assert [(s.stratum, s.rank) for s in selected] == [
        ("B", 1), ("B", 2), ("C", 1), ("C", 2), ("C", 3), ("C", 4),
        ("D", 1), ("D", 2), ("D", 3), ("D", 4), ("D", 5), ("D", 6), ("D", 7), ("D", 8), ("D", 9), ("D", 10),
        ("D", 11), ("D", 12), ("U", 1), ("U", 2),
    ]  # fmt: skip
    pinned = {
        "eligible_salted_sha256": algorithm.salted_sha256(EXAMPLE_SALT, canonical),
        "frozen_sha256": frozen_sha256,
        "seed": seed.hex(),
        "selected_salted_sha256": algorithm.salted_sha256(EXAMPLE_SALT, algorithm.selected_text(selected)),
    }
    assert pinned == EXAMPLE_DIGESTS


EXAMPLE_DIGESTS = {
    "eligible_salted_sha256": "7f4af0933036ff4b74f9e709935a89213f348e76b375af869ede2b30c84230f8",
    "frozen_sha256": "0191dc665ce2d5d30cd7d26dea83e8186ba558b14fa96ee2affed7e30bad262c",
    "seed": "b2ba28548b4faac57b293bc59caa267e42f8fe33260303ac9f10d4f7db64dc3e",
    "selected_salted_sha256": "63e2e6d9d334d7e4f184eb6c95e20da62bd9afe08d7d75949101038bab251688",
}


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(min_value=0, max_value=400),
    ratio=st.sampled_from(["0", "0.01", "0.03", "0.1", "0.25", "0.5", "0.9", "1"]),
    seed=st.binary(min_size=32, max_size=32),
)
def test_the_bounded_ranking_equals_a_full_sort(size, ratio, seed):
    usccs = [uscc_for("330212", n).encode() for n in range(size)]
    count = algorithm.stratum_count(size, ratio)
    brute = sorted((algorithm.firm_key(seed, u), u) for u in usccs)[:count]
    assert algorithm.rank_stratum(seed, usccs, count) == brute


def test_realised_frequencies_match_the_configured_ratios_chi_square():
    """Over many seeds each firm of a stratum is drawn about N × ratio times: a chi-square test per
    class of the per-firm counts against N × k/n, and the realised share per class equals the ratio."""
    sizes = {"A": 40, "B": 100, "C": 50, "D": 20, "U": 60}
    ratios = {"A": "0.05", "B": "0.03", "C": "0.1", "D": "0.3", "U": "0.05"}
    members = {
        s: [uscc_for("330205", 1000 * i + n).encode() for n in range(size)]
        for i, (s, size) in enumerate(sizes.items())
    }
    runs = 3000
    counts = {s: dict.fromkeys(members[s], 0) for s in members}
    for run in range(runs):
        seed = hashlib.sha256(f"chi-square run {run}".encode()).digest()
        for chosen in algorithm.select(members, ratios, seed):
            counts[chosen.stratum][chosen.uscc.encode()] += 1
    for s, size in sizes.items():
        drawn = sum(counts[s].values())
        assert drawn / (runs * size) == pytest.approx(float(algorithm.Fraction(ratios[s])), abs=1e-12)
        expected = runs * algorithm.stratum_count(size, ratios[s]) / size
        statistic = chi2_statistic(list(counts[s].values()), [expected] * size)
        p_value = chi2_sf(statistic, size - 1)
        assert p_value > 0.001, f"class {s}: chi-square {statistic:.1f} on {size - 1} dof, p = {p_value:.2g}"


def test_chi_square_catches_a_biased_draw():
    """The test above can fail: a draw that favours low USCCs is rejected."""
    size, runs, k = 50, 2000, 5
    counts = [0] * size
    for run in range(runs):
        seed = hashlib.sha256(f"biased {run}".encode()).digest()
        pool = list(range(size)) + list(range(10))  # the first ten firms twice as likely
        picked: set[int] = set()
        n = 0
        while len(picked) < k:
            picked.add(pool[int.from_bytes(hashlib.sha256(seed + bytes([n])).digest(), "big") % len(pool)])
            n += 1
        for i in picked:
            counts[i] += 1
    statistic = chi2_statistic(counts, [runs * k / size] * size)
    assert chi2_sf(statistic, size - 1) < 1e-6


def test_chi2_sf_agrees_with_known_values():
    assert chi2_sf(3.841, 1) == pytest.approx(0.05, abs=2e-4)
    assert chi2_sf(18.307, 10) == pytest.approx(0.05, abs=2e-4)
    assert chi2_sf(124.342, 100) == pytest.approx(0.05, abs=2e-4)
    assert chi2_sf(0.0, 5) == 1.0


def _doc_block(tag: str) -> dict:
    import json
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "inspections-draw.md").read_text(encoding="utf-8")
    return json.loads(re.search(rf"```json {tag}\n(.*?)```", text, re.S).group(1)), text


@pytest.mark.parametrize("tag", ["example", "equipment-example"])
def test_the_worked_example_of_the_documentation_holds(tag):
    """docs/inspections-draw.md §8 is what an outsider checks a reimplementation against: market
    entities in credit strata, and special-equipment user units in strata K and N (§1a)."""
    example, text = _doc_block(tag)
    given, expected = example["inputs"], example["expected"]
    objects = given.get("objects", algorithm.ENTITIES)
    strata = algorithm.strata_of(objects)
    canonical = "".join(line + "\n" for line in given["eligible"]).encode()
    pairs = [tuple(line.split(",")) for line in given["eligible"]]
    assert algorithm.canonical_eligible(pairs, strata) == canonical
    members = algorithm.parse_canonical(canonical, strata)
    population_sha256 = algorithm.sha256_hex(algorithm.population_text(canonical))
    commitment = algorithm.commitment_of(given["secret"])
    beacon = given["beacon"]
    assert algorithm.beacon_for(
        beacon["game"], beacon["issue"], dt.date.fromisoformat(beacon["due"][:10])
    ) == (algorithm.Beacon(**beacon))
    frozen = algorithm.frozen_text(
        task_id=given["task"],
        draw_number=given["draw"],
        replaces="" if given["replaces"] == "-" else given["replaces"],
        reason=given["reason"],
        redraw_limit=given["redraw_limit"],
        committed_at=given["committed_at"],
        counts=algorithm.strata_counts(members, strata),
        eligible_salted_sha256=algorithm.salted_sha256(given["salt"], canonical),
        population_sha256=population_sha256,
        ratios=given["ratios"],
        beacon=algorithm.Beacon(**beacon),
        commitment=commitment,
        objects=objects,
    )
    assert frozen in text  # the frozen text printed in the document
    assert ("objects=" in frozen) == (objects != algorithm.ENTITIES)
    frozen_sha256 = algorithm.sha256_hex(frozen.encode())
    value = algorithm.canonical_beacon_value(algorithm.GAMES[beacon["game"]], given["beacon_value"])
    seed = algorithm.seed_of(frozen_sha256, given["secret"], value)
    key_seed = algorithm.key_seed_of(seed, given["salt"])
    selected = algorithm.select(members, given["ratios"], key_seed, strata)
    drawn = algorithm.drawn_text(s.uscc for s in selected)
    assert repr(drawn.decode())[1:-1] in text  # the public text printed in the document
    assert {
        "eligible_salted_sha256": algorithm.salted_sha256(given["salt"], canonical),
        "population_sha256": population_sha256,
        "commitment": commitment,
        "frozen_sha256": frozen_sha256,
        "seed": seed.hex(),
        "key_seed": key_seed.hex(),
        "counts": {s: algorithm.stratum_count(len(members[s]), given["ratios"][s]) for s in strata},
        "selected": [[s.uscc, s.stratum, s.rank, s.key] for s in selected],
        "selected_salted_sha256": algorithm.salted_sha256(given["salt"], algorithm.selected_text(selected)),
        "drawn_sha256": algorithm.sha256_hex(drawn),
    } == expected


def test_the_assignment_example_of_the_documentation_holds():
    """docs/inspections-draw.md §9: the snapshot, its digest, the seed (stored as hex, used raw) and
    the teams, first member leading."""
    from zhijian.inspections.assignment import assign, assignment_seed, inputs_digest, result_digest

    example, _ = _doc_block("assignment-example")
    inputs, expected = example["inputs"], example["expected"]
    results = assign(inputs)
    assert {
        "inputs_sha256": inputs_digest(inputs),
        "seed": assignment_seed(inputs).hex(),
        "result": results,
        "result_sha256": result_digest(results),
    } == expected


def test_each_kind_of_object_has_its_own_strata():
    """Special-equipment user units are drawn in K and N, never read as credit classes (§1a)."""
    assert algorithm.strata_of(algorithm.ENTITIES) == algorithm.STRATA
    assert algorithm.strata_of(algorithm.SPECIAL_EQUIPMENT) == ("K", "N")
    with pytest.raises(DrawInputError):
        algorithm.strata_of("vehicles")
    a = uscc_for("330203", 1)
    with pytest.raises(DrawInputError):
        algorithm.canonical_eligible([(a, "K")])  # a market-entity list has no K
    with pytest.raises(DrawInputError):
        algorithm.parse_canonical(f"{a},B\n".encode(), ("K", "N"))
    assert algorithm.differentiated({"K": "0.2", "N": "0.05"}) is False  # not credit classes
    kwargs = frozen_kwargs()
    entities = algorithm.frozen_text(**kwargs)
    assert "objects=" not in entities
    equipment = algorithm.frozen_text(
        **{**kwargs, "counts": {"K": 4, "N": 8}, "ratios": {"K": "0.2", "N": "0.05"}},
        objects=algorithm.SPECIAL_EQUIPMENT,
    )
    assert (
        "committed_at=2026-11-16T10:00:00+08:00\nobjects=special_equipment\neligible_count=12\n" in equipment
    )
    assert "count.A" not in equipment and "ratio.K=0.2\nratio.N=0.05\n" in equipment

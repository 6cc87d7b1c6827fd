"""The draw algorithm zhijian-draw/1 on plain values: rounding, canonical forms, pinned results."""

from __future__ import annotations

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
    secret = "ab" * 32
    assert algorithm.commitment_of(secret) == hashlib.sha256(secret.encode()).hexdigest()
    seed = algorithm.seed_of("f" * 64, secret, "  03 11\n19 ")
    assert seed == hashlib.sha256(f"{'f' * 64}\n{secret}\n03 11 19".encode()).digest()
    assert algorithm.firm_key(seed, b"X") == hashlib.sha256(seed + b"X").digest()
    with pytest.raises(DrawInputError):
        algorithm.commitment_of("AB" * 32)  # upper case is not the canonical secret


# The worked example of docs/inspections-draw.md: an outsider's reimplementation must print these.
EXAMPLE_SECRET = "0123456789abcdef" * 4
EXAMPLE_BEACON = "03 11 19 24 27 30 + 09"
EXAMPLE_RATIOS = {"A": "0", "B": "0.03", "C": "0.1", "D": "0.3", "U": "0.03"}


def example_inputs():
    pairs = [(uscc_for("330203", n), "ABCDU"[n % 5]) for n in range(1, 201)]
    canonical = algorithm.canonical_eligible(pairs)
    eligible_sha256 = algorithm.sha256_hex(canonical)
    frozen = algorithm.frozen_text(
        task_id=1,
        draw_number=1,
        eligible_count=len(pairs),
        eligible_sha256=eligible_sha256,
        population_sha256=algorithm.sha256_hex(algorithm.population_text(canonical)),
        ratios=EXAMPLE_RATIOS,
        beacon_source="中国福利彩票双色球第2026136期开奖号码",
        commitment=algorithm.commitment_of(EXAMPLE_SECRET),
    )
    return canonical, frozen


def test_worked_example_gives_the_documented_digests():
    canonical, frozen = example_inputs()
    frozen_sha256 = algorithm.sha256_hex(frozen.encode())
    seed = algorithm.seed_of(frozen_sha256, EXAMPLE_SECRET, EXAMPLE_BEACON)
    selected = algorithm.select(algorithm.parse_canonical(canonical), EXAMPLE_RATIOS, seed)
    assert [(s.stratum, s.rank) for s in selected] == [
        ("B", 1), ("B", 2), ("C", 1), ("C", 2), ("C", 3), ("C", 4),
        ("D", 1), ("D", 2), ("D", 3), ("D", 4), ("D", 5), ("D", 6), ("D", 7), ("D", 8), ("D", 9), ("D", 10),
        ("D", 11), ("D", 12), ("U", 1), ("U", 2),
    ]  # fmt: skip
    assert algorithm.sha256_hex(canonical) == EXAMPLE_DIGESTS["eligible_sha256"]
    assert frozen_sha256 == EXAMPLE_DIGESTS["frozen_sha256"]
    assert seed.hex() == EXAMPLE_DIGESTS["seed"]
    assert algorithm.sha256_hex(algorithm.selected_text(selected)) == EXAMPLE_DIGESTS["selected_sha256"]


EXAMPLE_DIGESTS = {
    "eligible_sha256": "17da52aa54306bf901e10cf49a4e856c87a29847723336b6cb5757ee66e894e0",
    "frozen_sha256": "3304ff5747d5646e02b6c9af3f32e25c1b663ffd058e5f464f5a79a4fa26c139",
    "seed": "5852ee8900f97460aa96a838ec75b3c0a4c57140dd33f5a27849372216278d63",
    "selected_sha256": "8e24579e105decc31cb21d716c8cf96a88662420b647708ba009b4a45351d5b6",
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


def test_the_worked_example_of_the_documentation_holds():
    """docs/inspections-draw.md §8 is what an outsider checks a reimplementation against."""
    import json
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "inspections-draw.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json example\n(.*?)```", text, re.S).group(1))
    given, expected = example["inputs"], example["expected"]
    canonical = "".join(line + "\n" for line in given["eligible"]).encode()
    assert algorithm.canonical_eligible([tuple(line.split(",")) for line in given["eligible"]]) == canonical
    population_sha256 = algorithm.sha256_hex(algorithm.population_text(canonical))
    commitment = algorithm.commitment_of(given["secret"])
    frozen = algorithm.frozen_text(
        task_id=given["task"],
        draw_number=given["draw"],
        eligible_count=len(given["eligible"]),
        eligible_sha256=algorithm.sha256_hex(canonical),
        population_sha256=population_sha256,
        ratios=given["ratios"],
        beacon_source=given["beacon_source"],
        commitment=commitment,
    )
    assert frozen in text  # the frozen text printed in the document
    frozen_sha256 = algorithm.sha256_hex(frozen.encode())
    seed = algorithm.seed_of(frozen_sha256, given["secret"], given["beacon_value"])
    members = algorithm.parse_canonical(canonical)
    selected = algorithm.select(members, given["ratios"], seed)
    assert {
        "eligible_sha256": algorithm.sha256_hex(canonical),
        "population_sha256": population_sha256,
        "commitment": commitment,
        "frozen_sha256": frozen_sha256,
        "seed": seed.hex(),
        "counts": {s: algorithm.stratum_count(len(members[s]), given["ratios"][s]) for s in algorithm.STRATA},
        "selected": [[s.uscc, s.stratum, s.rank, s.key] for s in selected],
        "selected_sha256": algorithm.sha256_hex(algorithm.selected_text(selected)),
    } == expected

"""The verifiable draw (可验证的双随机抽取), algorithm ``zhijian-draw/1``.

Pure functions on plain values, no database: the platform, ``zhijian inspections verify`` and the
tests call them; ``docs/inspections-draw.md`` states the same algorithm in prose, precisely enough
for an outsider to reimplement it, and ``tools/verify_draw.py`` is such an independent
reimplementation (stdlib only). Any change here that alters a result is a new format name.

In short: the eligible firms, each in a credit stratum, are frozen as a canonical text whose
SHA-256 is published (with that of the bare list of firms, which the public sees) along with the
ratios and a commitment to a secret; the seed is the SHA-256 of the
frozen inputs' hash, the secret and a public random value (the beacon) that nobody knew at
commitment time; each firm's key is SHA-256(seed ‖ USCC); in each stratum the ⌈n × ratio⌉ firms
with the smallest keys are drawn.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import compress
from typing import NamedTuple

FORMAT = "zhijian-draw/1"
# Credit risk classes A (low) … D (high), and U for a firm no class has been given yet.
STRATA = ("A", "B", "C", "D", "U")
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_KEY_SPACE = 1 << 256


class DrawInputError(ValueError):
    """Inputs that the algorithm refuses; the message is Chinese, for the person who gave them."""


class Selected(NamedTuple):
    """A drawn firm: its stratum, its rank in the stratum (1 = smallest key) and its key (hex)."""

    uscc: str
    stratum: str
    rank: int
    key: str


# --- ratios ---------------------------------------------------------------------------------------


def canonical_ratio(value: Decimal | str | int) -> str:
    """The one text of a ratio: plain decimal, no exponent, no trailing zeros ("0.03", "0", "1")."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise DrawInputError(f"抽查比例“{value}”不是数字") from None
    if not number.is_finite() or number < 0 or number > 1:
        raise DrawInputError(f"抽查比例须在0到1之间，实际为“{value}”")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise DrawInputError(f"抽查比例最多4位小数，实际为“{value}”")
    text = format(number.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def stratum_count(size: int, ratio: str) -> int:
    """How many of ``size`` firms a ratio draws: ⌈size × ratio⌉ exactly, at most ``size``.

    Rounding up keeps the realised share at or above the configured one ("抽查比例不低于").
    """
    fraction = Fraction(canonical_ratio(ratio))
    return min(size, math.ceil(size * fraction))


def canonical_ratios(ratios: Mapping[str, object]) -> dict[str, str]:
    missing = [s for s in STRATA if s not in ratios]
    if missing:
        raise DrawInputError(f"缺少信用类别 {'、'.join(missing)} 的抽查比例")
    extra = sorted(set(ratios) - set(STRATA))
    if extra:
        raise DrawInputError(f"未知的信用类别：{'、'.join(extra)}")
    return {s: canonical_ratio(ratios[s]) for s in STRATA}  # type: ignore[arg-type]


# --- the frozen eligible list ---------------------------------------------------------------------


def canonical_eligible(pairs: Iterable[tuple[str, str]]) -> bytes:
    """The eligible list as canonical bytes: lines ``USCC,STRATUM\\n`` sorted by USCC (byte order)."""
    lines = []
    for uscc, stratum in pairs:
        if not USCC_PATTERN.match(uscc):
            raise DrawInputError(f"名录中的统一社会信用代码“{uscc}”格式错误")
        if stratum not in STRATA:
            raise DrawInputError(f"名录中“{uscc}”的信用类别“{stratum}”无效")
        lines.append(f"{uscc},{stratum}\n".encode("ascii"))
    return canonical_from_lines(lines)


def canonical_from_lines(lines: list[bytes]) -> bytes:
    """Sort already-formatted lines (``b"USCC,S\\n"``) in place and join them; refuse duplicates.

    USCCs have a fixed length, so sorting whole lines sorts by USCC.
    """
    lines.sort()
    for before, after in zip(lines, lines[1:], strict=False):
        if before[:18] == after[:18]:
            raise DrawInputError(f"名录中的统一社会信用代码“{after[:18].decode()}”重复")
    return b"".join(lines)


def parse_canonical(canonical: bytes) -> dict[str, list[bytes]]:
    """Stratum → USCCs (ASCII bytes, canonical order) of a canonical eligible list."""
    members: dict[str, list[bytes]] = {s: [] for s in STRATA}
    if not canonical:
        return members
    if not canonical.endswith(b"\n"):
        raise DrawInputError("名录快照格式错误：缺少结尾换行")
    for line in canonical[:-1].split(b"\n"):
        if len(line) != 20 or line[18:19] != b",":
            raise DrawInputError("名录快照格式错误")
        members[line[19:].decode("ascii")].append(line[:18])
    return members


def population_text(canonical: bytes) -> bytes:
    """The eligible USCCs alone, lines ``USCC\n`` in canonical order: what the public may see.

    Credit classes are internal (the credit app never shows them to the public), so the public
    package lists the firms without their strata; its hash is frozen beside the full list's.
    """
    # Every line is 21 bytes, "USCC,S\n": drop the two bytes ",S" of each.
    return re.sub(rb",[A-Z]\n", b"\n", canonical)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- commitment, beacon, seed ---------------------------------------------------------------------


def new_secret() -> str:
    """A fresh secret: 32 random bytes as 64 lower-case hex digits."""
    return secrets.token_hex(32)


def commitment_of(secret: str) -> str:
    """The published commitment to a secret: SHA-256 of its 64 ASCII hex digits."""
    if not re.fullmatch(r"[0-9a-f]{64}", secret):
        raise DrawInputError("种子密值须为64位小写十六进制数")
    return sha256_hex(secret.encode("ascii"))


def normalize_text(value: str) -> str:
    """Trim, and collapse every run of white space (line breaks included) into one space."""
    return " ".join(str(value).split())


def frozen_text(
    *,
    task_id: int,
    draw_number: int,
    eligible_count: int,
    eligible_sha256: str,
    population_sha256: str,
    ratios: Mapping[str, str],
    beacon_source: str,
    commitment: str,
) -> str:
    """The frozen inputs published before the draw, as the text whose SHA-256 identifies them."""
    lines = [
        f"format={FORMAT}",
        f"task={task_id}",
        f"draw={draw_number}",
        f"eligible_count={eligible_count}",
        f"eligible_sha256={eligible_sha256}",
        f"population_sha256={population_sha256}",
        *(f"ratio.{s}={canonical_ratio(ratios[s])}" for s in STRATA),
        f"beacon_source={normalize_text(beacon_source)}",
        f"commitment={commitment}",
    ]
    return "".join(line + "\n" for line in lines)


def seed_of(frozen_sha256: str, secret: str, beacon_value: str) -> bytes:
    """The draw's seed: SHA-256 of ``frozen_sha256 \\n secret \\n beacon`` (UTF-8)."""
    beacon = normalize_text(beacon_value)
    if not beacon:
        raise DrawInputError("公共随机数不能为空")
    return hashlib.sha256(f"{frozen_sha256}\n{secret}\n{beacon}".encode()).digest()


def firm_key(seed: bytes, uscc: bytes) -> bytes:
    """A firm's key: SHA-256(seed ‖ USCC as ASCII). Smaller keys are drawn first."""
    return hashlib.sha256(seed + uscc).digest()


# --- selection ------------------------------------------------------------------------------------


def _bound(size: int, count: int, widen: int) -> bytes | None:
    """A key bound below which comfortably more than ``count`` of ``size`` uniform keys fall.

    Only a speed-up: the k smallest keys of those below any bound that admits at least k are the k
    smallest overall. ``None`` means no bound.
    """
    margin = count + 4 * math.isqrt(count) + 16
    fraction = Fraction(margin * (2**widen), size)
    if fraction >= 1:
        return None
    return (int(fraction * _KEY_SPACE)).to_bytes(32, "big")


def rank_stratum(seed: bytes, usccs: list[bytes], count: int) -> list[tuple[bytes, bytes]]:
    """The ``count`` (key, USCC) pairs with the smallest keys, smallest first (ties by USCC)."""
    if count <= 0:
        return []
    sha = hashlib.sha256
    keys = [sha(seed + u).digest() for u in usccs]
    widen = 0
    while True:
        bound = _bound(len(usccs), count, widen)
        if bound is None:
            return sorted(zip(keys, usccs, strict=True))[:count]
        below = compress(range(len(keys)), map(bound.__gt__, keys))
        found = sorted((keys[i], usccs[i]) for i in below)
        if len(found) >= count:
            return found[:count]
        widen += 1


def select(members: Mapping[str, list[bytes]], ratios: Mapping[str, str], seed: bytes) -> list[Selected]:
    """Draw from each stratum; the result lists strata in A, B, C, D, U order, each by rank."""
    chosen: list[Selected] = []
    for stratum in STRATA:
        usccs = members.get(stratum, [])
        count = stratum_count(len(usccs), ratios[stratum])
        for rank, (key, uscc) in enumerate(rank_stratum(seed, usccs, count), start=1):
            chosen.append(Selected(uscc.decode("ascii"), stratum, rank, key.hex()))
    return chosen


def selected_text(selected: Iterable[Selected]) -> bytes:
    """The drawn list as the text its published SHA-256 covers: lines ``USCC,STRATUM,RANK\\n``."""
    return "".join(f"{s.uscc},{s.stratum},{s.rank}\n" for s in selected).encode("ascii")


def count_strata(canonical: bytes) -> dict[str, int]:
    """Firms per stratum of a canonical list, counted without splitting it into lines."""
    return {s: canonical.count(f",{s}\n".encode("ascii")) for s in STRATA}


def strata_counts(members: Mapping[str, list]) -> dict[str, int]:
    return {s: len(members.get(s, [])) for s in STRATA}


def differentiated(ratios: Mapping[str, str]) -> bool:
    """Whether ratios differ between credit classes A–D (the task applies credit classes)."""
    return len({Fraction(canonical_ratio(ratios[s])) for s in STRATA if s != "U"}) > 1

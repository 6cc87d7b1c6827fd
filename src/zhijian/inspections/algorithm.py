"""The verifiable draw (可验证的双随机抽取), algorithm ``zhijian-draw/2``.

Pure functions on plain values, no database: the platform, ``zhijian inspections verify`` and the
tests call them; ``docs/inspections-draw.md`` states the same algorithm in prose, precisely enough
for an outsider to reimplement it, and ``tools/verify_draw.py`` is such an independent
reimplementation (stdlib only). Any change here that alters a result is a new format name.

In short: the eligible firms, each in a credit stratum, are frozen as a canonical text; its hash,
salted with a secret salt (credit classes are internal), is published with the hash of the bare list
of firms (which the public sees), the number of firms per stratum, the ratios, the exact lottery
issue whose result completes the seed (game, issue number, draw time, result format) and a
commitment to a secret — all in one frozen text whose SHA-256 is published before the lottery.
The seed is SHA-256 of the frozen text's hash, the secret and the lottery result in its one
canonical spelling; each firm's key is SHA-256(SHA-256(seed ‖ salt) ‖ USCC); in each stratum the
⌈n × ratio⌉ firms with the smallest keys are drawn.

The objects are market entities in credit strata A–U unless the task draws another kind of object
(抽查对象), e.g. special-equipment user units in strata K (key) and N (normal); such a draw's frozen
text names its objects in one more line (``objects=``), and its counts and ratios are over that
kind's strata. A market-entity draw's text has no such line: it is the same as before.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import math
import re
import secrets
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import compress
from typing import NamedTuple

FORMAT = "zhijian-draw/2"
# Credit risk classes A (low) … D (high), and U for a firm no class has been given yet.
STRATA = ("A", "B", "C", "D", "U")
# The kinds of inspection objects (抽查对象) a draw can take, each with its strata in drawing order
# (docs/inspections-draw.md §1a). Market entities are the default and need no ``objects=`` line.
ENTITIES = "entities"
SPECIAL_EQUIPMENT = "special_equipment"
OBJECT_STRATA: dict[str, tuple[str, ...]] = {
    ENTITIES: STRATA,
    # K: key user units (schools, hospitals, malls, stations, or risk class 3–4); N: the others.
    SPECIAL_EQUIPMENT: ("K", "N"),
}
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_KEY_SPACE = 1 << 256


class DrawInputError(ValueError):
    """Inputs that the algorithm refuses; the message is Chinese, for the person who gave them."""


def strata_of(objects: str) -> tuple[str, ...]:
    """The strata, in drawing order, of a kind of inspection object (``entities`` → A B C D U)."""
    try:
        return OBJECT_STRATA[objects or ENTITIES]
    except KeyError:
        raise DrawInputError(f"未知的抽查对象类型“{objects}”") from None


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


def canonical_ratios(ratios: Mapping[str, object], strata: tuple[str, ...] = STRATA) -> dict[str, str]:
    missing = [s for s in strata if s not in ratios]
    if missing:
        raise DrawInputError(f"缺少类别 {'、'.join(missing)} 的抽查比例")
    extra = sorted(set(ratios) - set(strata))
    if extra:
        raise DrawInputError(f"未知的类别：{'、'.join(extra)}")
    return {s: canonical_ratio(ratios[s]) for s in strata}  # type: ignore[arg-type]


# --- the frozen eligible list ---------------------------------------------------------------------


def canonical_eligible(pairs: Iterable[tuple[str, str]], strata: tuple[str, ...] = STRATA) -> bytes:
    """The eligible list as canonical bytes: lines ``USCC,STRATUM\\n`` sorted by USCC (byte order)."""
    lines = []
    for uscc, stratum in pairs:
        if not USCC_PATTERN.match(uscc):
            raise DrawInputError(f"名录中的统一社会信用代码“{uscc}”格式错误")
        if stratum not in strata:
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


def parse_canonical(canonical: bytes, strata: tuple[str, ...] = STRATA) -> dict[str, list[bytes]]:
    """Stratum → USCCs (ASCII bytes, canonical order) of a canonical eligible list."""
    members: dict[str, list[bytes]] = {s: [] for s in strata}
    if not canonical:
        return members
    if not canonical.endswith(b"\n"):
        raise DrawInputError("名录快照格式错误：缺少结尾换行")
    for line in canonical[:-1].split(b"\n"):
        if len(line) != 20 or line[18:19] != b"," or line[19:].decode("ascii") not in members:
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
    """A fresh secret (or salt): 32 random bytes as 64 lower-case hex digits."""
    return secrets.token_hex(32)


def _hex32(value: str, what: str) -> bytes:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise DrawInputError(f"{what}须为64位小写十六进制数")
    return bytes.fromhex(value)


def commitment_of(secret: str) -> str:
    """The published commitment to a secret: SHA-256 of its 64 ASCII hex digits."""
    _hex32(secret, "种子密值")
    return sha256_hex(secret.encode("ascii"))


def salted_sha256(salt: str, text: bytes) -> str:
    """SHA-256(salt ‖ text), the salt as its 32 raw bytes: a hash of a list that holds credit
    classes, which nobody without the salt can test guesses against."""
    return hashlib.sha256(_hex32(salt, "名录盐值") + text).hexdigest()


# --- the public random value: a named issue of a national lottery --------------------------------

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


@dataclass(frozen=True)
class Game:
    """A lottery whose published result is the beacon (公共随机数): its draw days, its draw time
    (Beijing) and the one canonical text of a result (``template``, groups joined by " + ")."""

    code: str
    name: str
    issue_digits: int  # 7: YYYYNNN; 5: YYNNN
    weekdays: frozenset[int]  # Monday = 0
    draw_time: dt.time
    # per group: how many numbers, lowest, highest, digits each, strictly ascending and distinct
    groups: tuple[tuple[int, int, int, int, bool], ...]

    @property
    def template(self) -> str:
        return " + ".join(
            " ".join(("N" * width) for _ in range(count)) for count, _, _, width, _ in self.groups
        )


GAMES = {
    game.code: game
    for game in (
        Game("fc3d", "中国福利彩票3D", 7, frozenset(range(7)), dt.time(21, 15), ((3, 0, 9, 1, False),)),
        Game(
            "ssq",
            "中国福利彩票双色球",
            7,
            frozenset({1, 3, 6}),
            dt.time(21, 15),
            ((6, 1, 33, 2, True), (1, 1, 16, 2, True)),
        ),
        Game(
            "dlt",
            "中国体育彩票超级大乐透",
            5,
            frozenset({0, 2, 5}),
            dt.time(21, 25),
            ((5, 1, 35, 2, True), (2, 1, 12, 2, True)),
        ),
    )
}
WEEKDAYS = "一二三四五六日"


def game_of(code: str) -> Game:
    try:
        return GAMES[code]
    except KeyError:
        raise DrawInputError(
            f"不支持的公共随机数来源“{code}”，可选：{'、'.join(g.name for g in GAMES.values())}"
        ) from None


def beacon_due(game: Game, on: dt.date) -> dt.datetime:
    """The draw time of ``game`` on the day ``on`` (Beijing); refused if it does not draw that day."""
    if on.weekday() not in game.weekdays:
        days = "、".join("周" + WEEKDAYS[d] for d in sorted(game.weekdays))
        raise DrawInputError(f"{game.name}只在{days}开奖，{on:%Y-%m-%d}不开奖")
    return dt.datetime.combine(on, game.draw_time, tzinfo=BEIJING)


def next_draw_day(game: Game, after: dt.datetime) -> dt.date:
    """The first day whose draw time lies after ``after``."""
    day = after.astimezone(BEIJING).date()
    while (
        day.weekday() not in game.weekdays
        or dt.datetime.combine(day, game.draw_time, tzinfo=BEIJING) <= after
    ):
        day += dt.timedelta(days=1)
    return day


def due_text(due: dt.datetime) -> str:
    """The one text of a due time: Beijing time, seconds, ``+08:00``."""
    return due.astimezone(BEIJING).replace(microsecond=0).isoformat()


def draw_days_until(game: Game, day: dt.date) -> int:
    """The game's draw days from 1 January to ``day`` inclusive: the highest issue number it can have
    reached (fewer if the lottery paused, as it does at the Spring Festival)."""
    return sum(
        1 for n in range(day.timetuple().tm_yday) if (day - dt.timedelta(days=n)).weekday() in game.weekdays
    )


def canonical_issue(game: Game, issue: str, due: dt.datetime) -> str:
    """The issue number exactly as the lottery writes it: YYYYNNN (福彩) or YYNNN (大乐透), of the
    due date's year; any other spelling is refused."""
    year = due.astimezone(BEIJING).year
    prefix = str(year) if game.issue_digits == 7 else f"{year % 100:02d}"
    example = prefix + "001"
    if not isinstance(issue, str) or not re.fullmatch(rf"[0-9]{{{game.issue_digits}}}", issue):
        raise DrawInputError(f"{game.name}期号须写成{game.issue_digits}位数字，如“{example}”")
    if not issue.startswith(prefix) or issue.endswith("000"):
        raise DrawInputError(
            f"期号“{issue}”与开奖日期的年份不符：{year}年的期号为“{prefix}NNN”，如“{example}”"
        )
    day = due.astimezone(BEIJING).date()
    draw_days = draw_days_until(game, day)
    if int(issue[len(prefix) :]) > draw_days:
        raise DrawInputError(
            f"{game.name}到{day:%Y-%m-%d}为止本年最多开奖{draw_days}期，不可能是第{issue}期：请核对期号和开奖日期"
        )
    return issue


def canonical_beacon_value(game: Game, value: str) -> str:
    """The published result, accepted only in its one canonical text (e.g. ``03 11 19 24 27 30 + 09``).

    Any other spelling of the same result (other separators, missing leading zeros, a different
    order, extra spaces) is refused, so that exactly one text — hence one seed — is acceptable.
    """
    groups = str(value).split(" + ") if isinstance(value, str) else []
    ok = len(groups) == len(game.groups)
    for text, (count, low, high, width, ascending) in zip(groups, game.groups, strict=False):
        if not ok:
            break
        parts = text.split(" ")
        ok = len(parts) == count and all(re.fullmatch(rf"[0-9]{{{width}}}", p) for p in parts)
        if ok:
            numbers = [int(p) for p in parts]
            ok = all(low <= n <= high for n in numbers)
            ok = ok and (not ascending or all(a < b for a, b in zip(numbers, numbers[1:], strict=False)))
    if ok:
        return value
    hint = _canonical_guess(game, str(value))
    raise DrawInputError(
        f"{game.name}开奖号码须按规范格式“{game.template}”填写（两位数补零、升序、单个空格分隔，"
        f"组间为“ + ”）" + (f"；您填写的号码应写作“{hint}”" if hint else "")
    )


def _canonical_guess(game: Game, value: str) -> str:
    """The canonical text of a loosely written result, if its numbers make one; else ``""``."""
    if len(game.groups) == 1 and game.groups[0][3] == 1:
        numbers = [int(d) for d in re.findall(r"[0-9]", value)]
    else:
        numbers = [int(n) for n in re.findall(r"[0-9]+", value)]
    out, start = [], 0
    for count, low, high, width, ascending in game.groups:
        group = numbers[start : start + count]
        start += count
        if len(group) != count or not all(low <= n <= high for n in group):
            return ""
        if ascending:
            group = sorted(group)
            if len(set(group)) != count:
                return ""
        out.append(" ".join(f"{n:0{width}d}" for n in group))
    return " + ".join(out) if start == len(numbers) else ""


@dataclass(frozen=True)
class Beacon:
    """The lottery issue a draw is committed to: game, issue number, due time (Beijing)."""

    game: str
    issue: str
    due: str  # due_text()

    @property
    def label(self) -> str:
        return f"{GAMES[self.game].name}第{self.issue}期开奖号码"


def beacon_for(game_code: str, issue: str, on: dt.date) -> Beacon:
    """Check and fix the lottery of a draw: the game, its issue on the draw day ``on``."""
    game = game_of(game_code)
    due = beacon_due(game, on)
    return Beacon(game.code, canonical_issue(game, str(issue).strip(), due), due_text(due))


# --- the frozen inputs -----------------------------------------------------------------------------

NO_DRAW = "-"


def frozen_text(
    *,
    task_id: int,
    draw_number: int,
    replaces: str,
    reason: str,
    redraw_limit: int,
    committed_at: str,
    counts: Mapping[str, int],
    eligible_salted_sha256: str,
    population_sha256: str,
    ratios: Mapping[str, str],
    beacon: Beacon,
    commitment: str,
    objects: str = ENTITIES,
) -> str:
    """The frozen inputs published before the draw, as the text whose SHA-256 identifies them.

    Every input of the draw is a line here: nothing that changes a drawn list lies outside it. A draw
    over objects other than market entities names them (``objects=``) before its counts, which with
    the ratios are over that kind's strata; a market-entity draw has no such line.
    """
    game = game_of(beacon.game)
    strata = strata_of(objects)
    lines = [
        f"format={FORMAT}",
        f"task={int(task_id)}",
        f"draw={int(draw_number)}",
        f"replaces={replaces or NO_DRAW}",
        f"reason_sha256={sha256_hex(reason.encode('utf-8'))}",
        f"redraw_limit={int(redraw_limit)}",
        f"committed_at={committed_at}",
        *([] if (objects or ENTITIES) == ENTITIES else [f"objects={objects}"]),
        f"eligible_count={sum(int(counts[s]) for s in strata)}",
        *(f"count.{s}={int(counts[s])}" for s in strata),
        f"eligible_salted_sha256={eligible_salted_sha256}",
        f"population_sha256={population_sha256}",
        *(f"ratio.{s}={canonical_ratio(ratios[s])}" for s in strata),
        f"beacon.game={game.code}",
        f"beacon.issue={beacon.issue}",
        f"beacon.due={beacon.due}",
        f"beacon.format={game.template}",
        f"commitment={commitment}",
    ]
    return "".join(line + "\n" for line in lines)


def seed_of(frozen_sha256: str, secret: str, beacon_value: str) -> bytes:
    """The draw's seed: SHA-256 of ``frozen_sha256 \\n secret \\n beacon value`` (UTF-8), the beacon
    value in its canonical text (checked by the caller against the committed game)."""
    if not beacon_value:
        raise DrawInputError("公共随机数不能为空")
    return hashlib.sha256(f"{frozen_sha256}\n{secret}\n{beacon_value}".encode()).digest()


def key_seed_of(seed: bytes, salt: str) -> bytes:
    """SHA-256(seed ‖ salt): what the firms' keys are computed from. Without the salt nobody can
    compute a firm's key, so the keys of firms not drawn say nothing about their class."""
    return hashlib.sha256(seed + _hex32(salt, "名录盐值")).digest()


def firm_key(key_seed: bytes, uscc: bytes) -> bytes:
    """A firm's key: SHA-256(key seed ‖ USCC as ASCII), one SHA-256 block. Smaller keys are drawn first."""
    return hashlib.sha256(key_seed + uscc).digest()


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


def rank_stratum(key_seed: bytes, usccs: list[bytes], count: int) -> list[tuple[bytes, bytes]]:
    """The ``count`` (key, USCC) pairs with the smallest keys, smallest first (ties by USCC)."""
    if count <= 0:
        return []
    sha = hashlib.sha256
    keys = [sha(key_seed + u).digest() for u in usccs]
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


@contextmanager
def _without_gc():
    """Pause the cyclic garbage collector: a draw allocates only acyclic values (bytes, tuples), and
    at city scale the collections its allocations trigger (each scanning a Django process's
    objects) cost more than the ranking itself (bench/RESULTS.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def select(
    members: Mapping[str, list[bytes]],
    ratios: Mapping[str, str],
    key_seed: bytes,
    strata: tuple[str, ...] = STRATA,
) -> list[Selected]:
    """Draw from each stratum with the keys of ``key_seed`` (:func:`key_seed_of`); the result lists
    strata in their drawing order (A, B, C, D, U for market entities), each by rank."""
    chosen: list[Selected] = []
    with _without_gc():
        for stratum in strata:
            usccs = members.get(stratum, [])
            count = stratum_count(len(usccs), ratios[stratum])
            for rank, (key, uscc) in enumerate(rank_stratum(key_seed, usccs, count), start=1):
                chosen.append(Selected(uscc.decode("ascii"), stratum, rank, key.hex()))
    return chosen


def selected_text(selected: Iterable[Selected]) -> bytes:
    """The drawn list with strata and ranks, lines ``USCC,STRATUM,RANK\\n``: hashed with the salt."""
    return "".join(f"{s.uscc},{s.stratum},{s.rank}\n" for s in selected).encode("ascii")


def drawn_text(usccs: Iterable[str]) -> bytes:
    """The public drawn list: the drawn USCCs alone, lines ``USCC\\n`` in byte order."""
    lines = sorted(usccs)
    lines.append("")
    return "\n".join(lines).encode("ascii")


def count_strata(canonical: bytes, strata: tuple[str, ...] = STRATA) -> dict[str, int]:
    """Firms per stratum of a canonical list, counted without splitting it into lines."""
    return {s: canonical.count(f",{s}\n".encode("ascii")) for s in strata}


def strata_counts(members: Mapping[str, list], strata: tuple[str, ...] = STRATA) -> dict[str, int]:
    return {s: len(members.get(s, [])) for s in strata}


def differentiated(ratios: Mapping[str, str]) -> bool:
    """Whether ratios differ between credit classes A–D (the task applies credit classes); false for
    ratios over other strata (a special-equipment task's K and N are not credit classes)."""
    if any(s not in ratios for s in STRATA if s != "U"):
        return False
    return len({Fraction(canonical_ratio(ratios[s])) for s in STRATA if s != "U"}) > 1

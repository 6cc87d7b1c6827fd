"""Re-running a draw and its assignment, and the published draw packages.

:func:`verify_draw` recomputes everything from what is stored — the frozen snapshot, the published
fields, the revealed secret, the lottery result, the commitment archived in the audit chain, every
assignment run and every team member's row — with the pure algorithm (never the database's fast
path) and names every disagreement. :func:`draw_package` is the JSON that ``tools/verify_draw.py``
and the public page's in-browser check read: the public package lists the eligible firms without
their credit strata and publishes no hash a guess about a class could be tested against (those are
salted; the salt is in the full package only, for staff who may see the task and for auditors).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from zhijian.core.models import AuditEntry

from . import algorithm, snapshot
from .assignment import REASONS, assign, assignment_seed, inputs_digest, result_digest
from .models import AssignmentRun, Draw, Inspection, InspectionMember
from .services import draw_beacon, frozen_text_of


@dataclass(frozen=True)
class Problem:
    what: str
    detail: str


def stored_selection(draw: Draw) -> list[algorithm.Selected]:
    return snapshot.selected_of(draw.pk)


def verify_draw(draw: Draw) -> list[Problem]:
    """Every way the stored draw disagrees with a re-run of the algorithm; empty when it holds."""
    if draw.algorithm != algorithm.FORMAT:
        return [Problem("format", f"该次抽取使用旧算法 {draw.algorithm}，本版本只验证 {algorithm.FORMAT}")]
    problems: list[Problem] = []
    try:
        members = snapshot.members_of(draw.pk)
        canonical = snapshot.canonical_from_members(members)
    except algorithm.DrawInputError as exc:
        return [Problem("eligible", f"名录快照无效：{exc}")]
    if algorithm.salted_sha256(draw.salt, canonical) != draw.eligible_sha256:
        problems.append(Problem("eligible", "名录快照与公布的名录加盐哈希不符（快照被改动）"))
    if algorithm.sha256_hex(algorithm.population_text(canonical)) != draw.population_sha256:
        problems.append(Problem("population", "名录快照与公布的公开名录哈希不符"))
    if (
        algorithm.strata_counts(members, draw.strata) != draw.strata_counts
        or len(canonical) // 21 != draw.eligible_count
    ):
        problems.append(Problem("counts", "名录快照的数量与公布的各类别数量不符"))
    frozen = _checked_frozen_text(draw, problems)
    if frozen is not None and algorithm.sha256_hex(frozen) != draw.frozen_sha256:
        problems.append(Problem("frozen", "公布的冻结参数与其哈希不符"))
    problems.extend(_verify_archive(draw))
    problems.extend(_verify_chain(draw))
    if algorithm.commitment_of(draw.secret) != draw.commitment:
        problems.append(Problem("commitment", "种子密值与事先公布的承诺值不符"))
    if not draw.beacon_value:  # committed, or superseded before its lottery was drawn
        return problems
    try:
        algorithm.canonical_beacon_value(algorithm.game_of(draw.beacon_game), draw.beacon_value)
    except algorithm.DrawInputError as exc:
        problems.append(Problem("beacon_value", f"公共随机数不是规范写法：{exc}"))
    seed = algorithm.seed_of(draw.frozen_sha256, draw.secret, draw.beacon_value)
    if seed.hex() != draw.seed:
        problems.append(Problem("seed", "种子与“冻结参数哈希、密值、公共随机数”的计算结果不符"))
    expected = algorithm.select(members, draw.ratios, algorithm.key_seed_of(seed, draw.salt), draw.strata)
    rows = [(s.uscc, s.stratum, s.rank) for s in expected]
    if algorithm.salted_sha256(draw.salt, algorithm.selected_text(expected)) != draw.selected_sha256:
        problems.append(Problem("selected_hash", "重新抽取的结果与公布的抽取结果加盐哈希不符"))
    if algorithm.sha256_hex(algorithm.drawn_text(s.uscc for s in expected)) != draw.drawn_sha256:
        problems.append(Problem("drawn_hash", "重新抽取的名单与公布的公开抽取名单哈希不符"))
    if len(expected) != draw.selected_count:
        problems.append(Problem("selected_count", "公布的抽取数量与重新抽取的数量不符"))
    stored = [(s.uscc, s.stratum, s.rank) for s in stored_selection(draw)]
    if stored != rows:
        problems.append(Problem("selected", _difference("保存的抽取名单", stored, rows)))
    checks = sorted(
        Inspection.objects.filter(draw=draw)
        .exclude(status=Inspection.Status.CANCELLED if draw.status == Draw.Status.DRAWN else "")
        .values_list("entity__uscc", "stratum", "rank"),
        key=lambda row: (draw.strata.index(row[1]) if row[1] in draw.strata else -1, row[2]),
    )
    if checks and checks != rows:
        problems.append(Problem("checks", _difference("检查对象", checks, rows)))
    problems.extend(verify_assignments(draw, [u for u, _, _ in rows]))
    return problems


def _checked_frozen_text(draw: Draw, problems: list[Problem]) -> bytes | None:
    try:
        beacon = algorithm.beacon_for(
            draw.beacon_game, draw.beacon_issue, draw.beacon_due_at.astimezone(algorithm.BEIJING).date()
        )
        if beacon != draw_beacon(draw):
            raise algorithm.DrawInputError("开奖时间不是该彩票的开奖时间")
        if draw.beacon_due_at <= draw.committed_at:
            raise algorithm.DrawInputError("开奖时间不在公布抽取参数之后")
        return frozen_text_of(draw).encode("utf-8")
    except (algorithm.DrawInputError, KeyError, TypeError, ValueError) as exc:
        problems.append(Problem("frozen", f"冻结参数无效：{exc}"))
        return None


def _verify_archive(draw: Draw) -> list[Problem]:
    """The commitment as archived in the audit chain: the entry that froze the draw carries the
    frozen text as its attachment; it must be this draw's frozen text, byte for byte."""
    entry = (
        AuditEntry.objects.filter(
            object_type="Draw",
            object_id=str(draw.pk),
            action__in=["inspections.commit_draw", "inspections.redraw"],
        )
        .order_by("seq")
        .values("after", "attachment")
        .first()
    )
    if entry is None or entry["attachment"] is None:
        return [Problem("archive", "审计日志中没有该次抽取的冻结参数存档")]
    archived = bytes(entry["attachment"])
    if (
        hashlib.sha256(archived).hexdigest() != draw.frozen_sha256
        or (entry["after"] or {}).get("frozen_sha256") != draw.frozen_sha256
    ):
        return [Problem("archive", "审计日志存档的冻结参数与公布的冻结参数哈希不符（事后改动）")]
    # Commitments named in the signed heads (where the core archives them): each must still match.
    named = {
        f"draw:{draw.pk}:frozen": draw.frozen_sha256,
        f"draw:{draw.pk}:drawn": draw.drawn_sha256,
    }
    for key, after in AuditEntry.objects.filter(
        action=COMMITMENT_ACTION, object_id__in=list(named)
    ).values_list("object_id", "after"):
        if (after or {}).get("sha256") != named[key]:
            return [Problem("archive", f"签名链头存档的承诺值（{key}）与公布的哈希不符（事后改动）")]
    return []


COMMITMENT_ACTION = "audit.commitment"  # core.audit.archive_commitment's entries


def _verify_chain(draw: Draw) -> list[Problem]:
    """A redraw names the frozen hash of the draw it replaces; a first draw names none."""
    previous = Draw.objects.filter(task_id=draw.task_id, number=draw.number - 1).first()
    expected = previous.frozen_sha256 if previous else ""
    problems = []
    if draw.replaces_sha256 != expected:
        problems.append(Problem("chain", "重抽链接与被替代抽取的冻结参数哈希不符"))
    if draw.number - 1 > draw.redraw_limit:
        problems.append(Problem("redraw_limit", f"重抽次数超过公布的上限（{draw.redraw_limit}次）"))
    if previous and previous.status != Draw.Status.SUPERSEDED:
        problems.append(Problem("chain", "被替代的抽取未标记为作废"))
    return problems


def _difference(what: str, stored: list, expected: list) -> str:
    missing = {row[0] for row in expected} - {row[0] for row in stored}
    extra = {row[0] for row in stored} - {row[0] for row in expected}
    example = f"（如 {sorted(extra)[0]}）" if extra else ""
    return f"{what}与重新抽取的结果不符：缺少 {len(missing)} 户，多出 {len(extra)} 户{example}"


def stored_teams(draw_id: int) -> dict[str, list[tuple[int, str, bool]]]:
    """USCC → the stored team rows (position, certificate number, lead), by position."""
    teams: dict[str, list[tuple[int, str, bool]]] = {}
    for uscc, cert, position, lead in (
        InspectionMember.objects.filter(inspection__draw_id=draw_id)
        .values_list("inspection__entity__uscc", "inspector__certificate_no", "position", "lead")
        .order_by("inspection__entity__uscc", "position")
    ):
        teams.setdefault(uscc, []).append((position, cert, lead))
    return teams


def verify_assignments(draw: Draw, drawn: list[str]) -> list[Problem]:
    """Every assignment run of a draw re-run from its snapshot, and every stored team row — member,
    position, lead flag (the first member leads, no one else) — compared with the re-run."""
    problems: list[Problem] = []
    expected: dict[str, list[str]] = {}
    order = {u: n for n, u in enumerate(drawn)}
    for run in draw.assignments.order_by("number"):
        results, run_problems = verify_assignment(run, draw, order)
        problems.extend(run_problems)
        for result in results:
            if result["team"]:
                expected[result["uscc"]] = result["team"]
    teams = stored_teams(draw.pk)
    for uscc in sorted(set(expected) | set(teams)):
        want = [(n, cert, n == 0) for n, cert in enumerate(expected.get(uscc, []))]
        if teams.get(uscc, []) != want:
            problems.append(Problem("assignment_team", f"{uscc} 的检查组（成员、顺序或组长）与重算结果不符"))
    return problems


def verify_assignment(
    run: AssignmentRun, draw: Draw, order: dict[str, int]
) -> tuple[list[dict[str, Any]], list[Problem]]:
    inputs = run.inputs
    if inputs_digest(inputs) != run.inputs_sha256 or assignment_seed(inputs).hex() != run.seed:
        return [], [Problem("assignment_inputs", f"第{run.number}次人员匹配的输入快照被改动")]
    problems = []
    if inputs.get("draw_seed") != draw.seed or inputs.get("draw") != draw.pk:
        problems.append(Problem("assignment_inputs", f"第{run.number}次人员匹配的输入不是本次抽取的种子"))
    positions = [order.get(f["uscc"]) for f in inputs["firms"]]
    if None in positions or positions != sorted(positions):
        problems.append(
            Problem("assignment_inputs", f"第{run.number}次人员匹配的企业不是按抽取名单顺序的抽中企业")
        )
    results = assign(inputs)
    if result_digest(results) != run.result_sha256:
        problems.append(Problem("assignment_result", f"第{run.number}次人员匹配重算结果与记录不符"))
    teams = sum(1 for r in results if r["team"])
    if (run.assigned, run.unassignable) != (teams, len(results) - teams):
        problems.append(
            Problem("assignment_result", f"第{run.number}次人员匹配记录的已分派、未分派户数与重算结果不符")
        )
    notes = dict(
        Inspection.objects.filter(draw=draw, status=Inspection.Status.UNASSIGNABLE).values_list(
            "entity__uscc", "assignment_note"
        )
    )
    for result in results:
        if (
            result["reason"]
            and result["uscc"] in notes
            and notes[result["uscc"]] != REASONS[result["reason"]]
        ):
            problems.append(Problem("assignment_note", f"{result['uscc']} 未分派的理由与重算结果不符"))
    return results, problems


def frozen_fields(draw: Draw) -> dict[str, Any]:
    """The fields of the frozen text (docs/inspections-draw.md §2), as the packages publish them."""
    beacon = draw_beacon(draw)
    return {
        "format": draw.algorithm,
        "task": draw.task_id,
        "draw": draw.number,
        "replaces": draw.replaces_sha256 or algorithm.NO_DRAW,
        "reason": draw.reason,
        "redraw_limit": draw.redraw_limit,
        "committed_at": algorithm.due_text(draw.committed_at),
        "objects": draw.object_kind,
        "counts": draw.strata_counts,
        "eligible_salted_sha256": draw.eligible_sha256,
        "population_sha256": draw.population_sha256,
        "ratios": draw.ratios,
        "beacon": {"game": beacon.game, "issue": beacon.issue, "due": beacon.due},
        "commitment": draw.commitment,
    }


def draw_package(draw: Draw, *, full: bool) -> dict[str, Any]:
    """The published JSON of a draw (docs/inspections-draw.md §6); ``full`` adds strata, salt, keys
    and the assignment runs."""
    canonical = snapshot.canonical_snapshot(draw.pk)
    revealed = draw.status != Draw.Status.COMMITTED
    drawn = draw.status == Draw.Status.DRAWN or bool(draw.beacon_value)
    package: dict[str, Any] = {
        "format": draw.algorithm,
        "package": "full" if full else "public",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "task": {"id": draw.task_id, "title": draw.task.title, "organiser": draw.task.jurisdiction.name},
        "draw": {
            "number": draw.number,
            "status": draw.status,
            "beacon_source": draw.beacon_source,
            "drawn_at": draw.drawn_at.isoformat(timespec="seconds") if draw.drawn_at else None,
            "superseded_at": draw.superseded_at.isoformat(timespec="seconds") if draw.superseded_at else None,
        },
        "frozen": frozen_fields(draw),
        "frozen_sha256": draw.frozen_sha256,
        "population": algorithm.population_text(canonical).decode("ascii").split("\n")[:-1],
        "secret": draw.secret if revealed else None,
        "beacon_value": draw.beacon_value or None,
        "seed": draw.seed or None,
        "selected_count": draw.selected_count if drawn else None,
        "drawn_sha256": draw.drawn_sha256 or None,
        "selected_salted_sha256": draw.selected_sha256 or None,
        "selected": None,
    }
    if drawn:
        stored = stored_selection(draw)
        package["selected"] = sorted(s.uscc for s in stored)
        if full:
            key_seed = algorithm.key_seed_of(bytes.fromhex(draw.seed), draw.salt)
            package["ranked"] = [
                {
                    "uscc": s.uscc,
                    "stratum": s.stratum,
                    "rank": s.rank,
                    "key": algorithm.firm_key(key_seed, s.uscc.encode()).hex(),
                }
                for s in stored
            ]
    if full:
        package["salt"] = draw.salt
        package["eligible"] = canonical.decode("ascii").split("\n")[:-1]
        teams = stored_teams(draw.pk)
        package["assignments"] = [
            {
                "number": run.number,
                "inputs": run.inputs,
                "inputs_sha256": run.inputs_sha256,
                "seed": run.seed,
                "result_sha256": run.result_sha256,
            }
            for run in draw.assignments.order_by("number")
        ]
        package["teams"] = {
            uscc: [{"id": cert, "position": position, "lead": lead} for position, cert, lead in rows]
            for uscc, rows in teams.items()
        }
    return package

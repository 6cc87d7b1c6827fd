"""Re-running a draw and its assignment, and the published draw packages.

:func:`verify_draw` recomputes everything from what is stored — the frozen snapshot, the published
fields, the revealed secret, the beacon — with the pure algorithm (never the database's fast path)
and names every disagreement. :func:`draw_package` is the JSON that ``tools/verify_draw.py`` reads:
the public package lists the eligible firms without their credit strata (classes are internal);
the full package, for staff who may see the task and for auditors, carries the strata too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from . import algorithm, snapshot
from .assignment import assign, assignment_seed, inputs_digest, result_digest
from .models import Draw, Inspection, InspectionMember


@dataclass(frozen=True)
class Problem:
    what: str
    detail: str


def _frozen_text(draw: Draw) -> str:
    return algorithm.frozen_text(
        task_id=draw.task_id,
        draw_number=draw.number,
        eligible_count=draw.eligible_count,
        eligible_sha256=draw.eligible_sha256,
        population_sha256=draw.population_sha256,
        ratios=draw.ratios,
        beacon_source=draw.beacon_source,
        commitment=draw.commitment,
    )


def stored_selection(draw: Draw) -> list[algorithm.Selected]:
    return snapshot.selected_of(draw.pk)


def verify_draw(draw: Draw) -> list[Problem]:
    """Every way the stored draw disagrees with a re-run of the algorithm; empty when it holds."""
    problems: list[Problem] = []
    members = snapshot.members_of(draw.pk)
    try:
        canonical = snapshot.canonical_from_members(members)
    except algorithm.DrawInputError as exc:
        return [Problem("eligible", f"名录快照无效：{exc}")]
    if algorithm.sha256_hex(canonical) != draw.eligible_sha256:
        problems.append(Problem("eligible", "名录快照与公布的名录哈希不符（快照被改动）"))
    if algorithm.sha256_hex(algorithm.population_text(canonical)) != draw.population_sha256:
        problems.append(Problem("population", "名录快照与公布的公开名录哈希不符"))
    if algorithm.strata_counts(members) != draw.strata_counts or len(canonical) // 21 != draw.eligible_count:
        problems.append(Problem("counts", "名录快照的数量与公布的各类别数量不符"))
    if algorithm.sha256_hex(_frozen_text(draw).encode("utf-8")) != draw.frozen_sha256:
        problems.append(Problem("frozen", "公布的冻结参数与其哈希不符"))
    if algorithm.commitment_of(draw.secret) != draw.commitment:
        problems.append(Problem("commitment", "种子密值与事先公布的承诺值不符"))
    if draw.status == Draw.Status.COMMITTED:
        return problems
    seed = algorithm.seed_of(draw.frozen_sha256, draw.secret, draw.beacon_value)
    if seed.hex() != draw.seed:
        problems.append(Problem("seed", "种子与“冻结参数哈希、密值、公共随机数”的计算结果不符"))
    expected = [(s.uscc, s.stratum, s.rank) for s in algorithm.select(members, draw.ratios, seed)]
    text = "".join(f"{u},{s},{r}\n" for u, s, r in expected).encode("ascii")
    if algorithm.sha256_hex(text) != draw.selected_sha256:
        problems.append(Problem("selected_hash", "重新抽取的结果与公布的抽取结果哈希不符"))
    stored = [(s.uscc, s.stratum, s.rank) for s in stored_selection(draw)]
    if stored != expected:
        problems.append(Problem("selected", _difference("保存的抽取名单", stored, expected)))
    checks = sorted(
        Inspection.objects.filter(draw=draw)
        .exclude(status=Inspection.Status.CANCELLED if draw.status == Draw.Status.DRAWN else "")
        .values_list("entity__uscc", "stratum", "rank"),
        key=lambda row: (algorithm.STRATA.index(row[1]), row[2]),
    )
    if checks and checks != expected:
        problems.append(Problem("checks", _difference("检查对象", checks, expected)))
    for run in draw.assignments.order_by("number"):
        problems.extend(verify_assignment(run))
    return problems


def _difference(what: str, stored: list, expected: list) -> str:
    missing = {row[0] for row in expected} - {row[0] for row in stored}
    extra = {row[0] for row in stored} - {row[0] for row in expected}
    example = f"（如 {sorted(extra)[0]}）" if extra else ""
    return f"{what}与重新抽取的结果不符：缺少 {len(missing)} 户，多出 {len(extra)} 户{example}"


def verify_assignment(run) -> list[Problem]:
    problems = []
    if inputs_digest(run.inputs) != run.inputs_sha256 or assignment_seed(run.inputs).hex() != run.seed:
        problems.append(Problem("assignment_inputs", f"第{run.number}次人员匹配的输入快照被改动"))
        return problems
    results = assign(run.inputs)
    if result_digest(results) != run.result_sha256:
        problems.append(Problem("assignment_result", f"第{run.number}次人员匹配重算结果与记录不符"))
    teams = {}
    for uscc, cert, position in InspectionMember.objects.filter(
        inspection__draw_id=run.draw_id, inspection__entity__uscc__in=[r["uscc"] for r in results]
    ).values_list("inspection__entity__uscc", "inspector__certificate_no", "position"):
        teams.setdefault(uscc, []).append((position, cert))
    for result in results:
        if result["team"] and [c for _, c in sorted(teams.get(result["uscc"], []))] != result["team"]:
            problems.append(Problem("assignment_team", f"{result['uscc']} 的检查组与重算结果不符"))
    return problems


def draw_package(draw: Draw, *, full: bool) -> dict[str, Any]:
    """The published JSON of a draw (docs/inspections-draw.md §6); ``full`` adds the strata."""
    canonical = snapshot.canonical_snapshot(draw.pk)
    revealed = draw.status != Draw.Status.COMMITTED
    package: dict[str, Any] = {
        "format": algorithm.FORMAT,
        "package": "full" if full else "public",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "task": {"id": draw.task_id, "title": draw.task.title, "organiser": draw.task.jurisdiction.name},
        "draw": {
            "number": draw.number,
            "status": draw.status,
            "reason": draw.reason,
            "committed_at": draw.committed_at.isoformat(timespec="seconds"),
            "beacon_due_at": draw.beacon_due_at.isoformat(timespec="seconds"),
            "drawn_at": draw.drawn_at.isoformat(timespec="seconds") if draw.drawn_at else None,
        },
        "frozen": {
            "task": draw.task_id,
            "draw": draw.number,
            "eligible_count": draw.eligible_count,
            "eligible_sha256": draw.eligible_sha256,
            "population_sha256": draw.population_sha256,
            "ratios": draw.ratios,
            "beacon_source": draw.beacon_source,
            "commitment": draw.commitment,
        },
        "frozen_sha256": draw.frozen_sha256,
        "strata_counts": draw.strata_counts,
        "population": algorithm.population_text(canonical).decode("ascii").split("\n")[:-1],
        "beacon_value": draw.beacon_value if revealed else None,
        "secret": draw.secret if revealed else None,
        "seed": draw.seed if revealed else None,
        "selected_count": draw.selected_count if revealed else None,
        "selected_sha256": draw.selected_sha256 if revealed else None,
        "selected": None,
    }
    if revealed:
        seed = bytes.fromhex(draw.seed)
        stored = stored_selection(draw)
        if full:
            package["selected"] = [
                {
                    "uscc": s.uscc,
                    "stratum": s.stratum,
                    "rank": s.rank,
                    "key": algorithm.firm_key(seed, s.uscc.encode()).hex(),
                }
                for s in stored
            ]
        else:
            package["selected"] = [
                {"uscc": u, "key": algorithm.firm_key(seed, u.encode()).hex()}
                for u in sorted(s.uscc for s in stored)
            ]
    if full:
        package["eligible"] = canonical.decode("ascii").split("\n")[:-1]
    return package

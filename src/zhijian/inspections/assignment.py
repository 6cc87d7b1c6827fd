"""Random, reproducible assignment of inspectors to drawn firms (检查人员随机匹配), ``zhijian-assign/1``.

Pure functions on a JSON-shaped snapshot of the inputs, so that a stored snapshot re-runs to the same
teams (``zhijian inspections verify``). The rules, never broken:

- an inspector is only matched to a firm of her own county-level unit (a city-level inspector, to
  any firm of a task her department takes part in: the snapshot lists only those);
- never an inspector who declared a conflict with the firm, nor one on the team of the firm's
  previous check (the snapshot carries both as per-firm exclusions);
- only inspectors whose specialties meet the task's items, and the team together covers them all;
- teams have at least ``team_size`` members (行政处罚法 Art 42: at least two);
- workload stays balanced: among eligible inspectors the least loaded go first, ties broken by a
  key SHA-256(seed ‖ USCC ‖ "|" ‖ certificate number), so the order is random yet reproducible.

A firm for which no lawful team exists is left unassigned with the reason, never given a partial team.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

FORMAT = "zhijian-assign/1"

REASON_TOO_FEW = "too_few"
REASON_UNCOVERED = "uncovered"
REASONS = {
    REASON_TOO_FEW: "符合回避、辖区和资格要求的检查人员不足，无法组成检查组",
    REASON_UNCOVERED: "符合条件的检查人员不具备本次抽查事项所需的全部执法资格",
}


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def inputs_digest(inputs: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(inputs)).hexdigest()


def assignment_seed(inputs: Mapping[str, Any]) -> bytes:
    """SHA-256 of ``FORMAT \\n inputs digest \\n draw seed``: fixed once the draw's seed is known."""
    text = f"{FORMAT}\n{inputs_digest(inputs)}\n{inputs['draw_seed']}"
    return hashlib.sha256(text.encode("utf-8")).digest()


def _eligible(inspector: Mapping[str, Any], firm: Mapping[str, Any], required: set[str]) -> bool:
    if inspector["district"] not in ("", firm["district"]):
        return False
    if inspector["id"] in firm.get("exclude", {}):
        return False
    return bool(required & set(inspector["specialties"]))


def assign(inputs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Teams for the firms of ``inputs`` in their order: ``{"uscc", "team": [ids], "reason"}``.

    ``inputs``: ``team_size``; ``required`` (specialties the items need); ``inspectors`` (``id``,
    ``district`` code or "" for city level, ``specialties``, ``load`` = open visits already held);
    ``firms`` in draw order (``uscc``, ``district``, ``exclude``: id → reason); ``draw_seed``.
    The first member of a team leads it (检查组组长).
    """
    seed = assignment_seed(inputs)
    required = set(inputs["required"])
    team_size = int(inputs["team_size"])
    if team_size < 2:
        raise ValueError("a team has at least two members")
    inspectors = {i["id"]: i for i in inputs["inspectors"]}
    load = {i["id"]: int(i.get("load", 0)) for i in inputs["inspectors"]}
    results = []
    for firm in inputs["firms"]:
        uscc = firm["uscc"]

        def key(inspector_id: str, uscc: str = uscc) -> tuple[int, bytes]:
            digest = hashlib.sha256(seed + f"{uscc}|{inspector_id}".encode()).digest()
            return load[inspector_id], digest

        candidates = sorted((i for i, data in inspectors.items() if _eligible(data, firm, required)), key=key)
        team: list[str] = []
        uncovered = set(required)
        reason = ""
        while uncovered:
            pick = next(
                (c for c in candidates if c not in team and uncovered & set(inspectors[c]["specialties"])),
                None,
            )
            if pick is None:
                reason = REASON_UNCOVERED
                break
            team.append(pick)
            uncovered -= set(inspectors[pick]["specialties"])
        while not reason and len(team) < team_size:
            pick = next((c for c in candidates if c not in team), None)
            if pick is None:
                reason = REASON_TOO_FEW
                break
            team.append(pick)
        if reason:
            results.append({"uscc": uscc, "team": [], "reason": reason})
            continue
        for member in team:
            load[member] += 1
        results.append({"uscc": uscc, "team": team, "reason": ""})
    return results


def result_digest(results: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical_json(results)).hexdigest()

"""The seed texts for the catalogue tests: the originals under ZHIJIAN_SEEDS (default
/work/shared/seeds), or the checked-in excerpts under tests/indicators/fixtures (verbatim copies
of the passages the catalogue comes from), so that the comparison runs in CI too."""

from __future__ import annotations

import os
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = Path(os.environ.get("ZHIJIAN_SEEDS", "/work/shared/seeds"))
FILES = {
    "001": ("001_e3b0349b55397175.txt", "seed001_tables.txt"),
    "000": ("000_548e7954a3e04830.txt", "seed000_excerpt.txt"),
    "002": ("002_7265592ea3672565.txt", "seed002_excerpt.txt"),
    "004": ("004_9c1f459576c3ccbf.txt", "seed004.txt"),
}


def seeds_present() -> bool:
    return all((SEEDS / original).exists() for original, _ in FILES.values())


def text(seed: str, origin: str) -> str:
    original, fixture = FILES[seed]
    path = SEEDS / original if origin == "seeds" else FIXTURES / fixture
    return path.read_text(encoding="utf-8")


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", value)


def table_1_1(source: str) -> dict[str, str]:
    """表1-1: row number → the row's text after the number (continuation lines joined)."""
    lines = source[source.index("表1-1") :].splitlines()[3:]
    rows: dict[str, str] = {}
    current = None
    for line in lines:
        if line.startswith(("說明", "表2-1")):
            break
        if not line.strip():
            continue
        match = re.match(r"^(\d+) (.*)$", line)
        if match:
            current = match.group(1)
            rows[current] = match.group(2)
        elif current is not None:
            rows[current] += " " + line
    return rows


def table_2_1(source: str) -> dict[str, tuple[str, str]]:
    """表2-1: row number → (level-1 group, the row's text after the number)."""
    lines = source[source.index("表2-1") :].splitlines()[3:]
    rows: dict[str, tuple[str, str]] = {}
    fragments: list[str] = []
    group = ""
    for line in lines:
        if line.startswith("第三章"):
            break
        match = re.match(r"^\s*([^\d\s]*)\s*(\d+) (.*)$", line)
        if not match:
            continue
        fragment, number, rest = match.groups()
        if fragment:
            fragments.append(fragment)
            if len(fragments) % 2 == 0:  # a group's name is split over its first two rows
                group = fragments[-2] + fragments[-1]
                previous = str(int(number) - 1)
                rows[previous] = (group, rows[previous][1])
            else:
                group = fragment
        rows[number] = (group, rest)
    return rows


def goal_clauses(source: str, year: int) -> list[str]:
    """The clauses of every sentence opening "到{year}年," that state a number (the “246” cluster
    name and the year itself are not numbers of a target)."""
    clauses: list[str] = []
    for match in re.finditer(rf"到\s*{year}\s*年[,，]", source):
        end = source.find("。", match.end())
        for clause in re.split(r"[,，;；]", source[match.end() : end]):
            clause = clause.strip()
            if re.search(r"\d", clause.replace("“246”", "")) and clause not in clauses:
                clauses.append(clause)
    return clauses


def section(source: str, start: str, end: str) -> str:
    at = source.index(start)
    return source[at : source.index(end, at)]


def campaign_clauses(source: str) -> list[str]:
    """The numeric clauses of seed 002's 工作目标."""
    body = section(source, "1、 工作目标", "2、 具体任务").split("\n", 1)[1]
    clauses = []
    for clause in re.split(r"[,，;；。\n]", body):
        clause = clause.strip().lstrip("—")
        bare = re.sub(r"到\s*2022\s*年", "", clause.replace("“246”", ""))
        if re.search(r"\d", bare) and clause not in clauses:
            clauses.append(clause)
    return clauses


def annex_1(source: str) -> dict[str, int]:
    """附件1 of seed 002: district label → enterprises to enrol in 2020 (全市 the total)."""
    body = section(source, "附件1：", "附件2：")
    cells = [c.strip() for c in body.splitlines() if c.strip()]
    cells = cells[cells.index("企业数") + 1 :]
    return {cells[i]: int(cells[i + 1]) for i in range(0, len(cells) - 1, 2)}

"""The catalogue equals the seed tables, row by row (seed 001 表1-1 and 表2-1, the goals of seeds 000,
002 and 004, seed 002 附件1), on the original seeds when present and on the checked-in excerpts."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

import pytest

from tests.indicators import seeds
from zhijian.indicators.catalogue import (
    add_version,
    catalogue_rows,
    current_indicators,
    load_catalogue,
    parse_task_table,
    read_csv,
)
from zhijian.indicators.models import DistrictTarget, Indicator, PlanTask

ORIGINS = [
    "fixture",
    pytest.param(
        "seeds",
        marks=pytest.mark.skipif(
            not seeds.seeds_present(),
            reason=f"NOTICE: seed texts absent at {seeds.SEEDS}; the fixture copy is compared",
        ),
    ),
]


def rows_of(table: str) -> list[dict]:
    return [r for r in catalogue_rows()["s001"] if r["table"] == table]


def number_in(text: str, value: Decimal) -> bool:
    return any(Decimal(n) == value for n in re.findall(r"-?\d+(?:\.\d+)?", text.replace(" ", "")))


@pytest.mark.parametrize("origin", ORIGINS)
def test_table_1_1_row_by_row(origin):
    seed = seeds.table_1_1(seeds.text("001", origin))
    assert sorted(seed, key=int) == [str(n) for n in range(1, 34)]
    by_row = defaultdict(list)
    for row in rows_of("表1-1"):
        by_row[row["row"]].append(row)
    assert sorted(by_row, key=int) == sorted(seed, key=int)
    for number, parts in by_row.items():
        first, *others = parts
        rebuilt = first["source_text"] + first["target_text"] + first["actual_text"] + first["evaluation"]
        rebuilt += "".join(p["target_text"] + p["actual_text"] for p in others) + first["note"]
        assert seeds.squeeze(rebuilt) == seeds.squeeze(seed[number]), f"表1-1 row {number}"
        for part in parts:
            assert part["target_year"] == 2020
            if part["target_value"] is not None:
                assert number_in(part["target_text"], part["target_value"]), part["code"]
            if part["actual_value"] is not None:
                assert number_in(part["actual_text"], part["actual_value"]), part["code"]
            unit = re.search(r"\(([^()]*)\)$", part["source_text"])
            assert part["unit"] == (
                unit.group(1).replace("項", "项").replace("個", "个").replace("億", "亿") if unit else ""
            )


@pytest.mark.parametrize("origin", ORIGINS)
def test_table_2_1_row_by_row(origin):
    seed = seeds.table_2_1(seeds.text("001", origin))
    assert sorted(seed, key=int) == [str(n) for n in range(1, 32)]
    rows = rows_of("表2-1")
    assert [r["row"] for r in rows] == [str(n) for n in range(1, 32)]
    source_groups = {r["code"]: r for r in read_csv("seed001_table_2_1.csv")}
    for row in rows:
        group, text = seed[row["row"]]
        assert source_groups[row["code"]]["source_group"] == group, row["code"]
        attribute = {"约束性": "約束性", "预期性": "預期性"}[row["attribute"]]
        rebuilt = row["source_text"] + row["baseline_text"] + row["target_text"] + attribute
        assert seeds.squeeze(rebuilt) == seeds.squeeze(text), f"表2-1 row {row['row']}"
        assert (row["baseline_year"], row["target_year"]) == (2020, 2025)
        assert number_in(row["target_text"], row["target_value"])
        if row["baseline_value"] is not None:
            assert number_in(row["baseline_text"], row["baseline_value"])
        assert row["bound"] == (
            "以内" if "以內" in row["target_text"] else "以上" if "以上" in row["target_text"] else ""
        )
        assert row["direction"] == ("down" if row["bound"] == "以内" else "up")


def _goals(seed: str) -> list[dict]:
    return [r for r in catalogue_rows()["s" + seed] if r["table"] == "目标"]


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize(("seed", "year"), [("000", 2022), ("004", 2025)])
def test_plan_goals_sentence_by_sentence(origin, seed, year):
    text = seeds.text(seed, origin)
    if seed == "000":
        text = seeds.section(text, "二、总体目标", "三、主要任务")
    clauses = seeds.goal_clauses(text, year)
    goals = _goals(seed)
    qualitative = {"“246”产业产品质量水平名列全省前茅"}
    assert [c for c in clauses if c not in qualitative] == list(
        dict.fromkeys(g["source_text"] for g in goals)
    )
    for goal in goals:
        assert goal["target_year"] == year
        assert number_in(goal["source_text"], goal["target_value"]), goal["code"]
        if goal["bound"]:
            assert goal["bound"] in goal["source_text"], goal["code"]


@pytest.mark.parametrize("origin", ORIGINS)
def test_campaign_goals_and_district_quotas(origin):
    text = seeds.text("002", origin)
    goals = _goals("002")
    assert seeds.campaign_clauses(text) == list(dict.fromkeys(g["source_text"] for g in goals))
    for goal in goals:
        assert number_in(goal["source_text"], goal["target_value"]), goal["code"]
    quotas = seeds.annex_1(text)
    transcribed = read_csv("seed002_annex1.csv")
    assert [r["source_label"] for r in transcribed] + ["全市"] == list(quotas)
    for row in transcribed:
        assert int(row["target_value"]) == quotas[row["source_label"]]
    total = next(r for r in catalogue_rows()["s002"] if r["code"] == "s002.a1")
    assert total["target_value"] == quotas["全市"] == sum(int(r["target_value"]) for r in transcribed)


@pytest.mark.parametrize("origin", ORIGINS)
def test_task_table_transcription(origin):
    text = seeds.text("000", origin)
    rows = parse_task_table(text)
    with open(
        seeds.FIXTURES.parent.parent.parent / "src/zhijian/indicators/data/seed000_tasks.tsv",
        encoding="utf-8",
    ) as handle:
        lines = handle.read().splitlines()
    assert len(lines) - 1 == len(rows) == 42
    assert sorted({r["number"] for r in rows}, key=int) == [str(n) for n in range(1, 9)]
    for line, row in zip(lines[1:], rows, strict=True):
        assert line.split("\t") == [
            row["number"],
            row["major_task"],
            row["measure"],
            row["content"],
            row["responsible"],
        ]


@pytest.mark.django_db
def test_loaded_catalogue_and_a_revision_adds_a_version(city):
    created = load_catalogue()
    assert created == sum(len(v) for v in catalogue_rows().values()) == 34 + 31 + 66
    assert load_catalogue() == 0  # idempotent
    first = Indicator.objects.get(code="s001.t21.r23", version__number=1)
    assert (first.baseline_value, first.target_value, first.attribute, first.unit) == (
        Decimal("4.5"),
        Decimal("6"),
        "约束性",
        "批次/千人",
    )
    assert first.department.name == "食品协调处"
    assert DistrictTarget.objects.filter(indicator__code="s002.a1").count() == 15
    assert PlanTask.objects.count() == 42
    assert (
        PlanTask.objects.get(content__startswith="建设宁波市食品安全风险分析预警平台").departments.count()
        == 3
    )

    revised = [
        dict(r, target_value=Decimal("6.5"), target_text="6.5") if r["code"] == "s001.t21.r23" else r
        for r in catalogue_rows()["s001"]
    ]
    version = add_version(
        "s001", revised, adopted_on=dt.date(2023, 6, 30), source="中期评估调整", note="抽检监测数目标调至6.5"
    )
    assert version.number == 2
    first.refresh_from_db()
    assert first.target_value == Decimal("6")  # history is never rewritten
    now = {i.code: i for i in current_indicators(dt.date(2024, 1, 1))}
    before = {i.code: i for i in current_indicators(dt.date(2022, 1, 1))}
    assert now["s001.t21.r23"].target_value == Decimal("6.5")
    assert before["s001.t21.r23"].target_value == Decimal("6")

"""The indicator catalogue as data (指标目录): the seed tables transcribed into CSV, loaded as versions.

``data/seed001_table_1_1.csv`` (表1-1, 33 rows, row 2 in two parts), ``data/seed001_table_2_1.csv``
(表2-1, 31 rows), ``data/plan_goals.csv`` (the 2022 goals of seed 000's 总体目标, the 2025 goals of
seed 004, the 2022 goals and 附件1 total of seed 002) and ``data/seed002_annex1.csv`` (the per-district
quotas of seed 002 附件1) are loaded by :func:`load_catalogue` as version 1 of each plan. A plan
revision is loaded with :func:`add_version`: a new :class:`PlanVersion` with its own rows; old rows
stay as they were. :func:`current_indicators` answers the catalogue in force on a date.

The task-decomposition table of seed 000 (附件) is ``data/seed000_tasks.tsv``; :func:`parse_task_table`
reads the seed text itself, which the tests use to check the transcription.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Max

from zhijian.core.models import Department, Jurisdiction

from .models import DistrictTarget, Indicator, PlanTask, PlanVersion

DATA = Path(__file__).resolve().parent / "data"

PLANS = {
    "s000": {
        "title": "助推制造业高质量发展三年攻坚行动方案（2020—2022年）",
        "adopted_on": dt.date(2020, 4, 7),
        "source": "甬市监质〔2020〕99号（seed 000）",
    },
    "s001": {
        "title": "宁波市市场监管“十四五”规划",
        "adopted_on": dt.date(2021, 8, 3),
        "source": "宁波市市场监管局发布（seed 001，2021-08-03）",
    },
    "s002": {
        "title": "百城千业万企对标达标提升专项行动实施方案",
        "adopted_on": dt.date(2020, 5, 20),
        "source": "seed 002（2020）",
    },
    "s004": {
        "title": "关于推进“质优宁波”建设的实施意见",
        "adopted_on": dt.date(2023, 1, 16),
        "source": "甬政办发〔2023〕1号（seed 004）",
    },
}
ATTRIBUTES = {"約束性": "约束性", "預期性": "预期性"}
BOUNDS = {"以內": "以内"}


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def catalogue_rows() -> dict[str, list[dict]]:
    """Every catalogue row of version 1, per plan, as model field values (department as a code)."""
    plans: dict[str, list[dict]] = {plan: [] for plan in PLANS}
    for r in read_csv("seed001_table_1_1.csv"):
        plans["s001"].append(
            {
                "code": r["code"],
                "name": r["name"],
                "source_text": r["source_name"],
                "unit": r["unit"],
                "group": r["group"],
                "seed": "001",
                "table": "表1-1",
                "row": r["row"],
                "part": r["part"],
                "baseline_year": None,
                "baseline_text": "",
                "baseline_value": None,
                "target_year": int(r["target_year"]),
                "target_text": r["target_text"],
                "target_value": _decimal(r["target_value"]),
                "bound": r["bound"],
                "direction": r["direction"],
                "attribute": "",
                "actual_text": r["actual_text"],
                "actual_value": _decimal(r["actual_value"]),
                "evaluation": r["evaluation"],
                "note": r["note"],
                "department": r["department"],
                "computed_by": "",
            }
        )
    for r in read_csv("seed001_table_2_1.csv"):
        plans["s001"].append(
            {
                "code": r["code"],
                "name": r["name"],
                "source_text": r["source_name"],
                "unit": r["unit"],
                "group": r["group"],
                "seed": "001",
                "table": "表2-1",
                "row": r["row"],
                "part": "",
                "baseline_year": _int(r["baseline_year"]),
                "baseline_text": r["baseline_text"],
                "baseline_value": _decimal(r["baseline_value"]),
                "target_year": int(r["target_year"]),
                "target_text": r["target_text"],
                "target_value": _decimal(r["target_value"]),
                "bound": BOUNDS.get(r["bound"], r["bound"]),
                "direction": r["direction"],
                "attribute": ATTRIBUTES[r["attribute"]],
                "actual_text": "",
                "actual_value": None,
                "evaluation": "",
                "note": "",
                "department": r["department"],
                "computed_by": r["computed"],
            }
        )
    for r in read_csv("plan_goals.csv"):
        annex = r["clause"].startswith("附件")
        plans["s" + r["seed"]].append(
            {
                "code": r["code"],
                "name": r["name"],
                "source_text": r["quote"],
                "unit": r["unit"],
                "group": r["group"],
                "seed": r["seed"],
                "table": r["clause"] if annex else "目标",
                "row": "合计" if annex else r["clause"],
                "part": r["code"][-1] if r["code"][-1] in "ab" else "",
                "baseline_year": None,
                "baseline_text": "",
                "baseline_value": None,
                "target_year": int(r["target_year"]),
                "target_text": r["quote"],
                "target_value": _decimal(r["target_value"]),
                "bound": r["bound"],
                "direction": r["direction"],
                "attribute": "",
                "actual_text": "",
                "actual_value": None,
                "evaluation": "",
                "note": "",
                "department": r["department"],
                "computed_by": r["computed"],
            }
        )
    return plans


def _save_rows(version: PlanVersion, rows: Iterable[dict]) -> int:
    departments = {d.code: d for d in Department.objects.all()}
    made = []
    for order, row in enumerate(rows):
        fields = dict(row)
        fields["department"] = departments.get(fields.pop("department") or "")
        made.append(Indicator(version=version, sort_order=order, **fields))
    Indicator.objects.bulk_create(made)
    return len(made)


@transaction.atomic
def load_catalogue() -> int:
    """Load version 1 of every seed plan (idempotent: a plan that has a version is left alone)."""
    created = 0
    for plan, rows in catalogue_rows().items():
        if PlanVersion.objects.filter(plan=plan).exists():
            continue
        version = PlanVersion.objects.create(plan=plan, number=1, **PLANS[plan])
        created += _save_rows(version, rows)
        if plan == "s002":
            _load_district_targets(version)
        if plan == "s000":
            load_tasks(version)
    return created


def _load_district_targets(version: PlanVersion) -> None:
    places = {j.code: j for j in Jurisdiction.objects.all()}
    indicators = {i.code: i for i in version.indicators.all()}
    DistrictTarget.objects.bulk_create(
        DistrictTarget(
            indicator=indicators[r["indicator"]],
            jurisdiction=places[r["jurisdiction"]],
            target_value=Decimal(r["target_value"]),
            source_label=r["source_label"],
        )
        for r in read_csv("seed002_annex1.csv")
        if r["jurisdiction"] in places
    )


@transaction.atomic
def add_version(plan: str, rows: list[dict], *, adopted_on: dt.date, source: str, note: str) -> PlanVersion:
    """A plan revision: a new version with ``rows`` (as :func:`catalogue_rows` gives them)."""
    last = PlanVersion.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0
    base = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    version = PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        title=base.title if base else plan,
        adopted_on=adopted_on,
        source=source,
        note=note,
    )
    _save_rows(version, rows)
    return version


def current_versions(on: dt.date | None = None) -> list[PlanVersion]:
    """The version of each plan in force on ``on`` (the newest adopted by then; every plan's newest
    when ``on`` is None)."""
    chosen: dict[str, PlanVersion] = {}
    for version in PlanVersion.objects.order_by("plan", "number"):
        if on is None or version.adopted_on <= on or version.plan not in chosen:
            chosen[version.plan] = version
    return list(chosen.values())


def current_indicators(on: dt.date | None = None):
    return (
        Indicator.objects.filter(version__in=current_versions(on))
        .select_related("version", "department")
        .order_by("version__plan", "sort_order")
    )


# --- the task-decomposition table of seed 000 ------------------------------------------------------------

TASK_HEADER = "序号\t主要任务\t重要举措\t工作内容\t责任处室"


def parse_task_table(text: str) -> list[dict[str, str]]:
    """The rows of seed 000's 附件 (主要工作任务分解表): number, major task, measure, content, 处室.

    The table is tab-separated; a row's empty leading cells continue the previous major task and
    measure; the header repeats on each page; a few rows lost their leading tabs (a content cell
    opens the line): they are one cell of content and one of 处室.
    """
    start = text.index("主要工作任务分解表")
    end = text.index("抄送", start)
    rows: list[dict[str, str]] = []
    number, major, measure = "", "", ""
    for line in text[start:end].splitlines()[1:]:
        if not line.strip() or line.startswith("序号"):
            continue
        cells = line.split("\t")
        if cells[0] == "" or cells[0].isdigit():
            cells += [""] * (5 - len(cells))
            number = cells[0] or number
            major = cells[1] or major
            measure = cells[2] or measure
            content, responsible = cells[3], cells[4]
        else:
            content, responsible = cells[0], cells[1] if len(cells) > 1 else ""
        content = re.sub(r"</?p>", "", content).strip()
        responsible = re.sub(r"</?p>", "", responsible)
        rows.append(
            {
                "number": number,
                "major_task": major,
                "measure": measure,
                "content": re.sub(r"\s+", " ", content),
                "responsible": responsible.strip(),
            }
        )
    return rows


# 处室 names of the seed that the city's department list calls otherwise (or has not).
DEPARTMENT_ALIASES = {
    "知识产权保护中心": "ip_protection",
    "价监竞争分局": "enforcement",
    "消保分局": "consumer",
}


def departments_of(responsible: str) -> list[Department]:
    by_name = {d.name: d for d in Department.objects.all()}
    by_code = {d.code: d for d in by_name.values()}
    found = []
    for name in responsible.split():
        department = by_name.get(name) or by_code.get(DEPARTMENT_ALIASES.get(name, ""))
        if department and department not in found:
            found.append(department)
    return found


def load_tasks(version: PlanVersion) -> int:
    with open(DATA / "seed000_tasks.tsv", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = list(reader)
    for order, row in enumerate(rows):
        task = PlanTask.objects.create(
            version=version,
            number=int(row["number"]),
            major_task=row["major_task"],
            measure=row["measure"],
            content=row["content"],
            responsible=row["responsible"],
            sort_order=order,
        )
        task.departments.set(departments_of(row["responsible"]))
    return len(rows)

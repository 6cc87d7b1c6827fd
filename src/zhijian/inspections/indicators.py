"""Plan indicators computed from 双随机、一公开 (see :class:`zhijian.core.hooks.IndicatorSource`).

Both count the tasks *drawn* (a draw in status 已抽取) whose start date falls in the period, per the
task's jurisdiction — the same cohort as :func:`zhijian.inspections.queries.cockpit_figures`:

- 双随机监管(抽查)事项占比 (seed 001 表2-1 row 2, %): distinct active catalogue items carried out by
  such a task ÷ active items of the catalogue (one city-wide denominator); the city's figure counts
  an item once however many units carried it out;
- “双随机、一公开”信用应用率 (row 3, %): such tasks over market entities whose ratios differ between
  credit classes A–D ÷ such tasks over market entities (a task over special-equipment user units
  stratifies by key/normal units, not by credit class, and is left out of this ratio). Ratios are stored canonical (``algorithm.canonical_ratio``), so equal ratios are equal
  texts; the expression reads them from the JSON as text (PostgreSQL writes jsonb with ", " and ": "
  and keys of one letter in order, as Django writes JSON on SQLite).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import ibis
from django.urls import reverse

from zhijian.core.analytics import source
from zhijian.core.hooks import IndicatorSource

from .models import CheckItem, Draw, ObjectKind, Task

CREDIT_CLASSES = ("A", "B", "C", "D")


def _task_table():
    """The task table with its ratios (a JSON column, read as text); one schema for every
    expression here, since an engine outside the database registers a table once by its name."""
    return ibis.table(
        {
            "id": "int64",
            "jurisdiction_id": "int64",
            "starts_on": "date",
            "ratios": "json",
            "object_kind": "string",
        },
        name=Task._meta.db_table,
    )


def _drawn_tasks(start: dt.date, end: dt.date, district_id: int | None):
    task = _task_table()
    draw = source(Draw, ["task", "status"])
    drawn = draw.filter(draw.status == Draw.Status.DRAWN).select(drawn_task=draw.task_id).distinct()
    tasks = task.filter(task.starts_on >= start, task.starts_on <= end)
    if district_id is not None:
        tasks = tasks.filter(tasks.jurisdiction_id == district_id)
    return tasks.semi_join(drawn, tasks.id == drawn.drawn_task)


def double_random_share(start: dt.date, end: dt.date, district_id: int | None = None):
    tasks = _drawn_tasks(start, end, district_id)
    through = Task.items.through
    link = source(through, ["task", "checkitem"])
    item = source(CheckItem, ["id", "active"])
    active = item.filter(item.active)
    used = link.join(tasks, link.task_id == tasks.id).join(active, link.checkitem_id == active.id)
    per_district = used.group_by(district_id=used.jurisdiction_id).aggregate(
        numerator=used.checkitem_id.nunique().cast("int64")
    )
    catalogue = active.aggregate(denominator=active.count().cast("int64"))
    rows = per_district.cross_join(catalogue).select("district_id", "numerator", "denominator")
    if district_id is not None:
        return rows
    # The city's figure counts an item once however many units carried it out.
    city = used.aggregate(numerator=used.checkitem_id.nunique().cast("int64"))
    city = city.cross_join(catalogue).select(
        district_id=ibis.null().cast("int64"), numerator="numerator", denominator="denominator"
    )
    return rows.union(city)


def _ratio(text, stratum: str):
    key = f'"{stratum}": "'
    rest = text.substr(text.find(key) + len(key))
    return rest.substr(0, rest.find('"'))


def credit_application_rate(start: dt.date, end: dt.date, district_id: int | None = None):
    tasks = _drawn_tasks(start, end, district_id)
    # Only tasks over market entities can apply the credit classes; a task over special-equipment user
    # units stratifies by the equipment app's key/normal units instead and is outside this ratio.
    tasks = tasks.filter(tasks.object_kind == ObjectKind.ENTITIES.value)
    text = tasks.ratios.cast("string")
    first = _ratio(text, CREDIT_CLASSES[0])
    differs = ibis.or_(*[_ratio(text, s) != first for s in CREDIT_CLASSES[1:]])
    flagged = tasks.mutate(applies=differs.ifelse(1, 0).cast("int64"))
    return flagged.group_by(district_id=flagged.jurisdiction_id).aggregate(
        numerator=flagged.applies.sum().cast("int64"), denominator=flagged.count().cast("int64")
    )


def records_url(start: dt.date, end: dt.date, district_id: int | None = None) -> str:
    return reverse("inspections:home") + f"?year={end.year}"


def definitions() -> list[IndicatorSource]:
    return [
        IndicatorSource(
            code="s001.t21.r02",
            app="inspections",
            compute=double_random_share,
            records_url=records_url,
            note="期内开始且已抽取的任务所含有效抽查事项数 ÷ 抽查事项清单有效事项数",
            scale=Decimal(100),
            city_denominator="same",
        ),
        IndicatorSource(
            code="s001.t21.r03",
            app="inspections",
            compute=credit_application_rate,
            records_url=records_url,
            note="期内开始且已抽取的任务中按信用类别差异化设定抽查比例的任务数 ÷ 任务数",
            scale=Decimal(100),
        ),
    ]

"""Credit scoring as analytics-layer expressions (core.analytics): one definition, every engine.

:func:`classification` turns the register, the credit records and the list entries into one row per
live entity: total risk points, class and the three main factors. It runs on the application database
(batch and per entity) and unchanged on Spark. Points are integers throughout (1/10000 of a point
inside, hundredths in the output) so that every engine classes every entity identically.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from zhijian.core.analytics import source
from zhijian.registry.models import Entity

from .models import CreditRecord, ListEntry
from .periods import add_months
from .spec import indicators

LIVE_STATUSES = ("active", "suspended")
SCALE = 10_000  # internal points per risk point: points × recency percent × group weight percent
OUTPUT_COLUMNS = (
    "entity_id",
    "score_h",
    "credit_class",
    "factor_1",
    "factor_1_h",
    "factor_2",
    "factor_2_h",
    "factor_3",
    "factor_3_h",
)


def sources() -> dict[str, ir.Table]:
    """The tables scoring reads, with only the columns it needs (what Spark gets exported)."""
    return {
        "entity": source(Entity, ["id", "jurisdiction", "established_on", "status", "industry_code"]),
        "record": source(
            CreditRecord, ["entity", "kind", "severity", "occurred_on", "withdrawn_on", "repaired_on"]
        ),
        "entry": source(ListEntry, ["entity", "list", "status", "entered_on", "removed_on"]),
    }


def _cases(pairs, default):
    pairs = list(pairs)
    if not pairs:
        return ibis.literal(default)
    return ibis.cases(*pairs, else_=default)


def indicator_points(spec: dict, as_of: dt.date, src: dict[str, ir.Table], entity_id=None) -> ir.Table:
    """One row per (entity, indicator) that applies: ``points`` in 1/10000 of a risk point.

    ``entity_id`` (an Ibis integer, e.g. a :func:`core.analytics.parameter`) narrows to one entity.
    """
    entity, record, entry = src["entity"], src["record"], src["entry"]
    population = entity.filter(entity.status.isin(LIVE_STATUSES))
    if entity_id is not None:
        population = population.filter(population.id == entity_id)
        record = record.filter(record.entity_id == entity_id)
        entry = entry.filter(entry.entity_id == entity_id)
    windows = spec["recency"]
    oldest = add_months(as_of, -windows[-1]["months"])
    weight = {ind["code"]: group["weight"] for group, ind in indicators(spec)}
    parts: list[ir.Table] = []

    def weighted(table: ir.Table, raw: ir.IntegerValue) -> ir.Table:
        return table.select(
            entity_id=table.entity_id.cast("int64"),
            indicator=table.indicator.cast("string"),
            points=raw.cast("int64"),
        )

    by_record = [ind for _, ind in indicators(spec) if ind["source"] == "record"]
    if by_record:
        rec = record.filter(
            record.withdrawn_on.isnull(),
            record.repaired_on.isnull(),
            record.occurred_on <= as_of,
            record.occurred_on > oldest,
        )
        conditions = [
            ((rec.kind == ind["kind"]) & rec.severity.isin(ind["severities"]), ind) for ind in by_record
        ]
        recency = _cases(
            ((rec.occurred_on > add_months(as_of, -w["months"]), w["percent"]) for w in windows), 0
        )
        rec = rec.mutate(
            indicator=_cases(((cond, ind["code"]) for cond, ind in conditions), None).cast("string"),
            raw=_cases(((cond, ind["points"]) for cond, ind in conditions), 0) * recency,
        ).filter(lambda t: t.indicator.notnull())
        summed = rec.group_by(["entity_id", "indicator"]).aggregate(raw=rec.raw.sum())
        capped = _cases(
            (
                (
                    summed.indicator == ind["code"],
                    ibis.greatest(summed.raw, ind["cap"] * 100)
                    if ind["points"] < 0
                    else ibis.least(summed.raw, ind["cap"] * 100),
                )
                for ind in by_record
                if "cap" in ind
            ),
            summed.raw,
        )
        factor = _cases(((summed.indicator == ind["code"], weight[ind["code"]]) for ind in by_record), 0)
        parts.append(weighted(summed, capped * factor))

    by_list = [ind for _, ind in indicators(spec) if ind["source"] == "list"]
    if by_list:
        listed = entry.filter(
            entry.status.isin(["in_force", "removed"]),
            entry.entered_on <= as_of,
            entry.removed_on.isnull() | (entry.removed_on > as_of),
            entry.list.isin([ind["list"] for ind in by_list]),
        )
        listed = listed.mutate(
            indicator=_cases(((listed.list == ind["list"], ind["code"]) for ind in by_list), None).cast(
                "string"
            )
        )
        once = listed.group_by(["entity_id", "indicator"]).aggregate(n=listed.count())
        points = _cases(
            ((once.indicator == ind["code"], ind["points"] * 100 * weight[ind["code"]]) for ind in by_list), 0
        )
        parts.append(weighted(once, points))

    for ind in (i for _, i in indicators(spec) if i["source"] in ("age", "industry")):
        if ind["source"] == "age":
            newest = add_months(as_of, -ind.get("min_months", 0))
            matched = population.filter(
                population.established_on > add_months(as_of, -ind["max_months"]),
                population.established_on <= newest,
            )
        else:
            matched = population.filter(population.industry_code.substr(0, 3).isin(ind["prefixes"]))
        matched = matched.select(entity_id=matched.id, indicator=ibis.literal(ind["code"]))
        parts.append(weighted(matched, ibis.literal(ind["points"] * 100 * weight[ind["code"]])))

    if not parts:
        raise ValueError("the model has no indicators")
    combined = parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)
    return combined.filter(combined.points != 0)


def classification(
    spec: dict, as_of: dt.date, src: dict[str, ir.Table] | None = None, entity_id=None
) -> ir.Table:
    """One row per live entity (or the one ``entity_id``): score, class and main factors.

    Columns: ``entity_id``, ``score_h`` (hundredths of a point), ``credit_class``, and ``factor_n`` /
    ``factor_n_h`` for the three indicators that weigh most (by absolute points; ties by code).
    """
    src = src or sources()
    points = indicator_points(spec, as_of, src, entity_id)
    ranked = points.mutate(
        rank=ibis.row_number().over(
            group_by=points.entity_id, order_by=[ibis.desc(points.points.abs()), points.indicator]
        )
    )
    per_entity = ranked.group_by("entity_id").aggregate(
        total=ranked.points.sum(),
        **{
            name: value
            for n in range(3)
            for name, value in (
                (f"factor_{n + 1}", ranked.indicator.max(where=ranked.rank == n)),
                (f"factor_{n + 1}_p", ranked.points.max(where=ranked.rank == n)),
            )
        },
    )
    entity = src["entity"]
    population = entity.filter(entity.status.isin(LIVE_STATUSES))
    if entity_id is not None:
        population = population.filter(population.id == entity_id)
    joined = population.left_join(per_entity, population.id == per_entity.entity_id)
    top = spec["max_score"] * SCALE
    total = ibis.least(ibis.greatest(ibis.coalesce(joined.total, 0), 0), top)
    scored = joined.select(
        entity_id=joined.id,
        total=total,
        factor_1=joined.factor_1,
        factor_1_p=joined.factor_1_p,
        factor_2=joined.factor_2,
        factor_2_p=joined.factor_2_p,
        factor_3=joined.factor_3,
        factor_3_p=joined.factor_3_p,
    )
    thresholds = spec["thresholds"]
    credit_class = ibis.cases(
        (scored.total >= thresholds["D"] * SCALE, "D"),
        (scored.total >= thresholds["C"] * SCALE, "C"),
        (scored.total >= thresholds["B"] * SCALE, "B"),
        else_="A",
    )
    hundredths = SCALE // 100
    return scored.select(
        entity_id=scored.entity_id,
        score_h=(scored.total // hundredths).cast("int64"),
        credit_class=credit_class,
        factor_1=scored.factor_1,
        factor_1_h=(scored.factor_1_p // hundredths).cast("int64"),
        factor_2=scored.factor_2,
        factor_2_h=(scored.factor_2_p // hundredths).cast("int64"),
        factor_3=scored.factor_3,
        factor_3_h=(scored.factor_3_p // hundredths).cast("int64"),
    )

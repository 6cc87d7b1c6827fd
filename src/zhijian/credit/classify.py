"""Classification write-back: the whole population set-based, or one entity within milliseconds.

The batch (:func:`rescore_all`) computes :func:`analytics.classification` on the database (or on
Spark) into a temporary table and merges it with ``INSERT … SELECT``: history rows for entities whose
result changed, an upsert of their standing, ``credit.class_changed`` events, one audit entry for the
run. :func:`reclassify_entity` runs the same expression, prepared once, for one entity.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from zhijian.core import audit, events
from zhijian.core.analytics import (
    Prepared,
    as_decimal_hundredths,
    batch_memory,
    drop_temp_table,
    materialize,
    parameter,
)

from . import analytics
from .models import Classification, CreditStanding, ScoringModel, ScoringRun

Stage = Callable[[str, int, int], None]  # (label, done, total)
SCORES = "credit_batch_scores"
CHANGED = "credit_batch_changed"
ENGINES = ("db", "spark")


class ClassificationError(RuntimeError):
    """A classification that cannot run; the message is for the operator, in Chinese."""


def active_model() -> ScoringModel:
    model = ScoringModel.objects.filter(active=True).first()
    if model is None:
        raise ClassificationError("没有启用的信用风险分类模型，请先启用一个模型版本。")
    return model


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _json_payload() -> str:
    """SQL building the credit.class_changed payload from the changed-rows temp table ``c``."""
    fields = (
        "'entity_id', c.entity_id, 'uscc', e.uscc, 'from', c.previous_class, 'to', c.credit_class, "
        "'model_version', m.version, 'classified_at', CAST(%s AS TEXT)"
    )
    if connection.vendor == "postgresql":
        return f"jsonb_build_object({fields})"
    return f"json_object({fields})"


def _merge(*, model: ScoringModel, now: dt.datetime, full: bool) -> dict:
    """Merge the scores temp table into history, standing and the outbox; return counts."""
    score = "CAST(s.score_h AS DECIMAL(9,2)) / 100"
    points = [f"CAST(s.factor_{n}_h AS DECIMAL(9,2)) / 100" for n in (1, 2, 3)]
    factor_cols = ", ".join(f"factor_{n}, factor_{n}_points" for n in (1, 2, 3))
    differs = (
        "c.entity_id IS NULL OR c.credit_class <> s.credit_class OR c.score <> "
        f"{score} OR c.model_version_id <> %s OR "
        + " OR ".join(
            f"COALESCE(c.factor_{n}, '') <> COALESCE(s.factor_{n}, '') OR "
            f"COALESCE(c.factor_{n}_points, -99999) <> COALESCE({points[n - 1]}, -99999)"
            for n in (1, 2, 3)
        )
    )
    counts: dict = {}
    standing_cols = f"entity_id, credit_class, score, model_version_id, classified_at, {factor_cols}"
    with connection.cursor() as cursor:
        drop_temp_table(CHANGED)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_q(CHANGED)} AS "  # noqa: S608 - fixed names, values bound
            f"SELECT s.entity_id, s.credit_class, {score} AS score, "
            + ", ".join(
                f"COALESCE(s.factor_{n}, '') AS factor_{n}, {points[n - 1]} AS factor_{n}_points"
                for n in (1, 2, 3)
            )
            + ", COALESCE(c.credit_class, '') AS previous_class "
            f"FROM {_q(SCORES)} s LEFT JOIN credit_creditstanding c ON c.entity_id = s.entity_id WHERE {differs}",
            [model.pk],
        )
        cursor.execute(f"SELECT COUNT(*) FROM {_q(CHANGED)}")  # noqa: S608
        counts["changed"] = int(cursor.fetchone()[0])
        # Archive the standings about to be replaced: the class history.
        cursor.execute(
            f"INSERT INTO credit_classification ({standing_cols}, superseded_at) "  # noqa: S608
            f"SELECT {', '.join('c.' + col.strip() for col in standing_cols.split(','))}, %s "
            f"FROM credit_creditstanding c JOIN {_q(CHANGED)} ch ON ch.entity_id = c.entity_id",
            [now],
        )
        update = ", ".join(
            f"{col} = excluded.{col}"
            for col in ("credit_class", "score", "model_version_id", "classified_at")
            + tuple(f"factor_{n}{suffix}" for n in (1, 2, 3) for suffix in ("", "_points"))
        )
        cursor.execute(
            f"INSERT INTO credit_creditstanding ({standing_cols}) "  # noqa: S608
            f"SELECT c.entity_id, c.credit_class, c.score, %s, %s, {factor_cols} "
            f"FROM {_q(CHANGED)} c WHERE true ON CONFLICT (entity_id) DO UPDATE SET {update}",
            [model.pk, now],
        )
        cursor.execute(
            "INSERT INTO core_outboxevent (topic, payload, created_at, dispatched) "  # noqa: S608
            f"SELECT 'credit.class_changed', {_json_payload()}, %s, %s FROM {_q(CHANGED)} c "
            "JOIN registry_entity e ON e.id = c.entity_id JOIN credit_scoringmodel m ON m.id = %s "
            "WHERE c.previous_class <> '' AND c.previous_class <> c.credit_class",
            [now.isoformat(), now, False, model.pk],
        )
        counts["events"] = cursor.rowcount
        if full:
            # Entities that left the population (deregistered, revoked …) are no longer classified;
            # their last standing goes to the history.
            gone = f"NOT EXISTS (SELECT 1 FROM {_q(SCORES)} s WHERE s.entity_id = c.entity_id)"  # noqa: S608
            cursor.execute(
                f"INSERT INTO credit_classification ({standing_cols}, superseded_at) "  # noqa: S608
                f"SELECT {', '.join('c.' + col.strip() for col in standing_cols.split(','))}, %s "
                f"FROM credit_creditstanding c WHERE {gone}",
                [now],
            )
            cursor.execute(
                f"DELETE FROM credit_creditstanding WHERE {gone.replace('c.entity_id', 'credit_creditstanding.entity_id')}"  # noqa: S608
            )
            counts["unclassified"] = cursor.rowcount
    return counts


def _class_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT credit_class, COUNT(*) FROM {_q(SCORES)} GROUP BY credit_class")  # noqa: S608
        return {cls: int(n) for cls, n in cursor.fetchall()}


def rescore_all(
    *,
    actor,
    engine: str = "db",
    as_of: dt.date | None = None,
    stage: Stage | None = None,
    spark_cores: int | None = None,
) -> ScoringRun:
    """Classify every live entity with the active model (全量信用风险分类) and write the results.

    ``engine`` is ``db`` (the application database computes) or ``spark`` (local Spark computes on
    Parquet exports; the results come back through a temporary table). Either way the write-back is
    the same set-based merge, in one transaction.
    """
    if engine not in ENGINES:
        raise ClassificationError(f"未知的计算引擎“{engine}”，可选：db、spark")
    model = active_model()
    as_of = as_of or timezone.localdate()
    stage = stage or (lambda label, done, total: None)
    total_steps = 4
    run = ScoringRun.objects.create(
        model_version=model, engine=engine, as_of=as_of, actor=actor if getattr(actor, "pk", None) else None
    )
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        # Computing needs no transaction (the temporary table is the session's own); only the
        # merge does, so that progress written meanwhile is visible to the page that polls it.
        expr = analytics.classification(model.spec, as_of)
        stage("计算风险分值", 0, total_steps)
        if engine == "spark":
            entities = _compute_on_spark(expr, stage, total_steps, spark_cores)
        else:
            entities = materialize(expr, SCORES)
        timings["compute"] = time.perf_counter() - started
        stage("写入分类结果", 2, total_steps)
        with transaction.atomic(), batch_memory():
            now = timezone.now()
            counts = _merge(model=model, now=now, full=True)
            timings["write"] = time.perf_counter() - started - timings["compute"]
            run.class_counts = _class_counts()
            run.entities, run.changed = entities, counts["changed"]
            run.status, run.finished_at = ScoringRun.Status.SUCCEEDED, timezone.now()
            run.timings = {k: round(v, 3) for k, v in timings.items()}
            run.save()
            audit.record(
                actor,
                audit.Change(
                    "credit.rescore",
                    "ScoringRun",
                    str(run.pk),
                    None,
                    {
                        "model_version": model.version,
                        "engine": engine,
                        "as_of": as_of,
                        "entities": entities,
                        "changed": counts["changed"],
                        "class_changed_events": counts["events"],
                        "unclassified": counts.get("unclassified", 0),
                        "class_counts": run.class_counts,
                    },
                ),
            )
        stage("统计与审计", 3, total_steps)
        drop_temp_table(SCORES)
        drop_temp_table(CHANGED)
    except Exception:
        ScoringRun.objects.filter(pk=run.pk).update(
            status=ScoringRun.Status.FAILED, finished_at=timezone.now()
        )
        raise
    stage("完成", total_steps, total_steps)
    return run


def _compute_on_spark(expr, stage: Stage, total_steps: int, cores: int | None) -> int:
    from zhijian.core.analytics import java_available, spark_engine

    if not java_available():
        raise ClassificationError(
            "本机没有 Java 运行环境，无法使用 Spark 引擎；请安装 Java 17 或改用 --engine db。"
        )
    with spark_engine(cores) as spark:
        for table in analytics.sources().values():
            spark.register(table)
        stage("Spark 计算风险分值", 1, total_steps)
        return spark.into_temp_table(expr, SCORES)


# ---------------------------------------------------------------------------------------------
# One entity


@lru_cache(maxsize=16)
def _prepared(model_pk: int, vendor: str, as_of: dt.date) -> Prepared:
    model = ScoringModel.objects.get(pk=model_pk)
    return Prepared(analytics.classification(model.spec, as_of, entity_id=parameter()))


def _archive(standing: CreditStanding, now: dt.datetime) -> None:
    Classification.objects.create(
        entity_id=standing.entity_id,
        credit_class=standing.credit_class,
        score=standing.score,
        model_version_id=standing.model_version_id,
        classified_at=standing.classified_at,
        superseded_at=now,
        **{
            f"factor_{n}{suffix}": getattr(standing, f"factor_{n}{suffix}")
            for n in (1, 2, 3)
            for suffix in ("", "_points")
        },
    )


@dataclass(frozen=True)
class Outcome:
    """What reclassing one entity did."""

    entity_id: int
    credit_class: str | None
    previous_class: str | None
    changed: bool


def reclassify_entity(entity_id: int, *, trigger: str, actor, as_of: dt.date | None = None) -> Outcome:
    """Reclass one entity now (单户即时重新分类), in the caller's transaction.

    Writes a history row and the standing when the result changed, emits ``credit.class_changed``
    and audits when the class itself changed. Cost: one prepared query plus a few single-row writes.
    """
    model = active_model()
    as_of = as_of or timezone.localdate()
    prepared = _prepared(model.pk, connection.vendor, as_of)
    rows = prepared.fetch(entity_id)
    with transaction.atomic():
        standing = CreditStanding.objects.select_for_update().filter(entity_id=entity_id).first()
        previous = standing.credit_class if standing else None
        now = timezone.now()
        if not rows:  # not (or no longer) a live entity: unclassified
            if standing:
                _archive(standing, now)
                standing.delete()
            return Outcome(entity_id, None, previous, standing is not None)
        row = rows[0]
        values = {
            "credit_class": row["credit_class"],
            "score": as_decimal_hundredths(row["score_h"]),
            "model_version_id": model.pk,
            **{f"factor_{n}": row[f"factor_{n}"] or "" for n in (1, 2, 3)},
            **{f"factor_{n}_points": as_decimal_hundredths(row[f"factor_{n}_h"]) for n in (1, 2, 3)},
        }
        if standing and all(getattr(standing, k) == v for k, v in values.items()):
            return Outcome(entity_id, previous, previous, False)
        if standing:
            _archive(standing, now)
        CreditStanding.objects.update_or_create(
            entity_id=entity_id, defaults={**values, "classified_at": now}
        )
        if previous and previous != row["credit_class"]:
            from zhijian.registry.models import Entity

            uscc = Entity.objects.filter(pk=entity_id).values_list("uscc", flat=True).get()
            events.emit(
                "credit.class_changed",
                {
                    "entity_id": entity_id,
                    "uscc": uscc,
                    "from": previous,
                    "to": row["credit_class"],
                    "model_version": model.version,
                    "classified_at": now.isoformat(),
                },
            )
            audit.record(
                actor,
                audit.Change(
                    "credit.reclassify",
                    "Entity",
                    str(entity_id),
                    {"credit_class": previous},
                    {"credit_class": row["credit_class"], "trigger": trigger, "model_version": model.version},
                ),
            )
        return Outcome(entity_id, row["credit_class"], previous, True)

"""Series and detection (预警分析): weekly/monthly series from the records, detectors, signals.

A series is the weekly (or monthly) count of records — failures for sampling sources, cases for
count sources (complaints, illness cases, credit drops) — over one combination of dimensions
(source, food category, hazard, district, channel, producer), with its denominator (tests) alongside. ``run_detection`` judges the newest weeks of
every series with the improved Farrington algorithm when there is history enough (EARS C2 when
not), the failure rates with the beta-binomial test, and the records with the two rules; each alarm
becomes one ``Signal`` (idempotent on method, series and week) with its evidence.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np
from django.db import transaction

from zhijian.core import audit
from zhijian.core.access import require

from ..detection import ears, farrington, rates, rules
from ..models import Observation, Signal

DIMENSIONS = ("source", "category", "hazard", "district", "channel", "producer")
# What each dimension reads from an observation: the district by id, the source by its code.
FIELDS = {"district": "district_id", "source": "source__code"}
# The series ``run_detection`` judges: each source on its own (a failure count beside a complaint
# count would add unlike things), by district and food category (for complaints the goods category,
# for credit events the food trade).
DETECTION_SERIES = ("source", "district", "category")
# Substances never allowed in food: one finding is a signal (食品中可能违法添加的非食用物质名单;
# 农业农村部公告第250号 banned veterinary drugs).
BANNED = frozenset(
    {
        "苏丹红",
        "三聚氰胺",
        "孔雀石绿",
        "硝基呋喃",
        "氯霉素",
        "克伦特罗",
        "莱克多巴胺",
        "吊白块",
        "罗丹明B",
        "硼酸",
        "工业明胶",
    }
)
HISTORY_WEEKS = 60  # weeks of a series kept as a signal's evidence


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass
class Series:
    """One series: its key, dimensions, period starts, counts, tests and the records in each period."""

    key: str
    dimensions: dict
    periods: list[dt.date]
    counts: np.ndarray
    tests: np.ndarray
    records: list[list[int]]
    district_id: int | None = None


def build_series(by: tuple[str, ...], *, until: dt.date, period: str = "week", queryset=None) -> list[Series]:
    """Series over the dimensions ``by`` up to ``until``, gap-free from each series' first record.

    A record counts its failures when it carries tests (a rate's numerator, with ``tested`` as the
    denominator) and its ``count`` otherwise (cases, complaints, items).
    """
    start_of = week_of if period == "week" else month_of
    rows = (queryset if queryset is not None else Observation.objects.all()).filter(occurred_on__lte=until)
    names = [FIELDS.get(d, d) for d in by]
    grouped: dict[tuple, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0, []]))
    for row in rows.values("id", "occurred_on", "count", "tested", "failed", *names).iterator(
        chunk_size=5000
    ):
        key = tuple(row[name] for name in names)
        if any(value in (None, "") for value in key):
            continue
        cell = grouped[key][start_of(row["occurred_on"])]
        value = row["failed"] if row["tested"] else row["count"]
        cell[0] += value
        cell[1] += row["tested"]
        if value:
            cell[2].append(row["id"])
    out = []
    last = start_of(until)
    for key, cells in grouped.items():
        first = min(cells)
        periods = []
        day = first
        while day <= last:
            periods.append(day)
            day = start_of(day + dt.timedelta(days=7 if period == "week" else 32))
        counts = np.array([cells[p][0] if p in cells else 0 for p in periods], dtype=float)
        tests = np.array([cells[p][1] if p in cells else 0 for p in periods], dtype=float)
        records = [cells[p][2] if p in cells else [] for p in periods]
        dims = dict(zip(by, key, strict=True))
        name = "|".join(f"{d}={v}" for d, v in dims.items())
        out.append(Series(name, dims, periods, counts, tests, records, dims.get("district")))
    return out


def _judge(series: Series, weeks: int) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(method, upperbound, alarm, expected) for the last ``weeks`` periods of one series."""
    n = len(series.counts)
    years = (n - farrington.IMPROVED.w - 1) // farrington.FREQUENCY
    if years >= 1:
        settings = replace(
            farrington.IMPROVED, b=min(years, 5), past_weeks_not_included=26 if years > 1 else 8
        )
        upper, alarm = farrington.farrington(series.counts, settings, first=n - weeks)
        return "farrington-improved", upper[0], alarm[0], np.full(n, np.nan)
    upper, alarm = ears.ears(series.counts, "C2")
    return "ears-c2", upper[0], alarm[0], np.full(n, np.nan)


def _evidence(series: Series, index: int, upper: np.ndarray, method: str) -> dict:
    lo = max(0, index - HISTORY_WEEKS + 1)
    return {
        "method": method,
        "periods": [p.isoformat() for p in series.periods[lo : index + 1]],
        "counts": series.counts[lo : index + 1].tolist(),
        "tests": series.tests[lo : index + 1].tolist(),
        "upperbounds": [None if np.isnan(u) else round(float(u), 3) for u in upper[lo : index + 1]],
    }


def _signal(series, index, method, observed, upper, score, evidence, record_ids, created):
    signal, made = Signal.objects.get_or_create(
        method=method,
        series_key=series.key,
        week=series.periods[index],
        defaults={
            "dimensions": series.dimensions,
            "observed": observed,
            "upperbound": upper,
            "score": score,
            "evidence": evidence,
            "district_id": series.district_id,
        },
    )
    if made:
        signal.observations.set(record_ids)
        created.append(signal)


def run_detection(
    *, actor, until: dt.date, weeks: int = 1, by: tuple[str, ...] = DETECTION_SERIES
) -> list[Signal]:
    """Judge the last ``weeks`` weeks up to ``until`` and keep every alarm as a signal (idempotent).

    Every source's observations make their own series (own events — sampling, spot checks,
    complaints, credit — and every outside feed), over ``by``.
    """
    actor = require(actor, "warnings.triage")
    created: list[Signal] = []
    with transaction.atomic():
        for series in build_series(by, until=until):
            method, upper, alarm, _ = _judge(series, weeks)
            for index in range(max(0, len(series.counts) - weeks), len(series.counts)):
                if alarm[index] != 1:
                    continue
                observed = float(series.counts[index])
                bound = float(upper[index])
                score = round(observed / bound, 3) if bound > 0 else observed
                _signal(
                    series,
                    index,
                    method,
                    observed,
                    bound,
                    score,
                    _evidence(series, index, upper, method),
                    series.records[index],
                    created,
                )
            _rate_signals(series, weeks, created)
        _rule_signals(until, weeks, created)
        if created:
            audit.record(
                actor,
                audit.Change(
                    "warnings.run_detection",
                    "warnings.Signal",
                    until.isoformat(),
                    None,
                    {"created": [s.pk for s in created], "weeks": weeks},
                ),
            )
    return created


def _rate_signals(series: Series, weeks: int, created: list[Signal]) -> None:
    if series.tests.sum() == 0:
        return
    result = rates.rate_test(series.counts, series.tests)
    for index in range(max(0, len(series.counts) - weeks), len(series.counts)):
        if result["alarm"][0, index] != 1:
            continue
        bound = float(result["upperbound"][0, index])
        evidence = _evidence(series, index, result["upperbound"][0], "beta-binomial")
        evidence["p_value"] = float(result["p_value"][0, index])
        evidence["baseline_rate"] = float(result["baseline_rate"][0, index])
        observed = float(series.counts[index])
        _signal(
            series,
            index,
            "beta-binomial",
            observed,
            bound,
            round(-np.log10(evidence["p_value"] + 1e-300), 2),
            evidence,
            series.records[index],
            created,
        )


def _rule_signals(until: dt.date, weeks: int, created: list[Signal]) -> None:
    since = week_of(until) - dt.timedelta(weeks=weeks - 1)
    window = Observation.objects.filter(
        failed__gt=0, occurred_on__lte=until, occurred_on__gte=since - dt.timedelta(days=30)
    )
    failures = [
        rules.Failure(str(o.pk), o.occurred_on, str(o.district_id or ""), o.producer, o.hazard, o.product)
        for o in window
    ]
    for hit in rules.banned_substance([f for f in failures if f.sampled_on >= since], BANNED):
        failure = hit.failures[0]
        series = Series(
            f"rule=banned|hazard={failure.test_item}|record={failure.record_id}",
            {"hazard": failure.test_item, "product": failure.product},
            [week_of(failure.sampled_on)],
            np.array([1.0]),
            np.array([1.0]),
            [[int(failure.record_id)]],
            int(failure.district) if failure.district else None,
        )
        _signal(
            series,
            0,
            "rule-banned",
            1.0,
            0.0,
            10.0,
            {"method": "rule-banned", "substance": failure.test_item},
            [int(failure.record_id)],
            created,
        )
    for hit in rules.producer_in_districts(failures, window_days=30):
        last = max(f.sampled_on for f in hit.failures)
        if last < since:
            continue
        ids = [int(f.record_id) for f in hit.failures]
        series = Series(
            f"rule=producer|producer={hit.failures[0].producer}|since={hit.failures[0].sampled_on}",
            {"producer": hit.failures[0].producer},
            [week_of(last)],
            np.array([float(len(ids))]),
            np.array([0.0]),
            [ids],
            None,
        )
        _signal(
            series,
            0,
            "rule-producer",
            float(len(ids)),
            1.0,
            5.0 + len(hit.districts),
            {"method": "rule-producer", "districts": hit.districts},
            ids,
            created,
        )

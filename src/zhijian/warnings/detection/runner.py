"""Run any detector on a series file: the engine behind ``zhijian warnings detect-series``.

Input ``series.csv``: columns ``series,week,count`` — weeks numbered from 1 without gaps within a
series, many series of possibly different lengths, rows in any order. Output ``alarms.csv``:
``series,week,alarm,upperbound`` for every week of every series from the first judged week to the
series' last, alarm 1/0 or NA where the method cannot decide. Each week is judged only from the
data up to that week (all detectors here are prospective). The series are split into one part
per core and judged in worker processes.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context

import numpy as np
import pandas as pd

from . import cusum, ears, farrington

_BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
METHODS = ("farrington", "farrington-improved", "ears-c1", "ears-c2", "ears-c3", "cusum")


class SeriesFileError(ValueError):
    """The series file breaks its contract (missing columns, gaps, duplicates, negative counts)."""


@dataclass(frozen=True)
class Options:
    """Method parameters beyond the method's name; None means the method's default."""

    alpha: float | None = None
    years_back: int | None = None


def method_first_week(method: str, options: Options = Options()) -> int:
    """The first 1-based week the method can judge."""
    if method.startswith("ears-"):
        return ears.first_period(method[5:].upper()) + 1
    if method == "cusum":
        return cusum.first_period() + 1
    return farrington_settings(method, options).first_period() + 1


def farrington_settings(method: str, options: Options) -> farrington.FarringtonSettings:
    settings = farrington.IMPROVED if method == "farrington-improved" else farrington.ORIGINAL
    if options.alpha is not None:
        settings = replace(settings, alpha=options.alpha)
    if options.years_back is not None:
        settings = replace(settings, b=options.years_back)
    return settings


def detect_matrix(
    method: str, counts: np.ndarray, options: Options = Options(), first_week: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(upperbound, alarm) for a NaN-padded (series × weeks) matrix; Farrington fits only from
    ``first_week`` (1-based) on, the other methods are cheap enough to judge every week."""
    if method.startswith("ears-"):
        return ears.ears(counts, method[5:].upper(), alpha=options.alpha)
    if method == "cusum":
        return cusum.cusum(counts)
    if method in ("farrington", "farrington-improved"):
        first = None if first_week is None else first_week - 1
        return farrington.farrington(counts, farrington_settings(method, options), first=first)
    raise ValueError(f"unknown method {method!r}")


def read_series(path) -> tuple[list[str], np.ndarray]:
    """Series names and their NaN-padded count matrix, checked against the file contract."""
    frame = pd.read_csv(path, dtype={"series": str})
    missing = {"series", "week", "count"} - set(frame.columns)
    if missing:
        raise SeriesFileError(f"序列文件缺少列：{', '.join(sorted(missing))}")
    if frame[["series", "week", "count"]].isna().any().any():
        raise SeriesFileError("序列文件有空值（series、week、count 均为必填）")
    if (frame["week"] < 1).any() or (frame["week"] % 1 != 0).any():
        raise SeriesFileError("周序号须为从 1 开始的整数")
    if (frame["count"] < 0).any():
        raise SeriesFileError("计数不能为负数")
    if frame.duplicated(["series", "week"]).any():
        raise SeriesFileError("同一序列的同一周出现多次")
    frame["week"] = frame["week"].astype(int)
    sizes = frame.groupby("series", sort=False)["week"].agg(["max", "size"])
    gaps = sizes.index[sizes["max"] != sizes["size"]]
    if len(gaps):
        raise SeriesFileError(f"序列 {gaps[0]} 的周序号有缺口（须从 1 连续编号）")
    names = sorted(sizes.index)
    position = {name: i for i, name in enumerate(names)}
    counts = np.full((len(names), int(sizes["max"].max())), np.nan)
    counts[frame["series"].map(position).to_numpy(), frame["week"].to_numpy() - 1] = frame["count"].to_numpy(
        float
    )
    return names, counts


def _detect_part(args) -> tuple[np.ndarray, np.ndarray]:
    method, counts, options, first_week = args
    return detect_matrix(method, counts, options, first_week)


def detect_parallel(
    method: str,
    counts: np.ndarray,
    options: Options = Options(),
    workers: int | None = None,
    first_week: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``detect_matrix`` over every core: series split into equal parts, one worker process each."""
    workers = workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(counts)))
    if len(counts) == 0:
        return detect_matrix(method, counts, options, first_week)
    # Interleave the rows so that long and short series spread evenly over the workers; several
    # parts per worker keep every core busy to the end.
    n_parts = min(len(counts), workers * 4)
    parts = [np.arange(i, len(counts), n_parts) for i in range(n_parts)]
    upperbound = np.full(counts.shape, np.nan)
    alarm = np.full(counts.shape, np.nan)
    # Fresh worker processes with single-threaded BLAS: the parallelism is across processes, and
    # BLAS threads fighting over the same cores make the small matrix products many times slower.
    saved = {name: os.environ.get(name) for name in _BLAS_THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(_BLAS_THREAD_VARIABLES, "1"))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            results = pool.map(_detect_part, [(method, counts[rows], options, first_week) for rows in parts])
            for rows, (up, al) in zip(parts, results, strict=True):
                upperbound[rows] = up
                alarm[rows] = al
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return upperbound, alarm


def alarm_frame(
    names: list[str], counts: np.ndarray, upperbound: np.ndarray, alarm: np.ndarray, first_week: int
) -> pd.DataFrame:
    """Rows ``series,week,alarm,upperbound`` from ``first_week`` (1-based) to each series' end."""
    series_idx, week_idx = np.nonzero(~np.isnan(counts))
    keep = week_idx >= first_week - 1
    series_idx, week_idx = series_idx[keep], week_idx[keep]
    alarms = alarm[series_idx, week_idx]
    return pd.DataFrame(
        {
            "series": np.asarray(names, dtype=object)[series_idx],
            "week": week_idx + 1,
            "alarm": pd.arrays.IntegerArray(np.nan_to_num(alarms).astype(np.int64), np.isnan(alarms)),
            "upperbound": upperbound[series_idx, week_idx],
        }
    )


def detect_series(
    method: str,
    input_path,
    output_path,
    *,
    first_week: int | None = None,
    options: Options = Options(),
    workers: int | None = None,
) -> pd.DataFrame:
    """Read, judge on every core, write; returns the alarm table."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    names, counts = read_series(input_path)
    start = method_first_week(method, options) if first_week is None else first_week
    upperbound, alarm = detect_parallel(method, counts, options, workers, start)
    table = alarm_frame(names, counts, upperbound, alarm, start)
    table.to_csv(output_path, index=False, na_rep="NA", float_format="%.12g")
    return table

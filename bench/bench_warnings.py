"""Warnings detectors: detection quality against R on the Noufaily design, and speed at city scale.

    .venv/bin/python bench/bench_warnings.py quality [--replicates 3]   # POD/FPR beside R farringtonFlexible
    .venv/bin/python bench/bench_warnings.py speed [--series 20000] [--r-series 20]

quality: 42 scenarios (``detection.simulation``), 624 weeks, four past outbreaks per series; for
each scenario ``replicates`` series without a current outbreak (false-positive rate: alarms per
judged week 576–624) and ``replicates`` series for each k = 1..10 with one current outbreak of
about k·SD cases starting in weeks 576–624 (probability of detection: share of those series with an
alarm in a week carrying outbreak cases). The same files go through ``zhijian warnings
detect-series --method farrington-improved --first-week 576`` and through R's farringtonFlexible
with the improved settings (tests/warnings/oracle.R). alpha = 0.05 (R's default), b = 5, w = 3.

speed: 20,000 series × 260 weeks (five years) with the improved method and b = 3 (so weeks
160–260, 101 weeks per series, are judged: 2,020,000 fits), through the command on every core;
R's time on ``--r-series`` of the same series, one core, scaled linearly to 20,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess  # noqa: S404
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("ZHIJIAN_MODE", "test")


OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "out")) / "warnings"
ORACLE = ROOT / "tests" / "warnings" / "oracle.R"
PYTHON = ROOT / ".venv" / "bin" / "python"


def _zhijian(*args: str) -> tuple[float, float]:
    """Run the command; its wall seconds and the CPU seconds of it and its worker processes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(PYTHON), "-m", "zhijian.cli", "warnings", *args], check=True, cwd=ROOT, env=env)  # noqa: S603
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def _rscript(method: str, series: Path, output: Path, *rest: str, workers: int = 1) -> float:
    """Run the R oracle on ``series`` in ``workers`` processes (series split between them); returns
    the seconds R spent in the detector calls, summed over the processes (one-core seconds)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise SystemExit("Rscript is missing (apt-get install r-base-core r-cran-surveillance)")
    frame = pd.read_csv(series)
    names = sorted(frame["series"].unique())
    parts = []
    for i in range(workers):
        part_in = series.with_name(f"{series.stem}-r{i}.csv")
        frame[frame["series"].isin(names[i::workers])].to_csv(part_in, index=False)
        part_out = output.with_name(f"{output.stem}-r{i}.csv")
        process = subprocess.Popen(  # noqa: S603
            [rscript, str(ORACLE), method, str(part_in), str(part_out), *rest],
            stderr=subprocess.PIPE,
            text=True,
        )
        parts.append((process, part_out))
    seconds = 0.0
    for process, _ in parts:
        _, err = process.communicate()
        if process.returncode:
            raise SystemExit(f"R failed: {err[-500:]}")
        seconds += float(err.strip().split("seconds=")[-1])
    pd.concat([pd.read_csv(out) for _, out in parts]).to_csv(output, index=False, na_rep="NA")
    return seconds


def _write(path: Path, counts: np.ndarray, names: list[str]) -> None:
    weeks = counts.shape[1]
    frame = pd.DataFrame(
        {
            "series": np.repeat(names, weeks),
            "week": np.tile(np.arange(1, weeks + 1), len(names)),
            "count": counts.astype(int).ravel(),
        }
    )
    frame.to_csv(path, index=False)


def quality(replicates: int, r_workers: int, reuse: bool = False, scenarios: int = 42) -> None:
    from zhijian.warnings.detection import simulation  # pure numpy; imported where used

    OUT.mkdir(parents=True, exist_ok=True)
    counts, masks, names, meta = [], [], [], []
    for scenario in simulation.SCENARIOS[:scenarios]:
        for k in range(0, 11):
            c, m = simulation.simulate(
                scenario, replicates, k=None if k == 0 else float(k), seed=scenario.number * 1000 + k
            )
            for r in range(replicates):
                names.append(f"sc{scenario.number:02d}-k{k:02d}-r{r}")
                meta.append((scenario.number, k))
            counts.append(c)
            masks.append(m)
    counts, masks = np.vstack(counts), np.vstack(masks)
    series = OUT / "quality-series.csv"
    _write(series, counts, names)
    print(
        f"== {len(names)} series × {simulation.WEEKS} weeks, judged weeks {simulation.CURRENT_START}–{simulation.WEEKS}"
    )
    ours_seconds, ours_cpu = (
        (0.0, 0.0)
        if reuse and (OUT / "quality-ours.csv").exists()
        else _zhijian(
            "detect-series",
            "--method",
            "farrington-improved",
            "--input",
            str(series),
            "--output",
            str(OUT / "quality-ours.csv"),
            "--first-week",
            str(simulation.CURRENT_START),
        )
    )
    r_seconds = (
        float("nan")
        if reuse and (OUT / "quality-r.csv").exists()
        else _rscript(
            "farrington-improved",
            series,
            OUT / "quality-r.csv",
            "",
            "5",
            "",
            str(simulation.CURRENT_START),
            workers=r_workers,
        )
    )
    print(
        f"   ours {ours_seconds:.1f} s wall, {ours_cpu:.1f} CPU s (every core)   "
        f"R farringtonFlexible {r_seconds:.1f} s (one-core seconds)"
    )
    index = {name: i for i, name in enumerate(names)}
    rows = []
    for label, path in (("ours", OUT / "quality-ours.csv"), ("R", OUT / "quality-r.csv")):
        alarms = pd.read_csv(path)
        alarms = alarms[alarms["week"] >= simulation.CURRENT_START]
        i = alarms["series"].map(index).to_numpy()
        w = alarms["week"].to_numpy() - 1
        fired = alarms["alarm"].fillna(0).to_numpy() == 1
        k = np.array([meta[j][1] for j in i])
        in_outbreak = masks[i, w]
        frame = pd.DataFrame({"series": i, "k": k, "fired": fired, "hit": fired & in_outbreak})
        fpr = frame.loc[frame["k"] == 0, "fired"].mean()
        detected = frame[frame["k"] > 0].groupby("series").agg(k=("k", "first"), hit=("hit", "any"))
        pod = detected.groupby("k")["hit"].mean()
        rows.append((label, fpr, pod))
    print(f"   {'':5} {'FPR':>7} " + " ".join(f"POD k={k:<2}" for k in range(1, 11)))
    for label, fpr, pod in rows:
        print(
            f"   {label:5} {fpr:7.4f} " + " ".join(f"{pod.get(k, float('nan')):8.3f}" for k in range(1, 11))
        )
    ours, theirs = rows[0], rows[1]
    print(
        f"   verdict: FPR ours {ours[1]:.4f} vs R {theirs[1]:.4f}; "
        f"POD no lower than R's at every k: {bool((ours[2] >= theirs[2]).all())} "
        f"(mean POD ours {ours[2].mean():.3f}, R {theirs[2].mean():.3f})"
    )


def speed(n_series: int, r_series: int) -> None:
    from zhijian.warnings.detection import simulation  # pure numpy; imported where used

    OUT.mkdir(parents=True, exist_ok=True)
    per = n_series // len(simulation.SCENARIOS) + 1
    blocks = [
        simulation.simulate(s, per, seed=s.number, past_outbreaks=False)[0][:, -260:]
        for s in simulation.SCENARIOS
    ]
    counts = np.vstack(blocks)[:n_series]
    names = [f"s{i:05d}" for i in range(n_series)]
    series = OUT / "speed-series.csv"
    _write(series, counts, names)
    ours, ours_cpu = _zhijian(
        "detect-series",
        "--method",
        "farrington-improved",
        "--input",
        str(series),
        "--output",
        str(OUT / "speed-ours.csv"),
        "--years-back",
        "3",
    )
    judged = len(pd.read_csv(OUT / "speed-ours.csv"))
    small = OUT / "speed-series-r.csv"
    pick = np.linspace(0, n_series - 1, r_series).astype(int)
    _write(small, counts[pick], [names[i] for i in pick])
    r_seconds = _rscript("farrington-improved", small, OUT / "speed-r.csv", "", "3")
    scaled = r_seconds * n_series / r_series
    print(f"== {n_series} series × 260 weeks, farrington-improved b=3: {judged} weeks judged")
    print(
        f"   ours (command, {os.cpu_count()} cores, file in and out): {ours:.1f} s wall, {ours_cpu:.1f} CPU s "
        f"(≈ {ours_cpu / (os.cpu_count() or 1):.1f} s on idle cores); target ≤ 60 s: {'MET' if ours <= 60 else 'MISSED'}"
    )
    print(
        f"   R farringtonFlexible on {r_series} of the same series: {r_seconds:.1f} s → {scaled:.0f} s for {n_series} (one core, scaled)"
    )


def main() -> None:
    from zhijian.warnings.detection import simulation  # pure numpy; imported where used

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--replicates", type=int, default=3)
    q.add_argument(
        "--scenarios", type=int, default=len(simulation.SCENARIOS), help="the first N scenarios only"
    )
    q.add_argument("--r-workers", type=int, default=os.cpu_count() or 1)
    q.add_argument(
        "--reuse-ours", action="store_true", help="keep both alarm files of the previous run (same series)"
    )
    s = sub.add_parser("speed")
    s.add_argument("--series", type=int, default=20_000)
    s.add_argument("--r-series", type=int, default=20)
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"== bench_warnings {args.what} {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%MZ}, {os.cpu_count()} cores, load {load[0]:.1f}"
    )
    if args.what == "quality":
        quality(args.replicates, args.r_workers, args.reuse_ours, args.scenarios)
    else:
        speed(args.series, args.r_series)


if __name__ == "__main__":
    main()

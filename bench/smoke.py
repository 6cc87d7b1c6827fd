"""make bench-smoke: every benchmark under bench/, end to end, at a small scale (seconds each).

    python bench/smoke.py              # every step of SMOKE, in order
    python bench/smoke.py import credit  # only these

The full runs (``bench/run.sh``) take minutes to hours and nothing forces anyone to start them, so a
benchmark whose code rotted went unnoticed. This runs each one for real — the same script, the same
code paths, its own PostgreSQL database — with arguments that make it finish in seconds, and fails
when any of them fails. CI calls it after the tests.

Adding a benchmark: add one ``Step`` to ``SMOKE`` below. ``tests/test_bench_smoke.py`` fails while a
``bench/bench_*.py`` or ``bench/experiment_*.py`` file is missing from the list.

Databases: each step names the database it needs (``db``); a name is always ``zhijian_smoke_bench``
plus a suffix, so the full runs' databases, the demo and the tests are never touched. The databases
marked ``fresh`` are dropped and created (and ``zhijian setup`` run in them) before their first step.
Work files go to bench/out/smoke/ (figures there too, apart from the real results).
"""

from __future__ import annotations

import os
import subprocess  # noqa: S404
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PG_BASE = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_SMOKE_DB", "zhijian_smoke_bench")
OUT = BENCH_DIR / "out" / "smoke"
ROWS = int(os.environ.get("BENCH_SMOKE_ROWS", "3000"))


@dataclass(frozen=True)
class Step:
    """One benchmark at smoke scale: the script under bench/, its arguments, its database."""

    name: str
    script: str
    args: tuple[str, ...] = ()
    db: str = "register"  # suffix of the database name; steps sharing it run on the same data
    fresh: bool = False  # drop, create and ``zhijian setup`` the database before this step
    env: dict[str, str] = field(default_factory=dict)


# The one list. Order matters where steps share a database (search and detail read the register
# that import loaded).
SMOKE: list[Step] = [
    Step("import", "bench_import.py", ("--rows", str(ROWS)), fresh=True),
    Step("search", "bench_search.py", ("--reps", "1", "--baseline-reps", "1")),
    Step(
        "detail",
        "bench_detail.py",
        (
            "--rate",
            "20",
            "--sweep",
            "",
            "--duration",
            "2",
            "--concurrency",
            "2",
            "--connections",
            "4",
            "--workers",
            "1",
            "--threads",
            "2",
        ),
    ),  # fmt: skip
    Step("experiment_search", "experiment_search.py", ("--reps", "1")),
    Step("experiment_indexes", "experiment_indexes.py", ("--rows", str(ROWS))),
    Step(
        "credit",
        "bench_credit.py",
        ("--rows", str(ROWS), "--reset", "--sample", "50", "--one", "5", "--activity", "0.5"),
        db="credit",
    ),
    Step(
        "inspections",
        "bench_inspections.py",
        ("--rows", str(ROWS), "--reload", "--repeat", "1"),
        db="inspections",
        fresh=True,
    ),
    Step(
        "experiment_draw_v1_v2",
        "experiment_draw_v1_v2.py",
        ("66e5d4c",),  # the draw of zhijian-draw/1, read from the history
        db="inspections",
        env={"ROUNDS": "1"},
    ),
    Step("events", "bench_events.py", ("--failing", "50"), db="events"),
    Step(
        "indicators",
        "bench_indicators.py",
        ("--rows", str(ROWS), "--reset", "--first-year", "2025"),
        db="indicators",
    ),
    Step(
        "complaints",
        "bench_complaints.py",
        (
            "--rows",
            "2000",
            "--entities",
            "500",
            "--brute-probes",
            "3",
            "--form-rate",
            "5",
            "--form-seconds",
            "2",
        ),
        db="complaints",
        env={"ZHIJIAN_INTAKE_PER_MINUTE": "100000"},  # the form's throughput, not its per-client limit
    ),
    Step(
        "sampling",
        "bench_sampling.py",
        ("--fresh", "--entities", "500", "--scale", "test", "--xlsx-rows", "200"),
        db="sampling",
    ),
    # Its own private PostgreSQL cluster (restarted mid-run); the database named here stays unused.
    Step("load", "bench_load.py", ("--smoke",), db="load"),
    Step(
        "warnings_speed", "bench_warnings.py", ("speed", "--series", "84", "--r-series", "1"), db="warnings"
    ),
    Step(
        "warnings_quality",
        "bench_warnings.py",
        ("quality", "--scenarios", "1", "--replicates", "1", "--r-workers", "1"),
        db="warnings",
    ),
    Step(
        "equipment",
        "bench_equipment.py",
        ("--units", "3000", "--rate", "500", "--seconds", "3", "--rounds", "1"),
        db="equipment",
    ),
    Step("quality", "bench_quality.py", ("--rows", "500"), db="quality"),
]


def database(step: Step) -> str:
    return f"{PREFIX}_{step.db}"


def recreate(name: str) -> None:
    import psycopg

    assert "bench" in name, name
    with psycopg.connect(PG_BASE + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def step_env(step: Step) -> dict[str, str]:
    name = database(step)
    env = dict(os.environ)
    env.update(
        BENCH_DB=name,
        BENCH_PG=PG_BASE,
        DATABASE_URL=f"{PG_BASE}/{name}",
        BENCH_ROWS=str(ROWS),
        BENCH_OUT=str(OUT),
        BENCH_CODE_LABEL="smoke",
        ZHIJIAN_MODE="test",
        ZHIJIAN_VAR=str(OUT / "var"),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p),
    )
    env.update(step.env)
    return env


def run(step: Step) -> tuple[bool, float]:
    env = step_env(step)
    started = time.perf_counter()
    if step.fresh:
        recreate(env["BENCH_DB"])
        subprocess.run([sys.executable, "-m", "zhijian.cli", "setup"], env=env, check=True, cwd=ROOT)  # noqa: S603
    args = list(step.args)
    done = subprocess.run([sys.executable, str(BENCH_DIR / step.script), *args], env=env, cwd=ROOT)  # noqa: S603
    return done.returncode == 0, time.perf_counter() - started


def main(argv: list[str]) -> int:
    wanted = set(argv)
    unknown = wanted - {s.name for s in SMOKE}
    if unknown:
        print(f"unknown steps: {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in SMOKE)}")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for step in SMOKE:
        if wanted and step.name not in wanted:
            continue
        print(
            f"\n##### bench-smoke {step.name}: {step.script} "
            f"{' '.join(a if isinstance(a, str) else '…' for a in step.args)}  [{database(step)}]",
            flush=True,
        )
        ok, seconds = run(step)
        outcomes.append((step.name, ok, seconds))
    print("\n##### bench-smoke summary")
    for name, ok, seconds in outcomes:
        print(f"  {'ok  ' if ok else 'FAIL'}  {name:<20} {seconds:6.1f} s")
    return 0 if all(ok for _, ok, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

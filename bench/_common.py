"""Shared helpers for the benchmarks: environment, the bench database, statistics, machine facts.

Every benchmark runs against its own PostgreSQL database (``BENCH_DB``, default ``zhijian_bench``),
never the demo database, the test database or anything under ``var/``. Work files (the generated
register CSV, static files, logs, JSON results) go to ``bench/out/`` (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess  # noqa: S404
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT = Path(os.environ.get("BENCH_OUT", BENCH_DIR / "out"))
PG_BASE = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
BENCH_DB = os.environ.get("BENCH_DB", "zhijian_bench")
SEED = int(os.environ.get("BENCH_SEED", "2025"))
CITY_ROWS = 1_500_000


def default_rows() -> int:
    return int(os.environ.get("BENCH_ROWS", CITY_ROWS))


def database_url() -> str:
    return f"{PG_BASE}/{BENCH_DB}"


def check_bench_db_name(name: str = BENCH_DB) -> None:
    """Destructive steps only ever run on a database whose name says it is a bench database."""
    if "bench" not in name:
        sys.exit(f"refusing to touch database {name!r}: its name must contain 'bench'")


def configure_env(mode: str = "test") -> None:
    """Point Django at the bench database before it is imported."""
    check_bench_db_name()
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("ZHIJIAN_MODE", mode)
    os.environ.setdefault("ZHIJIAN_VAR", str(OUT / "var"))  # never the project's var/
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijian.settings")
    os.environ.setdefault("ZHIJIAN_LOG_LEVEL", "WARNING")


def django_setup(mode: str = "test") -> None:
    configure_env(mode)
    import django

    django.setup()
    from django.db import connection

    if connection.settings_dict["NAME"] != BENCH_DB:
        sys.exit(f"connected to {connection.settings_dict['NAME']!r}, not the bench database")


def bench_actor():
    """The actor every benchmark acts as; imported after ``django_setup`` (core needs the settings)."""
    from zhijian.core.access import SystemActor

    return SystemActor("bench")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms),
        "mean": statistics.fmean(ms),
    }


def fmt_ms(s: dict) -> str:
    return (
        f"n={s['n']:>5}  p50={s['p50']:7.1f}  p95={s['p95']:7.1f}  "
        f"p99={s['p99']:7.1f}  max={s['max']:7.1f} ms"
    )


def _git(where: Path, *args: str) -> str:
    out = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, timeout=10)  # noqa: S603, S607
    return out.stdout.strip()


def code_version() -> str:
    """The app code under test: git revision of the imported ``zhijian`` package, '+dirty' if changed."""
    import zhijian

    src = Path(zhijian.__file__).resolve().parent
    label = os.environ.get("BENCH_CODE_LABEL")
    if label:
        return label
    try:
        rev, dirty = _git(src, "rev-parse", "--short", "HEAD"), _git(src, "status", "--porcelain", "--", ".")
    except OSError:
        return f"? ({src})"
    return f"{rev}{'+dirty' if dirty else ''} ({src})" if rev else str(src)


def machine() -> dict:
    cpu, mem, load = "", "", ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 2**20:.1f} GiB"
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except (OSError, ValueError, IndexError):
        pass
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem": mem,
        "python": platform.python_version(),
        "loadavg": load,
    }


def pg_facts(cursor) -> dict:
    cursor.execute("SELECT version()")
    version = cursor.fetchone()[0].split(" on ")[0]
    cursor.execute(
        "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
        "('shared_buffers','work_mem','max_wal_size','synchronous_commit','max_parallel_workers_per_gather')"
    )
    return {"version": version, **dict(cursor.fetchall())}


def record(name: str, payload: dict) -> None:
    """Append one benchmark's figures to bench/out/results.jsonl."""
    OUT.mkdir(parents=True, exist_ok=True)
    line = {"bench": name, "code": code_version(), "machine": machine(), **payload}
    with (OUT / "results.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")


def banner(title: str) -> None:
    m = machine()
    print(f"\n=== {title} ===")
    print(f"    {m['date']}  {m['nproc']} cores  {m['cpu']}  mem {m['mem']}  load {m['loadavg']}")
    print(f"    code: {code_version()}")

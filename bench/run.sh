#!/usr/bin/env bash
# make bench: the benchmarks against a dedicated PostgreSQL database (zhijian_bench).
#
#   bench/run.sh                  # every step at city scale (1,500,000 rows), a fresh register
#   BENCH_ROWS=100000 bench/run.sh     # a quick run
#   bench/run.sh search detail    # reuse the imported bench database, run only these
#   bench/run.sh credit           # credit classification; its own database (CREDIT_BENCH_DB,
#                                 # default zhijian_credit_bench), loaded by COPY on first use
#   bench/run.sh inspections      # the draw; its own database (INSPECTIONS_BENCH_DB, default
#                                 # zhijian_inspections_bench), its register loaded by COPY
#   bench/run.sh load             # mixed pages and API at 200 req/s for 5 min with a PostgreSQL restart,
#                                 # on a private cluster it creates (bench/bench_load.py; --smoke: small)
#   bench/run.sh events           # the event relay: a valid event behind 1,000 failing ones (its own
#                                 # database, EVENTS_BENCH_DB, default zhijian_events_bench)
#   bench/run.sh sampling         # a year of city-scale laboratory results, in its own database
#                                 # (SAMPLING_BENCH_DB, default zhijian_sampling_bench, dropped and created)
#
# Only the database named by BENCH_DB (must contain "bench") is dropped and created; the demo
# database, the test database and var/ are never touched. Work files go to bench/out/ (git-ignored);
# each run's output is kept in bench/out/run-<UTC time>.log and figures in bench/out/results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
export BENCH_DB=${BENCH_DB:-zhijian_bench}
export BENCH_ROWS=${BENCH_ROWS:-1500000}
export BENCH_PG=${BENCH_PG:-postgresql://postgres@127.0.0.1:5432}
export DATABASE_URL=$BENCH_PG/$BENCH_DB
export ZHIJIAN_MODE=${ZHIJIAN_MODE:-test}
export ZHIJIAN_VAR=$PWD/bench/out/var
case "$BENCH_DB" in *bench*) ;; *) echo "BENCH_DB must contain 'bench'" >&2; exit 2 ;; esac
mkdir -p bench/out
log=bench/out/run-$(date -u +%Y%m%dT%H%M%SZ).log

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(import search detail credit inspections sampling load)

{
  echo "== zhijian bench $(date -u +%FT%TZ)  rows=$BENCH_ROWS  db=$BENCH_DB  steps=${steps[*]}"
  echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -h | awk '/^Mem:/ {print $2}') RAM"
  if [[ " ${steps[*]} " == *" import "* ]]; then
    "$bin/python" - <<'PY'
import os, psycopg
db = os.environ["BENCH_DB"]
assert "bench" in db
with psycopg.connect(os.environ["BENCH_PG"] + "/postgres", autocommit=True) as conn:
    print(conn.execute("SELECT version()").fetchone()[0].split(" on ")[0])
    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{db}"')
    print(f"created database {db}")
PY
    "$bin/zhijian" setup
    "$bin/python" bench/bench_import.py --rows "$BENCH_ROWS"
  fi
  if [[ " ${steps[*]} " == *" events "* ]]; then
    (cd bench && "../$bin/python" bench_events.py --failing "${EVENTS_FAILING:-1000}")
  fi
  if [[ " ${steps[*]} " == *" search "* ]]; then
    "$bin/python" bench/bench_search.py
  fi
  if [[ " ${steps[*]} " == *" detail "* ]]; then
    "$bin/python" bench/bench_detail.py
  fi
  if [[ " ${steps[*]} " == *" credit "* ]]; then
    BENCH_DB=${CREDIT_BENCH_DB:-zhijian_credit_bench} DATABASE_URL=$BENCH_PG/${CREDIT_BENCH_DB:-zhijian_credit_bench} \
      "$bin/python" bench/bench_credit.py --rows "$BENCH_ROWS"
  fi
  if [[ " ${steps[*]} " == *" inspections "* ]]; then
    BENCH_DB=${INSPECTIONS_BENCH_DB:-zhijian_inspections_bench} \
      DATABASE_URL=$BENCH_PG/${INSPECTIONS_BENCH_DB:-zhijian_inspections_bench} "$bin/python" bench/bench_inspections.py
  fi
  if [[ " ${steps[*]} " == *" indicators "* ]]; then  # plan indicators: its own database, reloaded with --reset
    BENCH_DB=${INDICATORS_BENCH_DB:-zhijian_indicators_bench} "$bin/python" bench/bench_indicators.py --rows "$BENCH_ROWS"
  fi
  if [[ " ${steps[*]} " == *" sampling "* ]]; then
    BENCH_DB=${SAMPLING_BENCH_DB:-zhijian_sampling_bench} \
      DATABASE_URL=$BENCH_PG/${SAMPLING_BENCH_DB:-zhijian_sampling_bench} "$bin/python" bench/bench_sampling.py --fresh
  fi
  if [[ " ${steps[*]} " == *" load "* ]]; then  # its own private PostgreSQL cluster; BENCH_LOAD_ARGS=--smoke
    "$bin/python" bench/bench_load.py ${BENCH_LOAD_ARGS:-}
  fi
} 2>&1 | tee "$log"
echo "log: $log"

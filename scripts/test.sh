#!/usr/bin/env bash
# Run the whole suite. Database: ZHIJIAN_TEST_DB=postgres|sqlite, else DATABASE_URL, else the local
# PostgreSQL on 127.0.0.1:5432 when it answers, else SQLite.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
export ZHIJIAN_MODE=test
pg_default=postgresql://postgres@127.0.0.1:5432/zhijian
pg_up() { "$bin/python" - "$1" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
}
case "${ZHIJIAN_TEST_DB:-auto}" in
  postgres) export DATABASE_URL=${DATABASE_URL:-$pg_default}
            pg_up "$DATABASE_URL" || { echo "PostgreSQL at $DATABASE_URL does not answer" >&2; exit 2; } ;;
  sqlite)   unset DATABASE_URL ;;
  auto)     if [ -z "${DATABASE_URL:-}" ] && pg_up "$pg_default"; then export DATABASE_URL=$pg_default; fi ;;
  *) echo "ZHIJIAN_TEST_DB must be postgres or sqlite" >&2; exit 2 ;;
esac
if [ -n "${DATABASE_URL:-}" ]; then echo "== tests on PostgreSQL (${DATABASE_URL%%@*}@…)"; else echo "== tests on SQLite"; fi
if [ ! -x /usr/bin/chromium ]; then
  echo "NOTICE: /usr/bin/chromium is missing: browser tests (tests/e2e) are SKIPPED. Install Debian's chromium to run them (.ci/run does)."
fi
if ! command -v Rscript >/dev/null 2>&1; then
  echo "NOTICE: Rscript is missing: the R oracle tests of the warnings detectors are SKIPPED. Install r-base-core r-cran-surveillance to run them (.ci/run does)."
fi
if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
  echo "NOTICE: java is missing: Spark tests (tests/credit, engine spark) are SKIPPED. Install a Java 17 runtime to run them (.ci/run does)."
fi
exec "$bin/pytest" "$@"

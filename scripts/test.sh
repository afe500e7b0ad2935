#!/usr/bin/env bash
# The whole test suite against PostgreSQL (see scripts/test-database.sh), a real
# Redis broker for the queue tests, Chromium for the browser tests.
# Extra arguments go to pytest: scripts/test.sh tests/accounts -k api_key
# Tests run in parallel, one pytest-xdist worker more than the cores, at most four
# (IDV_TEST_WORKERS=2, or 0 for one process); each worker has its own test database,
# cache directory, Redis database and var directory (tests/support/workers.py).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var artifacts
scripts/venv.sh requirements-dev.txt
scripts/system-deps.sh
[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent

DATABASE_URL="$(scripts/test-database.sh)"
export DATABASE_URL
stop_throwaway_cluster() {
  if [ -f var/test-pg.started ]; then
    cluster="$(cat var/test-pg.started)"
    runner=(); [ "$(id -u)" = 0 ] && runner=(runuser -u postgres --)
    bindir="$(dirname "$(command -v pg_ctl 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/pg_ctl | head -1)")"
    "${runner[@]}" "$bindir/pg_ctl" -D "$cluster" -m fast stop >/dev/null 2>&1 || true
    rm -f var/test-pg.started
  fi
}
trap stop_throwaway_cluster EXIT

# Worker N uses the database after this one plus N (tests/support/workers.py).
export IDV_TEST_REDIS_URL="${IDV_TEST_REDIS_URL:-redis://127.0.0.1:6379/12}"
if ! .venv/bin/python -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_timeout=2).ping()" \
     "$IDV_TEST_REDIS_URL" >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    sleep 1
  else
    echo "No Redis at $IDV_TEST_REDIS_URL and no redis-server to start: the queue tests will fail." >&2
  fi
fi

# Test-only secrets; real deployments are refused without their own.
export SECRET_KEY="${SECRET_KEY:-test-only-secret-key-not-for-production-use-0123456789}"
export IDV_KEY_ENCRYPTION_KEY="${IDV_KEY_ENCRYPTION_KEY:-dGVzdC1vbmx5LWtleS1lbmNyeXB0aW9uLWtleS0zMmI}"
export IDV_AUDIT_SEAL_KEY="${IDV_AUDIT_SEAL_KEY:-dGVzdC1vbmx5LWF1ZGl0LXNlYWwta2V5LTMyYnl0ZXM}"
export IDV_BASE_URL="${IDV_BASE_URL:-http://testserver}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-testserver,localhost,127.0.0.1}"
unset CELERY_BROKER_URL IDV_QUICKSTART
# Rate limits are counted in a cache every process shares (idverify.E008); the
# tests use files, and each test starts with the cache emptied (tests/conftest.py).
export CACHE_URL="${CACHE_URL:-file://$PWD/var/test-cache}"
# What the settings keep in var/ (media, quick-start files), apart from `make run`'s.
export IDV_VAR_DIR="${IDV_VAR_DIR:-$PWD/var/test}"
# The checkout's own verifier package, whatever the venv's editable install points at.
export PYTHONPATH="$PWD/verifier/src${PYTHONPATH:+:$PYTHONPATH}"
# The MRZ OCR model the repository ships, as an operator would configure it.
export IDV_TESSDATA_DIR="${IDV_TESSDATA_DIR:-$PWD/share/tesseract}"
# Bytecode caches are written even where the environment asks not to
# (PYTHONDONTWRITEBYTECODE): the suite starts many Python processes (workers, web
# nodes, quick starts, manage.py), and without caches each one compiles the project
# again (0.25 s of CPU a Django start), and pytest rewrites every test module's
# asserts in every run. The PostgreSQL pass of a clean checkout took 4 min 34 s
# against 4 min 42 s without, the SQLite pass 10 s against 13 s.
unset PYTHONDONTWRITEBYTECODE

# At most four workers: each holds a test database, a browser and a Redis database.
# The plugin is loaded here, not in addopts: `python -m pytest` can import it from
# the checkout, a bare `pytest` could not (tests/conftest.py refuses -n without it).
# One more than the cores: many tests spend their time waiting on a browser, a
# server they started or a database restart, but each worker's start and the
# contention cost CPU too. On 2 cores the PostgreSQL pass took 6 min 4 s with four
# workers where two took 6 min 49 s; later, back to back on one machine, three
# took 4 min 30 s and 4 min 56 s where four took 5 min 13 s to 5 min 38 s.
default_workers=$(( $(nproc) + 1 ))
workers=(-p tests.support.workers -n "${IDV_TEST_WORKERS:-$default_workers}" --maxprocesses 4 --dist loadgroup)
[ "${IDV_TEST_WORKERS:-$default_workers}" = 0 ] && workers=(-p tests.support.workers -n 0)

set +e
.venv/bin/python -m pytest "${workers[@]}" "$@"
status=$?
# The quick start runs SQLite, so the token path's tests (marked `sqlite`) run
# again on it: an in-memory test database with the quick start's options. In one
# process: for these hundred-odd tests each worker's start (Django, collection,
# migrating its database) cost more than the tests, 44 s with four workers, 23 s alone.
echo "== tests marked sqlite, on SQLite (the quick start's database) =="
DATABASE_URL="sqlite:///$PWD/var/test-sqlite.sqlite3" .venv/bin/python -m pytest -p tests.support.workers -n 0 "$@" -m sqlite
sqlite_status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass." >&2
  exit 1
fi
if [ "$sqlite_status" = 5 ]; then
  if [ "$#" -gt 0 ]; then
    sqlite_status=0  # the chosen tests hold none marked sqlite
  else
    echo "No test is marked sqlite: the SQLite pass is empty, a failure." >&2
  fi
fi
if [ "$status" != 0 ]; then exit "$status"; fi
exit "$sqlite_status"

#!/usr/bin/env bash
# Print a DATABASE_URL for the tests, in this order:
#   1. $DATABASE_URL when set;
#   2. the local server on 127.0.0.1:5432 as user postgres;
#   3. a throwaway cluster started with initdb/pg_ctl (stopped by scripts/test.sh);
#   4. otherwise stop with a clear message. Never SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; exit 0; fi
# One database name per checkout, so test runs in two checkouts on one server
# (a CI clone next to a working tree) never share a test database.
name="idverify_$(printf '%s' "$PWD" | sha1sum | cut -c1-10)"

can_connect() {
  .venv/bin/python - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
}

local_url="postgres://postgres@127.0.0.1:5432/postgres"
if can_connect "$local_url"; then echo "postgres://postgres@127.0.0.1:5432/$name"; exit 0; fi

bindir=""
for dir in $(command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)") /usr/lib/postgresql/*/bin; do
  if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then bindir="$dir"; break; fi
done
if [ -z "$bindir" ]; then
  cat >&2 <<'MSG'
No PostgreSQL for the tests: DATABASE_URL is unset, nothing answers on
127.0.0.1:5432, and initdb/pg_ctl are not installed. Either set DATABASE_URL,
start a server (e.g. `sudo apt-get install postgresql`), or install the
PostgreSQL server binaries so a throwaway cluster can be started.
MSG
  exit 1
fi
cluster="${IDV_TEST_PGDATA:-$PWD/var/test-pg}"
port=54329
run_as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  mkdir -p "$cluster" && chown postgres "$cluster" "$(dirname "$cluster")"
  run_as=(runuser -u postgres --)
fi
if [ ! -f "$cluster/PG_VERSION" ]; then
  "${run_as[@]}" "$bindir/initdb" -D "$cluster" -U postgres --auth=trust >/dev/null
fi
"${run_as[@]}" "$bindir/pg_ctl" -D "$cluster" -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" \
  -l "$cluster/server.log" -w start >/dev/null
echo "$cluster" > var/test-pg.started
echo "postgres://postgres@127.0.0.1:$port/$name"

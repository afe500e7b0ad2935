#!/usr/bin/env bash
# `make up`: the production shape on this host, from the Procfile. The release
# step first (migrations, signing keys), then WEB_NODES web nodes (honcho gives
# them ports 5000, 5001, ...), one Celery worker and beat, against the PostgreSQL
# and Redis (or RabbitMQ) the environment names. Nothing falls back to SQLite or
# in-process tasks here: what is missing is named and nothing starts.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for name in DATABASE_URL CELERY_BROKER_URL CACHE_URL SECRET_KEY IDV_KEY_ENCRYPTION_KEY \
            IDV_AUDIT_SEAL_KEY IDV_BASE_URL; do
  file_var="${name}_FILE"
  if [ -z "${!name:-}" ] && [ -z "${!file_var:-}" ]; then missing+=("$name"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  cat >&2 <<MSG
make up runs the production shape and needs these set in the environment: ${missing[*]}
  DATABASE_URL=postgres://user:pass@host:5432/idverify
  CELERY_BROKER_URL=redis://host:6379/0   (or amqp://user:pass@host:5672//)
  CACHE_URL=redis://host:6379/1
  and the secrets and public address in README's configuration table.
For a trial with nothing configured, use \`make run\`.
MSG
  exit 2
fi
if [ -n "${IDV_QUICKSTART:-}" ]; then
  echo "IDV_QUICKSTART is set: unset it for make up (the quick start is \`make run\`)." >&2
  exit 2
fi
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p "${IDV_VAR_DIR:-var}"
scripts/release.sh
exec honcho start -f Procfile -c "web=${WEB_NODES:-2},worker=1,beat=1" web worker beat

#!/usr/bin/env bash
# The release step: run once per deploy, before the new web nodes take traffic.
# Applies migrations (without a statement time limit: a migration may take long)
# creates or rotates the signing keys when due, and collects the static files
# (STATIC_ROOT; a container image has them already). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
DB_STATEMENT_TIMEOUT=0 "$PY" manage.py migrate --noinput
"$PY" manage.py rotate_signing_keys --if-due
"$PY" manage.py collectstatic --noinput --verbosity 0

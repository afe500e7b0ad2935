#!/usr/bin/env bash
# Create .venv and install a requirements file into it, once per change of the file.
# Usage: scripts/venv.sh requirements.txt|requirements-dev.txt
set -euo pipefail
cd "$(dirname "$0")/.."
req="${1:-requirements.txt}"
python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
  done
fi
if [ -z "$python_bin" ]; then
  echo "Python 3.11 is needed (python3.11 or python3 on PATH)." >&2; exit 1
fi
"$python_bin" - <<'PY' || { echo "Python 3.11 or newer is needed; found $("$python_bin" --version)." >&2; exit 1; }
import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
stamp=".venv/.installed-$(basename "$req" .txt)"
digest=$(cat requirements*.txt verifier/pyproject.toml 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  echo "Installing $req into .venv ..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/python -m pip check >/dev/null 2>&1 || .venv/bin/python -m pip check
  echo "$digest" > "$stamp"
fi

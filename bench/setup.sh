#!/usr/bin/env bash
# Make the benchmark's tools exist: the site's .venv (scripts/venv.sh, as ./run.sh does),
# bench/.venv with bench/requirements.txt (Datasette, aiohttp, psutil, pyinstrument) and
# the sqlite3 command-line shell (Debian's package, installed with apt-get when missing).
# Idempotent: a second run installs nothing. Sourced by bench/run.sh; runnable alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/venv.sh
ensure_venv requirements.txt

ensure_bench_venv() {
  local py stamp want
  py=$(command -v python3.11 || command -v python3)
  if [ ! -x bench/.venv/bin/python ]; then
    echo "Creating bench/.venv with $py"
    "$py" -m venv bench/.venv
  fi
  stamp=bench/.venv/.requirements.sha256
  want=$(sha256sum bench/requirements.txt | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing bench/requirements.txt into bench/.venv"
    bench/.venv/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
    echo "$want" > "$stamp"
  fi
}

ensure_sqlite3_shell() {
  command -v sqlite3 >/dev/null && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing the sqlite3 shell from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null
  else
    echo "The benchmark compares against the sqlite3 shell: sudo apt-get install sqlite3" >&2
    return 1
  fi
}

ensure_bench_venv
ensure_sqlite3_shell

#!/usr/bin/env bash
# Run the whole test suite (extra arguments go to pytest). Uses SQLite unless
# TEST_DATABASE_URL names a PostgreSQL database, e.g.
#   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test ./test.sh
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
source scripts/browser.sh
ensure_venv requirements.txt requirements-dev.txt
ensure_browser
ensure_axe
exec .venv/bin/python -m pytest "$@"

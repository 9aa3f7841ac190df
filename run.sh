#!/usr/bin/env bash
# Serve Open Port Fees on http://127.0.0.1:${PORT:-5000}: sets up .venv, applies the
# migrations, loads the demo data into an empty database, then starts gunicorn.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv requirements.txt
export FLASK_APP=app
.venv/bin/flask db upgrade
.venv/bin/flask demo load --if-empty
.venv/bin/flask demo credentials
PORT="${PORT:-5000}"
echo "Open Port Fees: http://127.0.0.1:${PORT}"
exec .venv/bin/gunicorn --config gunicorn.conf.py --bind "127.0.0.1:${PORT}" "app:create_app()"

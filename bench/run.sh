#!/usr/bin/env bash
# The benchmark in one command: bench/run.sh [--scale 10k|100k|1m] [--quick] [--db FILE]
# Sets up what it needs (bench/setup.sh), generates the data set if missing, measures,
# writes bench/results.json and prints the table. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/setup.sh
exec bench/.venv/bin/python -m bench.run "$@"

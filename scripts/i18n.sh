#!/usr/bin/env bash
# Re-extract every translatable string and merge it into the Chinese catalogue.
# English is the source language (message ids), so it needs no catalogue of its own.
# After running it, translate the new or fuzzy entries in translations/zh/LC_MESSAGES/messages.po.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output \
  --project "Open Port Fees" --ignore-dirs ".venv tests bench" .
.venv/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

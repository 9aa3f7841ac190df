# Sourced by run.sh and test.sh: make .venv exist and hold the given requirement files.
# Reinstalls only when a requirement file changed (a stamp of their hash lives in .venv).
ensure_venv() {
  local py
  py=$(command -v python3.11 || command -v python3)
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $py"
    "$py" -m venv .venv
  fi
  local stamp=.venv/.requirements.sha256
  local want
  want=$(cat "$@" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing $*"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    local args=()
    for f in "$@"; do args+=(-r "$f"); done
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "${args[@]}"
    echo "$want" > "$stamp"
  fi
  # Compiled translations are build output (not in git): compile when a .po is newer.
  local out
  out=$(.venv/bin/pybabel compile -f -d translations 2>&1) || { echo "$out" >&2; return 1; }
}

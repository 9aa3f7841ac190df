# Sourced by test.sh and .ci/run: make sure Debian's Chromium (and a CJK font, so
# Chinese pages render in screenshots) is installed. Playwright drives this browser;
# it never downloads one of its own.
ensure_browser() {
  if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium and a CJK font from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  else
    echo "The browser tests need Debian's Chromium: sudo apt-get install chromium fonts-wqy-microhei" >&2
  fi
}

# axe-core (the accessibility checker tests/browser.py injects into pages), pinned in
# package.json/package-lock.json. `npm ci` when it is missing or the lock file changed
# since the last install; installs Node's npm from Debian when run as root without it.
ensure_axe() {
  local stamp=node_modules/.package-lock.sha256
  local want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ -f node_modules/axe-core/axe.min.js ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  if ! command -v npm >/dev/null; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "Installing Node.js and npm from Debian's packages"
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
      echo "The accessibility tests need npm (for axe-core): sudo apt-get install nodejs npm" >&2
      return 0
    fi
  fi
  echo "Installing axe-core from package-lock.json (npm ci)"
  if npm ci --no-audit --no-fund --loglevel=error; then
    echo "$want" > "$stamp"
  else
    echo "npm ci failed: the accessibility tests will fail until axe-core is installed" >&2
  fi
}

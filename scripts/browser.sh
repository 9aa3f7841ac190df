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

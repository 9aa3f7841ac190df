"""Serve the app on 127.0.0.1 from a thread and drive Debian's Chromium with Playwright;
run axe-core (pinned in package.json, installed by test.sh) on the pages.

Browser tests fail (never skip) when the browser or axe-core is missing: CI must run them.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google's hosts,
# which this network (rightly) refuses. --lang fixes the browser's own locale, which
# orders the parts of a date field (month/day/year) whatever the page's language:
# keyboard tests type dates in that order.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=en-US"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.x A and AA rules plus axe's best practices (landmarks, headings, regions).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SERIOUS = ("serious", "critical")
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


class QuietHandler(WSGIRequestHandler):
    """No access log: a failing test's output should show the failure, not every request."""

    def log_request(self, *args, **kwargs):
        pass


@contextmanager
def live_server(app):
    """The app on a free local port, for the duration of the block; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def launch(playwright):
    """Debian's Chromium, headless (Playwright never downloads a browser of its own)."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run ./test.sh as root or apt-get install chromium"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@contextmanager
def browser_page(**context_options):
    """A fresh headless Chromium page (no shared cookies between tests), in its own browser."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            with new_page(browser, **context_options) as page:
                yield page
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a whole test module (launching costs about a second); each test
    takes a fresh context from it with `new_page`, so no cookie leaks between tests."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def new_page(browser, *, locale: str = "zh-CN", viewport: dict | None = None, **options):
    """A page in a new browser context (its own cookies)."""
    context = browser.new_context(locale=locale, viewport=viewport or DESKTOP, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


def axe_source() -> str:
    """axe-core's script; a clear failure (not a skip) when it has not been installed."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run ./test.sh, or `npm ci` in the repository root "
                    "(it is pinned in package.json / package-lock.json)", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, *, exclude: list[str] | None = None, impacts=SERIOUS) -> list[dict]:
    """Run axe-core on the page as it is now; the violations of the given impacts.

    The site's CSP (script-src 'self') refuses inline scripts, so `page.add_script_tag`
    cannot inject axe; `page.evaluate` runs it through the DevTools protocol, which the
    CSP does not govern: the page under test keeps its real policy.
    `exclude` lists CSS selectors axe leaves out (each caller says why)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    context = {"exclude": [[selector] for selector in exclude or []]}  # include: the whole document
    result = page.evaluate(
        """async ([context, tags]) => await window.axe.run(context, {
               runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        [context, AXE_TAGS])
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """Violations as lines a person can act on: rule, impact, help and the first few nodes."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}"
                         f"  html={node['html'][:160]}")
    return "\n".join(lines)

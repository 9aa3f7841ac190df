"""CSRF protection and security headers (a strict CSP: no inline script or style)."""
from __future__ import annotations

from flask import abort, request
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()
talisman = Talisman()

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app) -> None:
    """CSRF on every form; CSP and friends on every response. HTTPS only in production.
    Behind TRUSTED_PROXIES reverse proxies, the client's address, scheme and host are
    taken from their X-Forwarded-* headers (only as many hops as configured: a client
    cannot forge its way past them), so that rate limits, lockouts and the audit trail
    count clients, not the proxy."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.before_request(refuse_nul_characters)
    csrf.init_app(app)
    production = app.config["FEES_ENV"] == "production"
    talisman.init_app(
        app,
        content_security_policy=CSP,
        force_https=production,
        strict_transport_security=production,
        session_cookie_secure=production,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )


def refuse_nul_characters() -> None:
    """400 for a NUL (0x00) in any posted form value, before a view runs: no browser sends
    one, PostgreSQL text cannot hold it (a 500 there, found by tests/test_properties.py) and
    SQLite would store it. Query strings only ever filter (a NUL there matches nothing)."""
    if any("\x00" in value for _, values in request.form.lists() for value in values):
        abort(400)

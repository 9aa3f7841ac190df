"""CSRF protection and security headers (a strict CSP: no inline script or style)."""
from __future__ import annotations

from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

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
    """CSRF on every form; CSP and friends on every response. HTTPS only in production."""
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

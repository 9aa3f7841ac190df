"""Interface language: Chinese by default, English on request, remembered in a cookie."""
from __future__ import annotations

from flask import has_request_context, request
from flask_babel import Babel, refresh

LANGUAGES = ("zh", "en")
COOKIE = "lang"
babel = Babel()


def select_locale() -> str:
    """`?lang=` wins, then the cookie, then Chinese (also outside requests, e.g. the CLI)."""
    if not has_request_context():
        return LANGUAGES[0]
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return LANGUAGES[0]


def remember_choice(response):
    """Keep an explicit `?lang=` choice for the next pages."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app) -> None:
    """Register Flask-Babel with our locale selector."""
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on the app context; requests that share one
    # (the test client inside an app context) must still each choose their own.
    app.before_request(refresh)
    app.after_request(remember_choice)

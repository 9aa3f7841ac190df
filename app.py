"""Open Port Fees: the application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, abort

from fees import config as fees_config

MAX_ID = 2**31 - 1  # ids and numbers are 32-bit columns


def no_row_beyond_32_bits(endpoint, values) -> None:
    """`<int:…>` in any route: a number no 32-bit column can hold is no row at all (404),
    not a database error on PostgreSQL. (A converter with `max` would make werkzeug answer
    405 when another method shares the path.)"""
    if values and any(isinstance(v, int) and v > MAX_ID for v in values.values()):
        abort(404)


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app; tests pass a dict that overrides the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_value_preprocessor(no_row_beyond_32_bits)
    app.config.from_mapping(fees_config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    fees_config.check(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Database, migrations, translations, CSRF and security headers."""
    from fees import auth, db, i18n, limits, search, security

    db.init_app(app)
    limits.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    search.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Public pages and error handlers."""
    from fees.security import csrf
    from fees.views import (
        admin, assets, auth, compare, errors, estimate, helpers, history, oversight, public, publish, reports, search,
    )
    from opendata import api, apidocs, site

    for blueprint in (public.bp, auth.bp, publish.bp, admin.bp, search.bp, compare.bp, estimate.bp,
                      history.bp, oversight.bp, reports.bp, assets.bp, api.bp, site.bp, apidocs.bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)  # bearer tokens, not cookies: no cross-site request can carry one
    errors.init_app(app)
    helpers.init_app(app)


def register_commands(app: Flask) -> None:
    """`flask catalog ...`, `flask demo ...`, `flask log ...` (and `flask db ...` from Flask-Migrate)."""
    from fees import cli

    cli.init_app(app)

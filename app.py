"""Open Port Fees: the application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from fees import config as fees_config


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app; tests pass a dict that overrides the environment."""
    app = Flask(__name__, instance_relative_config=True)
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

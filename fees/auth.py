"""Signing in: Flask-Login sessions that expire, role checks for views, audit origins."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import abort, g, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from fees.db import db
from fees.models import User
from fees.services.base import audit_origin

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user, if the account still exists and is active."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def role_required(*roles: str):
    """Views only these roles may use; others get 403, anonymous users the login page."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def _web_origin() -> None:
    """Every write made while serving this request is audited as coming from this address."""
    g.audit_origin_token = audit_origin.set(f"web {request.remote_addr or '-'}")


def _reset_origin(exc: BaseException | None) -> None:
    """Leave the thread as the request found it (a worker thread serves many requests)."""
    token = g.pop("audit_origin_token", None)
    if token is not None:
        audit_origin.reset(token)


def init_app(app) -> None:
    """Sessions expire after FEES_SESSION_HOURS (default 8) of the sign-in."""
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["FEES_SESSION_HOURS"])
    login_manager.init_app(app)
    app.before_request(_web_origin)
    app.teardown_request(_reset_origin)

"""Sign in and sign out."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from fees.db import db
from fees.forms import ConfirmForm, LoginForm
from fees.limits import limiter
from fees.services.accounts import AccountLocked, Lockout, sign_in

bp = Blueprint("auth", __name__)


def login_rate_limit() -> str:
    """Each client address's allowance of failed sign-ins (LOGIN_RATE_LIMIT; empty: none).

    Read per request, so each app (and each test) can set its own."""
    return current_app.config.get("LOGIN_RATE_LIMIT", "")


def _failed(response) -> bool:
    """Only attempts that did not sign in count: a whole office behind one address can
    still sign in at nine o'clock, while guessing from it is held to the allowance."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str | None:
    """Only local paths: never redirect a signed-in user to another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return None


def home_for(user) -> str:
    """Where each role starts."""
    return url_for("publish.home") if user.role == "publisher" else url_for("admin.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"], deduct_when=_failed)
def login():
    """The sign-in form."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = sign_in(db.session, form.email.data, form.password.data,
                           lockout=Lockout.from_config(current_app.config))
        except AccountLocked as locked:
            flash(_("Too many failed sign-ins: this account is locked until %(time)s (%(zone)s time). "
                    "Try again after that; until then no password is accepted.",
                    time=format_datetime(locked.until, "yyyy-MM-dd HH:mm"),
                    zone=current_app.config["FEES_TIMEZONE"]), "error")
            return render_template("auth/login.html", form=form), 403
        if user is not None:
            session.clear()
            session.permanent = True  # expires after FEES_SESSION_HOURS
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        flash(_("Wrong e-mail or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.errorhandler(429)
def too_many(exc):
    """Over LOGIN_RATE_LIMIT: the form again, in the reader's language, saying why."""
    flash(_("Too many sign-in attempts from your address. Wait a minute, then try again."), "error")
    return render_template("auth/login.html", form=LoginForm()), 429


@bp.post("/logout")
def logout():
    """Sign out (a POST with a CSRF token, so no other site can sign you out)."""
    if ConfirmForm().validate_on_submit():
        logout_user()
        session.clear()
    return redirect(url_for("public.index"))

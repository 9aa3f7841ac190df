"""Sign in and sign out."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from fees.db import db
from fees.forms import ConfirmForm, LoginForm
from fees.services.accounts import sign_in

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only local paths: never redirect a signed-in user to another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return None


def home_for(user) -> str:
    """Where each role starts."""
    return url_for("publish.home") if user.role == "publisher" else url_for("admin.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form."""
    form = LoginForm()
    if form.validate_on_submit():
        user = sign_in(db.session, form.email.data, form.password.data)
        if user is not None:
            session.clear()
            session.permanent = True  # expires after FEES_SESSION_HOURS
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        flash(_("Wrong e-mail or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out (a POST with a CSRF token, so no other site can sign you out)."""
    if ConfirmForm().validate_on_submit():
        logout_user()
        session.clear()
    return redirect(url_for("public.index"))

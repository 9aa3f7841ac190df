"""One place that turns errors into pages: HTML for people, problem+json for programs."""
from __future__ import annotations

from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from fees.errors import Conflict, DomainError, NotFound
HTTP_TITLES = {
    400: _l("Bad request"),
    403: _l("Forbidden"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("The file is too large"),
    415: _l("Unsupported media type"),
    429: _l("Too many requests"),
    500: _l("Internal server error"),
}


def wants_json() -> bool:
    """API paths and clients that ask for JSON get problem+json."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def status_of(exc: DomainError) -> int:
    """404 not found, 409 conflict with the current state, 403 forbidden, else 422."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    return 403 if exc.code == "forbidden" else 422


def render_problem(status: int, title: str, detail: str = "", errors: list | None = None,
                   code: str | None = None):
    """An RFC 9457 problem document, or the HTML error page.

    `code` (e.g. "short_notice", "stale_draft", "import_encoding") is an extension
    member so that programs can tell problems apart without parsing the title.
    """
    if wants_json():
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        if code:
            body["code"] = code
        if errors:
            body["errors"] = errors
        response = jsonify(body)
        response.status_code = status
        response.mimetype = "application/problem+json"
        return response
    return render_template("error.html", status=status, title=title, detail=detail, errors=errors or []), status


def init_app(app) -> None:
    """Register the handlers."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return render_problem(status_of(exc), str(exc.message), errors=[e.as_dict() for e in exc.errors],
                              code=exc.code)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        return render_problem(status, str(HTTP_TITLES.get(status, exc.name)))

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def database_down(exc: Exception):
        return database_unavailable(app, exc)


def database_unavailable(app, exc: Exception):
    """The database is unreachable (refused, missing file, pool exhausted): a 503 that says so.

    Nothing of the request was saved (the session is rolled back); the page must render
    without the database, so the signed-in user is not loaded (the header shows "Sign in")
    and the site settings fall back to their defaults (helpers.site_context).
    """
    from fees.auth import login_manager
    from fees.db import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone altogether
        app.logger.warning("rollback after a database error failed", exc_info=True)
    app.logger.error("database error on %s %s", request.method, request.path, exc_info=exc)
    unreachable = isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)) or getattr(
        exc, "connection_invalidated", False)
    if not unreachable:  # a bug (bad SQL, a broken constraint nobody caught): rolled back, 500
        return render_problem(500, str(HTTP_TITLES[500]))
    title = _("Service unavailable")
    detail = _("The database cannot be reached. Please try again shortly.")
    headers = {"Retry-After": "30"}
    if wants_json():
        response = render_problem(503, title, detail, code="database_unavailable")
        response.headers.update(headers)
        return response
    g._login_user = login_manager.anonymous_user()  # do not ask the database who is signed in
    return render_template("errors/503.html", title=title, detail=detail), 503, headers

"""Template filters and globals: money, dates in port time, bilingual names, labels."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from flask import current_app, flash, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from flask_babel import gettext as _
from flask_babel import format_currency, format_date, format_datetime, get_locale

from fees import vocab
from fees.canonical import qty_str
from fees.db import db
from fees.errors import DomainError, FieldError
from fees.params import parse_day
from flask_babel import lazy_gettext as _l
from fees.services.base import Policy
from fees.views.errors import status_of
from fees.services.queries import setting
from fees.types import utcnow


def today() -> date:
    """Today's date at the port."""
    return Policy.from_config(current_app.config).local_date(utcnow())


def requested_day() -> date:
    """The day a page shows fees for: `?on=YYYY-MM-DD` (past or future), else today.

    A malformed date is refused with a clear error rather than silently ignored.
    """
    raw = request.args.get("on", "")
    try:
        return parse_day(raw) or today()
    except ValueError:
        raise DomainError(_l("%(value)s is not a date; use the format YYYY-MM-DD.", value=raw.strip()),
                          errors=[FieldError("on", _l("Use the format YYYY-MM-DD."))]) from None


def policy() -> Policy:
    """The site policy from the app config."""
    return Policy.from_config(current_app.config)


def attachment(data: bytes, media_type: str, filename: str):
    """A file download response."""
    response = current_app.response_class(data)
    response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def show_errors(exc: DomainError, form=None) -> None:
    """Put each field error on its field, the rest in a flash message.

    A refusal (not yours to change: 403) or a missing record (404) is not a correction to
    show on the page: it is raised again, and the error handler answers with its status."""
    if status_of(exc) in (403, 404):
        raise exc
    flash(str(exc.message), "error")
    for err in exc.errors:
        target = getattr(form, err.field, None) if form is not None else None
        if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
            target.errors.append(str(err.message))
        else:
            row = _("Row %(n)s", n=err.row) + ": " if err.row else ""
            flash(f"{row}{err.field}: {err.message}", "error")


def money(amount: Decimal | None, currency: str = "CNY") -> str:
    """`¥1,200.00` in the reader's locale; an em dash for no amount."""
    if amount is None:
        return "—"
    return format_currency(amount, currency)


def signed_money(amount: Decimal, currency: str = "CNY") -> str:
    """A change of amount with its sign: `+¥85.00`, `-¥50.00`."""
    return ("+" if amount > 0 else "") + format_currency(amount, currency)


def local_dt(value: datetime | None) -> str:
    """A UTC timestamp shown in port time with its offset (unambiguous)."""
    if value is None:
        return ""
    return format_datetime(value, "yyyy-MM-dd HH:mm ZZZZZ")


def iso_date(value: date | None) -> str:
    """Dates as YYYY-MM-DD in both languages."""
    return value.isoformat() if value else ""


def long_date(value: date | None) -> str:
    """A date in the reader's words."""
    return format_date(value, "long") if value else ""


def bilingual(obj, field: str = "name") -> str:
    """The object's name in the reader's language, falling back to the other."""
    if isinstance(obj, dict):
        zh, en = obj.get(f"{field}_zh", ""), obj.get(f"{field}_en", "")
    else:
        zh, en = getattr(obj, f"{field}_zh", ""), getattr(obj, f"{field}_en", "")
    if str(get_locale()) == "en":
        return en or zh
    return zh or en


def label(kind: str, code: str) -> str:
    """The translated label of a vocabulary code (e.g. label('UNITS', 'per_container'))."""
    return str(getattr(vocab, kind).get(code, code))


def pct(value: Decimal | None) -> str:
    """A signed percentage, or an em dash."""
    if value is None:
        return "—"
    return f"{value:+.2f}%"


def lang_url(lang: str) -> str:
    """This page in another language: the same path and every query parameter, repeated
    ones included (search facets: `kind=a&kind=b`); also on a page no route matched."""
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return f"{request.script_root}{request.path}?{urlencode([*pairs, ('lang', lang)])}"


def _as_of() -> date | None:
    """The day a page is viewed as of, when `?on=` asks for another day than today."""
    try:
        day = requested_day()
    except DomainError:
        return None
    return None if day == today() else day


def today_url() -> str:
    """This page without `?on=`: back to today."""
    args = {k: v for k, v in request.args.items() if k != "on"}
    if request.endpoint is None:
        return url_for("public.index")
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app) -> None:
    """Register filters, globals and the demo-data flag."""
    app.add_template_filter(money)
    app.add_template_filter(signed_money)
    app.add_template_filter(local_dt)
    app.add_template_filter(iso_date)
    app.add_template_filter(long_date)
    app.add_template_filter(bilingual)
    app.add_template_filter(pct)
    app.add_template_filter(qty_str, "qty")
    app.add_template_global(label)
    app.add_template_global(lang_url)
    app.add_template_global(today_url)
    app.add_template_global(today, "port_today")
    app.add_template_global(vocab, "vocab")

    @app.context_processor
    def site_context():
        try:
            demo = setting(db.session, "demo_data") == "1"
        except SQLAlchemyError:  # the error page must render even with the database down
            db.session.rollback()
            demo = False
        return {"locale": str(get_locale()), "demo_data": demo, "as_of": _as_of()}

"""Public reports of charges that differ from the published fee: the reporting form
(anyone, rate-limited), the port office's moderation queue, and the entity's responses."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fees.auth import role_required
from fees.db import db
from fees.errors import DomainError
from fees.limits import limiter
from fees.report_forms import ModerationForm, ReportForm, ResponseForm
from fees.services import registry
from fees.services import reports as service
from fees.views.errors import status_of
from fees.views.helpers import show_errors, today

bp = Blueprint("reports", __name__)

# Every POST counts, valid or not: the limit protects the moderators' queue from floods,
# and counting only stored reports would let concurrent posts slip past it.
PER_HOUR, PER_DAY = 5, 20
SUBMIT_LIMITS = f"{PER_HOUR} per hour;{PER_DAY} per day"
# Larger ids would overflow the databases' integers before they could simply be "not found".
REPORT_ID = "<int(max=2147483647):report_id>"


def _item_id(raw: str | None) -> int | None:
    """`?item=` or the form's hidden field: empty for none; anything but digits is no such item."""
    if not raw:
        return None
    # ASCII digits only ("²".isdigit() is true), and few enough for any database's integers.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18) or int(raw) > 2147483647:
        abort(404)  # larger ids overflow PostgreSQL's integers (a 500, found by tests/test_properties.py)
    return int(raw)


def _report_page(entity, form: ReportForm, item, status: int = 200):
    """The reporting form, fresh or with what was typed and the problems found."""
    maxlength = {"description": service.DESCRIPTION_MAX, "contact": service.CONTACT_MAX}
    return render_template("reports/form.html", entity=entity, form=form, item=item, maxlength=maxlength,
                           today=today()), status


@bp.get("/entities/<slug>/report")
def new(slug: str):
    """The reporting form, about the entity or one of its published fee items (`?item=`)."""
    entity = registry.get_entity(db.session, slug)
    item_id = _item_id(request.args.get("item"))
    item = service.reportable_item(db.session, entity, item_id)
    return _report_page(entity, ReportForm(item=item_id or ""), item)


@bp.post("/entities/<slug>/report")
@limiter.limit(SUBMIT_LIMITS)
def submit(slug: str):
    """Store the report as pending and thank the reporter; on any error, the form with what was typed."""
    entity = registry.get_entity(db.session, slug)
    form = ReportForm()
    item_id = _item_id(form.item.data)
    item = service.reportable_item(db.session, entity, item_id)
    if form.validate_on_submit():
        try:
            service.submit_report(
                db.session, entity=entity, item_id=item_id, description=form.description.data or "",
                observed_on=form.observed_on.data, charged_amount=form.charged_amount.data or "",
                currency=form.currency.data or "", contact=form.contact.data or "", today=today(),
            )
        except DomainError as exc:
            show_errors(exc, form)
        else:
            return redirect(url_for(".thanks", slug=slug), 303)
    else:
        flash(_("Please correct the highlighted fields."), "error")
    return _report_page(entity, form, item, 422)


@bp.get("/entities/<slug>/report/thanks")
def thanks(slug: str):
    """Say what happens next."""
    return render_template("reports/thanks.html", entity=registry.get_entity(db.session, slug))


@bp.errorhandler(429)
def too_many(exc):
    """Over the limit: a page in the reader's language saying why, that nothing was saved, and to retry later."""
    return render_template("reports/too_many.html", per_hour=PER_HOUR, per_day=PER_DAY), 429


# -- the port office ----------------------------------------------------------------


def _queue_page(status: int = 200, forms: dict | None = None):
    """The moderation queue; `forms` keeps what was typed in a form that was refused."""
    queue = service.moderation_queue(db.session)
    forms = forms or {}
    for report in queue.pending:
        forms.setdefault(report.id, ModerationForm(prefix=f"report-{report.id}", formdata=None))
    return render_template("reports/queue.html", queue=queue, forms=forms, labels=service.STATUS_LABELS), status


@bp.get("/admin/reports")
@role_required("regulator", "admin")
def queue():
    """Pending reports first, with the reporters' contacts (seen here only); then recent decisions."""
    return _queue_page()


@bp.post(f"/admin/reports/{REPORT_ID}")
@role_required("regulator", "admin")
def moderate(report_id: int):
    """Accept or reject one pending report (the button pressed), with an optional note."""
    form = ModerationForm(prefix=f"report-{report_id}")
    if form.validate_on_submit():
        try:
            report = service.moderate(db.session, report_id, decision=form.decision.data or "",
                                      note=form.note.data or "", actor=current_user)
        except DomainError as exc:
            show_errors(exc, form)
            return _queue_page(status_of(exc), {report_id: form})
        flash(_("Report #%(id)s is now %(status)s.", id=report.id, status=service.STATUS_LABELS[report.status]),
              "success")
    return redirect(url_for(".queue"), 303)


# -- the entity's publishers ----------------------------------------------------------


def _mine_page(status: int = 200, forms: dict | None = None):
    """The publisher's accepted reports; `forms` keeps what was typed in a form that was refused."""
    entity = current_user.entity
    accepted = service.reports_about(db.session, entity.id)
    forms = forms or {}
    for report in accepted:
        forms.setdefault(report.id, ResponseForm(prefix=f"report-{report.id}", formdata=None,
                                                 response=report.response))
    pending = service.report_counts(db.session, entity.id)["pending"]
    return render_template("reports/mine.html", entity=entity, reports=accepted, forms=forms,
                           pending=pending), status


@bp.get("/publish/reports")
@role_required("publisher")
def mine():
    """Accepted reports about the publisher's entity, each with a form for the public response."""
    return _mine_page()


@bp.post(f"/publish/reports/{REPORT_ID}/response")
@role_required("publisher")
def respond(report_id: int):
    """Write or update the entity's public response to one of its accepted reports."""
    form = ResponseForm(prefix=f"report-{report_id}")
    if form.validate_on_submit():
        try:
            service.respond(db.session, report_id, text=form.response.data or "", actor=current_user)
        except DomainError as exc:
            if exc.code == "forbidden" or status_of(exc) == 404:
                raise  # someone else's report: the plain error page, not this entity's list
            show_errors(exc, form)
            return _mine_page(status_of(exc), {report_id: form})
        flash(_("Your response is published."), "success")
    return redirect(url_for(".mine", _anchor=f"report-{report_id}"), 303)

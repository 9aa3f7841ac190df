"""The publishers' side: schedules, drafts, the item editor, import, publish, withdraw, tokens."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fees.db import db
from fees.errors import DomainError
from fees.forms import ConfirmForm, ImportForm, ItemForm, PublishForm, TokenForm, WithdrawForm
from fees.models import CatalogEntry, FeeSchedule, ScheduleVersion
from fees.auth import role_required
from fees.services import drafts, publishing, queries, tokens
from fees.services.publishing import check_notice
from fees.views.helpers import attachment, policy, show_errors, today
from fees import tabular, vocab

bp = Blueprint("publish", __name__, url_prefix="/publish")
OWN_CODE = "__own__"


@bp.before_request
@role_required("publisher")
def _publishers_only():
    """Every page here is for an entity's publishers."""


def _my_schedule(schedule_id: int) -> FeeSchedule:
    schedule = db.session.get(FeeSchedule, schedule_id)
    if schedule is None or schedule.entity_id != current_user.entity_id:
        abort(404)
    return schedule


def _revision() -> int | None:
    raw = request.form.get("revision", "")
    # ASCII digits only: "²".isdigit() is true but int("²") raises (a 500 found by tests/test_properties.py).
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


@bp.get("/")
def home():
    """The publisher's schedules with their versions and drafts, and API tokens."""
    entity = current_user.entity
    on = today()
    rows = [
        (queries.schedule_timeline(db.session, s, on), drafts.drafts_of(db.session, s.id))
        for s in entity.schedules
    ]
    return render_template("publish/home.html", entity=entity, rows=rows, today=on,
                           tokens=tokens.tokens_of(db.session, current_user), token_form=TokenForm(),
                           confirm=ConfirmForm(), withdraw_form=WithdrawForm())


@bp.post("/schedules/<int:schedule_id>/drafts")
def start_draft(schedule_id: int):
    """Start a draft copied from the latest published version, or an empty one."""
    schedule = _my_schedule(schedule_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    draft = drafts.create_draft(db.session, schedule, copy_current=request.form.get("start") != "empty",
                                actor=current_user)
    return redirect(url_for(".draft", version_id=draft.id))


@bp.get("/drafts/<int:version_id>")
def draft(version_id: int):
    """The draft editor: items, diff against the latest published version, publish form."""
    found = db.session.get(ScheduleVersion, version_id)
    if found is not None and found.number is not None and found.schedule.entity_id == current_user.entity_id:
        return redirect(url_for("public.version", slug=found.schedule.entity.slug,
                                schedule_slug=found.schedule.slug, number=found.number))
    version = drafts.get_draft(db.session, version_id, current_user)
    base = queries.latest_published(db.session, version.schedule_id)
    diff = queries.diff_versions(base, version)
    form = PublishForm(revision=version.revision)
    check = None
    wanted = request.args.get("effective_from", "")
    if wanted:
        try:
            form.effective_from.data = date.fromisoformat(wanted)
            check = check_notice(diff, form.effective_from.data, today(), policy())
        except ValueError:
            form.effective_from.errors = [_("Use the format YYYY-MM-DD.")]
    return render_template("publish/draft.html", version=version, schedule=version.schedule, base=base,
                           diff=diff, form=form, check=check, policy=policy(), confirm=ConfirmForm(),
                           today=today())


def _item_form(version: ScheduleVersion, item=None) -> ItemForm:
    catalog = db.session.scalars(select(CatalogEntry).order_by(CatalogEntry.business_line, CatalogEntry.code)).all()
    form = ItemForm() if request.method == "POST" else ItemForm(obj=item, revision=version.revision)
    codes = [(c.code, f"{c.code} — {c.name_zh} / {c.name_en}") for c in catalog]
    form.code.choices = codes + [(OWN_CODE, _("Own code (not in the catalogue)"))]
    form.unit.choices = [(k, str(v)) for k, v in vocab.UNITS.items()]
    form.container.choices = [(k, str(v)) for k, v in vocab.CONTAINER_TYPES.items()]
    form.direction.choices = [(k, str(v)) for k, v in vocab.DIRECTIONS.items()]
    form.cargo_class.choices = [(k, str(v)) for k, v in vocab.CARGO_CLASSES.items()]
    if request.method == "GET":
        if item is not None:
            if item.code not in {c.code for c in catalog}:
                form.code.data, form.own_code.data = OWN_CODE, item.code
            for row, tier in zip(form.tiers, item.tiers):
                row.from_qty.data, row.amount.data = str(tier.from_qty.normalize()), str(tier.amount)
                row.to_qty.data = "" if tier.to_qty is None else str(tier.to_qty.normalize())
            form.amount.data = "" if item.tiers else str(item.amount)
            form.min_amount.data = "" if item.min_amount is None else str(item.min_amount)
        else:
            form.currency.data = version.schedule.currency
    form.catalog = {c.code: c for c in catalog}
    return form


def _item_data(form: ItemForm) -> dict:
    """The form's values in the shape the draft services take."""
    own = form.code.data == OWN_CODE
    code = (form.own_code.data or "").strip().upper() if own else form.code.data
    entry = form.catalog.get(code)
    # A tier row's field missing from the posted form is None, not "" (a hand-made or truncated POST).
    tiers = [
        {"from": (t.from_qty.data or "").strip(), "to": (t.to_qty.data or "").strip() or None,
         "amount": (t.amount.data or "").strip()}
        for t in form.tiers if (t.from_qty.data or t.amount.data or "").strip()
    ]
    return {
        "code": code,
        "name_zh": form.name_zh.data or (entry.name_zh if entry else ""),
        "name_en": form.name_en.data or (entry.name_en if entry else ""),
        "service": form.service.data, "unit": form.unit.data, "container": form.container.data,
        "direction": form.direction.data, "cargo_class": form.cargo_class.data,
        "amount": form.amount.data, "currency": form.currency.data, "min_amount": form.min_amount.data,
        "tiers": tiers, "legal_basis": form.legal_basis.data, "notes": form.notes.data,
    }


@bp.route("/drafts/<int:version_id>/items/new", methods=["GET", "POST"])
@bp.route("/drafts/<int:version_id>/items/<int:item_id>", methods=["GET", "POST"])
def item(version_id: int, item_id: int | None = None):
    """Add or edit one item; on any error the form comes back with everything typed."""
    version = drafts.get_draft(db.session, version_id, current_user)
    existing = next((i for i in version.items if i.id == item_id), None) if item_id else None
    if item_id and existing is None:
        abort(404)
    form = _item_form(version, existing)
    if form.validate_on_submit():
        try:
            if existing is None:
                drafts.add_item(db.session, version.id, _item_data(form), actor=current_user,
                                expected_revision=_revision())
            else:
                drafts.update_item(db.session, version.id, existing.id, _item_data(form), actor=current_user,
                                   expected_revision=_revision())
        except DomainError as exc:
            show_errors(exc, form)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".draft", version_id=version.id))
    return render_template("publish/item_form.html", form=form, version=version, item=existing), \
        (422 if request.method == "POST" else 200)


@bp.post("/drafts/<int:version_id>/items/<int:item_id>/move")
def move(version_id: int, item_id: int):
    """Move an item one place up or down."""
    version = drafts.get_draft(db.session, version_id, current_user)
    ids = [i.id for i in version.items]
    if item_id not in ids or not ConfirmForm().validate_on_submit():
        abort(400)
    step = -1 if request.form.get("to") == "up" else 1
    try:
        drafts.move_item(db.session, version.id, item_id, ids.index(item_id) + step, actor=current_user,
                         expected_revision=_revision())
    except DomainError as exc:
        show_errors(exc)
    return redirect(url_for(".draft", version_id=version.id) + f"#item-{item_id}")


@bp.post("/drafts/<int:version_id>/items/<int:item_id>/remove")
def remove(version_id: int, item_id: int):
    """Remove an item from the draft."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        drafts.remove_item(db.session, version_id, item_id, actor=current_user, expected_revision=_revision())
        flash(_("Item removed."), "success")
    except DomainError as exc:
        show_errors(exc)
    return redirect(url_for(".draft", version_id=version_id))


@bp.post("/drafts/<int:version_id>/discard")
def discard(version_id: int):
    """Throw a draft away."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    drafts.discard_draft(db.session, version_id, actor=current_user, expected_revision=_revision())
    flash(_("Draft discarded."), "success")
    return redirect(url_for(".home"))


@bp.post("/drafts/<int:version_id>/publish")
def publish(version_id: int):
    """Publish the draft as reviewed; errors bring the editor back with the typed values."""
    version = drafts.get_draft(db.session, version_id, current_user)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            published = publishing.publish_version(
                db.session, version.id, effective_from=form.effective_from.data,
                change_note=form.change_note.data, actor=current_user, policy=policy(),
                expected_revision=_revision(),
            )
        except DomainError as exc:
            show_errors(exc, form)
        else:
            flash(_("Version %(n)s is published.", n=published.number), "success")
            return redirect(url_for("public.version", slug=published.schedule.entity.slug,
                                    schedule_slug=published.schedule.slug, number=published.number))
    base = queries.latest_published(db.session, version.schedule_id)
    diff = queries.diff_versions(base, version)
    check = check_notice(diff, form.effective_from.data, today(), policy()) if form.effective_from.data else None
    return render_template("publish/draft.html", version=version, schedule=version.schedule, base=base,
                           diff=diff, form=form, check=check, policy=policy(), confirm=ConfirmForm(),
                           today=today()), 422


@bp.post("/versions/<int:version_id>/withdraw")
def withdraw(version_id: int):
    """Withdraw an upcoming version, with a reason."""
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the withdrawal."), "error")
        return redirect(url_for(".home"))
    try:
        version = publishing.withdraw_version(db.session, version_id, reason=form.reason.data,
                                              actor=current_user, policy=policy())
        flash(_("Version %(n)s is withdrawn.", n=version.number), "success")
    except DomainError as exc:
        show_errors(exc)
    return redirect(url_for(".home"))


@bp.post("/tokens")
def create_token():
    """Issue an API token and show it once."""
    form = TokenForm()
    if not form.validate_on_submit():
        flash(_("Say what the token is for."), "error")
        return redirect(url_for(".home"))
    token, row = tokens.create_token(db.session, current_user, name=form.name.data, actor=current_user)
    return render_template("publish/token_created.html", token=token, row=row)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    """Revoke one of my tokens."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    tokens.revoke_token(db.session, token_id, actor=current_user)
    flash(_("Token revoked."), "success")
    return redirect(url_for(".home"))


@bp.route("/schedules/<int:schedule_id>/import", methods=["GET", "POST"])
def import_file(schedule_id: int):
    """Upload a CSV/XLSX file: a new draft from the whole file, or every error and nothing saved."""
    schedule = _my_schedule(schedule_id)
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            items = tabular.parse_upload(upload.filename or "", upload.read(), default_currency=schedule.currency)
            created = drafts.create_draft(db.session, schedule, items=items, actor=current_user)
        except DomainError as exc:
            flash(str(exc.message), "error")
            errors = exc.errors
        else:
            flash(_("Imported %(n)s items into a new draft. Review the changes, then publish.", n=len(items)),
                  "success")
            return redirect(url_for(".draft", version_id=created.id))
    status = 422 if request.method == "POST" else 200
    return render_template("publish/import.html", form=form, schedule=schedule, errors=errors), status


@bp.get("/template.<fmt>")
def template(fmt: str):
    """The empty import template, as CSV or XLSX, with Chinese or English headers."""
    if fmt not in tabular.MEDIA_TYPES:
        abort(404)
    lang = "en" if request.args.get("headers") == "en" else "zh"
    return attachment(tabular.template(fmt=fmt, lang=lang), tabular.MEDIA_TYPES[fmt],
                      f"fee-items-template-{lang}.{fmt}")

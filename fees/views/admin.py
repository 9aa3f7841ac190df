"""The port office's side: register entities and schedules, create accounts."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fees import vocab
from fees.auth import role_required
from fees.db import db
from fees.errors import DomainError
from fees.forms import ConfirmForm, EntityForm, ScheduleForm, UserForm
from fees.models import ChargingEntity, Port, User
from fees.services import accounts, queries, registry
from fees.views.helpers import show_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required("regulator", "admin")
def _oversight_only():
    """Every page here is for regulators and administrators."""


def _entity_choices() -> list[tuple[str, str]]:
    entities = db.session.scalars(select(ChargingEntity).order_by(ChargingEntity.slug)).all()
    return [("", "—")] + [(e.slug, f"{e.name_zh} ({e.slug})") for e in entities]


def _user_form() -> UserForm:
    form = UserForm()
    roles = vocab.ROLES if current_user.role == "admin" else {"publisher": vocab.ROLES["publisher"]}
    form.role.choices = [(k, str(v)) for k, v in roles.items()]
    form.entity.choices = _entity_choices()
    return form


@bp.get("/")
def home():
    """Entities and accounts at a glance, with the forms to add them."""
    entity_form = EntityForm()
    entity_form.kind.choices = [(k, str(v)) for k, v in vocab.ENTITY_KINDS.items()]
    entity_form.port.choices = [(p.locode, f"{p.name_zh} ({p.locode})") for p in db.session.scalars(select(Port))]
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/home.html", entities=queries.list_entities(db.session), users=users,
                           entity_form=entity_form, user_form=_user_form(), confirm=ConfirmForm())


@bp.post("/entities")
def create_entity():
    """Register a charging entity."""
    form = EntityForm()
    form.kind.choices = [(k, str(v)) for k, v in vocab.ENTITY_KINDS.items()]
    form.port.choices = [(p.locode, p.locode) for p in db.session.scalars(select(Port))]
    if form.validate_on_submit():
        try:
            entity = registry.create_entity(
                db.session, slug=form.slug.data.strip(), name_zh=form.name_zh.data, name_en=form.name_en.data,
                kind=form.kind.data, port_locode=form.port.data, uscc=form.uscc.data, contact=form.contact.data,
                website=form.website.data.strip(), address=form.address.data, description=form.description.data,
                actor=current_user,
            )
        except DomainError as exc:
            show_errors(exc, form)
        else:
            flash(_("%(name)s is registered.", name=entity.name_zh), "success")
            return redirect(url_for(".entity", slug=entity.slug))
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/home.html", entities=queries.list_entities(db.session), users=users,
                           entity_form=form, user_form=_user_form(), confirm=ConfirmForm()), 422


@bp.route("/entities/<slug>", methods=["GET", "POST"])
def entity(slug: str):
    """An entity's schedules and publishers, with a form to open a schedule."""
    found = registry.get_entity(db.session, slug)
    form = ScheduleForm()
    form.business_line.choices = [(k, str(v)) for k, v in vocab.BUSINESS_LINES.items()]
    status = 200
    if form.validate_on_submit():
        try:
            registry.create_schedule(db.session, entity=found, slug=form.slug.data.strip(),
                                     name_zh=form.name_zh.data, name_en=form.name_en.data,
                                     business_line=form.business_line.data,
                                     currency=form.currency.data.strip().upper(), actor=current_user)
        except DomainError as exc:
            show_errors(exc, form)
            status = 422
        else:
            flash(_("Schedule opened."), "success")
            return redirect(url_for(".entity", slug=slug))
    publishers = db.session.scalars(select(User).where(User.entity_id == found.id)).all()
    return render_template("admin/entity.html", entity=found, form=form, publishers=publishers), status


@bp.post("/users")
def create_user():
    """Create an account with a generated password, shown once."""
    form = _user_form()
    if not form.validate_on_submit():
        flash(_("Please correct the highlighted fields."), "error")
        return redirect(url_for(".home") + "#accounts")
    password = accounts.generate_password()
    try:
        entity = registry.get_entity(db.session, form.entity.data) if form.entity.data else None
        user = accounts.create_user(db.session, email=form.email.data, password=password, role=form.role.data,
                                    entity=entity, name=form.name.data, actor=current_user)
    except DomainError as exc:
        show_errors(exc)
        return redirect(url_for(".home") + "#accounts")
    return render_template("admin/user_created.html", user=user, password=password)


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    """Deactivate or reactivate an account (administrators only)."""
    if current_user.role != "admin" or not ConfirmForm().validate_on_submit():
        abort(403)
    target = db.session.get(User, user_id) or abort(404)
    user = accounts.set_active(db.session, user_id, not target.active, actor=current_user)
    flash(_("Account %(email)s is now %(state)s.", email=user.email,
            state=_("active") if user.active else _("deactivated")), "success")
    return redirect(url_for(".home") + "#accounts")

"""Web forms (Flask-WTF: CSRF on every one). Labels are translatable."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A button-only form (logout, remove, move): CSRF is the point."""

    revision = HiddenField()


class TierForm(Form):
    """One band of a tiered fee; a blank row is ignored."""

    from_qty = StringField(_l("From"), validators=[Length(max=20)])
    to_qty = StringField(_l("To (blank: no limit)"), validators=[Length(max=20)])
    amount = StringField(_l("Rate"), validators=[Length(max=40)])


TIER_ROWS = 5


class ItemForm(FlaskForm):
    """One fee item of a draft; up to five tier rows."""

    revision = HiddenField()
    code = SelectField(_l("Fee code"), validators=[DataRequired()])
    own_code = StringField(_l("Own code (if not in the catalogue)"), validators=[Optional(), Length(max=40)])
    name_zh = StringField(_l("Chinese name"), validators=[Length(max=200)])
    name_en = StringField(_l("English name"), validators=[Length(max=200)])
    service = TextAreaField(_l("Service content"), validators=[Length(max=4000)])
    unit = SelectField(_l("Unit"))
    container = SelectField(_l("Container"))
    direction = SelectField(_l("Direction"))
    cargo_class = SelectField(_l("Cargo class"))
    amount = StringField(_l("Amount"), validators=[Length(max=40)])
    currency = StringField(_l("Currency"), validators=[Length(max=3)])
    min_amount = StringField(_l("Minimum"), validators=[Length(max=40)])
    tiers = FieldList(FormField(TierForm), min_entries=TIER_ROWS, max_entries=TIER_ROWS)
    legal_basis = TextAreaField(_l("Legal basis"), validators=[Length(max=2000)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])


class PublishForm(FlaskForm):
    """Effective date and change note; the revision is the one the publisher reviewed."""

    revision = HiddenField()
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    change_note = TextAreaField(_l("Change note"), validators=[DataRequired(), Length(max=4000)])


class WithdrawForm(FlaskForm):
    """The reason for withdrawing an upcoming version."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)])


class ImportForm(FlaskForm):
    """A CSV or XLSX file following the import template."""

    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class TokenForm(FlaskForm):
    """A name for a new API token."""

    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=100)])


class EntityForm(FlaskForm):
    """Register a charging entity."""

    slug = StringField(_l("Short name for web addresses"), validators=[DataRequired(), Length(max=64)])
    name_zh = StringField(_l("Chinese name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("English name"), validators=[Length(max=200)])
    kind = SelectField(_l("Kind"))
    port = SelectField(_l("Port"))
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=18)])
    contact = StringField(_l("Contact"), validators=[Length(max=200)])
    website = StringField(_l("Website"), validators=[Length(max=300)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])


class ScheduleForm(FlaskForm):
    """Open a fee schedule for an entity."""

    slug = StringField(_l("Short name for web addresses"), validators=[DataRequired(), Length(max=64)])
    name_zh = StringField(_l("Chinese name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("English name"), validators=[Length(max=200)])
    business_line = SelectField(_l("Business line"))
    currency = StringField(_l("Currency"), default="CNY", validators=[DataRequired(), Length(max=3)])


class UserForm(FlaskForm):
    """Create an account; the password is generated and shown once."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"))
    entity = SelectField(_l("Charging entity (publishers only)"))

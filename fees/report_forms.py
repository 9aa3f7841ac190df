"""Forms of the public reports (Flask-WTF: CSRF on every one).

The forms only parse what was typed; the rules (dates, amounts, currencies, contacts,
lengths) live in `fees.services.reports`, so the web and any other caller share them
and a reporter sees every problem at once.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import Optional


class ReportForm(FlaskForm):
    """What happened, when, how much, and how the port office may reach the reporter."""

    item = HiddenField()
    description = TextAreaField(_l("What happened"))
    # Optional() here so that a missing date is reported by the service with the other problems.
    observed_on = DateField(_l("Date of the charge"), validators=[Optional()])
    charged_amount = StringField(_l("Amount you were charged (optional)"))
    currency = StringField(_l("Currency"), default="CNY")
    contact = StringField(_l("Your e-mail or phone (optional)"))


class ModerationForm(FlaskForm):
    """Accept or reject one report (the button pressed), with a note for the record."""

    # Not hidden: the two buttons carry it, and a hidden input of the same name would shadow them.
    decision = StringField()
    note = TextAreaField(_l("Note (optional, not public)"))


class ResponseForm(FlaskForm):
    """The entity's public response to one report."""

    response = TextAreaField(_l("Your public response"))

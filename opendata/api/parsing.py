"""Reading API requests strictly: JSON bodies, items with money as strings, dates, revisions."""
from __future__ import annotations

import json
import re
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l

from fees.db import db
from fees.errors import DomainError, FieldError, NotFound
from fees.items import clean_item
from fees.models import ScheduleVersion
from fees.services.base import require_entity_writer
from fees.views.errors import render_problem
from opendata.api import bp
from opendata.api.auth import current_publisher

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEXT_FIELDS = ("code", "name_zh", "name_en", "service", "unit", "container", "direction",
               "cargo_class", "currency", "legal_basis", "notes")
MONEY_FIELDS = ("amount", "min_amount")
# "id" is accepted and ignored, so items read from a draft can be sent back as they are.
ITEM_FIELDS = frozenset(TEXT_FIELDS + MONEY_FIELDS + ("tiers", "id"))
TIER_FIELDS = ("from", "to", "amount")


class UnreadableRequest(Exception):
    """A request whose body the API cannot read at all (400), or in a media type it
    does not take (415). Field-level problems are DomainErrors (422) instead."""

    def __init__(self, status: int, title, detail=""):
        """`title` and `detail` may be lazy strings: they render in the reader's language."""
        super().__init__(str(title))
        self.status, self.title, self.detail = status, title, detail


@bp.errorhandler(UnreadableRequest)
def _unreadable(exc: UnreadableRequest):
    """The problem+json answer to an unreadable request."""
    return render_problem(exc.status, str(exc.title), str(exc.detail))


# -- reading requests -------------------------------------------------------------------

def _refuse_constant(name: str):
    """NaN and Infinity are not JSON, whatever Python's json module tolerates."""
    raise ValueError(f"{name} is not valid JSON")


def json_body(allowed: tuple[str, ...]) -> dict:
    """The request's JSON object (an empty body counts as {}), keys limited to `allowed`.

    Unknown keys are refused rather than ignored, so a misspelt "itmes" cannot quietly
    turn into "copy the current version".
    """
    raw = request.get_data(cache=True)  # raises 413 itself beyond MAX_CONTENT_LENGTH
    if not raw.strip():
        return {}
    if not request.is_json:
        raise UnreadableRequest(415, _l("Unsupported media type"),
                                _l("Send the body as application/json."))
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise UnreadableRequest(400, _l("The request body is not valid JSON"), str(exc)) from exc
    where = nul_at(body)
    if where is not None:  # as in posted forms (fees.security): PostgreSQL text cannot hold one
        raise UnreadableRequest(400, _l("The request body contains a NUL character"),
                                _l("At %(where)s: remove the character U+0000.", where=where))
    if not isinstance(body, dict):
        raise UnreadableRequest(400, _l("The request body must be a JSON object"),
                                _l("For example {\"items\": [...]}."))
    unknown = [FieldError(key, _l("Unknown field %(name)s.", name=key)) for key in body if key not in allowed]
    if unknown:
        raise DomainError(_l("The request has fields this endpoint does not take; nothing was saved."),
                          errors=unknown)
    return body


def nul_at(value, where: str = "$") -> str | None:
    """Where the first NUL (U+0000) in a parsed JSON value is, as a JSONPath (`$.items[2].name_zh`),
    in a key or a string; None when there is none."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inside = f"{where}.{key}"
            if "\x00" in key:
                return inside
            found = nul_at(item, inside)
            if found is not None:
                return found
    if isinstance(value, list):
        for n, item in enumerate(value):
            found = nul_at(item, f"{where}[{n}]")
            if found is not None:
                return found
    return None


def string_or_null(data: dict, field: str) -> bool:
    """Is the field absent, null or a string (the only JSON types a text or money field takes)?"""
    return data.get(field) is None or isinstance(data.get(field), str)


def _item_shape_errors(data, row: int) -> list[FieldError]:
    """Type errors of one item as JSON: every value is a string (or null), tiers a list.

    Money must arrive as a string: a JSON number may already have been rounded by the
    sender's float arithmetic, and 850 vs "850.00" should not mean two different things.
    """
    if not isinstance(data, dict):
        return [FieldError("items", _l("Each item must be a JSON object."), row)]
    errors = [FieldError(key, _l("Unknown field %(name)s.", name=key), row) for key in data if key not in ITEM_FIELDS]
    for field in TEXT_FIELDS:
        if not string_or_null(data, field):
            errors.append(FieldError(field, _l("%(field)s must be a string.", field=field), row))
    for field in MONEY_FIELDS:
        if not string_or_null(data, field):
            errors.append(FieldError(field, _l("%(field)s must be a string such as \"850.00\", not a JSON number.",
                                               field=field), row))
    tiers = data.get("tiers")
    if tiers is not None and not isinstance(tiers, list):
        errors.append(FieldError("tiers", _l("tiers must be a list of {\"from\", \"to\", \"amount\"}."), row))
    for n, tier in enumerate(tiers if isinstance(tiers, list) else [], start=1):
        if not isinstance(tier, dict) or set(tier) - set(TIER_FIELDS):
            errors.append(FieldError("tiers", _l("Tier %(n)s must be an object with from, to and amount.", n=n), row))
        elif not all(string_or_null(tier, f) for f in TIER_FIELDS):
            errors.append(FieldError("tiers", _l("Tier %(n)s: from, to and amount must be strings such as \"5\" "
                                                 "and \"20.00\", not JSON numbers.", n=n), row))
    return errors


def checked_items(raw, currency: str) -> list[dict]:
    """Items from a JSON body, refused whole if any has the wrong shape.

    Rows are numbered from 1 in array order, as the draft services number them. When
    some rows have type errors, the others are still validated, so the client sees
    every problem in one answer.
    """
    if not isinstance(raw, list):
        raise DomainError(_l("items must be a list of fee items."),
                          errors=[FieldError("items", _l("items must be a list of fee items."))])
    shape = [_item_shape_errors(data, row) for row, data in enumerate(raw, start=1)]
    if any(shape):
        errors: list[FieldError] = []
        for row, (data, found) in enumerate(zip(raw, shape), start=1):
            errors.extend(found or clean_item(data, default_currency=currency, row=row)[1])
        raise DomainError(_l("Some items are not valid; nothing was saved."), errors=errors)
    return [{k: v for k, v in data.items() if k != "id"} for data in raw]


def date_field(body: dict, field: str, errors: list[FieldError], required: bool = True) -> date | None:
    """A YYYY-MM-DD value of a body or query, or an error on `field`."""
    value = body.get(field)
    if value in (None, "") and not required:
        return None
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(FieldError(field, _l("A date as YYYY-MM-DD is required.")))
    return None


def revision_field(value, errors: list[FieldError]) -> int | None:
    """The draft revision a client says it last saw (optimistic locking), if it sent one."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():  # from a query string
        return int(value)
    errors.append(FieldError("revision", _l("The revision is a whole number, as the draft's \"revision\".")))
    return None


def raise_if(errors: list[FieldError]) -> None:
    """Refuse the request with every field error found so far (422), if there is any."""
    if errors:
        raise DomainError(_l("Some fields are not valid; nothing was saved."), errors=errors)


def own_version(version_id: int) -> ScheduleVersion:
    """A version of the token's entity, checked before reading the body (404, then 403),
    so another entity's publisher learns nothing from validation messages."""
    version = db.session.get(ScheduleVersion, version_id)
    if version is None:
        raise NotFound(_l("No such draft."))
    require_entity_writer(current_publisher(), version.schedule.entity)
    return version

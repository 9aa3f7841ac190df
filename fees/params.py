"""Reading request parameters the one way: strict formats, errors collected per field."""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask_babel import lazy_gettext as _l

from fees.errors import FieldError

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(raw) -> date | None:
    """A strict YYYY-MM-DD date; None when empty; ValueError when anything else."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = raw.strip() if isinstance(raw, str) else raw
    if not isinstance(text, str) or not DATE_RE.match(text):
        raise ValueError(raw)
    return date.fromisoformat(text)  # also refuses 2023-02-30


def day_param(args: Mapping, name: str, default: date | None, errors: list[FieldError],
              message=_l("A date as YYYY-MM-DD is required.")) -> date | None:
    """Parameter `name` as a date (`default` when absent); a malformed one adds an error."""
    try:
        return parse_day(args.get(name)) or default
    except ValueError:
        errors.append(FieldError(name, message))
        return default

"""Comparing one fee across entities: read the question, gather the day's items, compare.

The page and the API both call `read_params` then `compare_fee`, so they accept the same
parameters, refuse the same mistakes (a DomainError with one FieldError per parameter,
422) and rank with the same pure functions (fees.compare).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fees.compare import (
    VARIANT_FIELDS,
    Comparison,
    compare,
    ordered_variants,
    resolve_variant,
)
from fees.params import day_param
from fees.errors import DomainError, FieldError
from fees.models import CatalogEntry
from fees.services.cache import remembered
from fees.services.market import catalog, items_in_effect, schedules_in_effect, variant_counts
from fees.vocab import CARGO_CLASSES, CODE_PATTERN, CONTAINER_TYPES, DIRECTIONS, UNITS

CODE_RE = re.compile(CODE_PATTERN)
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# Which values each variant parameter takes. Container and cargo class may be empty
# ("any container", "any cargo" — real values of an item); direction and unit never are.
CHOICES = {"container": CONTAINER_TYPES, "direction": DIRECTIONS, "cargo_class": CARGO_CLASSES, "unit": UNITS}
EMPTY_ALLOWED = frozenset({"container", "cargo_class"})


@dataclass(frozen=True)
class CompareParams:
    """A comparison question: a fee code, what is known of its variant, a day, a currency.

    A variant field that is None was not given; "" is a given value ("any container").
    """

    code: str | None
    on: date
    given: dict = field(default_factory=dict)
    currency: str | None = None

    @property
    def variant_complete(self) -> bool:
        """Were all four variant fields given?"""
        return all(self.given.get(name) is not None for name in VARIANT_FIELDS)


def _variant_field(args: Mapping, name: str, errors: list[FieldError]) -> str | None:
    """One variant parameter: absent → None; a known value; else an error."""
    if name not in args:
        return None
    value = args.get(name, "").strip()
    if value == "" and name not in EMPTY_ALLOWED:
        return None  # an empty select for a field that has no "any" value means "not chosen"
    if value not in CHOICES[name]:
        errors.append(FieldError(name, _l("%(value)s is not a known value of %(field)s.", value=value, field=name)))
        return None
    return value


def read_params(args: Mapping, default_on: date) -> CompareParams:
    """The comparison question from query parameters (strings), or a DomainError (422).

    Lower-case codes and currencies are accepted and upper-cased; `on` defaults to
    `default_on` (today at the port). Unknown parameters are ignored (e.g. `lang`).
    """
    errors: list[FieldError] = []
    code = (args.get("code") or "").strip().upper() or None
    if code is not None and not CODE_RE.match(code):
        errors.append(FieldError("code", _l("A fee code is letters, digits and _, such as THC.")))
    on = day_param(args, "on", default_on, errors)
    given = {name: _variant_field(args, name, errors) for name in VARIANT_FIELDS}
    currency = (args.get("currency") or "").strip().upper() or None
    if currency is not None and not CURRENCY_RE.match(currency):
        errors.append(FieldError("currency", _l("A currency is a three-letter ISO 4217 code, such as CNY.")))
    if errors:
        raise DomainError(_l("Some parameters of the comparison are not valid."), errors=errors)
    return CompareParams(code, on, given, currency)


def catalogue_entry(session: Session, code: str) -> CatalogEntry:
    """The catalogue entry of a code; an unknown code is a bad parameter (422), not a
    missing page: /compare exists, it was asked about something it does not know."""
    entry = catalog(session).get(code)
    if entry is None:
        raise DomainError(_l("Some parameters of the comparison are not valid."),
                          errors=[FieldError("code", _l("%(code)s is not in the fee catalogue.", code=code))])
    return entry


@dataclass(frozen=True)
class FeeComparison:
    """Everything a comparison page or answer shows.

    `variant` is the variant compared (None when no variant of the code agrees with what
    was asked); `filled_in` says some of its fields were chosen for the reader (the most
    published variant agreeing with what was given); `result` is None without a variant.
    """

    entry: CatalogEntry
    params: CompareParams
    variants: list[dict]
    variant: dict | None
    filled_in: bool
    result: Comparison | None


def compare_fee(session: Session, params: CompareParams) -> FeeComparison:
    """Compare params.code across every entity's items in effect on params.on.

    Items of every business line are ranked (an entity may publish the fee in any of its
    schedules); only "who is missing" looks at the code's own business line. The answer
    is remembered until the published data change (fees.services.cache).
    """
    key = (params.code, params.on, tuple(sorted(params.given.items())), params.currency)
    return remembered(session, "compare", key, lambda: _compare_fee(session, params))


def _compare_fee(session: Session, params: CompareParams) -> FeeComparison:
    """compare_fee, computed from three narrow reads: who publishes which variant of the
    code (counted in SQL), the items of the one variant compared, and the schedules in
    effect that could be missing it."""
    entry = catalogue_entry(session, params.code)
    counts: Counter = Counter()
    kinds: set[str] = set()
    for values, kind, entities in variant_counts(session, params.on, entry.code):
        counts[values] += entities
        kinds.add(kind)
    variants = ordered_variants(counts)
    if params.variant_complete:
        variant, filled_in = dict(params.given), False
    else:
        variant, filled_in = resolve_variant(variants, params.given), True
    result = None
    if variant is not None:
        rows = items_in_effect(session, params.on, codes={entry.code}, matching=variant)
        # Who could be missing it: schedules in the code's business line, of a kind that publishes the code.
        schedules = schedules_in_effect(session, params.on, business_line=entry.business_line,
                                        kinds=kinds) if kinds else []
        result = compare(rows, entry.code, variant, entry.business_line, params.currency, schedules, kinds)
    return FeeComparison(entry, params, variants, variant, filled_in and variant is not None, result)


def catalogue_choices(session: Session) -> list[CatalogEntry]:
    """The catalogue entries to choose from, by code."""
    return list(catalog(session).values())

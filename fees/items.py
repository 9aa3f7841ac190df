"""Pure validation of one fee item's fields, shared by the editor, the API and imports."""
from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from fees.errors import FieldError
from fees.rules import check_currency, check_money, check_quantity
from fees.vocab import CARGO_CLASSES, CODE_PATTERN, CONTAINER_TYPES, DIRECTIONS, UNITS

CODE_RE = re.compile(CODE_PATTERN)
TEXT_LIMITS = {"name_zh": 200, "name_en": 200, "service": 4000, "legal_basis": 2000, "notes": 2000}


def _text(data: Mapping, field: str) -> str:
    value = data.get(field)
    return "" if value is None else str(value).strip()


def clean_tiers(raw, row: int | None) -> tuple[list[dict], list[FieldError]]:
    """Check tier bands: ascending, non-overlapping, only the last open-ended."""
    errors: list[FieldError] = []
    tiers: list[dict] = []
    for n, tier in enumerate(raw or [], start=1):
        low, e1 = check_quantity(tier.get("from"), "tiers", row)
        high, e2 = (None, None) if tier.get("to") in (None, "") else check_quantity(tier.get("to"), "tiers", row)
        amount, e3 = check_money(tier.get("amount"), "tiers", row)
        found = [e for e in (e1, e2, e3) if e]
        if found:
            errors.extend(found)
            continue
        tiers.append({"from_qty": low, "to_qty": high, "amount": amount})
    if errors:
        return [], errors
    for n, (prev, cur) in enumerate(zip(tiers, tiers[1:]), start=2):
        if prev["to_qty"] is None:
            errors.append(FieldError("tiers", _l("Only the last tier may be open-ended."), row))
            break
        if cur["from_qty"] <= prev["to_qty"]:
            errors.append(
                FieldError("tiers", _l("Tier %(n)s overlaps the tier before it.", n=n), row)
            )
            break
    for n, tier in enumerate(tiers, start=1):
        if tier["to_qty"] is not None and tier["to_qty"] < tier["from_qty"]:
            errors.append(FieldError("tiers", _l("Tier %(n)s ends before it starts.", n=n), row))
    return tiers, errors


def first_charged_rate(tiers: list[dict]) -> Decimal:
    """The rate of the first tier that charges anything (0 if all are free)."""
    return next((t["amount"] for t in tiers if t["amount"] > 0), Decimal("0.00"))


def clean_item(data: Mapping, *, default_currency: str, row: int | None = None) -> tuple[dict, list[FieldError]]:
    """Validate one item's fields; return clean values for FeeItem and any errors.

    For a tiered item the amount may be left empty: it is then the first charged
    tier's rate, the figure shown in lists and comparisons.
    """
    errors: list[FieldError] = []
    code = _text(data, "code").upper()
    if not CODE_RE.match(code):
        errors.append(FieldError("code", _l("A fee code is uppercase letters, digits and _ (e.g. THC)."), row))
    clean: dict = {"code": code}
    for field, limit in TEXT_LIMITS.items():
        clean[field] = _text(data, field)
        if len(clean[field]) > limit:
            errors.append(FieldError(field, _l("At most %(n)s characters.", n=limit), row))
    if not clean["name_zh"]:
        errors.append(FieldError("name_zh", _l("The fee's Chinese name is required."), row))

    for field, allowed, default in (
        ("unit", UNITS, None),
        ("container", CONTAINER_TYPES, ""),
        ("direction", DIRECTIONS, "both"),
        ("cargo_class", CARGO_CLASSES, ""),
    ):
        value = _text(data, field) or default
        if value is None or value not in allowed:
            errors.append(FieldError(field, _l("%(value)s is not an accepted value.", value=value or "—"), row))
        clean[field] = value

    clean["currency"] = (_text(data, "currency") or default_currency).upper()
    if err := check_currency(clean["currency"], row=row):
        errors.append(err)

    tiers, tier_errors = clean_tiers(data.get("tiers"), row)
    errors.extend(tier_errors)
    clean["tiers"] = tiers

    raw_amount = data.get("amount")
    if raw_amount in (None, ""):
        if tiers:
            clean["amount"] = first_charged_rate(tiers)
        elif not tier_errors:
            errors.append(FieldError("amount", _l("The amount is required."), row))
    else:
        amount, err = check_money(raw_amount, "amount", row)
        if err:
            errors.append(err)
        elif tiers and amount != first_charged_rate(tiers):
            errors.append(FieldError(
                "amount",
                _l("For a tiered fee the amount must equal the first charged tier's rate (%(rate)s), or be left empty.",
                   rate=first_charged_rate(tiers)),
                row,
            ))
        else:
            clean["amount"] = amount

    raw_min = data.get("min_amount")
    clean["min_amount"] = None
    if raw_min not in (None, ""):
        minimum, err = check_money(raw_min, "min_amount", row)
        if err:
            errors.append(err)
        clean["min_amount"] = minimum
    return clean, errors

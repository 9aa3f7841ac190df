"""Pure validation rules for values that enter the domain."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l
from stdnum import cn
from stdnum.exceptions import ValidationError as StdnumError

from fees.errors import FieldError

MAX_AMOUNT = Decimal("999999999999.99")
_CURRENCIES = frozenset(list_currencies())


def check_uscc(value: str) -> FieldError | None:
    """Check a unified social credit code (统一社会信用代码, GB 32100-2015), check character included."""
    try:
        cn.uscc.validate(value)
    except StdnumError:
        return FieldError(
            "uscc",
            _l(
                "The unified social credit code %(code)s is not valid: it must be 18 characters"
                " and end with the right check character (GB 32100-2015).",
                code=value,
            ),
        )
    return None


def check_currency(value: str, field: str = "currency", row: int | None = None) -> FieldError | None:
    """Check an ISO 4217 currency code."""
    if value not in _CURRENCIES or len(value) != 3:
        return FieldError(
            field, _l("%(value)s is not an ISO 4217 currency code (e.g. CNY, USD).", value=value), row
        )
    return None


def check_money(value, field: str, row: int | None = None) -> tuple[Decimal | None, FieldError | None]:
    """Turn a value into a Decimal amount ≥ 0 with at most two decimals, or explain why not."""
    if isinstance(value, float):
        # A float has already lost exactness; refuse it rather than guess.
        return None, FieldError(field, _l("Amounts must be given as exact decimals, not floats."), row)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None, FieldError(field, _l("%(value)s is not a number.", value=value), row)
    if not amount.is_finite():
        return None, FieldError(field, _l("%(value)s is not a number.", value=value), row)
    if amount < 0:
        return None, FieldError(field, _l("Amounts cannot be negative (got %(value)s).", value=value), row)
    if amount > MAX_AMOUNT:  # before any rounding: quantize() fails beyond 28 digits
        return None, FieldError(field, _l("%(value)s is too large.", value=value), row)
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        return None, FieldError(
            field, _l("Amounts have at most two decimals (got %(value)s).", value=value), row
        )
    return amount.quantize(Decimal("0.01")), None


def check_quantity(value, field: str, row: int | None = None) -> tuple[Decimal | None, FieldError | None]:
    """Turn a tier bound into a Decimal ≥ 0 with at most three decimals, or explain why not."""
    if isinstance(value, float):
        return None, FieldError(field, _l("Quantities must be given as exact decimals, not floats."), row)
    try:
        qty = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None, FieldError(field, _l("%(value)s is not a number.", value=value), row)
    # The size first: quantize() fails on numbers beyond 28 digits.
    if not qty.is_finite() or qty < 0 or qty >= 10**9 or qty != qty.quantize(Decimal("0.001")):
        return None, FieldError(
            field, _l("%(value)s is not a valid quantity (0 or more, at most 3 decimals).", value=value), row
        )
    return qty, None

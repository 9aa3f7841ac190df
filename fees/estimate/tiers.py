"""Charging a quantity against tier bands, unit by unit.

A band `from a to b` (inclusive; `to` None for open-ended) charges its rate for every
unit whose number k = 1, 2, 3, … lies in it, just as fees.diff.rate_at reads a band. So
"days 1–4 at 0, 5–10 at 20, 11+ at 40" charges 12 days as 4×0 + 6×20 + 2×40 = 200.
A fractional quantity (2.5 kg) charges its last, partial unit pro rata at the rate of
the band holding that unit's number (the 3rd kg). A unit that no band holds (a gap
between bands, or before the first) has no published price: the caller must not treat
it as free, so that is an error, not zero.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal


class TierGap(ValueError):
    """Some unit of the quantity lies in no tier band: its price is not published."""


@dataclass(frozen=True)
class TierUse:
    """How many units of a quantity one band charged, and at what rate."""

    low: Decimal
    high: Decimal | None
    units: Decimal
    rate: Decimal

    @property
    def amount(self) -> Decimal:
        """Units × rate, exact (rounding happens only at a line's total)."""
        return self.units * self.rate


def _band(tier: dict) -> tuple[Decimal, Decimal | None, Decimal]:
    """A canonical tier dict ({"from", "to", "amount"} as strings) as Decimals."""
    high = None if tier["to"] is None else Decimal(tier["to"])
    return Decimal(tier["from"]), high, Decimal(tier["amount"])


def _whole_units_in(low: Decimal, high: Decimal | None, last: int) -> int:
    """How many of the unit numbers 1..last lie in the band [low, high]."""
    first = max(int(low.to_integral_value(rounding=ROUND_CEILING)), 1)
    end = last if high is None else min(int(high.to_integral_value(rounding=ROUND_FLOOR)), last)
    return max(0, end - first + 1)


def _holds(low: Decimal, high: Decimal | None, unit: int) -> bool:
    """Does the band hold unit number `unit`?"""
    return unit >= low and (high is None or unit <= high)


def tier_charge(tiers: list[dict], quantity: Decimal) -> tuple[Decimal, tuple[TierUse, ...]]:
    """The exact charge for `quantity` units under `tiers`, with each band's share.

    Raises TierGap when a unit of the quantity lies in no band.
    """
    whole = int(quantity.to_integral_value(rounding=ROUND_FLOOR))
    part = quantity - whole
    uses: list[TierUse] = []
    covered, part_covered = 0, part == 0
    for tier in tiers:
        low, high, rate = _band(tier)
        units = _whole_units_in(low, high, whole)
        covered += units
        share = Decimal(units)
        if part and _holds(low, high, whole + 1):
            share += part
            part_covered = True
        if share:
            uses.append(TierUse(low, high, share, rate))
    if covered != whole or not part_covered:
        raise TierGap(f"the tiers do not price every unit of {quantity}")
    return sum((u.amount for u in uses), Decimal(0)), tuple(uses)

"""Pure diff of two versions' items, matched by item key.

Works on the canonical plain dicts of fees.canonical.item_content, so it needs no
database and serves the web pages, the API and the notice-period rule alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

KEY_FIELDS = ("code", "container", "direction", "cargo_class", "unit")
COMPARED_FIELDS = (
    "name_zh",
    "name_en",
    "service",
    "amount",
    "currency",
    "min_amount",
    "tiers",
    "legal_basis",
    "notes",
)
PRICE_FIELDS = frozenset({"amount", "currency", "min_amount", "tiers"})


def item_key(item: dict) -> tuple[str, ...]:
    """The key that identifies the same fee across versions."""
    return tuple(item[f] for f in KEY_FIELDS)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def rate_at(tiers: list[dict], qty: Decimal) -> Decimal | None:
    """The per-unit rate of the tier that covers `qty`, or None if none does."""
    for tier in tiers:
        low, high = Decimal(tier["from"]), _dec(tier["to"])
        if qty >= low and (high is None or qty <= high):
            return Decimal(tier["amount"])
    return None


def tiers_raise(old: list[dict], new: list[dict]) -> bool:
    """True when, at some quantity, the new tiers charge a higher rate than the old."""
    if not new:
        return False
    points = {Decimal(t["from"]) for t in old + new}
    points |= {Decimal(t["to"]) for t in old + new if t["to"] is not None}
    points |= {p + 1 for p in list(points)}
    for qty in points:
        before, after = rate_at(old, qty), rate_at(new, qty)
        if after is not None and (before is None and old or before is not None and after > before):
            return True
    return False


@dataclass(frozen=True)
class ItemChange:
    """How one fee differs between two versions."""

    status: str  # "added" | "removed" | "changed" | "unchanged"
    key: tuple[str, ...]
    old: dict | None
    new: dict | None
    changed_fields: tuple[str, ...] = ()
    amount_change: Decimal | None = None
    amount_change_pct: Decimal | None = None

    def _moves(self, up: bool) -> bool:
        """Does a price field move up (or, with up=False, down) from old to new?"""
        if self.status != "changed":
            return False
        old, new = (self.old, self.new) if up else (self.new, self.old)
        if Decimal(new["amount"]) > Decimal(old["amount"]):
            return True
        old_min, new_min = _dec(old["min_amount"]), _dec(new["min_amount"])
        if new_min is not None and (old_min is None or new_min > old_min):
            return True
        return tiers_raise(old["tiers"], new["tiers"])

    @property
    def raises_charges(self) -> bool:
        """A new fee, or a higher amount, minimum or tier rate: needs notice to shippers."""
        return self.status == "added" or self._moves(up=True)

    @property
    def lowers_charges(self) -> bool:
        """A removed fee, or a lower amount, minimum or tier rate."""
        return self.status == "removed" or self._moves(up=False)

    @property
    def wording_only(self) -> bool:
        """Changed, but no price field moved (names, service content, basis, notes)."""
        return self.status == "changed" and not (set(self.changed_fields) & PRICE_FIELDS)


@dataclass(frozen=True)
class VersionDiff:
    """All item changes between two versions, with counts."""

    changes: list[ItemChange] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many items have this status."""
        return sum(1 for c in self.changes if c.status == status)

    @property
    def increases(self) -> list[ItemChange]:
        """Changes that raise what a shipper pays."""
        return [c for c in self.changes if c.raises_charges]

    @property
    def has_changes(self) -> bool:
        """True unless every item is unchanged."""
        return any(c.status != "unchanged" for c in self.changes)

    def summary(self) -> dict[str, int]:
        """Counts by status plus increases and reductions."""
        return {
            "added": self.count("added"),
            "removed": self.count("removed"),
            "changed": self.count("changed"),
            "unchanged": self.count("unchanged"),
            "increases": sum(1 for c in self.changes if c.raises_charges),
            "reductions": sum(1 for c in self.changes if c.lowers_charges),
        }


def percent_change(old: Decimal, new: Decimal) -> Decimal | None:
    """(new − old) / old as a percentage with two decimals; None when old is zero."""
    if old == 0:
        return None
    return ((new - old) * 100 / old).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def diff_items(old_items: list[dict], new_items: list[dict]) -> VersionDiff:
    """Compare two item lists by key: new items in their order, then removed ones."""
    old_by_key = {item_key(i): i for i in old_items}
    new_keys = set()
    changes: list[ItemChange] = []
    for new in new_items:
        key = item_key(new)
        new_keys.add(key)
        old = old_by_key.get(key)
        if old is None:
            changes.append(ItemChange("added", key, None, new))
            continue
        fields = tuple(f for f in COMPARED_FIELDS if old[f] != new[f])
        old_amount, new_amount = Decimal(old["amount"]), Decimal(new["amount"])
        changes.append(
            ItemChange(
                "changed" if fields else "unchanged",
                key,
                old,
                new,
                fields,
                new_amount - old_amount,
                percent_change(old_amount, new_amount),
            )
        )
    for old in old_items:
        key = item_key(old)
        if key not in new_keys:
            changes.append(ItemChange("removed", key, old, None))
    return VersionDiff(changes)

"""Pure comparison of one fee across entities: variants, ranking, median, who is missing.

Works on the plain rows of fees.services.market.items_in_effect (canonical items with
where they belong, money as strings), so it needs no database and no app: the page, the
API and the CSV all rank with these functions and so cannot disagree.

Decisions that are the product's rules, not accidents of the code:

- The same fee is the same item key (code, container, direction, cargo class, unit).
- Amounts are compared within one currency only; other currencies are counted apart.
- A tiered fee ranks by its `amount`, which the item rules fix as its first charged
  tier's rate (fees.items.first_charged_rate); its bands are shown beside it.
- Ties keep distinct ranks, ordered by entity slug, so a ranking never depends on the
  order the database happened to return rows in.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from fees.diff import KEY_FIELDS, item_key, percent_change

VARIANT_FIELDS = ("container", "direction", "cargo_class", "unit")
CENTS = Decimal("0.01")
PREFERRED_CURRENCY = "CNY"  # the port's own money wins a tie between currencies


def variant_of(row: dict) -> dict:
    """The variant part of an item key (everything but the code)."""
    return {name: row[name] for name in VARIANT_FIELDS}


def key_of(code: str, variant: dict) -> tuple[str, ...]:
    """The item key (as fees.diff.item_key makes it) of a code and a variant."""
    return item_key({"code": code, **variant})


def variants_available(rows: list[dict], code: str) -> list[dict]:
    """Every variant of `code` among the rows, with how many entities publish it.

    Most published first; a tie goes by the variant's fields, so the order is stable.
    Each entry is the variant's fields plus `entities` (a count of distinct entities).
    """
    publishers: dict[tuple, set[str]] = {}
    for row in rows:
        if row["code"] == code:
            publishers.setdefault(tuple(variant_of(row).values()), set()).add(row["entity"])
    return ordered_variants({values: len(slugs) for values, slugs in publishers.items()})


def ordered_variants(counts: dict[tuple[str, ...], int]) -> list[dict]:
    """Variants (values in VARIANT_FIELDS order) with how many entities publish each, as
    variants_available lists them: most published first, a tie by the variant's fields."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{**dict(zip(VARIANT_FIELDS, values)), "entities": n} for values, n in ordered]


def resolve_variant(variants: list[dict], given: dict) -> dict | None:
    """The most published variant that agrees with every field given (None = not given).

    `variants` comes from variants_available (most published first). None when no
    variant agrees with what was given.
    """
    for candidate in variants:
        if all(given.get(name) is None or given[name] == candidate[name] for name in VARIANT_FIELDS):
            return variant_of(candidate)
    return None


def currency_counts(rows: list[dict]) -> Counter:
    """How many items there are in each currency."""
    return Counter(row["currency"] for row in rows)


def pick_currency(rows: list[dict], requested: str | None = None) -> str | None:
    """The currency to compare in: the one asked for, else the most used among the rows.

    A tie prefers CNY, then the alphabet. None when there are no rows and none was asked.
    """
    if requested:
        return requested
    counts = currency_counts(rows)
    if not counts:
        return None
    return min(counts, key=lambda cur: (-counts[cur], cur != PREFERRED_CURRENCY, cur))


def median(amounts: list[Decimal]) -> Decimal:
    """The median, exact: the middle value, or the mean of the two middle values rounded
    half-up to cents (money is shown to the cent, and half-up is what people expect)."""
    if not amounts:
        raise ValueError("the median of no amounts is undefined")
    ordered = sorted(amounts)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        value = ordered[middle]
    else:
        value = (ordered[middle - 1] + ordered[middle]) / 2
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Summary:
    """Count, minimum, median and maximum of the compared amounts (None when no amount)."""

    count: int = 0
    minimum: Decimal | None = None
    median: Decimal | None = None
    maximum: Decimal | None = None


def summarise(amounts: list[Decimal]) -> Summary:
    """The summary of a list of amounts."""
    if not amounts:
        return Summary()
    return Summary(len(amounts), min(amounts), median(amounts), max(amounts))


def difference_from(amount: Decimal, reference: Decimal) -> tuple[Decimal, Decimal | None]:
    """How far `amount` is from `reference`: signed amount, and signed percent of the
    reference (two decimals, half-up), the percent being None when the reference is zero."""
    return amount - reference, percent_change(reference, amount)


@dataclass(frozen=True)
class Ranked:
    """One entity's item in the ranking, with its distance from the median."""

    rank: int
    row: dict
    amount: Decimal
    difference: Decimal
    difference_pct: Decimal | None


def _rank_order(row: dict) -> tuple:
    """Cheapest first; ties by entity slug, then schedule and item, for a stable order."""
    return Decimal(row["amount"]), row["entity"], row["schedule"], row["item_id"]


def rank_rows(rows: list[dict]) -> tuple[list[Ranked], Summary]:
    """Rank rows of one currency cheapest first and measure each against the median."""
    ordered = sorted(rows, key=_rank_order)
    amounts = [Decimal(row["amount"]) for row in ordered]
    summary = summarise(amounts)
    ranked = []
    for position, (row, amount) in enumerate(zip(ordered, amounts), start=1):
        difference, pct = difference_from(amount, summary.median)
        ranked.append(Ranked(position, row, amount, difference, pct))
    return ranked, summary


def missing_entities(rows: list[dict], code: str, key: tuple[str, ...], business_line: str,
                     schedules: list[dict] | None = None, kinds: set[str] | None = None) -> list[dict]:
    """Entities that could be expected to publish this fee but publish no item with `key`.

    Expected means: a schedule in effect in the code's business line, and a kind of
    entity that publishes `code` in some variant (a towage company is not "missing" a
    THC). Entities publishing the key in another currency are not missing: they publish
    it. `schedules` are the schedules in effect (rows with entity, names, kind and
    business_line); without them the rows stand for them (every published version has
    items, so all the items in effect show every such schedule). `kinds` are the kinds
    publishing `code`; without them the rows tell.
    """
    if kinds is None:
        kinds = {row["entity_kind"] for row in rows if row["code"] == code}
    publishing = {row["entity"] for row in rows if item_key(row) == key}
    missing: dict[str, dict] = {}
    for row in rows if schedules is None else schedules:
        if (row["business_line"] == business_line and row["entity_kind"] in kinds
                and row["entity"] not in publishing):
            missing.setdefault(row["entity"], {
                "entity": row["entity"],
                "entity_name_zh": row["entity_name_zh"],
                "entity_name_en": row["entity_name_en"],
                "entity_kind": row["entity_kind"],
            })
    return [missing[slug] for slug in sorted(missing)]


@dataclass(frozen=True)
class Comparison:
    """One fee (an item key) across entities on one day, in one currency."""

    key: dict
    currency: str | None
    ranked: list[Ranked] = field(default_factory=list)
    summary: Summary = Summary()
    other_currencies: dict[str, int] = field(default_factory=dict)
    missing: list[dict] = field(default_factory=list)

    @property
    def amounts(self) -> list[Decimal]:
        """The ranked amounts, cheapest first (what the chart draws)."""
        return [r.amount for r in self.ranked]


def compare(rows: list[dict], code: str, variant: dict, business_line: str,
            currency: str | None = None, schedules: list[dict] | None = None,
            kinds: set[str] | None = None) -> Comparison:
    """Compare the item `code` + `variant` across the rows of one day.

    Rows in the comparison's currency (see pick_currency) are ranked; the number of items
    in each other currency is reported so that they can be compared on their own.
    `rows` may be just the items with `code` when `schedules` (every schedule in effect)
    is given for finding who is missing, and just the items of `code` + `variant` when
    `kinds` (those publishing `code` in any variant) is given too.
    """
    key = key_of(code, variant)
    matching = [row for row in rows if item_key(row) == key]
    chosen = pick_currency(matching, currency)
    ranked, summary = rank_rows([row for row in matching if row["currency"] == chosen])
    others = currency_counts([row for row in matching if row["currency"] != chosen])
    return Comparison(
        key=dict(zip(KEY_FIELDS, key)),
        currency=chosen,
        ranked=ranked,
        summary=summary,
        other_currencies=dict(sorted(others.items())),
        missing=missing_entities(rows, code, key, business_line, schedules, kinds),
    )

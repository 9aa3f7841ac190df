"""Open-data values as text, computed by the database (SQLite or PostgreSQL).

A CSV export of a million fee items spends its time turning stored values into text. These
SQL expressions give the very text of the Python conversions in fees.canonical and
fees.tabular.values, so that CSV rows come out of the database ready for the writer:

| expression        | text as                                  | e.g.                       |
|-------------------|------------------------------------------|----------------------------|
| `money_text(c)`   | `money_str`: exactly two decimals        | `935.00`                   |
| `qty_text(c)`     | `qty_str`: the shortest plain decimal    | `5`, `2.5`                 |
| `date_text(c)`    | `date.isoformat`                         | `2024-01-01`               |
| `utc_text(c)`     | `utc_str` (a fees.types.UTCDateTime)     | `2024-01-01T02:00:00Z`     |
| `bool_text(c)`    | the CSV writer's true/false              | `true`                     |
| `tiers_text(id)`  | `format_tiers` of the item's tiers       | `1-4:0.00; 5+:20.00`       |

NULL stays NULL (an item without tiers has NULL tiers, where format_tiers gives "").
Each is compiled per dialect (SQLAlchemy's `compiles`), so a query using them is the same
on both databases. Amounts stay exact: PostgreSQL's NUMERIC is exact decimal text at its
scale; SQLite, which stores NUMERIC as integers or doubles, prints them with
`printf('%.2f')` (`'%.3f'` for quantities), just as SQLAlchemy's own Numeric conversion on
SQLite does (values hold at most 14 significant digits, well within a double's precision). tests/test_tables.py checks that these give the
same text as the Python conversions, on either database.
"""
from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

from fees.models import FeeTier

TIER_SEPARATOR = "; "  # as fees.tabular.values.format_tiers


class money_text(FunctionElement):
    """Money (NUMERIC with 2 places) as text with exactly two decimals."""

    type = String()
    name = "money_text"
    inherit_cache = True


class qty_text(FunctionElement):
    """A quantity (NUMERIC with 3 places) as the shortest plain decimal: no exponent, no
    trailing zeros, no trailing point."""

    type = String()
    name = "qty_text"
    inherit_cache = True


class date_text(FunctionElement):
    """A date as YYYY-MM-DD."""

    type = String()
    name = "date_text"
    inherit_cache = True


class utc_text(FunctionElement):
    """A UTC timestamp (fees.types.UTCDateTime) as YYYY-MM-DDTHH:MM:SSZ, to the second
    (fractions cut off, never rounded)."""

    type = String()
    name = "utc_text"
    inherit_cache = True


class bool_text(FunctionElement):
    """A boolean as true or false."""

    type = String()
    name = "bool_text"
    inherit_cache = True


class tiers_text(FunctionElement):
    """The tiers of the fee item with this id, in their order, as "from-to:amount" (or
    "from+:amount" for the last, open tier) joined by "; "."""

    type = String()
    name = "tiers_text"
    inherit_cache = True


def _argument(element, compiler, **kw) -> str:
    """The SQL of a one-argument expression's argument."""
    return compiler.process(element.clauses, **kw)


def _unless_null(sql: str, text: str) -> str:
    """SQLite's printf reads NULL as 0: keep NULL as NULL."""
    return f"CASE WHEN {sql} IS NULL THEN NULL ELSE {text} END"


def _shortest(text: str) -> str:
    """A fixed-point decimal without trailing zeros and point ("2.500" -> "2.5", "10.000"
    -> "10"): the first rtrim stops at the point, the second drops a bare point."""
    return f"rtrim(rtrim({text}, '0'), '.')"


@compiles(money_text, "sqlite")
def _money_sqlite(element, compiler, **kw):
    sql = _argument(element, compiler, **kw)
    return _unless_null(sql, f"printf('%.2f', {sql})")


@compiles(money_text, "postgresql")
def _money_postgresql(element, compiler, **kw):
    return f"CAST(ROUND({_argument(element, compiler, **kw)}, 2) AS TEXT)"


@compiles(qty_text, "sqlite")
def _qty_sqlite(element, compiler, **kw):
    sql = _argument(element, compiler, **kw)
    return _unless_null(sql, _shortest(f"printf('%.3f', {sql})"))


@compiles(qty_text, "postgresql")
def _qty_postgresql(element, compiler, **kw):
    return _shortest(f"CAST(ROUND({_argument(element, compiler, **kw)}, 3) AS TEXT)")


@compiles(date_text, "sqlite")
def _date_sqlite(element, compiler, **kw):
    # SQLAlchemy stores a Date on SQLite as the text YYYY-MM-DD already.
    return _argument(element, compiler, **kw)


@compiles(date_text, "postgresql")
def _date_postgresql(element, compiler, **kw):
    return f"to_char({_argument(element, compiler, **kw)}, 'YYYY-MM-DD')"


@compiles(utc_text, "sqlite")
def _utc_sqlite(element, compiler, **kw):
    # UTCDateTime stores naive UTC text, YYYY-MM-DD HH:MM:SS.ffffff: cut, not parsed (SQLite's
    # date functions round to the millisecond, which could move the second).
    sql = _argument(element, compiler, **kw)
    return f"substr({sql}, 1, 10) || 'T' || substr({sql}, 12, 8) || 'Z'"


@compiles(utc_text, "postgresql")
def _utc_postgresql(element, compiler, **kw):
    return f"""to_char({_argument(element, compiler, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


@compiles(bool_text)
def _bool(element, compiler, **kw):
    sql = _argument(element, compiler, **kw)
    return f"CASE WHEN {sql} THEN 'true' WHEN NOT {sql} THEN 'false' END"


def _tier_piece():
    """One tier as text: "1-4:0.00", or "11+:40.00" when it has no upper bound."""
    upper = case((FeeTier.to_qty.is_(None), "+"), else_="-" + qty_text(FeeTier.to_qty))
    return qty_text(FeeTier.from_qty) + upper + ":" + money_text(FeeTier.amount)


@compiles(tiers_text, "sqlite")
def _tiers_sqlite(element, compiler, **kw):
    # group_concat has no ORDER BY before SQLite 3.44: it reads a subquery in tier order
    # (SQLite never flattens an ordered subquery into an aggregate).
    [item_id] = element.clauses
    pieces = (select(_tier_piece().label("piece")).where(FeeTier.item_id == item_id)
              .order_by(FeeTier.position).correlate(item_id.table).subquery())
    joined = select(func.group_concat(pieces.c.piece, TIER_SEPARATOR)).scalar_subquery()
    return compiler.process(joined, **kw)


@compiles(tiers_text, "postgresql")
def _tiers_postgresql(element, compiler, **kw):
    [item_id] = element.clauses
    joined = (select(func.aggregate_strings(_tier_piece(), TIER_SEPARATOR).aggregate_order_by(FeeTier.position))
              .where(FeeTier.item_id == item_id).scalar_subquery())
    return compiler.process(joined, **kw)

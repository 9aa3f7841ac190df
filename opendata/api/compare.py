"""GET /api/v1/compare (JSON) and /api/v1/compare.csv: the /compare page's answer as data.

Same parameters, same services, same numbers as the page (fees.services.comparison);
money as exact decimal strings. Described in opendata/api/openapi_compare.py.
"""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import lazy_gettext as _l

from fees.canonical import money_str
from fees.compare import Ranked
from fees.db import db
from fees.errors import DomainError, FieldError
from fees.services import comparison
from fees.tabular.values import format_tiers
from fees.views.formats import url_maker
from fees.views.helpers import today
from opendata.api import bp, openapi, openapi_compare
from opendata.csvout import csv_response, parse_bom

openapi.SECTIONS.append(openapi_compare)

CSV_HEADER = ("rank", "entity", "entity_name_zh", "entity_name_en", "schedule", "code", "name_zh", "name_en",
              "container", "direction", "cargo_class", "unit", "amount", "currency", "min_amount", "tiers",
              "difference_from_median", "difference_pct", "pricing_regime", "legal_basis", "version",
              "effective_from", "url")


def _comparison(extra_errors: tuple[FieldError, ...] = ()) -> comparison.FeeComparison:
    """The comparison the query asks for, or a 422 naming every bad parameter (with
    `extra_errors` of the format's own parameters). The code is required here: the page
    may be opened without one, but a program asking about nothing has made a mistake."""
    message = _l("Some parameters of the comparison are not valid.")
    errors = [] if (request.args.get("code") or "").strip() else [
        FieldError("code", _l("A fee code is required, such as THC."))]
    try:
        params = comparison.read_params(request.args, default_on=today())
    except DomainError as exc:
        raise DomainError(message, errors=[*errors, *exc.errors, *extra_errors]) from None
    if errors or extra_errors:
        raise DomainError(message, errors=[*errors, *extra_errors])
    return comparison.compare_fee(db.session, params)


def _pct(value) -> str | None:
    """A percentage as a decimal string, or None."""
    return None if value is None else str(value)


def item_record(ranked: Ranked, found: comparison.FeeComparison, item_url) -> dict:
    """One ranked item as JSON: who, how much, how far from the median, where published
    (`item_url` makes the link: a fees.views.formats.url_maker, made once for all items)."""
    row = ranked.row
    return {
        "rank": ranked.rank,
        "entity": row["entity"],
        "entity_name_zh": row["entity_name_zh"],
        "entity_name_en": row["entity_name_en"],
        "entity_kind": row["entity_kind"],
        "schedule": row["schedule"],
        "name_zh": row["name_zh"],
        "name_en": row["name_en"],
        "amount": row["amount"],
        "currency": row["currency"],
        "unit": row["unit"],
        "min_amount": row["min_amount"],
        "tiers": row["tiers"],
        "difference_from_median": money_str(ranked.difference),
        "difference_pct": _pct(ranked.difference_pct),
        "pricing_regime": found.entry.pricing_regime,
        "legal_basis": row["legal_basis"],
        "version": row["version"],
        "effective_from": row["effective_from"].isoformat(),
        "item_id": row["item_id"],
        "url": item_url(slug=row["entity"], schedule_slug=row["schedule"], number=row["version"],
                        _anchor=f"item-{row['item_id']}"),
    }


def comparison_json(found: comparison.FeeComparison) -> dict:
    """The whole answer: the question as understood, the summary, the ranked items, who
    publishes in other currencies, and who publishes no such fee. Never paged."""
    result = found.result
    summary = result.summary if result else None
    item_url = url_maker("public.version", "slug", "schedule_slug", "number", "_anchor")
    entity_url = url_maker("public.entity", "slug")
    return {
        "code": found.entry.code,
        "name_zh": found.entry.name_zh,
        "name_en": found.entry.name_en,
        "pricing_regime": found.entry.pricing_regime,
        "on": found.params.on.isoformat(),
        "variant": found.variant,
        "variant_filled_in": found.filled_in,
        "variants": found.variants,
        "currency": result.currency if result else None,
        "summary": {
            "count": summary.count if summary else 0,
            "min": money_str(summary.minimum) if summary else None,
            "median": money_str(summary.median) if summary else None,
            "max": money_str(summary.maximum) if summary else None,
        },
        "items": [item_record(r, found, item_url) for r in result.ranked] if result else [],
        "other_currencies": [{"currency": cur, "count": n} for cur, n in result.other_currencies.items()]
        if result else [],
        "missing": [{**m, "url": entity_url(slug=m["entity"])} for m in result.missing]
        if result else [],
        "next": None,
    }


def csv_row(record: dict, found: comparison.FeeComparison) -> list:
    """A ranked item as a CSV row (tiers in the import template's `1-4:0; 5-10:20` form)."""
    full = {**record, "code": found.entry.code, **found.variant, "tiers": format_tiers(record["tiers"])}
    return [full[name] for name in CSV_HEADER]


@bp.get("/compare")
def compare_json():
    """One fee across entities on one day, ranked cheapest first (JSON)."""
    return jsonify(comparison_json(_comparison()))


@bp.get("/compare.csv")
def compare_csv():
    """The ranked items of /api/v1/compare as CSV; `?bom=true` adds a BOM for Excel."""
    bom = parse_bom(request.args.get("bom"))
    bad_bom = () if bom is not None else (FieldError("bom", _l("bom is true or false.")),)
    found = _comparison(bad_bom)
    records = comparison_json(found)["items"]
    filename = f"compare-{found.entry.code}-{found.params.on.isoformat()}.csv"
    return csv_response(CSV_HEADER, [csv_row(r, found) for r in records], filename, bom=bom)

"""GET /api/v1/search and /api/v1/search.csv: the /search page's fee items as open data.

Same parameters and rows as the page (fees/views/search.py reads them for both). JSON
pages with ?limit= and an opaque ?cursor=; CSV gives every matching row unless told
otherwise. Money is an exact decimal string with its currency.
"""
from __future__ import annotations


from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fees.db import db
from fees.errors import DomainError, FieldError
from fees.search import results
from fees.tabular.values import format_tiers
from fees.views.errors import render_problem
from fees.views.search import entity_url, item_url, read_args
from opendata.api import bp, openapi, openapi_search
from opendata.pagination import decode_cursor, encode_cursor
from opendata.csvout import csv_response, parse_bom

if openapi_search not in openapi.SECTIONS:
    openapi.SECTIONS.append(openapi_search)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
COLUMNS = ("entity", "entity_name_zh", "entity_name_en", "entity_kind", "port", "schedule", "business_line",
           "version", "effective_from", "superseded_on", "item_id", "code", "name_zh", "name_en", "service",
           "unit", "container", "direction", "cargo_class", "amount", "currency", "min_amount", "tiers",
           "legal_basis", "notes", "pricing_regime", "url")





def _read(default_limit: int | None):
    """The search, limit and offset of this request; 422 with every problem found."""
    args, errors = read_args(request.args)
    if not args.text:
        errors.append(FieldError("q", _l("This field is required.")))
    limit = default_limit
    raw = request.args.get("limit")
    if raw is not None:
        if raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT:
            limit = int(raw)
        else:
            errors.append(FieldError("limit", _l("A whole number from 1 to %(n)s.", n=MAX_LIMIT)))
    offset = 0
    if request.args.get("cursor"):
        try:
            offset = decode_cursor(request.args["cursor"], "offset")
        except ValueError:
            errors.append(FieldError("cursor", _l("Use the cursor of a `next` link as it is.")))
    if errors:
        raise DomainError(_l("Some query parameters are not valid."), errors=errors)
    return args, limit, offset


def _unavailable():
    """503: the index is being built elsewhere; a retry shortly will work."""
    response = render_problem(503, _("Service unavailable"),
                              _("The search index is being rebuilt. Please try again shortly."))
    response.headers["Retry-After"] = "10"
    return response


def item_json(row: dict) -> dict:
    """A result row as JSON: dates as YYYY-MM-DD, money as strings, the item's page."""
    return {
        **{key: row[key] for key in COLUMNS if key not in ("url",)},
        "effective_from": row["effective_from"].isoformat(),
        "superseded_on": row["superseded_on"].isoformat() if row["superseded_on"] else None,
        "url": item_url(row),
    }


def entity_json(row: dict) -> dict:
    """A matching entity as JSON, with its page."""
    return {**row, "url": entity_url(row["slug"])}


@bp.get("/search")
def search():
    """Fee items in effect on a day (and entities) matching a query, with facet counts."""
    args, limit, offset = _read(DEFAULT_LIMIT)
    found = results.search(db.session, args.text, args.on, args.filters, offset=offset, limit=limit)
    if found.unavailable:
        return _unavailable()
    following = None
    if offset + limit < found.total:
        query = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "cursor"}
        following = url_for("api.search", **query, cursor=encode_cursor("offset", offset + limit))
    return jsonify({
        "query": args.text,
        "on": args.on.isoformat(),
        "total": found.total,
        "loose": found.loose,
        "items": [item_json(row) for row in found.items],
        "entities": [entity_json(row) for row in found.entities],
        "facets": found.facets,
        "next": following,
    })


def csv_row(row: dict) -> list:
    """A result row as CSV cells: tiers in the import template's `1-4:0; 5-10:20` form."""
    data = item_json(row)
    data["tiers"] = format_tiers(row["tiers"])
    return [data[key] for key in COLUMNS]


@bp.get("/search.csv")
def search_csv():
    """The same rows as CSV: every match, or `limit` of them from `cursor`; ?bom=true for Excel."""
    args, limit, offset = _read(None)
    found = results.search(db.session, args.text, args.on, args.filters, limit=0, entity_limit=0)
    if found.unavailable:
        return _unavailable()
    chosen = found.hits[offset:None if limit is None else offset + limit]
    rows = (csv_row(row) for row in results.all_item_rows(db.session, chosen))
    return csv_response(COLUMNS, rows, f"search-{args.on.isoformat()}.csv",
                        bom=bool(parse_bom(request.args.get("bom"))))

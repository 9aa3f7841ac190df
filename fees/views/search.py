"""The /search page: fee items in effect on a day and entities, with facets and paging.

A plain GET form, rendered on the server: it works without JavaScript. The JSON and CSV
twins (opendata/api/search.py) read the same parameters through `read_args`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fees.db import db
from fees.params import day_param
from fees.errors import FieldError
from fees.models import Port
from fees.search import results
from fees.search.documents import NO_REGIME
from fees.views.helpers import today
from fees.vocab import BUSINESS_LINES, ENTITY_KINDS, PRICING_REGIMES

bp = Blueprint("search", __name__)

PER_PAGE = 20
MAX_QUERY = 200
# The values each facet accepts; ports are whatever UN/LOCODEs exist.
FACET_VALUES = {
    "kind": set(ENTITY_KINDS),
    "business_line": set(BUSINESS_LINES),
    "regime": {*PRICING_REGIMES, NO_REGIME},
}
EXAMPLES = ("码头操作费", "THC", "堆存", "reefer", "清关", "40HQ 出口")


@dataclass
class SearchArgs:
    """A search request's parameters, read and checked."""

    text: str
    on: date
    filters: dict[str, list[str]] = field(default_factory=dict)


def read_args(args) -> tuple[SearchArgs, list[FieldError]]:
    """q, on and the facets from a query string; problems as field errors (the page shows
    them and carries on with the rest, the API refuses the request)."""
    errors: list[FieldError] = []
    on = day_param(args, "on", today(), errors)
    filters = {}
    for facet in results.FACETS:
        chosen = [v.strip() for v in args.getlist(facet) if v.strip()]
        known = FACET_VALUES.get(facet)
        wrong = [v for v in chosen if known is not None and v not in known]
        if wrong:
            errors.append(FieldError(facet, _l("Unknown value %(value)s.", value=wrong[0])))
        if chosen:
            filters[facet] = [v for v in chosen if v not in wrong]
    text = (args.get("q") or "").strip()
    if len(text) > MAX_QUERY:
        errors.append(FieldError("q", _l("At most %(n)s characters.", n=MAX_QUERY)))
        text = text[:MAX_QUERY]
    return SearchArgs(text, on, filters), errors


def item_url(row: dict) -> str:
    """The item in its version's page."""
    return url_for("public.version", slug=row["entity"], schedule_slug=row["schedule"],
                   number=row["version"], _anchor=f"item-{row['item_id']}")


def entity_url(slug: str) -> str:
    """An entity's page."""
    return url_for("public.entity", slug=slug)


def port_names() -> dict[str, Port]:
    """Ports by UN/LOCODE, for facet labels."""
    return {p.locode: p for p in db.session.scalars(select(Port))}


def _page_number() -> int:
    """?page= as a number from 1 (anything else is page 1)."""
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


def page_url(page: int) -> str:
    """This search on another page."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for("search.search", **args)


def twin_url(endpoint: str) -> str:
    """This search's JSON or CSV twin (every result, not one page)."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in ("page", "lang")}
    return url_for(endpoint, **args)


@bp.get("/search")
def search():
    """Search form, results, facets and pages; a help text when there is no query."""
    args, errors = read_args(request.args)
    page = _page_number()
    found = results.search(db.session, args.text, args.on, args.filters,
                           offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    pages = max(1, -(-found.total // PER_PAGE))
    return render_template(
        "search.html", args=args, errors=errors, result=found, page=page, pages=pages,
        ports=port_names(), examples=EXAMPLES, today=today(), item_url=item_url,
        entity_url=entity_url, page_url=page_url, twin_url=twin_url,
    )

"""The /estimate page: a shipment described in a plain GET form (so the URL can be
shared and the page works without JavaScript), priced per entity, ranked within each
kind, with a chart per kind that draws the table's own totals."""
from __future__ import annotations

from decimal import Decimal

from plotly.graph_objects import Bar, Figure
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fees.canonical import qty_str
from fees.charts import base_layout, figure_json
from fees.db import db
from fees.errors import DomainError
from fees.estimate import RULES, Group
from fees.estimate.params import CONTAINERS, DEFAULT_PORT, INSPECTED, LIMITS, describes_shipment
from fees.services import estimates
from fees.views.formats import once_per_value, page_formats
from fees.views.helpers import bilingual, label, money, today

bp = Blueprint("estimate", __name__)

COMPLETE_COLOUR, INCOMPLETE_COLOUR = "#1f5fa8", "#9aa5b1"
# What a line's quantity counts, what one counted unit is, and what rates run over, in words.
COUNT_LABELS = {"containers": _l("Containers"), "reefers": _l("Reefer containers"),
                "inspected": _l("Inspected containers"), "bills": _l("Bills of lading"),
                "declarations": _l("Customs declarations"), "orders": _l("Orders"), "parcels": _l("Parcels"),
                "cbm": _l("Cubic metres")}
PER_COUNTED = {"containers": _l("per container"), "reefers": _l("per container"), "inspected": _l("per container"),
               "bills": _l("per bill"), "declarations": _l("per declaration"), "orders": _l("per order"),
               "parcels": _l("per parcel"), "cbm": _l("per m³")}
MEASURE_LABELS = {"days": _l("Days in the yard"), "warehouse_days": _l("Days in the warehouse"),
                  "kg_per_parcel": _l("Chargeable kg per parcel")}
COUNT_OF = {rule.code: rule.count for rule in RULES}
RATE_UNITS = {"per_bill": _l("bill"), "per_piece": _l("piece"), "per_order": _l("order"),
              "per_parcel": _l("parcel"), "per_kg": _l("kg"), "per_cbm_day": _l("m³·day")}
REASONS = {"not_published": _l("not published"), "unit": _l("published in a unit the estimate cannot convert"),
           "tiers": _l("its tiers do not price the whole quantity"),
           "currency": _l("priced in another currency than its other fees")}
SERVICES = {"trucking": _l("Trucking (drayage) needed"), "cleaning": _l("Container cleaning needed"),
            "fumigation": _l("Fumigation needed")}


def rate_text(rate: Decimal, currency: str, unit: str, container: str) -> str:
    """A line's flat rate with its unit (the item's unit and container type): `¥1,160.00 /
    40HQ`, `¥150.00 / 40RH·day`, `¥400.00 / bill`."""
    container = container or _("container")
    if unit == "per_container":
        per = container
    elif unit == "per_container_day":
        per = _("%(container)s·day", container=container)
    else:
        per = str(RATE_UNITS.get(unit, label("UNITS", unit)))
    return f"{money(rate, currency)} / {per}"


def quantity_text(count: str, quantity, containers=()) -> str:
    """`Containers: 3 (20GP, 40HQ)`, `Customs declarations: 2`, `Cubic metres: 2.5`."""
    text = _("%(what)s: %(n)s", what=COUNT_LABELS[count], n=qty_str(quantity))
    return f"{text} ({', '.join(containers)})" if containers else text


def measure_text(measure, kind: str | None) -> str:
    """`Days in the yard: 12`, `Chargeable kg per parcel: 3`, or nothing."""
    if not kind or measure is None:
        return ""
    return _("%(what)s: %(n)s", what=MEASURE_LABELS[kind], n=qty_str(measure))


def band_text(low: Decimal, high: Decimal | None) -> str:
    """A tier band (TierUse.low, .high) as the version pages write it: `5–10`, `11 and above`."""
    if high is None:
        return _("%(a)s and above", a=qty_str(low))
    return _("%(a)s–%(b)s", a=qty_str(low), b=qty_str(high))


def group_figure(group: Group, money=money) -> str:
    """A bar per entity, in the table's order, of exactly the table's totals; incomplete
    totals (known fees only) are grey and hatched. `money` formats the totals (the page's
    own, fees.views.formats)."""
    entities = group.entities
    bar = Bar(
        x=[bilingual(e) for e in entities], y=[float(e.total) for e in entities],
        text=[money(e.total, group.currency) for e in entities], textposition="auto",
        marker={"color": [COMPLETE_COLOUR if e.complete else INCOMPLETE_COLOUR for e in entities],
                "pattern": {"shape": ["" if e.complete else "/" for e in entities]}},
        hovertemplate="%{x}<br>%{text}<extra></extra>",
    )
    layout = {**base_layout(height=360), "template": "none", "showlegend": False,
              "yaxis": {"title": {"text": group.currency}, "rangemode": "tozero"}}
    return figure_json(Figure(bar, layout))


def chart_description(group: Group) -> str:
    """What the chart shows, for screen readers (the table beside it has the numbers)."""
    return _("Estimated totals of each %(kind)s in %(currency)s, as in the table; grey hatched bars are "
             "incomplete (known fees only).", kind=label("ENTITY_KINDS", group.kind), currency=group.currency)


def page_texts() -> dict:
    """What the template formats, for one page: money and labels, and the texts of lines
    and tiers, each distinct value's made once (fees.views.formats); the vocabularies of
    counts and reasons as plain strings, translated once."""
    return {**page_formats(), "rate_text": once_per_value(rate_text), "quantity_text": once_per_value(quantity_text),
            "measure_text": once_per_value(measure_text), "band_text": once_per_value(band_text),
            "per_counted": {name: str(text) for name, text in PER_COUNTED.items()},
            "reasons": {name: str(text) for name, text in REASONS.items()}}


def field_errors(problem: DomainError | None) -> dict[str, list[str]]:
    """Error messages by parameter, to show beside each field."""
    found: dict[str, list[str]] = {}
    for error in problem.errors if problem else []:
        found.setdefault(error.field, []).append(str(error.message))
    return found


@bp.get("/estimate")
def estimate():
    """The form, pre-filled from the query string, and the estimate once a shipment is given."""
    args = request.args
    result, problem = None, None
    if describes_shipment(args):
        try:
            result = estimates.estimate_shipment(db.session, estimates.read_request(args, today()))
        except DomainError as exc:
            problem = exc
    query = result.request.query() if result else {}
    texts = page_texts()
    html = render_template(
        "estimate.html", args=args, result=result, problem=problem, errors=field_errors(problem),
        containers=CONTAINERS, inspected=INSPECTED, limits=LIMITS, services=SERVICES,
        ports=estimates.ports(db.session), default_port=DEFAULT_PORT, today=today(),
        share_url=url_for("estimate.estimate", **query, _external=True) if result else "",
        json_url=url_for("api.estimate", **query) if result else "",
        csv_url=url_for("api.estimate_csv", **query) if result else "",
        charts={(g.kind, g.currency): group_figure(g, texts["money"]) for g in result.estimate.groups}
        if result else {},
        chart_description=chart_description, count_of=COUNT_OF, **texts,
    )
    return html, 422 if problem else 200

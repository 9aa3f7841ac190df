"""The /compare page: one fee across entities on one day, ranked, with a chart.

A plain GET form (shareable URLs, no JavaScript needed): the fee and the day first, then
the variant. The question is read and answered by fees.services.comparison, exactly as
the API twins at /api/v1/compare(.csv) do.
"""
from __future__ import annotations

from plotly.graph_objects import Bar, Figure
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from fees.charts import base_layout, figure_json
from fees.compare import VARIANT_FIELDS
from fees.db import db
from fees.errors import DomainError
from fees.services import comparison
from fees.views.formats import filled_in, page_formats, url_maker
from fees.views.helpers import bilingual, label, money, today

bp = Blueprint("compare", __name__)

VOCABULARIES = {"container": "CONTAINER_TYPES", "direction": "DIRECTIONS", "cargo_class": "CARGO_CLASSES",
                "unit": "UNITS"}


@bp.get("/compare")
def compare():
    """Pick a fee, a variant and a day; see every entity's price for it, cheapest first."""
    entries = comparison.catalogue_choices(db.session)
    formats = page_texts()
    try:
        params = comparison.read_params(request.args, default_on=today())
        found = comparison.compare_fee(db.session, params) if params.code else None
    except DomainError as exc:
        # The form stays on the page with each mistake beside it, as with any form.
        return render_template("compare.html", entries=entries, args=request.args, params=None, found=None,
                               errors=exc.errors, options={}, figure=None, query={},
                               default_on=today(), **formats), 422
    return render_template(
        "compare.html",
        entries=entries,
        args=request.args,
        params=params,
        found=found,
        errors=[],
        options=variant_options(found) if found else {},
        query=full_query(found) if found else {},
        figure=chart(found, formats["money"]) if found and found.result and found.result.ranked else None,
        **formats,
    )


def page_texts() -> dict:
    """What the template writes for each of hundreds of rows, made cheaply for one page:
    money and labels once per value (fees.views.formats), an amount with its unit, the
    version texts translated once, the links to entities and versions built once."""
    texts = page_formats()
    money, label = texts["money"], texts["label"]

    def per_unit(amount, currency: str, unit: str, container: str) -> str:
        """`¥850.00 / 40HQ` for a fee per container of one type, else `¥850.00 per container`."""
        if unit == "per_container" and container:
            return f"{money(amount, currency)} / {container}"
        return f"{money(amount, currency)} {label('UNITS', unit)}"

    return {**texts, "per_unit": per_unit, "version_text": filled_in(_("Version %(n)s")),
            "effective_text": filled_in(_("effective from %(d)s")),
            "entity_url": url_maker("public.entity", "slug"),
            "item_url": url_maker("public.version", "slug", "schedule_slug", "number", "_anchor")}


def full_query(found: comparison.FeeComparison) -> dict:
    """The query parameters of exactly what is shown (the variant filled in), for links
    that must not depend on how the reader got here."""
    if found.variant is None:
        return {}
    return {"code": found.entry.code, "on": found.params.on.isoformat(), **found.variant}


def variant_options(found: comparison.FeeComparison) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices of each variant field: the values that occur on that day,
    in the vocabulary's order, plus the value shown now (so a select never lies)."""
    options = {}
    for name in VARIANT_FIELDS:
        values = {v[name] for v in found.variants}
        if found.variant is not None:
            values.add(found.variant[name])
        vocabulary = list(comparison.CHOICES[name])
        ordered = sorted(values, key=lambda v: vocabulary.index(v) if v in vocabulary else len(vocabulary))
        options[name] = [(value, label(VOCABULARIES[name], value)) for value in ordered]
    return options


def chart(found: comparison.FeeComparison, money=money) -> dict:
    """The ranked amounts as a bar chart with the median as a dashed line: figure JSON
    and a text description (the chart's numbers are the table's, as floats for drawing).
    `money` formats the amounts (the page's own, fees.views.formats)."""
    result = found.result
    currency, summary = result.currency, result.summary
    labels = [f"{r.rank}. {bilingual(r.row, 'entity_name')}" for r in result.ranked]
    bar = Bar(
        x=labels, y=[float(r.amount) for r in result.ranked], text=[money(r.amount, currency) for r in result.ranked],
        textposition="outside", cliponaxis=False, hovertemplate="%{x}<br>%{text}<extra></extra>",
        name=_("Amount"),
    )
    median_text = _("Median %(amount)s", amount=money(summary.median, currency))
    layout = {
        **base_layout(),
        "template": "none",  # plotly.js's own defaults are plain enough; keeps the attribute small
        "showlegend": False,
        "yaxis": {"title": {"text": f"{currency} · {label('UNITS', result.key['unit'])}"}, "rangemode": "tozero",
                  "gridcolor": "#e5e7eb"},
        "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
                    "y0": float(summary.median), "y1": float(summary.median),
                    "line": {"dash": "dash", "width": 2, "color": "#b45309"}}],
        "annotations": [{"xref": "paper", "x": 1, "yref": "y", "y": float(summary.median), "text": median_text,
                         "showarrow": False, "xanchor": "right", "yanchor": "bottom"}],
    }
    # Built whole: the same figure as update_layout() gives, at half the cost (no second pass).
    figure = Figure(bar, layout)
    description = _("Bar chart of %(n)s amounts, cheapest first, from %(low)s to %(high)s; the dashed line is "
                    "the median, %(median)s.", n=summary.count, low=money(summary.minimum, currency),
                    high=money(summary.maximum, currency), median=money(summary.median, currency))
    return {"json": figure_json(figure), "description": description}

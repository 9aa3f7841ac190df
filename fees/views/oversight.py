"""The regulator's dashboard (/admin/dashboard) and its public summary (/oversight).

Both read the same figures from fees.services.oversight as of a port day (`?on=`, default
today; `?stale_days=`, default 365); the public page keeps only tables without personal
data. Every table downloads as CSV at `<page>/<table>.csv` with the same parameters, and
each chart is drawn from the rows of the table beside it.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fees.auth import role_required
from fees.charts import base_layout, figure_json
from fees.db import db
from fees.services import oversight
from fees.views.helpers import bilingual, policy, today
from opendata.csvout import csv_response

bp = Blueprint("oversight", __name__)

REASONS = {
    "no_schedule": _l("no schedule opened"),
    "never_published": _l("never published"),
    "upcoming_only": _l("only upcoming versions"),
    "withdrawn_only": _l("only withdrawn versions"),
}
REPORT_STATUSES = {"pending": _l("pending"), "accepted": _l("accepted"), "rejected": _l("rejected")}


def figure_labels(stale_days: int) -> dict[str, str]:
    """What each headline figure is called (the stale one says its threshold)."""
    return {
        "entities": _("Registered charging entities"),
        "entities_without_schedule_in_effect": _("Entities with no schedule in effect"),
        "stale_schedules": _("Schedules not updated for over %(n)s days", n=stale_days),
        "short_notice_versions": _("Versions published with short notice"),
        "short_notice_increases": _("Fee increases published with short notice"),
        "items_in_effect": _("Fee items in effect"),
        "items_without_legal_basis": _("Fee items in effect without a legal basis"),
        "publications": _("Publications"),
        "withdrawals": _("Withdrawals"),
        "reports_pending": _("Public reports pending"),
        "reports_accepted": _("Public reports accepted"),
        "reports_rejected": _("Public reports rejected"),
    }


def _figures() -> oversight.Oversight:
    """The figures for the day and threshold the query asks for (a DomainError: 422)."""
    on, stale_days = oversight.read_params(request.args, default_on=today())
    return oversight.oversight(db.session, on, stale_days=stale_days, timezone=policy().timezone)


def _page(template: str, found: oversight.Oversight):
    """Render a page with its tables, charts and labels."""
    return render_template(template, o=found, t=found.tables, charts=charts(found), reasons=REASONS,
                           report_statuses=REPORT_STATUSES, figure_labels=figure_labels(found.stale_days),
                           query={"on": found.on.isoformat(), "stale_days": found.stale_days})


def _csv(found: oversight.Oversight, table: str, prefix: str):
    """One table as a CSV download; instants in port time with their offset."""
    zone = ZoneInfo(policy().timezone)
    columns = oversight.TABLES[table]

    def cell(value):
        """Instants in port time with their offset; everything else as it is."""
        return value.astimezone(zone).isoformat(timespec="seconds") if isinstance(value, datetime) else value

    rows = ([cell(row[c]) for c in columns] for row in found.tables[table])
    return csv_response(columns, rows, f"{prefix}-{table}-{found.on.isoformat()}.csv",
                        bom=request.args.get("bom") == "true")


@bp.get("/admin/dashboard")
@role_required("regulator", "admin")
def dashboard():
    """Who has no schedule in effect, stale schedules, short notice, missing legal bases,
    withdrawals, most-changed fees, publications per month and public reports."""
    return _page("oversight/dashboard.html", _figures())


@bp.get("/admin/dashboard/<table>.csv")
@role_required("regulator", "admin")
def dashboard_csv(table: str):
    """A dashboard table as CSV."""
    if table not in oversight.TABLES:
        abort(404)
    return _csv(_figures(), table, "dashboard")


@bp.get("/oversight")
def summary():
    """The dashboard's headline figures for everyone, without personal data."""
    return _page("oversight/summary.html", _figures().public())


@bp.get("/oversight/<table>.csv")
def summary_csv(table: str):
    """A public summary table as CSV."""
    if table not in oversight.PUBLIC_TABLES:
        abort(404)
    return _csv(_figures().public(), table, "oversight")


def bar_chart(x: list[str], series: list[tuple[str, list[int]]], y_title: str, description: str) -> dict:
    """Bars (grouped when several series) with categories as given: figure JSON and text."""
    figure = go.Figure([go.Bar(x=x, y=ys, name=name, hovertemplate="%{x}: %{y}<extra>" + name + "</extra>")
                        for name, ys in series])
    figure.update_layout(
        **base_layout(), template="none", barmode="group", showlegend=len(series) > 1,
        xaxis={"type": "category"},  # months like 2024-03 stay labels, not dates plotly re-spaces
        yaxis={"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": "#e5e7eb"},
    )
    return {"json": figure_json(figure), "description": description}


def charts(found: oversight.Oversight) -> dict[str, dict]:
    """The charts of the tables that have rows: publications per month, most-changed fees,
    short-notice increases per entity. Their numbers are the tables' rows."""
    drawn = {}
    months = found.tables["publications"]
    if months:
        published, withdrawn = [m["published"] for m in months], [m["withdrawn"] for m in months]
        drawn["publications"] = bar_chart(
            [m["month"] for m in months], [(_("Publications"), published), (_("Withdrawals"), withdrawn)],
            _("Log entries"),
            _("Bar chart of publications and withdrawals per month from %(first)s to %(last)s: "
              "%(p)s publications and %(w)s withdrawals in all.",
              first=months[0]["month"], last=months[-1]["month"], p=sum(published), w=sum(withdrawn)))
    ranked = found.tables.get("most-changed")
    if ranked:
        drawn["most-changed"] = bar_chart(
            [r["code"] for r in ranked], [(_("Versions that changed it"), [r["versions"] for r in ranked])],
            _("Number of versions"),
            _("Bar chart of %(n)s fee codes by the number of versions that changed them; most changed: "
              "%(code)s (%(k)s).", n=len(ranked), code=ranked[0]["code"], k=ranked[0]["versions"]))
    per_entity = found.tables["short-notice-by-entity"]
    if per_entity:
        drawn["short-notice"] = bar_chart(
            [bilingual(r, "entity_name") for r in per_entity],
            [(_("Increases"), [r["increases"] for r in per_entity])],
            _("Fee increases"),
            _("Bar chart of fee increases published with short notice, per entity: %(n)s entities, "
              "%(k)s increases in all.", n=len(per_entity), k=sum(r["increases"] for r in per_entity)))
    return drawn

"""Change history you can read: a schedule's versions, the diff of any two of them, one
fee over time, every publication and withdrawal site-wide (/changes), and Atom feeds.

Views parse the request and render; fees.services.history fetches, fees.history codes
the changes and fees.feeds writes the Atom documents.
"""
from __future__ import annotations

from datetime import datetime, timezone

import plotly.graph_objects as go
from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fees import feeds
from fees.charts import base_layout, figure_json
from fees.db import db
from fees.diff import KEY_FIELDS
from fees.errors import FieldError, NotFound
from fees.history import ChangeFilter, read_change_filter, step_rows
from fees.i18n import LANGUAGES
from fees.services import history, queries, registry
from fees.views.helpers import bilingual, label, money, today

bp = Blueprint("history", __name__)

PER_PAGE = 30
LINE_COLOUR = "#0b5cab"  # the site's accent colour (static/css/site.css)
SITE_FEED_SINCE = datetime(2025, 1, 1, tzinfo=timezone.utc)  # `updated` of a feed with no entry yet


def _tz() -> str:
    """The port's time zone, for publication dates."""
    return current_app.config.get("FEES_TIMEZONE", "Asia/Shanghai")


@bp.get("/entities/<slug>/schedules/<schedule_slug>/history")
def schedule_history(slug: str, schedule_slug: str):
    """Every version of a schedule with what it changed, a form to compare any two, and
    the schedule's fees (each linking to its amounts over time)."""
    schedule = registry.get_schedule(db.session, slug, schedule_slug)
    versions = history.public_versions(db.session, schedule)
    return render_template(
        "history/schedule.html", schedule=schedule, entity=schedule.entity, versions=versions,
        summaries=history.summaries_for(db.session, versions), fees=history.item_keys(versions),
        today=today(), pair=default_pair(versions),
    )


def default_pair(versions) -> tuple[int | None, int | None]:
    """The newest version and the one numbered before it (or itself if it is the only one)."""
    numbers = [v.number for v in versions]
    if not numbers:
        return None, None
    return (numbers[1] if len(numbers) > 1 else numbers[0]), numbers[0]


def _number(name: str, errors: list[FieldError]) -> int | None:
    """A version number parameter (None when empty; reported when malformed)."""
    raw = request.args.get(name, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    if raw:
        errors.append(FieldError(name, _l("Choose a version number.")))
    return None


@bp.get("/entities/<slug>/schedules/<schedule_slug>/diff")
def diff(slug: str, schedule_slug: str):
    """What differs between any two versions (`?from=N&to=M`), withdrawn ones included."""
    schedule = registry.get_schedule(db.session, slug, schedule_slug)
    versions = history.public_versions(db.session, schedule)
    if not versions:
        raise NotFound(_l("This schedule has not published any version yet."))
    errors: list[FieldError] = []
    old_default, new_default = default_pair(versions)
    old_number = _number("from", errors) or old_default
    new_number = _number("to", errors) or new_default
    pair = history.compare_versions(db.session, schedule, old_number, new_number)
    return render_template(
        "history/diff.html", schedule=schedule, entity=schedule.entity, versions=versions, pair=pair,
        errors=errors, today=today(),
    ), 422 if errors else 200


@bp.get("/entities/<slug>/schedules/<schedule_slug>/items")
def item(slug: str, schedule_slug: str):
    """One fee (by item key) over time: a step chart and a table with the same numbers.
    Without `?code=` it lists the schedule's fees to choose from."""
    schedule = registry.get_schedule(db.session, slug, schedule_slug)
    if not request.args.get("code", "").strip():
        fees = history.item_keys(history.public_versions(db.session, schedule))
        return render_template("history/items.html", schedule=schedule, entity=schedule.entity, fees=fees)
    given = {f: request.args.get(f) for f in KEY_FIELDS}
    given["code"] = given["code"].strip().upper()
    found = history.item_history(db.session, schedule, given)
    on = today()
    return render_template(
        "history/item.html", schedule=schedule, entity=schedule.entity, found=found, rows=step_rows(found.steps),
        figure=step_chart(found, on) if any(s.item for s in found.steps) else None, today=on,
    )


def step_chart(found: history.ItemHistory, on) -> dict:
    """The fee's amount over time as a step chart: figure JSON and a text description.

    Trace 0 has one point per step, exactly the table's amounts (None in a gap). Plotly
    draws no level after a trace's last point or before a gap, so a second, plain trace
    carries such levels on to the next step or to today.
    """
    steps = found.steps
    texts = [money(s.amount, s.item["currency"]) if s.item else _("not published") for s in steps]
    figure = go.Figure(go.Scatter(
        x=[s.effective_from.isoformat() for s in steps], y=[float(s.amount) if s.item else None for s in steps],
        mode="lines+markers", line={"shape": "hv", "color": LINE_COLOUR}, connectgaps=False, name=_("Amount"),
        text=texts, hovertemplate="%{x}<br>%{text}<extra></extra>",
    ))
    held_x, held_y = [], []
    for n, step in enumerate(steps):
        following = steps[n + 1] if n + 1 < len(steps) else None
        if step.item is None or (following is not None and following.item is not None):
            continue
        end = following.effective_from if following else max(on, step.effective_from)
        if end > step.effective_from:
            held_x += [step.effective_from.isoformat(), end.isoformat(), None]
            held_y += [float(step.amount), float(step.amount), None]
    if held_x:
        figure.add_trace(go.Scatter(x=held_x, y=held_y, mode="lines", line={"shape": "hv", "color": LINE_COLOUR},
                                    hoverinfo="skip", showlegend=False))
    currency = next(s.item["currency"] for s in reversed(steps) if s.item)
    figure.update_layout(**base_layout(), template="none", showlegend=False,
                         xaxis={"type": "date", "gridcolor": "#e5e7eb"},
                         yaxis={"title": {"text": f"{currency} · {label('UNITS', found.key['unit'])}"},
                                "rangemode": "tozero", "gridcolor": "#e5e7eb"})
    description = _("Step chart of the amount of %(fee)s in %(n)s versions, from %(first)s to %(last)s.",
                    fee=feeds.fee_label(found.key), n=len(steps), first=steps[0].effective_from.isoformat(),
                    last=steps[-1].effective_from.isoformat())
    return {"json": figure_json(figure), "description": description}


def _page_number() -> int:
    """?page= as a number from 1 (anything else is page 1)."""
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


@bp.get("/changes")
def changes():
    """Every publication and withdrawal, newest first, filtered and paged."""
    filt, errors = read_change_filter(request.args)
    page = history.list_changes(db.session, filt, tz=_tz(), page=_page_number(), per_page=PER_PAGE)
    args = filt.as_args()
    return render_template(
        "history/changes.html", filt=filt, errors=errors, result=page, entities=queries.list_entities(db.session),
        page_url=lambda n: url_for("history.changes", **args, page=n), summary_text=feeds.summary_text,
        feed_url=url_for("history.entity_feed", slug=filt.entity) if filt.entity else url_for("history.changes_feed"),
        today=today(),
    ), 422 if errors else 200


def _feed_language() -> str:
    """?lang= when it is one of ours, else Chinese (feed readers carry no cookie)."""
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else LANGUAGES[0]


def feed_response(entity=None):
    """The Atom feed of the newest publications and withdrawals (of one entity, or all)."""
    lang = _feed_language()
    lang_args = {} if lang == LANGUAGES[0] else {"lang": lang}
    filt = ChangeFilter(entity=entity.slug if entity else None)
    with force_locale(lang):
        rows = history.list_changes(db.session, filt, tz=_tz(), per_page=feeds.ENTRY_LIMIT).rows
        entries = [feeds.Entry(
            id=feeds.tag_uri(request.host, f"log/{row.entry.seq}"),
            title=feeds.entry_title(row),
            updated=row.entry.recorded_at,
            published=row.entry.recorded_at,
            link=url_for("public.version", slug=row.entity.slug, schedule_slug=row.schedule.slug,
                         number=row.version.number, _external=True, **lang_args),
            author=bilingual(row.entity), category=row.entry.action, text=feeds.entry_text(row),
        ) for row in rows]
        scope = f"entities/{entity.slug}" if entity else "changes"
        feed = feeds.Feed(
            id=feeds.tag_uri(request.host, scope if lang == LANGUAGES[0] else f"{scope}/{lang}"),
            title=_("%(entity)s: fee schedule changes", entity=bilingual(entity)) if entity
            else _("Open Port Fees: fee schedule changes"),
            subtitle=_("Every publication and withdrawal of a fee schedule version, newest first."),
            self_url=url_for(request.endpoint, **(request.view_args or {}), _external=True, **lang_args),
            alternate_url=url_for("public.entity", slug=entity.slug, _external=True, **lang_args) if entity
            else url_for("history.changes", _external=True, **lang_args),
            author=_("Open Port Fees"), lang="zh-CN" if lang == "zh" else lang,
            updated=entity.created_at if entity else SITE_FEED_SINCE, entries=entries,
        )
    response = current_app.response_class(feeds.render(feed), content_type=feeds.MEDIA_TYPE)
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/feeds/changes.atom")
def changes_feed():
    """Atom feed of the newest 50 publications and withdrawals site-wide (?lang=zh|en)."""
    return feed_response()


@bp.get("/feeds/entities/<slug>.atom")
def entity_feed(slug: str):
    """Atom feed of one entity's newest 50 publications and withdrawals (?lang=zh|en)."""
    return feed_response(registry.get_entity(db.session, slug))

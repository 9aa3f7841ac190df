"""Public pages: home, entity directory, entity page, version page."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from fees import tabular
from fees.db import db
from fees.services import queries, registry, reports
from fees.views.helpers import attachment, requested_day
from fees.vocab import ENTITY_KINDS

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """What this site is, with the latest publications."""
    return render_template(
        "index.html",
        publications=queries.latest_publications(db.session, limit=12),
        counts=queries.entity_counts(db.session),
    )


@bp.get("/entities")
def entities():
    """The directory of charging entities, grouped by kind."""
    kind = request.args.get("kind") or None
    if kind and kind not in ENTITY_KINDS:
        abort(404)
    found = queries.list_entities(db.session, kind=kind)
    groups: dict[str, list] = {}
    for entity in found:
        groups.setdefault(entity.kind, []).append(entity)
    return render_template("entities.html", groups=groups, kind=kind, total=len(found))


@bp.get("/entities/<slug>")
def entity(slug: str):
    """An entity with each schedule's version in effect, upcoming and past versions."""
    found = registry.get_entity(db.session, slug)
    on = requested_day()
    timelines = [queries.schedule_timeline(db.session, s, on) for s in found.schedules]
    return render_template("entity.html", entity=found, timelines=timelines, on=on,
                           reports=reports.accepted_reports(db.session, found.id))


@bp.get("/entities/<slug>/schedules/<schedule_slug>/versions/<int:number>")
def version(slug: str, schedule_slug: str, number: int):
    """A version's items and its diff against the version before it."""
    schedule = registry.get_schedule(db.session, slug, schedule_slug)
    found = queries.get_version(db.session, schedule, number)
    previous = queries.previous_version(db.session, found)
    on = requested_day()
    in_effect = queries.version_in_effect(db.session, schedule.id, on)
    return render_template(
        "version.html",
        schedule=schedule,
        entity=schedule.entity,
        version=found,
        previous=previous,
        diff=queries.diff_versions(previous, found),
        in_effect=in_effect,
        on=on,
    )


@bp.get("/entities/<slug>/schedules/<schedule_slug>/versions/<int:number>/export.<fmt>")
def export_version(slug: str, schedule_slug: str, number: int, fmt: str):
    """A version's items in the import template's format (CSV or XLSX), for a round trip."""
    if fmt not in tabular.MEDIA_TYPES:
        abort(404)
    schedule = registry.get_schedule(db.session, slug, schedule_slug)
    found = queries.get_version(db.session, schedule, number)
    lang = "en" if request.args.get("headers") == "en" else "zh"
    data = tabular.export_items(queries.version_items(found), fmt=fmt, lang=lang)
    return attachment(data, tabular.MEDIA_TYPES[fmt], f"{slug}-{schedule_slug}-v{number}-{lang}.{fmt}")

"""Drafts, diffs and versions as plain JSON (money as strings, timestamps in UTC)."""
from __future__ import annotations

from datetime import date

from flask import jsonify, url_for

from fees.canonical import item_content, money_str, utc_str
from fees.db import db
from fees.diff import KEY_FIELDS, ItemChange, VersionDiff
from fees.models import FeeItem, ScheduleVersion
from fees.services import publishing, queries
from fees.views.helpers import policy, today


# -- rendering --------------------------------------------------------------------------

def _ts(value) -> str | None:
    """A timestamp as the open data writes it (UTC, to the second, with Z), or None."""
    return utc_str(value) if value is not None else None


def item_json(item: FeeItem) -> dict:
    """A draft item: its canonical content (as in the open data) plus its id."""
    return {"id": item.id, **item_content(item)}


def change_json(change: ItemChange) -> dict:
    """One line of a diff, money as strings."""
    return {
        "status": change.status,
        "key": dict(zip(KEY_FIELDS, change.key)),
        "old": change.old,
        "new": change.new,
        "changed_fields": list(change.changed_fields),
        "amount_change": money_str(change.amount_change),
        "amount_change_pct": None if change.amount_change_pct is None else str(change.amount_change_pct),
        "raises_charges": change.raises_charges,
        "lowers_charges": change.lowers_charges,
    }


def diff_json(diff: VersionDiff) -> dict:
    """A diff with its counts."""
    return {"summary": diff.summary(), "changes": [change_json(c) for c in diff.changes]}


def draft_json(version: ScheduleVersion, diff: VersionDiff, notice: dict | None = None) -> dict:
    """A draft with its items and its diff against the latest published version."""
    body = {
        "id": version.id,
        "entity": version.schedule.entity.slug,
        "schedule": version.schedule.slug,
        "revision": version.revision,
        "base_version": version.base_version.number if version.base_version else None,
        "created_at": _ts(version.created_at),
        "updated_at": _ts(version.updated_at or version.created_at),
        "items": [item_json(i) for i in version.items],
        "diff": diff_json(diff),
        "url": url_for("api.get_draft", draft_id=version.id),
    }
    if notice is not None:
        body["notice"] = notice
    return body


def version_json(version: ScheduleVersion) -> dict:
    """A published or withdrawn version, with the path of its public page."""
    schedule = version.schedule
    return {
        "entity": schedule.entity.slug,
        "schedule": schedule.slug,
        "number": version.number,
        "status": version.status,
        "effective_from": version.effective_from.isoformat(),
        "published_at": _ts(version.published_at),
        "content_sha256": version.content_sha256,
        "short_notice": version.short_notice,
        "change_note": version.change_note,
        "withdrawn_at": _ts(version.withdrawn_at),
        "withdraw_reason": version.withdraw_reason or None,
        "url": url_for("public.version", slug=schedule.entity.slug, schedule_slug=schedule.slug,
                       number=version.number),
    }


def draft_response(version: ScheduleVersion, effective_from: date | None = None):
    """The draft as JSON, with the notice check for a planned effective date if given."""
    diff = queries.diff_versions(queries.latest_published(db.session, version.schedule_id), version)
    notice = None
    if effective_from is not None:
        rules = policy()
        check = publishing.check_notice(diff, effective_from, today(), rules)
        notice = {"effective_from": effective_from.isoformat(), "notice_days": check.notice_days,
                  "short_notice": check.short_notice, "required_days": rules.notice_days,
                  "policy": rules.notice_policy}
    return jsonify(draft_json(version, diff, notice))

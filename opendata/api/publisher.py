"""The publisher API: token-authenticated drafts, diffs, publication and withdrawal.

Views are thin: read the request, call the same services the web editor calls, and
render plain JSON. The services make each write one transaction, so every request is
all-or-nothing; errors become problem+json in fees.views.errors (DomainError → 422,
403, 404 or 409) or here (unreadable bodies → 400, wrong media type → 415).
The description of these endpoints is opendata/api/openapi_publisher.py; a test keeps
the two in step.
"""
from __future__ import annotations


from flask import jsonify, request
from flask_babel import lazy_gettext as _l

from fees import tabular
from fees.db import db
from fees.errors import DomainError, FieldError
from fees.services import drafts, publishing, queries, registry
from fees.views.helpers import policy, today
from opendata.api import bp
from opendata.api.auth import current_publisher, current_token, token_required
from opendata.api.rendering import draft_response, version_json
from opendata.api.parsing import (
    checked_items,
    date_field,
    json_body,
    own_version,
    raise_if,
    revision_field,
    string_or_null,
)

@bp.get("/publisher/me")
@token_required
def me():
    """Who the token belongs to, and the state of each of the entity's schedules."""
    user, on = current_publisher(), today()
    entity = user.entity
    schedules = []
    for schedule in entity.schedules:
        latest = queries.latest_published(db.session, schedule.id)
        current = queries.version_in_effect(db.session, schedule.id, on)
        schedules.append({
            "slug": schedule.slug, "name_zh": schedule.name_zh, "name_en": schedule.name_en,
            "currency": schedule.currency, "business_line": schedule.business_line,
            "latest_published": latest.number if latest else None,
            "in_effect": current.number if current else None,
            "drafts": [d.id for d in drafts.drafts_of(db.session, schedule.id)],
        })
    token = current_token()
    return jsonify({
        "email": user.email,
        "role": user.role,
        "entity": {"slug": entity.slug, "name_zh": entity.name_zh, "name_en": entity.name_en},
        "schedules": schedules,
        "token": {"prefix": token.prefix, "name": token.name},
    })


@bp.post("/publisher/schedules/<schedule_slug>/drafts")
@token_required
def create_draft(schedule_slug: str):
    """Start a draft from JSON items, from an uploaded CSV/XLSX file, or as a copy of the
    latest published version; 201 with the draft and its Location."""
    user = current_publisher()
    # Only the token's own entity is addressable: another entity's schedule is a 404.
    schedule = registry.get_schedule(db.session, user.entity.slug, schedule_slug)
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")  # raises 413 itself beyond MAX_CONTENT_LENGTH
        if upload is None:
            raise DomainError(_l("Upload the file in the form field \"file\"."),
                              errors=[FieldError("file", _l("This field is required."))])
        items = tabular.parse_upload(upload.filename or "", upload.read(), default_currency=schedule.currency)
        draft = drafts.create_draft(db.session, schedule, items=items, actor=user)
    else:
        body = json_body(("items", "copy_current"))
        copy_current = body.get("copy_current", True)
        if not isinstance(copy_current, bool):
            raise_if([FieldError("copy_current", _l("copy_current is true or false."))])
        items = checked_items(body["items"], schedule.currency) if body.get("items") is not None else None
        draft = drafts.create_draft(db.session, schedule, copy_current=copy_current, items=items, actor=user)
    response = draft_response(draft)
    response.status_code = 201
    response.headers["Location"] = response.get_json()["url"]
    return response


@bp.get("/publisher/drafts/<int:draft_id>")
@token_required
def get_draft(draft_id: int):
    """A draft with its diff; `?effective_from=` adds what publishing on that date means
    for the notice rule."""
    errors: list[FieldError] = []
    effective_from = date_field(request.args, "effective_from", errors, required=False)
    version = drafts.get_draft(db.session, draft_id, current_publisher())
    raise_if(errors)
    return draft_response(version, effective_from)


@bp.delete("/publisher/drafts/<int:draft_id>")
@token_required
def discard_draft(draft_id: int):
    """Throw a draft away (`?revision=` refuses if it was saved since); 204."""
    errors: list[FieldError] = []
    revision = revision_field(request.args.get("revision"), errors)
    raise_if(errors)
    drafts.discard_draft(db.session, draft_id, actor=current_publisher(), expected_revision=revision)
    return "", 204


@bp.post("/publisher/drafts/<int:draft_id>/publish")
@token_required
def publish_draft(draft_id: int):
    """Publish a draft with an effective date and a change note; 201 with the version."""
    own_version(draft_id)
    body = json_body(("effective_from", "change_note", "revision"))
    errors: list[FieldError] = []
    effective_from = date_field(body, "effective_from", errors)
    revision = revision_field(body.get("revision"), errors)
    if not string_or_null(body, "change_note"):
        errors.append(FieldError("change_note", _l("%(field)s must be a string.", field="change_note")))
    raise_if(errors)
    # Not drafts.get_draft: publishing a version twice is a conflict (409), not a 404.
    version = publishing.publish_version(
        db.session, draft_id, effective_from=effective_from, change_note=body.get("change_note") or "",
        actor=current_publisher(), policy=policy(), expected_revision=revision,
    )
    published = version_json(version)
    response = jsonify(published)
    response.status_code = 201
    response.headers["Location"] = published["url"]
    return response


@bp.post("/publisher/versions/<schedule_slug>/<int:number>/withdraw")
@token_required
def withdraw_version(schedule_slug: str, number: int):
    """Withdraw an upcoming published version, with a reason; 200 with the version."""
    schedule = registry.get_schedule(db.session, current_publisher().entity.slug, schedule_slug)
    version = queries.get_version(db.session, schedule, number)
    body = json_body(("reason",))
    if not string_or_null(body, "reason"):
        raise_if([FieldError("reason", _l("%(field)s must be a string.", field="reason"))])
    withdrawn = publishing.withdraw_version(db.session, version.id, reason=body.get("reason") or "",
                                            actor=current_publisher(), policy=policy())
    return jsonify(version_json(withdrawn))

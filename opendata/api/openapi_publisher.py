"""OpenAPI description of the publisher API (opendata/api/publisher.py).

A section of the document that opendata.api.openapi.build_document() assembles: TAGS,
PATHS and SCHEMAS, merged with the other sections. It is Python rather than JSON so the
controlled vocabularies come from fees.vocab and cannot drift from what the server
accepts. Tests check that every route is described and every answer matches its schema.
"""
from __future__ import annotations

from fees.diff import COMPARED_FIELDS, KEY_FIELDS
from fees.vocab import BUSINESS_LINES, CARGO_CLASSES, CODE_PATTERN, CONTAINER_TYPES, DIRECTIONS, SLUG_PATTERN, UNITS


def ref(name: str) -> dict:
    """A reference to a schema of components.schemas."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """`schema` or null (JSON Schema 2020-12, as OpenAPI 3.1 uses it)."""
    return {"anyOf": [schema, {"type": "null"}]}


def problems(*statuses: int) -> dict:
    """The shared problem+json responses (components.responses of openapi.py) by status."""
    return {str(s): {"$ref": f"#/components/responses/Problem{s}"} for s in statuses}


def json_content(schema: dict, example=None) -> dict:
    """An application/json body of this schema."""
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"application/json": content}


BEARER = [{"bearerAuth": []}]
TAGS = [{
    "name": "publisher",
    "description": "Charging entities' systems: drafts, diffs, publication and withdrawal. Every "
                   "operation needs `Authorization: Bearer <token>` (a publisher's API token) and "
                   "is all-or-nothing: a refused request changes nothing. See docs/API.md.",
}]

MONEY = {"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "Exact decimal amount, two decimals.",
         "examples": ["850.00"]}
SIGNED_MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["85.00", "-50.00"]}
QUANTITY = {"type": "string", "pattern": r"^\d+(\.\d{1,3})?$", "description": "Exact decimal quantity.",
            "examples": ["5", "2.5"]}
TIMESTAMP = {"type": "string", "format": "date-time", "description": "UTC, ISO 8601: YYYY-MM-DDTHH:MM:SSZ.",
             "examples": ["2025-03-01T02:00:00Z"]}
DATE = {"type": "string", "format": "date", "examples": ["2025-04-01"]}
SLUG = {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 64}
CODE = {"type": "string", "pattern": CODE_PATTERN, "examples": ["THC"]}
CURRENCY = {"type": "string", "pattern": r"^[A-Z]{3}$", "description": "ISO 4217.", "examples": ["CNY"]}

ITEM_PROPERTIES = {
    "code": CODE,
    "name_zh": {"type": "string"},
    "name_en": {"type": "string"},
    "service": {"type": "string", "description": "Service content (服务内容)."},
    "unit": {"type": "string", "enum": list(UNITS)},
    "container": {"type": "string", "enum": list(CONTAINER_TYPES), "description": "Empty: any container."},
    "direction": {"type": "string", "enum": list(DIRECTIONS)},
    "cargo_class": {"type": "string", "enum": list(CARGO_CLASSES), "description": "Empty: any cargo."},
    "amount": MONEY,
    "currency": CURRENCY,
    "min_amount": nullable(MONEY),
    "tiers": {"type": "array", "items": ref("Tier")},
    "legal_basis": {"type": "string", "description": "Legal basis (收费依据)."},
    "notes": {"type": "string"},
}

ITEM_EXAMPLE = {"code": "THC", "name_zh": "码头操作费", "name_en": "Terminal handling charge",
                "unit": "per_container", "container": "40HQ", "direction": "export", "amount": "850.00"}


def _text_or_null(description: str = "", enum=None) -> dict:
    """An input field that takes a string or null (null means "not given")."""
    schema: dict = {"type": ["string", "null"]}
    if enum is not None:
        schema["enum"] = [*enum, None]
    if description:
        schema["description"] = description
    return schema


SCHEMAS = {
    "Tier": {
        "type": "object",
        "description": "A band of a tiered fee: quantities from..to (inclusive; open-ended when `to` "
                       "is null) are charged `amount` per unit.",
        "required": ["from", "to", "amount"],
        "properties": {"from": QUANTITY, "to": nullable(QUANTITY), "amount": MONEY},
    },
    "TierInput": {
        "type": "object",
        "required": ["from", "amount"],
        "additionalProperties": False,
        "properties": {
            "from": {"type": "string", "examples": ["5"]},
            "to": _text_or_null("Empty or null for the last, open-ended tier."),
            "amount": {"type": "string", "examples": ["20.00"]},
        },
    },
    "ItemInput": {
        "type": "object",
        "description": "A fee item as sent. Every value is a string (or null); JSON numbers are refused "
                       "for money and quantities, because a number may already have lost exactness. "
                       "`amount` may be left out for a tiered fee (it is then the first charged tier's "
                       "rate). Defaults: direction `both`, currency the schedule's, container and "
                       "cargo_class empty (any). `id` is ignored, so items read from a draft can be sent "
                       "back unchanged. Unknown fields are refused.",
        "required": ["code", "name_zh", "unit"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer", "description": "Ignored."},
            "code": {"type": "string", "description": "Catalogue code or the entity's own: uppercase "
                                                       "letters, digits and _ (lowercase is uppercased)."},
            "name_zh": {"type": "string"},
            "name_en": _text_or_null(),
            "service": _text_or_null(),
            "unit": {"type": "string", "enum": list(UNITS)},
            "container": _text_or_null(enum=CONTAINER_TYPES),
            "direction": _text_or_null(enum=["", *DIRECTIONS]),
            "cargo_class": _text_or_null(enum=CARGO_CLASSES),
            "amount": _text_or_null("Decimal string, at most two decimals, ≥ 0: \"850\" or \"850.00\"."),
            "currency": _text_or_null("ISO 4217; the schedule's currency when empty."),
            "min_amount": _text_or_null("Minimum charge, a decimal string."),
            "tiers": {"type": ["array", "null"], "items": ref("TierInput")},
            "legal_basis": _text_or_null(),
            "notes": _text_or_null(),
        },
        "examples": [ITEM_EXAMPLE],
    },
    "Item": {
        "type": "object",
        "description": "A fee item in canonical form, exactly as in the open data and the version hash.",
        "required": list(ITEM_PROPERTIES),
        "properties": ITEM_PROPERTIES,
    },
    "DraftItem": {
        "type": "object",
        "description": "An item of a draft: the canonical item plus its id.",
        "required": ["id", *ITEM_PROPERTIES],
        "properties": {"id": {"type": "integer"}, **ITEM_PROPERTIES},
    },
    "ItemKey": {
        "type": "object",
        "description": "What matches the same fee across versions and entities.",
        "required": list(KEY_FIELDS),
        "properties": {name: ITEM_PROPERTIES[name] for name in KEY_FIELDS},
    },
    "ItemChange": {
        "type": "object",
        "required": ["status", "key", "old", "new", "changed_fields", "amount_change", "amount_change_pct",
                     "raises_charges", "lowers_charges"],
        "properties": {
            "status": {"type": "string", "enum": ["added", "removed", "changed", "unchanged"]},
            "key": ref("ItemKey"),
            "old": nullable(ref("Item")),
            "new": nullable(ref("Item")),
            "changed_fields": {"type": "array", "items": {"type": "string", "enum": list(COMPARED_FIELDS)}},
            "amount_change": nullable(SIGNED_MONEY),
            "amount_change_pct": nullable({"type": "string", "pattern": r"^-?\d+\.\d{2}$",
                                           "description": "Percent, two decimals; null when the old "
                                                          "amount is zero."}),
            "raises_charges": {"type": "boolean", "description": "New fee, or a higher amount, minimum "
                                                                 "or tier rate: needs notice."},
            "lowers_charges": {"type": "boolean"},
        },
    },
    "DiffSummary": {
        "type": "object",
        "required": ["added", "removed", "changed", "unchanged", "increases", "reductions"],
        "properties": {name: {"type": "integer", "minimum": 0} for name in
                       ("added", "removed", "changed", "unchanged", "increases", "reductions")},
    },
    "Diff": {
        "type": "object",
        "description": "The draft against the schedule's latest published version, item by item.",
        "required": ["summary", "changes"],
        "properties": {"summary": ref("DiffSummary"), "changes": {"type": "array", "items": ref("ItemChange")}},
    },
    "Notice": {
        "type": "object",
        "description": "What publishing on `effective_from` means for the notice rule: an increase "
                       "with fewer than `required_days` is flagged short-notice for good (policy "
                       "`flag`) or refused (policy `enforce`).",
        "required": ["effective_from", "notice_days", "short_notice", "required_days", "policy"],
        "properties": {
            "effective_from": DATE,
            "notice_days": {"type": "integer"},
            "short_notice": {"type": "boolean"},
            "required_days": {"type": "integer"},
            "policy": {"type": "string", "enum": ["flag", "enforce"]},
        },
    },
    "Draft": {
        "type": "object",
        "required": ["id", "entity", "schedule", "revision", "base_version", "created_at", "updated_at",
                     "items", "diff", "url"],
        "properties": {
            "id": {"type": "integer"},
            "entity": SLUG,
            "schedule": SLUG,
            "revision": {"type": "integer", "description": "Moves on with every save; send it back to "
                                                           "publish or discard exactly what you reviewed."},
            "base_version": {"type": ["integer", "null"], "description": "The published version the draft "
                                                                         "started from."},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
            "items": {"type": "array", "items": ref("DraftItem")},
            "diff": ref("Diff"),
            "notice": ref("Notice"),
            "url": {"type": "string", "description": "This draft in the API."},
        },
    },
    "Version": {
        "type": "object",
        "required": ["entity", "schedule", "number", "status", "effective_from", "published_at",
                     "content_sha256", "short_notice", "change_note", "withdrawn_at", "withdraw_reason", "url"],
        "properties": {
            "entity": SLUG,
            "schedule": SLUG,
            "number": {"type": "integer", "minimum": 1},
            "status": {"type": "string", "enum": ["published", "withdrawn"]},
            "effective_from": DATE,
            "published_at": TIMESTAMP,
            "content_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                               "description": "SHA-256 of the canonical content (docs/PUBLICATION_LOG.md)."},
            "short_notice": {"type": "boolean"},
            "change_note": {"type": "string"},
            "withdrawn_at": nullable(TIMESTAMP),
            "withdraw_reason": {"type": ["string", "null"]},
            "url": {"type": "string", "description": "The version's public page (a path on this site)."},
        },
    },
    "ScheduleState": {
        "type": "object",
        "required": ["slug", "name_zh", "name_en", "currency", "business_line", "latest_published",
                     "in_effect", "drafts"],
        "properties": {
            "slug": SLUG,
            "name_zh": {"type": "string"},
            "name_en": {"type": "string"},
            "currency": CURRENCY,
            "business_line": {"type": "string", "enum": list(BUSINESS_LINES)},
            "latest_published": {"type": ["integer", "null"]},
            "in_effect": {"type": ["integer", "null"], "description": "The version in effect today at the port."},
            "drafts": {"type": "array", "items": {"type": "integer"}, "description": "Ids of open drafts."},
        },
    },
    "Me": {
        "type": "object",
        "required": ["email", "role", "entity", "schedules", "token"],
        "properties": {
            "email": {"type": "string"},
            "role": {"type": "string", "enum": ["publisher"]},
            "entity": {
                "type": "object",
                "required": ["slug", "name_zh", "name_en"],
                "properties": {"slug": SLUG, "name_zh": {"type": "string"}, "name_en": {"type": "string"}},
            },
            "schedules": {"type": "array", "items": ref("ScheduleState")},
            "token": {
                "type": "object",
                "required": ["prefix", "name"],
                "properties": {"prefix": {"type": "string"}, "name": {"type": "string"}},
            },
        },
    },
    "CreateDraft": {
        "type": "object",
        "additionalProperties": False,
        "description": "With `items`, the draft holds exactly them; without, a copy of the latest "
                       "published version (`copy_current`, the default) or nothing. An empty body "
                       "counts as {}.",
        "properties": {
            "items": {"type": "array", "items": ref("ItemInput")},
            "copy_current": {"type": "boolean", "default": True},
        },
        "examples": [{"items": [ITEM_EXAMPLE]}],
    },
    "DraftUpload": {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "contentMediaType": "application/octet-stream",
                     "description": "The import template as CSV (UTF-8, UTF-8 with BOM or GB18030) "
                                    "or XLSX, headers in Chinese or English."},
        },
    },
    "Publish": {
        "type": "object",
        "required": ["effective_from", "change_note"],
        "additionalProperties": False,
        "properties": {
            "effective_from": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"},
            "change_note": {"type": "string", "description": "What changed and why (required, public)."},
            "revision": {"type": "integer", "description": "The draft revision you reviewed; if the "
                                                           "draft was saved since, 409."},
        },
        "examples": [{"effective_from": "2025-06-01", "change_note": "THC 40HQ export +¥85", "revision": 1}],
    },
    "Withdraw": {
        "type": "object",
        "required": ["reason"],
        "additionalProperties": False,
        "properties": {"reason": {"type": "string", "description": "Why (required, public)."}},
    },
}

_SCHEDULE_SLUG = {"name": "schedule_slug", "in": "path", "required": True, "schema": SLUG,
                  "description": "A schedule of the token's entity."}
_DRAFT_ID = {"name": "draft_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647}}
_LOCATION = {"Location": {"description": "Where the new resource is.", "schema": {"type": "string"}}}


def _operation(operation_id: str, summary: str, description: str, responses: dict, **extra) -> dict:
    """A publisher operation: tagged, and secured by a bearer token."""
    return {"operationId": operation_id, "tags": ["publisher"], "summary": summary,
            "description": description, "security": BEARER, "responses": responses, **extra}


PATHS = {
    "/api/v1/publisher/me": {
        "get": _operation(
            "publisherMe", "Who am I",
            "The token's account and entity, with each schedule's latest published version, the "
            "version in effect today and the open drafts.",
            {"200": {"description": "The account.", "content": json_content(ref("Me"))}, **problems(401, 403)},
        ),
    },
    "/api/v1/publisher/schedules/{schedule_slug}/drafts": {
        "parameters": [_SCHEDULE_SLUG],
        "post": _operation(
            "createDraft", "Start a draft",
            "From JSON items, from an uploaded CSV/XLSX file (multipart/form-data, field `file`), or "
            "as a copy of the latest published version. Any invalid item or row refuses the whole "
            "request; `errors` names each field and row (array position from 1 for JSON, the "
            "spreadsheet row for files, with the file's own column header as `field`).",
            {"201": {"description": "The draft.", "headers": _LOCATION, "content": json_content(ref("Draft"))},
             **problems(400, 401, 403, 404, 409, 413, 415, 422)},
            requestBody={"required": False, "content": {
                "application/json": {"schema": ref("CreateDraft"), "example": {"items": [ITEM_EXAMPLE]}},
                "multipart/form-data": {
                    "schema": ref("DraftUpload"),
                    "encoding": {"file": {"contentType": "text/csv, application/vnd.openxmlformats-"
                                                         "officedocument.spreadsheetml.sheet"}},
                },
            }},
        ),
    },
    "/api/v1/publisher/drafts/{draft_id}": {
        "parameters": [_DRAFT_ID],
        "get": _operation(
            "getDraft", "Read a draft with its diff",
            "The draft's items and its diff against the latest published version. With "
            "`effective_from`, also what publishing on that date means for the notice rule.",
            {"200": {"description": "The draft.", "content": json_content(ref("Draft"))},
             **problems(401, 403, 404, 422)},
            parameters=[{"name": "effective_from", "in": "query", "required": False, "schema": DATE,
                         "description": "A planned effective date (YYYY-MM-DD)."}],
        ),
        "delete": _operation(
            "discardDraft", "Discard a draft",
            "Deletes the draft and its items. Published versions cannot be discarded (422).",
            {"204": {"description": "Discarded."}, **problems(401, 403, 404, 409, 422)},
            parameters=[{"name": "revision", "in": "query", "required": False, "schema": {"type": "integer"},
                         "description": "Refuse (409) if the draft was saved since this revision."}],
        ),
    },
    "/api/v1/publisher/drafts/{draft_id}/publish": {
        "parameters": [_DRAFT_ID],
        "post": _operation(
            "publishDraft", "Publish a draft",
            "Numbers, hashes and logs the version in one transaction. 422: invalid or empty draft, "
            "effective date in the past or before the latest version's, or (policy `enforce`) an "
            "increase with too little notice. 409: the draft was saved since `revision`, it is "
            "already published, or another version was published since it started.",
            {"201": {"description": "The published version.", "headers": _LOCATION,
                     "content": json_content(ref("Version"))},
             **problems(400, 401, 403, 404, 409, 413, 415, 422)},
            requestBody={"required": True, "content": json_content(ref("Publish"))},
        ),
    },
    "/api/v1/publisher/versions/{schedule_slug}/{number}/withdraw": {
        "parameters": [_SCHEDULE_SLUG,
                       {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647}}],
        "post": _operation(
            "withdrawVersion", "Withdraw an upcoming version",
            "Only before its effective date (422 once in effect); the withdrawal is logged.",
            {"200": {"description": "The withdrawn version.", "content": json_content(ref("Version"))},
             **problems(400, 401, 403, 404, 409, 413, 415, 422)},
            requestBody={"required": True, "content": json_content(ref("Withdraw"))},
        ),
    },
}

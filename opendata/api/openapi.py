"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

The document is assembled from sections: modules (or any objects) with `PATHS` and
optionally `TAGS`, `SCHEMAS`, `RESPONSES` and `PARAMETERS`. The publisher API is one
section; the open-data collections add theirs by appending to SECTIONS, e.g.

    from opendata.api import openapi, openapi_collections
    openapi.SECTIONS.append(openapi_collections)

What every part shares lives here: the document's frame, the bearer security scheme,
and the problem+json error format of fees.views.errors.
"""
from __future__ import annotations

from flask import jsonify

from opendata.api import bp, openapi_publisher

TITLE = "Open Port Fees API"
DESCRIPTION = (
    "Fee schedules that the charging entities of a port publish, as open data, and the "
    "publishers' API that writes them. Money is always an exact decimal string with a "
    "currency, dates are YYYY-MM-DD, timestamps UTC ISO 8601 ending in Z. Errors are RFC 9457 "
    "problem+json. The data are licensed CC BY 4.0. See docs/API.md for examples."
)

PROBLEM_SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string", "description": "Currently always about:blank: the status says it."},
            "title": {"type": "string", "description": "What went wrong, in the reader's language."},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string", "description": "A stable machine-readable name of the problem, e.g. "
                     "short_notice, stale_draft, conflict, forbidden, not_found, import_invalid, "
                     "import_encoding, empty, immutable, in_effect."},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"},
                       "description": "Every field-level problem; present only when there are some."},
        },
    },
    "FieldError": {
        "type": "object",
        "required": ["field", "row", "message"],
        "properties": {
            "field": {"type": "string", "description": "The field, or for a file the column header as written."},
            "row": {"type": ["integer", "null"], "description": "Position in `items` (from 1), or the "
                                                                "spreadsheet row of an uploaded file."},
            "message": {"type": "string"},
        },
    },
}
PROBLEM_STATUSES = {
    400: "The body is not valid JSON, or not a JSON object.",
    401: "No token, or an unknown or revoked token, or a deactivated account.",
    403: "The token's account may not do this (another entity's draft, or not a publisher).",
    404: "No such schedule, draft or version (only the token's own entity is addressable).",
    409: "The state changed meanwhile: a stale `revision`, an already published draft, or a "
         "version published since the draft started. Reload and try again.",
    413: "The body or file is larger than the site accepts.",
    415: "The body must be application/json (or multipart/form-data where a file is taken).",
    422: "The request was read but refused; `errors` lists each field (and row).",
}


def problem_responses() -> dict:
    """components.responses: one problem+json response per status, `Problem<status>`."""
    responses = {}
    for status, description in PROBLEM_STATUSES.items():
        response = {"description": description,
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {
                "description": 'Bearer realm="…", with error="invalid_token" when a token was refused.',
                "schema": {"type": "string"}}}
        responses[f"Problem{status}"] = response
    return responses


class _Self:
    """This module's own section: the document describes itself too."""

    TAGS = [{"name": "meta", "description": "About the API itself."}]
    PATHS = {
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi", "tags": ["meta"], "summary": "This document",
                "description": "The OpenAPI 3.1 description of the whole API.",
                "responses": {"200": {"description": "The document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            },
        },
    }


SECTIONS: list = [_Self, openapi_publisher]


def _merge(target: dict, extra: dict, what: str) -> None:
    """Add a section's entries; two sections describing one thing is a bug, not an override."""
    for name, value in extra.items():
        if name in target:
            raise ValueError(f"OpenAPI {what} {name!r} is described twice")
        target[name] = value


def build_document(sections: list | None = None) -> dict:
    """The whole OpenAPI document from the sections (SECTIONS unless told)."""
    components = {
        "securitySchemes": {"bearerAuth": {
            "type": "http", "scheme": "bearer",
            "description": "A publisher's API token (opf_…), from /publish/ → API tokens or "
                           "`flask tokens create EMAIL --name NAME`.",
        }},
        "schemas": dict(PROBLEM_SCHEMAS),
        "responses": problem_responses(),
        "parameters": {},
    }
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": "1",
            "description": DESCRIPTION,
            "license": {"name": "CC-BY-4.0 (the data)", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": "/"}],
        "tags": [],
        "paths": {},
        "components": components,
    }
    for section in SECTIONS if sections is None else sections:
        document["tags"].extend(getattr(section, "TAGS", []))
        _merge(document["paths"], section.PATHS, "path")
        _merge(components["schemas"], getattr(section, "SCHEMAS", {}), "schema")
        _merge(components["responses"], getattr(section, "RESPONSES", {}), "response")
        _merge(components["parameters"], getattr(section, "PARAMETERS", {}), "parameter")
    if not components["parameters"]:
        del components["parameters"]
    return document


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI document (public: it describes, it does not disclose)."""
    return jsonify(build_document())

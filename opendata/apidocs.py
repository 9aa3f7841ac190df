"""The human-readable API page at /api/, rendered on the site from the OpenAPI document.

The page is the document, laid out for people: it iterates whatever
opendata.api.openapi.build_document() contains (every tag, path, operation and schema),
so a new endpoint appears here as soon as it is described, and the page cannot promise
what the API does not do. `$ref`s become links to the schema's anchor on the same page,
so recursive and shared schemas are shown once. Server-side only: no script, no CDN.

Why /api/: it is the natural parent of /api/v1/ (what a person types after reading a
machine URL), and it stays put when a /api/v2/ comes.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from flask import Blueprint, current_app, render_template, request, url_for
from limits import parse_many
from markupsafe import Markup, escape

bp = Blueprint("apidocs", __name__)

METHODS = ("get", "head", "post", "put", "patch", "delete")
# Tokens of a type description: ("text", "array of ") or ("ref", "Item").
Token = tuple[str, str]


@dataclass
class Field:
    """A property of a schema (dotted for inline objects), or a parameter."""

    name: str
    type: list[Token]
    required: bool = False
    constraints: list[str] = field(default_factory=list)
    description: str = ""
    location: str = ""  # query, path or header: for parameters


@dataclass
class Body:
    """One media type of a request or response body."""

    media_type: str
    type: list[Token]
    example: str = ""


@dataclass
class Answer:
    """One documented response of an operation."""

    status: str
    description: str
    bodies: list[Body]
    headers: list[str]


@dataclass
class Operation:
    """One method on one path."""

    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    request: list[Body]
    request_required: bool
    responses: list[Answer]
    secured: bool


@dataclass
class Section:
    """A tag: its description and its operations in document order."""

    name: str
    description: str
    anchor: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Schema:
    """A component schema: its own type and description, and its fields."""

    name: str
    anchor: str
    description: str
    type: list[Token]
    fields: list[Field]


@dataclass
class ApiPage:
    """Everything the page shows, in order."""

    title: str
    description: str
    sections: list[Section]
    schemas: list[Schema]


# -- reading the document ---------------------------------------------------------------

def anchor(*parts: str) -> str:
    """An HTML id from any text: letters, digits and dashes."""
    return re.sub(r"[^A-Za-z0-9]+", "-", "-".join(parts)).strip("-")


def schema_anchor(name: str) -> str:
    """Where a component schema is on the page."""
    return anchor("schema", name)


def _resolve(document: dict, obj: dict) -> dict:
    """Follow a local `$ref` (parameters, responses) to what it names."""
    seen = 0
    while isinstance(obj, dict) and "$ref" in obj and seen < 10:
        target: object = document
        for part in obj["$ref"].lstrip("#/").split("/"):
            target = target[part] if isinstance(target, dict) else {}
        obj, seen = target, seen + 1
    return obj if isinstance(obj, dict) else {}


def type_tokens(schema: dict) -> list[Token]:
    """A schema's type in words, with component schemas as links."""
    if not isinstance(schema, dict) or not schema:
        return [("text", "any")]
    if "$ref" in schema:
        return [("ref", schema["$ref"].rsplit("/", 1)[-1])]
    if "const" in schema:
        return [("text", json.dumps(schema["const"], ensure_ascii=False))]
    for combiner in ("anyOf", "oneOf", "allOf"):
        if combiner in schema:
            joiner = " & " if combiner == "allOf" else " | "
            tokens: list[Token] = []
            for i, option in enumerate(schema[combiner]):
                if i:
                    tokens.append(("text", joiner))
                tokens.extend(type_tokens(option))
            return tokens
    kinds = schema.get("type", "object" if "properties" in schema else "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    tokens = []
    for i, kind in enumerate(kinds):
        if i:
            tokens.append(("text", " | "))
        if kind == "array":
            tokens.append(("text", "array of "))
            tokens.extend(type_tokens(schema.get("items", {})))
        else:
            tokens.append(("text", f"{kind} ({schema['format']})" if "format" in schema and kind != "null" else kind))
    return tokens


def constraints(schema: dict) -> list[str]:
    """The rules on a value besides its type: enum, bounds, pattern, default, examples."""
    if not isinstance(schema, dict):
        return []
    found = []
    if "enum" in schema:
        found.append("enum: " + ", ".join("null" if v is None else str(v) or '""' for v in schema["enum"]))
    for key, word in (("minimum", "≥"), ("maximum", "≤"), ("minLength", "min length"),
                      ("maxLength", "max length"), ("minItems", "min items"), ("maxItems", "max items")):
        if key in schema:
            found.append(f"{word} {schema[key]}")
    if "pattern" in schema:
        found.append(f"pattern: {schema['pattern']}")
    if "default" in schema:
        found.append(f"default: {json.dumps(schema['default'], ensure_ascii=False)}")
    if schema.get("examples"):
        found.append("e.g. " + ", ".join(json.dumps(e, ensure_ascii=False) if not isinstance(e, str) else e
                                         for e in schema["examples"][:3]))
    for combiner in ("anyOf", "oneOf"):
        for option in schema.get(combiner, []):
            found.extend(constraints(option))
    return found


def fields_of(schema: dict, prefix: str = "") -> list[Field]:
    """The properties of an object schema; inline objects (and arrays of them) are opened
    with dotted names, component schemas stay links."""
    if not isinstance(schema, dict):
        return []
    required = set(schema.get("required", []))
    found = []
    for name, prop in schema.get("properties", {}).items():
        prop = prop if isinstance(prop, dict) else {}
        found.append(Field(name=prefix + name, type=type_tokens(prop), required=name in required,
                           constraints=constraints(prop), description=prop.get("description", "")))
        if "properties" in prop:
            found.extend(fields_of(prop, f"{prefix}{name}."))
        elif isinstance(prop.get("items"), dict) and "properties" in prop["items"]:
            found.extend(fields_of(prop["items"], f"{prefix}{name}[]."))
    return found


def _parameter(document: dict, raw: dict) -> Field:
    """A parameter as a field."""
    param = _resolve(document, raw)
    schema = param.get("schema", {})
    return Field(name=param.get("name", ""), type=type_tokens(schema), required=bool(param.get("required")),
                 constraints=constraints(schema), description=param.get("description", ""),
                 location=param.get("in", ""))


def _bodies(content: dict) -> list[Body]:
    """The media types of a body, with their schema and example."""
    bodies = []
    for media_type, spec in (content or {}).items():
        example = spec.get("example")
        shown = "" if example is None else json.dumps(example, ensure_ascii=False, indent=2)
        bodies.append(Body(media_type=media_type, type=type_tokens(spec.get("schema", {})), example=shown))
    return bodies


def _operation(document: dict, path: str, method: str, item: dict, op: dict) -> Operation:
    """One operation with its path-level parameters merged in."""
    params = [_parameter(document, p) for p in [*item.get("parameters", []), *op.get("parameters", [])]]
    body = _resolve(document, op.get("requestBody", {}))
    answers = []
    for status, raw in op.get("responses", {}).items():
        answer = _resolve(document, raw)
        answers.append(Answer(status=str(status), description=answer.get("description", ""),
                              bodies=_bodies(answer.get("content", {})), headers=list(answer.get("headers", {}))))
    security = op.get("security", document.get("security", []))
    return Operation(
        anchor=anchor("op", op.get("operationId") or f"{method}-{path}"), method=method.upper(), path=path,
        summary=op.get("summary", ""), description=op.get("description", ""), parameters=params,
        request=_bodies(body.get("content", {})), request_required=bool(body.get("required")),
        responses=answers, secured=bool(security),
    )


def api_page(document: dict) -> ApiPage:
    """The page's content from an OpenAPI document: operations grouped by their first tag
    (in the document's tag order; untagged ones last), then every component schema."""
    sections = {t["name"]: Section(t["name"], t.get("description", ""), anchor("tag", t["name"]))
                for t in document.get("tags", [])}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            tag = (op.get("tags") or ["other"])[0]
            if tag not in sections:
                sections[tag] = Section(tag, "", anchor("tag", tag))
            sections[tag].operations.append(_operation(document, path, method, item, op))
    schemas = [Schema(name=name, anchor=schema_anchor(name), description=schema.get("description", ""),
                      type=[("text", "object")] if "properties" in schema else type_tokens(schema),
                      fields=fields_of(schema))
               for name, schema in document.get("components", {}).get("schemas", {}).items()]
    info = document.get("info", {})
    return ApiPage(title=info.get("title", ""), description=info.get("description", ""),
                   sections=[s for s in sections.values() if s.operations], schemas=schemas)


def prose(text: str) -> Markup:
    """A description as HTML: escaped, with `backticked` words as code (as the document writes them)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text or ""))))


# -- the view -----------------------------------------------------------------------------

def rate_limits(setting: str) -> list[tuple[int, int]]:
    """A rate-limit setting ("300 per minute;10000/day") as (requests, seconds) pairs."""
    return [(item.amount, item.get_expiry()) for item in parse_many(setting)] if setting else []


def licence() -> dict:
    """The data's licence as the open-data settings name it (CC BY 4.0 unless configured)."""
    from opendata.package import PackageMeta

    meta = PackageMeta.from_config(current_app.config, request.url_root)
    return {"title": meta.license_title, "url": meta.license_path}


def optional_url(endpoint: str, **values) -> str | None:
    """The URL of an endpoint another part of the site may or may not provide."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


@bp.get("/api/")
def index():
    """The API, for people: conventions first, then every operation and schema."""
    from opendata.api.openapi import build_document

    page = api_page(build_document())
    return render_template(
        "apidocs/index.html", page=page, schema_anchor=schema_anchor, prose=prose,
        base_url=request.url_root.rstrip("/") + "/api/v1/",
        openapi_url=url_for("api.openapi_json"),
        opendata_url=optional_url("opendata.catalog"),
        licence=licence(),
        max_age=current_app.config["API_CACHE_MAX_AGE"],
        rate_limits=rate_limits(current_app.config["API_RATE_LIMIT"]),
    )

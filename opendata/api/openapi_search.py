"""OpenAPI description of /api/v1/search and /api/v1/search.csv (opendata/api/search.py).

A section merged by opendata.api.openapi.build_document(); vocabularies come from
fees.vocab so the document cannot drift from what the server accepts.
"""
from __future__ import annotations

from fees.search.documents import NO_REGIME
from fees.vocab import BUSINESS_LINES, CARGO_CLASSES, CONTAINER_TYPES, DIRECTIONS, ENTITY_KINDS, PRICING_REGIMES, UNITS
from opendata.api.openapi_publisher import CODE, CURRENCY, DATE, MONEY, SLUG, json_content, nullable, problems, ref

TAGS = [{
    "name": "search",
    "description": "Full-text search over the fee items in effect on a day and over charging entities, in "
                   "Chinese and English: the /search page as open data. See docs/SEARCH.md.",
}]


def _facet_parameter(name: str, description: str, values=None) -> dict:
    """A repeatable facet filter (`?kind=a&kind=b` means a or b)."""
    items = {"type": "string"}
    if values is not None:
        items["enum"] = list(values)
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": description, "schema": {"type": "array", "items": items}}


PARAMETERS = {
    "SearchQ": {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200},
                "description": "Words to find, all of them: Chinese (also inside longer words: 堆存 finds "
                               "库场使用费（堆存费）), English (case-insensitive, stemmed), fee codes (thc = THC), "
                               "units, container types, service content.",
                "examples": {"zh": {"value": "操作费"}, "code": {"value": "THC"}}},
    "SearchOn": {"name": "on", "in": "query", "required": False, "schema": DATE,
                 "description": "The day whose fees to search (YYYY-MM-DD); default today at the port "
                                "(Asia/Shanghai). Past and upcoming versions are searchable this way."},
    "SearchKind": _facet_parameter("kind", "Entity kinds.", ENTITY_KINDS),
    "SearchBusinessLine": _facet_parameter("business_line", "Business lines of the item's schedule.", BUSINESS_LINES),
    "SearchRegime": _facet_parameter("regime", f"Pricing regimes of the item's catalogue code; `{NO_REGIME}` for "
                                     "an entity's own code.", [*PRICING_REGIMES, NO_REGIME]),
    "SearchPort": _facet_parameter("port", "Ports (UN/LOCODE)."),
    "SearchCursor": {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
                     "description": "Opaque: from a previous answer's `next` link."},
}

_COMMON = [{"$ref": f"#/components/parameters/{name}"} for name in PARAMETERS]

FACET_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}

SCHEMAS = {
    "SearchItem": {
        "type": "object",
        "description": "A fee item in effect on the day searched, with where it belongs.",
        "required": ["entity", "schedule", "version", "effective_from", "item_id", "code", "amount", "currency",
                     "url"],
        "properties": {
            "entity": SLUG, "entity_name_zh": {"type": "string"}, "entity_name_en": {"type": "string"},
            "entity_kind": {"type": "string", "enum": list(ENTITY_KINDS)},
            "port": {"type": "string", "examples": ["CNXMN"]},
            "schedule": SLUG, "business_line": {"type": "string", "enum": list(BUSINESS_LINES)},
            "version": {"type": "integer", "minimum": 1},
            "effective_from": DATE,
            "superseded_on": nullable(DATE) | {"description": "The day the next version takes effect; null "
                                                             "while none is published."},
            "item_id": {"type": "integer"},
            "code": CODE, "name_zh": {"type": "string"}, "name_en": {"type": "string"},
            "service": {"type": "string"},
            "unit": {"type": "string", "enum": list(UNITS)},
            "container": {"type": "string", "enum": list(CONTAINER_TYPES)},
            "direction": {"type": "string", "enum": list(DIRECTIONS)},
            "cargo_class": {"type": "string", "enum": list(CARGO_CLASSES)},
            "amount": MONEY, "currency": CURRENCY, "min_amount": nullable(MONEY),
            "tiers": {"type": "array", "items": ref("Tier")},
            "legal_basis": {"type": "string"}, "notes": {"type": "string"},
            "pricing_regime": nullable({"type": "string", "enum": list(PRICING_REGIMES)})
            | {"description": "From the catalogue entry of the code; null for an entity's own code."},
            "url": {"type": "string", "description": "The item in its version's page."},
        },
    },
    "SearchEntity": {
        "type": "object",
        "required": ["slug", "name_zh", "name_en", "kind", "port", "verified", "url"],
        "properties": {
            "slug": SLUG, "name_zh": {"type": "string"}, "name_en": {"type": "string"},
            "kind": {"type": "string", "enum": list(ENTITY_KINDS)}, "port": {"type": "string"},
            "verified": {"type": "boolean"}, "url": {"type": "string"},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["query", "on", "total", "loose", "items", "entities", "facets", "next"],
        "properties": {
            "query": {"type": "string"},
            "on": DATE,
            "total": {"type": "integer", "description": "Matching fee items after the facet filters."},
            "loose": {"type": "boolean", "description": "True when nothing contained the Chinese words as "
                                                        "written and the results contain jieba's words instead."},
            "items": {"type": "array", "items": ref("SearchItem")},
            "entities": {"type": "array", "items": ref("SearchEntity"),
                         "description": "Matching entities (the first 20), narrowed by kind, port and business "
                                        "line; none when a regime is chosen."},
            "facets": {
                "type": "object",
                "description": "Per facet, fee items per value: each count is what the total would be with "
                               "that value chosen and the other facets' choices kept.",
                "required": ["kind", "port", "business_line", "regime"],
                "properties": {"kind": FACET_COUNTS, "port": FACET_COUNTS, "business_line": FACET_COUNTS,
                               "regime": FACET_COUNTS},
            },
            "next": {"type": ["string", "null"], "description": "The next page, or null on the last."},
        },
    },
}

RESPONSES = {
    "SearchUnavailable": {
        "description": "The search index is being rebuilt by another process; retry after Retry-After seconds.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    },
}

PATHS = {
    "/api/v1/search": {
        "get": {
            "operationId": "search", "tags": ["search"], "summary": "Search fee items and entities",
            "description": "Fee items in effect on `on` whose text matches every word of `q`, best first, with "
                           "facet counts; entities matching `q`. Pages of `limit` with `next`.",
            "parameters": [*_COMMON, {"name": "limit", "in": "query", "required": False,
                                      "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}],
            "responses": {"200": {"description": "A page of results.", "content": json_content(ref("SearchResult"))},
                          **problems(422), "503": {"$ref": "#/components/responses/SearchUnavailable"}},
        },
    },
    "/api/v1/search.csv": {
        "get": {
            "operationId": "searchCsv", "tags": ["search"], "summary": "Search results as CSV",
            "description": "The `items` of /api/v1/search as CSV (UTF-8, RFC 4180, formula-like cells prefixed "
                           "with '), every match unless `limit`/`cursor` are given; tiers as `1-4:0; 5-10:20; "
                           "11+:40`. `bom=true` adds a byte-order mark for Excel.",
            "parameters": [*_COMMON,
                           {"name": "limit", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                            "description": "At most this many rows (default: all)."},
                           {"name": "bom", "in": "query", "required": False, "schema": {"type": "boolean"}}],
            "responses": {"200": {"description": "The rows.",
                                  "content": {"text/csv": {"schema": {"type": "string"}}}},
                          **problems(422), "503": {"$ref": "#/components/responses/SearchUnavailable"}},
        },
    },
}

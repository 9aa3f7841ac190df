"""OpenAPI description of /api/v1/compare and /api/v1/compare.csv (opendata/api/compare.py).

A section of the document that opendata.api.openapi.build_document() assembles; it uses
the publisher section's shared pieces (money, dates, the Tier schema, problem responses).
"""
from __future__ import annotations

from fees.vocab import (
    CARGO_CLASSES,
    CONTAINER_TYPES,
    DIRECTIONS,
    ENTITY_KINDS,
    PRICING_REGIMES,
    UNITS,
)
from opendata.api.openapi_publisher import (
    CURRENCY,
    DATE,
    MONEY,
    SIGNED_MONEY,
    SLUG,
    json_content,
    nullable,
    problems,
    ref,
)

TAGS = [{
    "name": "compare",
    "description": "One fee across charging entities on one day, ranked cheapest first — the data of "
                   "the /compare page.",
}]

PERCENT = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "Signed percentage, two decimals.",
           "examples": ["-5.56"]}
VARIANT_PROPERTIES = {
    "container": {"type": "string", "enum": list(CONTAINER_TYPES), "description": "Empty: any container."},
    "direction": {"type": "string", "enum": list(DIRECTIONS)},
    "cargo_class": {"type": "string", "enum": list(CARGO_CLASSES), "description": "Empty: any cargo."},
    "unit": {"type": "string", "enum": list(UNITS)},
}
ENTITY_NAMES = {
    "entity": SLUG,
    "entity_name_zh": {"type": "string"},
    "entity_name_en": {"type": "string"},
    "entity_kind": {"type": "string", "enum": list(ENTITY_KINDS)},
}

SCHEMAS = {
    "CompareVariant": {
        "type": "object",
        "description": "The variant part of an item key: with the code, it identifies the same fee across "
                       "entities.",
        "required": list(VARIANT_PROPERTIES),
        "properties": VARIANT_PROPERTIES,
    },
    "CompareVariantCount": {
        "type": "object",
        "description": "A variant of the code published on that day, and by how many entities.",
        "required": [*VARIANT_PROPERTIES, "entities"],
        "properties": {**VARIANT_PROPERTIES, "entities": {"type": "integer", "minimum": 1}},
    },
    "CompareSummary": {
        "type": "object",
        "description": "Over the ranked items (one currency). The median of an even count is the mean of "
                       "the two middle amounts, rounded half-up to the cent. Null when nothing is ranked.",
        "required": ["count", "min", "median", "max"],
        "properties": {"count": {"type": "integer", "minimum": 0}, "min": nullable(MONEY),
                       "median": nullable(MONEY), "max": nullable(MONEY)},
    },
    "CompareItem": {
        "type": "object",
        "description": "One entity's item for this fee, in rank order. Ranked by `amount` (for a tiered fee, "
                       "its first charged tier's rate); equal amounts by entity slug.",
        "required": ["rank", *ENTITY_NAMES, "schedule", "name_zh", "name_en", "amount", "currency", "unit",
                     "min_amount", "tiers", "difference_from_median", "difference_pct", "pricing_regime",
                     "legal_basis", "version", "effective_from", "item_id", "url"],
        "properties": {
            "rank": {"type": "integer", "minimum": 1},
            **ENTITY_NAMES,
            "schedule": SLUG,
            "name_zh": {"type": "string"},
            "name_en": {"type": "string"},
            "amount": MONEY,
            "currency": CURRENCY,
            "unit": VARIANT_PROPERTIES["unit"],
            "min_amount": nullable(MONEY),
            "tiers": {"type": "array", "items": ref("Tier")},
            "difference_from_median": {**SIGNED_MONEY, "description": "amount − median."},
            "difference_pct": nullable({**PERCENT, "description": "(amount − median) / median × 100; null when "
                                                                  "the median is zero."}),
            "pricing_regime": {"type": "string", "enum": list(PRICING_REGIMES),
                               "description": "The catalogue code's pricing regime."},
            "legal_basis": {"type": "string"},
            "version": {"type": "integer", "minimum": 1},
            "effective_from": DATE,
            "item_id": {"type": "integer"},
            "url": {"type": "string", "description": "The version's public page, at this item."},
        },
    },
    "CompareMissingEntity": {
        "type": "object",
        "description": "An entity with a schedule in effect in the code's business line, of a kind that "
                       "publishes this code, but with no item for this exact variant (in any currency).",
        "required": [*ENTITY_NAMES, "url"],
        "properties": {**ENTITY_NAMES, "url": {"type": "string"}},
    },
    "CompareResult": {
        "type": "object",
        "required": ["code", "name_zh", "name_en", "pricing_regime", "on", "variant", "variant_filled_in",
                     "variants", "currency", "summary", "items", "other_currencies", "missing", "next"],
        "properties": {
            "code": {"type": "string", "examples": ["THC"]},
            "name_zh": {"type": "string"},
            "name_en": {"type": "string"},
            "pricing_regime": {"type": "string", "enum": list(PRICING_REGIMES)},
            "on": DATE,
            "variant": {**nullable(ref("CompareVariant")),
                        "description": "The variant compared; null when no variant of the code agrees with "
                                       "the parameters on that day."},
            "variant_filled_in": {"type": "boolean", "description": "True when some variant parameters were "
                                  "left out and filled in from the most published variant."},
            "variants": {"type": "array", "items": ref("CompareVariantCount"),
                         "description": "Every variant of the code on that day, most published first."},
            "currency": {**nullable(CURRENCY), "description": "The currency compared in."},
            "summary": ref("CompareSummary"),
            "items": {"type": "array", "items": ref("CompareItem")},
            "other_currencies": {
                "type": "array",
                "description": "Items of this variant in other currencies: never mixed into the ranking; "
                               "ask again with `currency` to rank them.",
                "items": {"type": "object", "required": ["currency", "count"],
                          "properties": {"currency": CURRENCY, "count": {"type": "integer", "minimum": 1}}},
            },
            "missing": {"type": "array", "items": ref("CompareMissingEntity")},
            "next": {"type": "null", "description": "Always null: a comparison is never paged."},
        },
    },
}


def _query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    """A query parameter."""
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


QUERY_PARAMETERS = [
    _query("code", {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_]{0,39}$", "examples": ["THC"]},
           "A fee code of the catalogue (/api/v1/catalog); lower case is accepted. A code the "
           "catalogue does not have is refused with 422.", required=True),
    _query("container", VARIANT_PROPERTIES["container"],
           "Container size/type. Present but empty means \"any container\" (an item with no "
           "container); absent means not chosen."),
    _query("direction", VARIANT_PROPERTIES["direction"], "import, export or both."),
    _query("cargo_class", VARIANT_PROPERTIES["cargo_class"],
           "Cargo class. Present but empty means \"any cargo\"; absent means not chosen."),
    _query("unit", VARIANT_PROPERTIES["unit"], "Charging unit; it usually follows from the other fields."),
    _query("on", DATE, "The day (YYYY-MM-DD); today at the port (Asia/Shanghai) when absent."),
    _query("currency", {"type": "string", "pattern": r"^[A-Za-z]{3}$"},
           "Compare in this currency; by default the one most items of the variant use (CNY on a tie)."),
]
ABOUT = ("Every entity's item with this key (code, container, direction, cargo class, unit) in effect "
         "on `on`, ranked cheapest first. Variant parameters left out are filled in from the most "
         "published variant that agrees with those given (`variant_filled_in`). Bad parameters and "
         "unknown codes are refused with 422 and one error per parameter.")

PATHS = {
    "/api/v1/compare": {
        "get": {
            "operationId": "compare", "tags": ["compare"], "summary": "Compare one fee across entities",
            "description": ABOUT,
            "parameters": QUERY_PARAMETERS,
            "responses": {"200": {"description": "The comparison.", "content": json_content(ref("CompareResult"))},
                          **problems(422)},
        },
    },
    "/api/v1/compare.csv": {
        "get": {
            "operationId": "compareCsv", "tags": ["compare"], "summary": "Compare one fee across entities, as CSV",
            "description": ABOUT + " One row per ranked item with the columns rank, entity, entity_name_zh, "
                                   "entity_name_en, schedule, code, name_zh, name_en, container, direction, "
                                   "cargo_class, unit, amount, currency, min_amount, tiers (as `1-4:0; "
                                   "5-10:20; 11+:40`), difference_from_median, difference_pct, "
                                   "pricing_regime, legal_basis, version, effective_from, url.",
            "parameters": [*QUERY_PARAMETERS, _query("bom", {"type": "string", "enum": ["true", "false", "1", "0"]},
                                               "true: start with a UTF-8 byte order mark, for Excel.")],
            "responses": {"200": {"description": "UTF-8 CSV (RFC 4180).",
                                  "content": {"text/csv": {"schema": {"type": "string"}}}},
                          **problems(422)},
        },
    },
}

"""OpenAPI description of the shipment estimate (opendata/api/estimate.py).

A section of the document that opendata.api.openapi.build_document() assembles; the
parameters come from fees.estimate so that the description cannot drift from what the
server reads. docs/ESTIMATES.md explains the numbers.
"""
from __future__ import annotations

from fees.estimate.params import CONTAINERS, DIRECTIONS, INSPECTED, LIMITS, LINES, SERVICES
from fees.estimate.pricing import REASONS
from fees.estimate.rules import COUNTS, MEASURES
from fees.vocab import CARGO_CLASSES, CONTAINER_TYPES, ENTITY_KINDS, UNITS
from fees.vocab import DIRECTIONS as ITEM_DIRECTIONS
from opendata.api.openapi_publisher import CODE, CURRENCY, DATE, MONEY, QUANTITY, SLUG, json_content, nullable, \
    problems, ref

TAGS = [{
    "name": "estimate",
    "description": "A whole shipment's charges per charging entity: every published fee in effect on "
                   "the day applied to the shipment, entities ranked within their kind. Fees an entity "
                   "does not publish are listed as unknown, never counted as zero. See docs/ESTIMATES.md.",
}]

EXACT = {"type": "string", "pattern": r"^\d+\.\d{2,}$",
         "description": "An exact amount before rounding (two or more decimals).", "examples": ["0.125"]}
WHOLE = {"type": "integer", "minimum": 0}


def _query(name: str, schema: dict, description: str) -> dict:
    """An optional query parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _whole(limit: int) -> dict:
    """A whole-number parameter 0..limit."""
    return {"type": "integer", "minimum": 0, "maximum": limit}


def _decimal(limit) -> dict:
    """A decimal parameter with at most three decimals."""
    return {"type": "string", "pattern": r"^\d{1,12}(\.\d{1,3})?$", "description": f"At most {limit:,}."}


_FLAG = {"type": "string", "enum": ["1", "0", "true", "false", "yes", "no", "on", "off"]}
QUERY_PARAMETERS = [
    _query("port", {"type": "string", "pattern": "^[A-Za-z]{2}[A-Za-z2-9]{3}$", "default": "CNXMN"},
           "UN/LOCODE of the port (default CNXMN)."),
    _query("on", DATE, "The day whose fees apply (default: today at the port)."),
    _query("line", {"type": "string", "enum": list(LINES), "default": "port"},
           "Business line: port (sea freight, containers) or ecommerce (cross-border e-commerce)."),
    _query("direction", {"type": "string", "enum": list(DIRECTIONS), "default": "import"},
           "Import or export; items for both directions apply either way."),
    *[_query(t, _whole(LIMITS["containers"]), f"Port line: number of {t} containers.") for t in CONTAINERS],
    *[_query(INSPECTED + t, _whole(LIMITS["containers"]),
             f"Port line: how many of the {t} containers customs inspects (lift/shift).") for t in CONTAINERS],
    _query("days", _whole(LIMITS["days"]), "Port line: days in the yard (storage, reefer power)."),
    _query("bills", _whole(LIMITS["bills"]), "Port line: bills of lading (default 1)."),
    _query("declarations", _whole(LIMITS["declarations"]), "Port line: customs declarations (default: bills)."),
    *[_query(name, _FLAG, f"Port line: 1 if {name} is needed.") for name in SERVICES],
    _query("orders", _whole(LIMITS["orders"]), "E-commerce: orders (clearance, declaration)."),
    _query("parcels", _whole(LIMITS["parcels"]), "E-commerce: parcels (pick and pack, labels, delivery)."),
    _query("kg", _decimal(LIMITS["kg"]), "E-commerce: total kilograms, spread over the parcels."),
    _query("cbm", _decimal(LIMITS["cbm"]), "E-commerce: cubic metres in the warehouse."),
    _query("warehouse_days", _whole(LIMITS["warehouse_days"]), "E-commerce: days in the warehouse."),
]

SCHEMAS = {
    "EstimateShipment": {
        "type": "object",
        "description": "The shipment as read: only its own business line's fields.",
        "required": ["line", "direction"],
        "properties": {
            "line": {"type": "string", "enum": list(LINES)},
            "direction": {"type": "string", "enum": list(DIRECTIONS)},
            "containers": {"type": "object", "propertyNames": {"enum": list(CONTAINERS)},
                           "additionalProperties": {"type": "integer", "minimum": 1}},
            "inspected": {"type": "object", "propertyNames": {"enum": list(CONTAINERS)},
                          "additionalProperties": {"type": "integer", "minimum": 1}},
            "days": WHOLE, "bills": WHOLE, "declarations": WHOLE,
            **{name: {"type": "boolean"} for name in SERVICES},
            "orders": WHOLE, "parcels": WHOLE, "kg": QUANTITY, "cbm": QUANTITY, "warehouse_days": WHOLE,
        },
    },
    "EstimateFee": {
        "type": "object",
        "description": "A fee the shipment incurs: `quantity` counted units (of `container` when it counts "
                       "containers), each `measure` days or kilograms when the fee has a measure.",
        "required": ["code", "name_zh", "name_en", "unit", "container", "count", "quantity", "measure",
                     "measure_kind"],
        "properties": {
            "code": CODE, "name_zh": {"type": "string"}, "name_en": {"type": "string"},
            "unit": {"type": "string", "enum": list(UNITS)},
            "container": {"type": "string", "enum": list(CONTAINER_TYPES)},
            "count": {"type": "string", "enum": list(COUNTS)},
            "quantity": QUANTITY, "measure": nullable(QUANTITY),
            "measure_kind": {"type": ["string", "null"], "enum": [*MEASURES, None]},
        },
    },
    "EstimateTier": {
        "type": "object",
        "description": "How many units of the measure (or count) one tier band charged.",
        "required": ["from", "to", "units", "rate", "amount"],
        "properties": {"from": QUANTITY, "to": nullable(QUANTITY), "units": QUANTITY, "rate": MONEY,
                       "amount": EXACT},
    },
    "EstimateLine": {
        "type": "object",
        "description": "One published item applied to the shipment. total = max(computed, min_amount), "
                       "rounded half-up to cents; computed = quantity × rate × measure, or with tiers "
                       "quantity × the tiers' charge for the measure (over the quantity itself when "
                       "there is no measure).",
        "required": ["code", "name_zh", "name_en", "unit", "container", "direction", "cargo_class",
                     "applies_to", "count", "quantity", "measure", "measure_kind", "rate", "tiers", "computed",
                     "min_amount", "minimum_applied", "total", "currency", "schedule", "version"],
        "properties": {
            "code": CODE, "name_zh": {"type": "string"}, "name_en": {"type": "string"},
            "unit": {"type": "string", "enum": list(UNITS)},
            "container": {"type": "string", "enum": list(CONTAINER_TYPES), "description": "The item's."},
            "direction": {"type": "string", "enum": list(ITEM_DIRECTIONS), "description": "The item's."},
            "cargo_class": {"type": "string", "enum": list(CARGO_CLASSES)},
            "applies_to": {"type": "array", "items": {"type": "string", "enum": list(CONTAINERS)},
                           "description": "The shipment's container types this line prices."},
            "count": {"type": "string", "enum": list(COUNTS)},
            "quantity": QUANTITY, "measure": nullable(QUANTITY),
            "measure_kind": {"type": ["string", "null"], "enum": [*MEASURES, None]},
            "rate": nullable(MONEY), "tiers": {"type": "array", "items": ref("EstimateTier")},
            "computed": EXACT, "min_amount": nullable(MONEY), "minimum_applied": {"type": "boolean"},
            "total": MONEY, "currency": CURRENCY, "schedule": SLUG, "version": {"type": "integer"},
        },
    },
    "EstimateUnknown": {
        "type": "object",
        "description": "A fee the shipment incurs that the entity does not publish comparably. `reason`: "
                       "not_published; unit (in a unit the estimate cannot convert); tiers (the bands leave "
                       "part of the quantity unpriced); currency (in another currency than its other fees).",
        "required": ["code", "name_zh", "name_en", "container", "quantity", "reason", "published_for"],
        "properties": {"code": CODE, "name_zh": {"type": "string"}, "name_en": {"type": "string"},
                       "container": {"type": "string", "enum": list(CONTAINER_TYPES)}, "quantity": QUANTITY,
                       "reason": {"type": "string", "enum": list(REASONS)},
                       "published_for": {"type": "array", "items": {"type": "string", "enum": list(CONTAINERS)},
                                         "description": "When not published for this container type: the "
                                                        "types the entity does publish the fee for (its "
                                                        "notes may say, e.g., that a 40HQ pays the 40GP "
                                                        "rate; the estimate does not assume so)."}},
    },
    "EstimateEntity": {
        "type": "object",
        "required": ["rank", "entity", "name_zh", "name_en", "kind", "total", "currency", "complete", "lines",
                     "unknown", "unknown_lines"],
        "properties": {
            "rank": {"type": ["integer", "null"], "minimum": 1,
                     "description": "Among complete entities of the group, cheapest first (equal totals share "
                                    "a rank); null for incomplete ones, listed after them."},
            "entity": SLUG, "name_zh": {"type": "string"}, "name_en": {"type": "string"},
            "kind": {"type": "string", "enum": list(ENTITY_KINDS)},
            "total": {**MONEY, "description": "The sum of the line totals (the known part when incomplete)."},
            "currency": CURRENCY,
            "complete": {"type": "boolean", "description": "False when some expected fee is unknown."},
            "lines": {"type": "array", "items": ref("EstimateLine")},
            "unknown": {"type": "array", "items": CODE, "description": "Codes of the unknown fees."},
            "unknown_lines": {"type": "array", "items": ref("EstimateUnknown")},
        },
    },
    "EstimateGroup": {
        "type": "object",
        "description": "Entities of one kind whose totals are in one currency, ranked. `expected`: the fees "
                       "of the shipment that at least one entity of the kind publishes for its direction.",
        "required": ["kind", "currency", "expected", "entities"],
        "properties": {"kind": {"type": "string", "enum": list(ENTITY_KINDS)}, "currency": CURRENCY,
                       "expected": {"type": "array", "items": CODE},
                       "entities": {"type": "array", "items": ref("EstimateEntity")}},
    },
    "Estimate": {
        "type": "object",
        "required": ["on", "port", "shipment", "fees", "groups"],
        "properties": {"on": DATE, "port": {"type": "string"}, "shipment": ref("EstimateShipment"),
                       "fees": {"type": "array", "items": ref("EstimateFee")},
                       "groups": {"type": "array", "items": ref("EstimateGroup")}},
    },
}

PATHS = {
    "/api/v1/estimate": {
        "get": {
            "operationId": "estimate", "tags": ["estimate"], "summary": "Estimate a shipment",
            "description": "The same parameters and numbers as the /estimate page. 422 lists every bad "
                           "parameter (negative or absurd counts, an unknown container type, more inspected "
                           "than shipped containers, an unknown port…).",
            "parameters": QUERY_PARAMETERS,
            "responses": {"200": {"description": "The estimate.", "content": json_content(ref("Estimate"))},
                          **problems(422)},
        },
    },
    "/api/v1/estimate.csv": {
        "get": {
            "operationId": "estimateCsv", "tags": ["estimate"], "summary": "Estimate a shipment, as CSV",
            "description": "One row per priced line (status `priced`) and per unknown fee (status `unknown`, "
                           "money columns empty), with the entity's rank, total and completeness on each row.",
            "parameters": [*QUERY_PARAMETERS, _query("bom", {"type": "string", "enum": ["true", "false", "1", "0"]},
                                               "true: start with a UTF-8 BOM, for Excel.")],
            "responses": {"200": {"description": "UTF-8 CSV (RFC 4180).",
                                  "content": {"text/csv": {"schema": {"type": "string"}}}},
                          **problems(422)},
        },
    },
}

"""GET /api/v1/estimate and /api/v1/estimate.csv: the /estimate page's numbers as data.

Both take the page's query parameters (fees.estimate.params) and answer what the page
shows: JSON with money as strings, or one CSV row per line (and per unknown fee).
Described in opendata/api/openapi_estimate.py.
"""
from __future__ import annotations

from decimal import Decimal

from flask import jsonify, request

from fees.canonical import money_str, qty_str
from fees.db import db
from fees.estimate import EntityEstimate, Group, Line, Need, TierUse, Unknown
from fees.services import estimates
from fees.services.estimates import EstimateResult
from fees.views.helpers import today
from opendata.api import bp, openapi, openapi_estimate
from opendata.csvout import csv_response, parse_bom

openapi.SECTIONS.append(openapi_estimate)

CSV_HEADER = ("kind", "currency", "rank", "entity", "entity_name_zh", "entity_name_en", "entity_total",
              "complete", "status", "code", "name_zh", "name_en", "container", "direction", "unit",
              "applies_to", "quantity", "measure", "measure_kind", "rate", "tiers", "computed", "min_amount",
              "minimum_applied", "line_total", "reason", "schedule", "version")


def exact_str(value: Decimal | None) -> str | None:
    """An exact amount before rounding: two decimals at least, more only if it has them."""
    if value is None:
        return None
    return money_str(value) if value == value.quantize(Decimal("0.01")) else qty_str(value)


def tier_json(use: TierUse) -> dict:
    """How many units one band charged, at what rate."""
    return {"from": qty_str(use.low), "to": qty_str(use.high), "units": qty_str(use.units),
            "rate": money_str(use.rate), "amount": exact_str(use.amount)}


def line_json(line: Line) -> dict:
    """One priced line: the item, what it was applied to, and how the total arose."""
    return {
        "code": line.code, "name_zh": line.name_zh, "name_en": line.name_en, "unit": line.unit,
        "container": line.item_container, "direction": line.item_direction, "cargo_class": line.cargo_class,
        "applies_to": list(line.containers), "count": line.count, "quantity": qty_str(line.quantity),
        "measure": qty_str(line.measure), "measure_kind": line.measure_kind, "rate": money_str(line.rate),
        "tiers": [tier_json(t) for t in line.tiers], "computed": exact_str(line.computed),
        "min_amount": money_str(line.min_amount), "minimum_applied": line.minimum_applied,
        "total": money_str(line.total), "currency": line.currency, "schedule": line.schedule,
        "version": line.version,
    }


def unknown_json(unknown: Unknown, names: dict) -> dict:
    """A fee the entity does not (comparably) publish: never a zero."""
    name = names.get(unknown.code, {})
    return {"code": unknown.code, "name_zh": name.get("name_zh", ""), "name_en": name.get("name_en", ""),
            "container": unknown.container, "quantity": qty_str(unknown.quantity), "reason": unknown.reason,
            "published_for": list(unknown.published_for)}


def entity_json(found: EntityEstimate, names: dict) -> dict:
    """One entity's total with its lines and unknowns."""
    return {
        "rank": found.rank, "entity": found.entity, "name_zh": found.name_zh, "name_en": found.name_en,
        "kind": found.kind, "total": money_str(found.total), "currency": found.currency,
        "complete": found.complete, "lines": [line_json(line) for line in found.lines],
        "unknown": found.unknown_codes, "unknown_lines": [unknown_json(u, names) for u in found.unknowns],
    }


def need_json(need: Need, names: dict) -> dict:
    """A fee the shipment incurs, with its quantity."""
    name = names.get(need.rule.code, {})
    return {"code": need.rule.code, "name_zh": name.get("name_zh", ""), "name_en": name.get("name_en", ""),
            "unit": need.rule.unit, "container": need.container, "count": need.rule.count,
            "quantity": qty_str(need.quantity), "measure": qty_str(need.measure), "measure_kind": need.rule.measure}


def group_json(group: Group, names: dict) -> dict:
    """The ranked entities of one kind and currency."""
    return {"kind": group.kind, "currency": group.currency, "expected": list(group.expected),
            "entities": [entity_json(e, names) for e in group.entities]}


def estimate_json(result: EstimateResult) -> dict:
    """The whole answer."""
    found, names = result.estimate, result.estimate.names
    return {"on": result.request.on.isoformat(), "port": result.request.port,
            "shipment": found.shipment.as_dict(), "fees": [need_json(n, names) for n in found.needs],
            "groups": [group_json(g, names) for g in found.groups]}


def tiers_text(line: Line) -> str:
    """Tier shares in one cell: `1-4:4x0.00; 5-10:6x20.00; 11+:2x40.00`."""
    return "; ".join(f"{qty_str(t.low)}{'+' if t.high is None else '-' + qty_str(t.high)}:"
                     f"{qty_str(t.units)}x{money_str(t.rate)}" for t in line.tiers)


def csv_rows(result: EstimateResult):
    """One row per priced line and per unknown fee, group by group, entity by entity."""
    names = result.estimate.names
    for group in result.estimate.groups:
        for found in group.entities:
            head = (group.kind, found.currency, found.rank, found.entity, found.name_zh, found.name_en,
                    money_str(found.total), found.complete)
            for line in found.lines:
                yield head + ("priced", line.code, line.name_zh, line.name_en, line.item_container,
                              line.item_direction, line.unit, " ".join(line.containers), qty_str(line.quantity),
                              qty_str(line.measure), line.measure_kind, money_str(line.rate), tiers_text(line),
                              exact_str(line.computed), money_str(line.min_amount), line.minimum_applied,
                              money_str(line.total), "", line.schedule, line.version)
            for unknown in found.unknowns:
                name = names.get(unknown.code, {})
                yield head + ("unknown", unknown.code, name.get("name_zh", ""), name.get("name_en", ""),
                              "", "", "", unknown.container, qty_str(unknown.quantity),
                              *[""] * 8, unknown.reason, "", "")


def _result() -> EstimateResult:
    """The estimate the query string asks for (422 problem+json when it asks wrongly)."""
    return estimates.estimate_shipment(db.session, estimates.read_request(request.args, today(), strict=True))


@bp.get("/estimate")
def estimate():
    """A shipment's charges per entity, grouped by kind and ranked."""
    return jsonify(estimate_json(_result()))


@bp.get("/estimate.csv")
def estimate_csv():
    """The same, one CSV row per line; `?bom=true` for Excel."""
    result = _result()
    filename = f"estimate-{result.request.port}-{result.request.on.isoformat()}.csv"
    bom = bool(parse_bom(request.args.get("bom")))
    return csv_response(CSV_HEADER, csv_rows(result), filename, bom=bom)

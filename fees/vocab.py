"""Controlled vocabularies of the domain, each code with a translatable label.

Codes are what the database, the API and the open data hold; labels are what people
read, in the interface language (English message ids, Chinese translations).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ENTITY_KINDS = {
    "container_terminal": _l("Container terminal"),
    "yard": _l("Container yard"),
    "shipping_line": _l("Shipping line"),
    "shipping_agency": _l("Shipping agency"),
    "forwarder": _l("Freight forwarder"),
    "customs_broker": _l("Customs broker"),
    "tally": _l("Tally service"),
    "towage": _l("Towage"),
    "pilotage": _l("Pilotage"),
    "trucking": _l("Trucking"),
    "inspection_site": _l("Inspection site"),
    "ecommerce_logistics": _l("Cross-border e-commerce logistics"),
    "bonded_warehouse": _l("Bonded warehouse"),
}

BUSINESS_LINES = {
    "port": _l("Port services"),
    "ecommerce": _l("Cross-border e-commerce"),
}

PRICING_REGIMES = {
    "government_set": _l("Government-set price"),
    "government_guided": _l("Government-guided price"),
    "market": _l("Market-regulated price"),
}

UNITS = {
    "per_container": _l("per container"),
    "per_teu": _l("per TEU"),
    "per_container_day": _l("per container per day"),
    "per_tonne": _l("per tonne"),
    "per_tonne_day": _l("per tonne per day"),
    "per_cbm": _l("per cubic metre"),
    "per_cbm_day": _l("per cubic metre per day"),
    "per_bill": _l("per bill"),
    "per_piece": _l("per piece"),
    "per_order": _l("per order"),
    "per_parcel": _l("per parcel"),
    "per_kg": _l("per kg"),
    "per_vessel_call": _l("per vessel call"),
    "per_day": _l("per day"),
    "percent_of_value": _l("percent of value"),
}

CONTAINER_TYPES = {
    "": _l("any container"),
    "20GP": "20GP",
    "40GP": "40GP",
    "40HQ": "40HQ",
    "45HQ": "45HQ",
    "20RF": "20RF",
    "40RF": "40RF",
    "40RH": "40RH",
    "20OT": "20OT",
    "40OT": "40OT",
    "20FR": "20FR",
    "40FR": "40FR",
    "20TK": "20TK",
}

DIRECTIONS = {
    "both": _l("import and export"),
    "import": _l("import"),
    "export": _l("export"),
}

CARGO_CLASSES = {
    "": _l("any cargo"),
    "general": _l("general cargo"),
    "dangerous": _l("dangerous goods"),
    "empty": _l("empty container"),
    "oversize": _l("oversize cargo"),
    "domestic": _l("domestic trade"),
    "foreign": _l("foreign trade"),
}

VERSION_STATUSES = {
    "draft": _l("draft"),
    "published": _l("published"),
    "withdrawn": _l("withdrawn"),
}

ROLES = {
    "publisher": _l("Publisher"),
    "regulator": _l("Regulator"),
    "admin": _l("Administrator"),
}

LOG_ACTIONS = {
    "publish": _l("published"),
    "withdraw": _l("withdrawn"),
}


def sql_in(values) -> str:
    """Render codes as a SQL IN list for CHECK constraints (codes are plain ASCII)."""
    return ", ".join(f"'{v}'" for v in values)

ITEM_FIELDS = {
    "code": _l("Fee code"),
    "name_zh": _l("Chinese name"),
    "name_en": _l("English name"),
    "service": _l("Service content"),
    "unit": _l("Unit"),
    "container": _l("Container"),
    "direction": _l("Direction"),
    "cargo_class": _l("Cargo class"),
    "amount": _l("Amount"),
    "currency": _l("Currency"),
    "min_amount": _l("Minimum"),
    "tiers": _l("Tiers"),
    "legal_basis": _l("Legal basis"),
    "notes": _l("Notes"),
}

# Identifiers: one pattern each, used by the services, the API parameters, the OpenAPI
# document and the data package alike.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # entities and schedules in URLs
CODE_PATTERN = r"^[A-Z][A-Z0-9_]{0,39}$"  # fee codes (the catalogue's and an entity's own)
LOCODE_PATTERN = r"^[A-Z]{2}[A-Z2-9]{3}$"  # UN/LOCODE of a port

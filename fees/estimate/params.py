"""A shipment as the shipper describes it, read from query parameters.

The page (/estimate) and the API (/api/v1/estimate, .csv) take the same parameters and
refuse the same mistakes: one DomainError (422) listing a FieldError per parameter.
Parameters of the other business line are ignored, so a form that shows both parts can
be submitted whole. docs/ESTIMATES.md lists every parameter.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from fees.canonical import qty_str
from fees.params import day_param
from fees.errors import DomainError, FieldError
from fees.vocab import CONTAINER_TYPES, LOCODE_PATTERN

DEFAULT_PORT = "CNXMN"
CONTAINERS = tuple(t for t in CONTAINER_TYPES if t)
REEFERS = frozenset({"20RF", "40RF", "40RH"})
LINES = ("port", "ecommerce")
DIRECTIONS = ("import", "export")
SERVICES = ("trucking", "cleaning", "fumigation")
PORT_FIELDS = ("days", "bills", "declarations", *SERVICES)
ECOMMERCE_FIELDS = ("orders", "parcels", "kg", "cbm", "warehouse_days")
INSPECTED = "inspected_"
SHIPMENT_PARAMS = frozenset({"line", "direction", *CONTAINERS, *(INSPECTED + t for t in CONTAINERS),
                             *PORT_FIELDS, *ECOMMERCE_FIELDS})

# Far above any real shipment, low enough that a slipped finger (or 10^9) is caught
# before it multiplies into nonsense.
LIMITS = {"containers": 10_000, "days": 365, "bills": 10_000, "declarations": 10_000,
          "orders": 1_000_000, "parcels": 1_000_000, "kg": Decimal(10_000_000), "cbm": Decimal(100_000),
          "warehouse_days": 365}

LOCODE_RE = re.compile(LOCODE_PATTERN)
WHOLE_RE = re.compile(r"^\d{1,12}$")
DECIMAL_RE = re.compile(r"^\d{1,12}(?:\.\d{1,3})?$")
# Anything shaped like a container type (or its inspected_ twin), known or not.
CONTAINER_LIKE = re.compile(r"^(?:inspected_)?(\d{2}[A-Za-z]{2})$")
TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class Shipment:
    """What is shipped. Container counts are by type, only types with a count, in the
    vocabulary's order; `services` are the optional ones asked for (trucking, …)."""

    line: str = "port"
    direction: str = "import"
    containers: Mapping[str, int] = field(default_factory=dict)
    inspected: Mapping[str, int] = field(default_factory=dict)
    days: int = 0
    bills: int = 0
    declarations: int = 0
    services: frozenset = frozenset()
    orders: int = 0
    parcels: int = 0
    kg: Decimal = Decimal(0)
    cbm: Decimal = Decimal(0)
    warehouse_days: int = 0

    @property
    def container_count(self) -> int:
        """All containers of every type."""
        return sum(self.containers.values())

    def as_dict(self) -> dict:
        """The shipment as plain JSON values: only its own business line's fields."""
        body: dict = {"line": self.line, "direction": self.direction}
        if self.line == "port":
            body.update(containers=dict(self.containers), inspected=dict(self.inspected), days=self.days,
                        bills=self.bills, declarations=self.declarations,
                        **{name: name in self.services for name in SERVICES})
        else:
            body.update(orders=self.orders, parcels=self.parcels, kg=qty_str(self.kg), cbm=qty_str(self.cbm),
                        warehouse_days=self.warehouse_days)
        return body

    def query(self) -> dict[str, str]:
        """Query parameters that describe exactly this shipment (read_request reads them back)."""
        args = {"line": self.line, "direction": self.direction}
        if self.line == "port":
            args.update({t: str(n) for t, n in self.containers.items()})
            args.update({INSPECTED + t: str(n) for t, n in self.inspected.items()})
            args.update(days=str(self.days), bills=str(self.bills), declarations=str(self.declarations))
            args.update({name: "1" for name in SERVICES if name in self.services})
        else:
            args.update(orders=str(self.orders), parcels=str(self.parcels), kg=qty_str(self.kg),
                        cbm=qty_str(self.cbm), warehouse_days=str(self.warehouse_days))
        return args


@dataclass(frozen=True)
class EstimateRequest:
    """A shipment at a port on a day."""

    port: str
    on: date
    shipment: Shipment

    def query(self) -> dict[str, str]:
        """The query string of this request (the shareable URL's)."""
        return {"port": self.port, "on": self.on.isoformat(), **self.shipment.query()}


def _raw(args: Mapping, name: str) -> str:
    """A parameter's text, stripped ("" when absent)."""
    return (args.get(name) or "").strip()


def _whole(args: Mapping, name: str, limit: int, errors: list[FieldError], default: int = 0) -> int:
    """A whole number 0..limit (empty: the default), or an error on `name`."""
    raw = _raw(args, name)
    if raw == "":
        return default
    if not WHOLE_RE.match(raw):
        errors.append(FieldError(name, _l("Enter a whole number, 0 or more.")))
        return default
    if int(raw) > limit:
        errors.append(FieldError(name, _l("At most %(limit)s.", limit=format(limit, ","))))
        return default
    return int(raw)


def _decimal(args: Mapping, name: str, limit: Decimal, errors: list[FieldError]) -> Decimal:
    """A decimal 0..limit with at most three decimals (empty: 0), or an error on `name`."""
    raw = _raw(args, name)
    if raw == "":
        return Decimal(0)
    if not DECIMAL_RE.match(raw):
        errors.append(FieldError(name, _l("Enter a number, 0 or more, with at most three decimals.")))
        return Decimal(0)
    if Decimal(raw) > limit:
        errors.append(FieldError(name, _l("At most %(limit)s.", limit=format(limit, ","))))
        return Decimal(0)
    return Decimal(raw)


def _choice(args: Mapping, name: str, choices: tuple[str, ...], errors: list[FieldError]) -> str:
    """One of `choices` (empty: the first), or an error on `name`."""
    raw = _raw(args, name) or choices[0]
    if raw not in choices:
        errors.append(FieldError(name, _l("%(value)s is not one of: %(choices)s.", value=raw,
                                          choices=", ".join(choices))))
        return choices[0]
    return raw


def _flag(args: Mapping, name: str, errors: list[FieldError]) -> bool:
    """A yes/no parameter: a checked box sends 1; absent means no."""
    raw = _raw(args, name).lower()
    if raw in TRUE or raw in FALSE:
        return raw in TRUE
    errors.append(FieldError(name, _l("Use 1 (yes) or 0 (no).")))
    return False


def _unknown_containers(args: Mapping, errors: list[FieldError]) -> None:
    """A parameter shaped like a container type that is not one is a mistake, not noise."""
    for name in args:
        found = CONTAINER_LIKE.match(name)
        if found and found.group(1) not in CONTAINERS:
            errors.append(FieldError(name, _l("%(type)s is not a known container type; use one of %(types)s.",
                                              type=found.group(1), types=", ".join(CONTAINERS))))


def _port_shipment(args: Mapping, line: str, direction: str, errors: list[FieldError]) -> Shipment:
    """Containers by type, days in the yard, bills, declarations and services."""
    limit = LIMITS["containers"]
    containers = {t: n for t in CONTAINERS if (n := _whole(args, t, limit, errors))}
    inspected = {}
    for t in CONTAINERS:
        n = _whole(args, INSPECTED + t, limit, errors)
        if n > containers.get(t, 0):
            errors.append(FieldError(INSPECTED + t, _l("More inspected than shipped %(type)s containers.", type=t)))
        elif n:
            inspected[t] = n
    total = sum(containers.values())
    if total > limit:
        errors.append(FieldError("containers", _l("At most %(limit)s containers in one shipment.",
                                                  limit=format(limit, ","))))
    elif total == 0 and not any(e.field in CONTAINERS for e in errors):
        errors.append(FieldError("containers", _l("Give at least one container.")))
    days = _whole(args, "days", LIMITS["days"], errors)
    bills = _whole(args, "bills", LIMITS["bills"], errors, default=1)
    return Shipment(
        line=line, direction=direction, containers=containers, inspected=inspected, days=days, bills=bills,
        # One customs declaration per bill of lading unless told otherwise.
        declarations=_whole(args, "declarations", LIMITS["declarations"], errors, default=bills),
        services=frozenset(name for name in SERVICES if _flag(args, name, errors)),
    )


def _ecommerce_shipment(args: Mapping, line: str, direction: str, errors: list[FieldError]) -> Shipment:
    """Orders, parcels, kilograms, cubic metres and days in the warehouse."""
    before = len(errors)
    shipment = Shipment(
        line=line, direction=direction,
        orders=_whole(args, "orders", LIMITS["orders"], errors),
        parcels=_whole(args, "parcels", LIMITS["parcels"], errors),
        kg=_decimal(args, "kg", LIMITS["kg"], errors),
        cbm=_decimal(args, "cbm", LIMITS["cbm"], errors),
        warehouse_days=_whole(args, "warehouse_days", LIMITS["warehouse_days"], errors),
    )
    if len(errors) > before:
        return shipment
    if not (shipment.orders or shipment.parcels or shipment.kg or shipment.cbm):
        errors.append(FieldError("orders", _l("Give orders, parcels, kilograms or cubic metres.")))
    if shipment.kg and not shipment.parcels:
        # Delivery is priced per parcel (first kg, then each further kg): the weight
        # must be spread over parcels to be priced at all.
        errors.append(FieldError("parcels", _l("Give the number of parcels the kilograms are spread over.")))
    return shipment


def _other_line_well_formed(args: Mapping, line: str, errors: list[FieldError]) -> None:
    """The other line's parameters are not used, but a malformed one is still refused, so
    that whether a query is valid never depends on `line` alone."""
    if line == "ecommerce":
        for name in (*CONTAINERS, *(INSPECTED + t for t in CONTAINERS)):
            _whole(args, name, LIMITS["containers"], errors)
        for name in ("days", "bills", "declarations"):
            _whole(args, name, LIMITS[name], errors)
        for name in SERVICES:
            _flag(args, name, errors)
    else:
        for name in ("orders", "parcels", "warehouse_days"):
            _whole(args, name, LIMITS[name], errors)
        for name in ("kg", "cbm"):
            _decimal(args, name, LIMITS[name], errors)


def describes_shipment(args: Mapping) -> bool:
    """Do the parameters say anything about a shipment? (A bare page, or one with only
    `lang`, `port` or `on`, shows the empty form rather than "give a container".)"""
    return any(name in SHIPMENT_PARAMS or CONTAINER_LIKE.match(name) for name in args)


def read_request(args: Mapping, default_on: date, *, strict: bool = False) -> EstimateRequest:
    """The estimate question from query parameters (strings), or a DomainError (422).

    Unknown parameters are ignored (e.g. `lang`), except ones shaped like a container
    type, which are refused so that a typo cannot silently drop containers. The page's
    form shows both lines and is submitted whole, so the other line's fields are ignored;
    `strict` (the API) refuses malformed ones too, as its description promises.
    """
    errors: list[FieldError] = []
    port = _raw(args, "port").upper() or DEFAULT_PORT
    if not LOCODE_RE.match(port):
        errors.append(FieldError("port", _l("A port is a five-letter UN/LOCODE, such as CNXMN.")))
    on = day_param(args, "on", default_on, errors)
    line = _choice(args, "line", LINES, errors)
    direction = _choice(args, "direction", DIRECTIONS, errors)
    _unknown_containers(args, errors)
    read = _port_shipment if line == "port" else _ecommerce_shipment
    shipment = read(args, line, direction, errors)
    if strict:
        _other_line_well_formed(args, line, errors)
    if errors:
        raise DomainError(_l("Some parameters of the shipment are not valid."), errors=errors)
    return EstimateRequest(port, on, shipment)

"""Estimating a shipment: read the question, gather the day's items, price them.

The page and the API both call `read_request` then `estimate_shipment`, so they take
the same parameters, refuse the same mistakes (a DomainError, 422) and compute with the
same pure functions (fees.estimate).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fees.errors import DomainError, FieldError
from fees.estimate import Estimate, EstimateRequest, estimate, read_request
from fees.estimate.pricing import priceable
from fees.estimate.rules import RULE_CODES, needs
from fees.models import Port
from fees.services.cache import remembered
from fees.services.market import catalog, item_counts, items_in_effect

__all__ = ["EstimateResult", "estimate_shipment", "ports", "read_request"]


@dataclass(frozen=True)
class EstimateResult:
    """The question and its answer."""

    request: EstimateRequest
    estimate: Estimate


def ports(session: Session) -> list[Port]:
    """The ports to choose from, by UN/LOCODE."""
    return list(session.scalars(select(Port).order_by(Port.locode)))


def estimate_shipment(session: Session, request: EstimateRequest) -> EstimateResult:
    """Price request.shipment with every entity's items in effect at the port on the day.

    An unknown port is a bad parameter (422): the page exists, it was asked about a
    port it does not know. The answer is remembered until the published data change
    (fees.services.cache).
    """
    if session.scalar(select(Port.id).where(Port.locode == request.port)) is None:
        raise DomainError(_l("Some parameters of the shipment are not valid."),
                          errors=[FieldError("port", _l("No port with the code %(port)s is registered.",
                                                        port=request.port))])
    key = tuple(sorted(request.query().items()))
    return remembered(session, "estimate", key, lambda: _estimate(session, request))


def _estimate(session: Session, request: EstimateRequest) -> EstimateResult:
    """estimate_shipment, computed.

    Only the fees a shipment can incur are read (an entity publishing none of them has
    nothing to estimate), and as items only those that can price this shipment's fees:
    the rest are counted by currency, which is all the estimate needs of them
    (fees.estimate.estimate): at a large port, a third of the items or less.
    """
    shipment, narrow = request.shipment, {"business_line": request.shipment.line, "port": request.port}
    rows = items_in_effect(session, request.on, codes={need.rule.code for need in needs(shipment)},
                           matching=priceable(shipment.direction), **narrow)
    counts = item_counts(session, request.on, codes=RULE_CODES, **narrow)
    names = {code: {"name_zh": e.name_zh, "name_en": e.name_en} for code, e in catalog(session).items()}
    return EstimateResult(request, estimate(rows, shipment, names, counts))

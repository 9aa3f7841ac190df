"""Estimating a whole shipment's port (or e-commerce) charges per charging entity.

Pure functions over plain data — no database, no Flask app — in small modules:

- params: the shipment as query parameters describe it, validated (Shipment, read_request)
- rules: the quantity table, which fees a shipment incurs and how many (RULES, needs)
- tiers: charging a quantity against tier bands unit by unit (tier_charge)
- pricing: which item prices each need, the lines, minimum charges, unknowns
- ranking: entities grouped by kind and currency, expected fees, ranking (estimate)

fees.services.estimates feeds them the items in effect; docs/ESTIMATES.md explains the
choices (minimum charges per line, expected fees, ranking, kilogram tiers).
"""
from fees.estimate.params import EstimateRequest, Shipment, read_request
from fees.estimate.pricing import Line, Unknown
from fees.estimate.ranking import EntityEstimate, Estimate, Group, estimate, rank
from fees.estimate.rules import RULES, Need, Rule, needs
from fees.estimate.tiers import TierGap, TierUse, tier_charge

__all__ = ["EntityEstimate", "Estimate", "EstimateRequest", "Group", "Line", "Need", "RULES", "Rule",
           "Shipment", "TierGap", "TierUse", "Unknown", "estimate", "needs", "rank", "read_request",
           "tier_charge"]

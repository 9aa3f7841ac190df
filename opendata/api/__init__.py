"""The JSON API under /api/v1: the publishers' part (token-authenticated writes) now,
the open-data collections later. Errors are RFC 9457 problem+json (fees.views.errors)."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from opendata.api import (  # noqa: E402,F401  (routes and hooks register on bp)
    collections, compare, estimate, http, log, openapi, publisher, search,
)

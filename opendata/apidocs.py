"""The human-readable API page, rendered on the site from the OpenAPI document."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("apidocs", __name__)

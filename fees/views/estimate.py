"""The /estimate page (being written)."""
from flask import Blueprint, abort

bp = Blueprint("estimate", __name__)


@bp.get("/estimate")
def estimate():
    """Placeholder until the page lands."""
    abort(501)

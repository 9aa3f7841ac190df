"""The /compare page (being written)."""
from flask import Blueprint, abort

bp = Blueprint("compare", __name__)


@bp.get("/compare")
def compare():
    """Placeholder until the page lands."""
    abort(501)

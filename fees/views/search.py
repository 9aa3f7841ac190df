"""The /search page (being written)."""
from flask import Blueprint, abort

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    """Placeholder until the page lands."""
    abort(501)

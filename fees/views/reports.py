"""Public reports of charges that differ from the published fee (being written)."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

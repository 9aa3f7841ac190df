"""The regulator's dashboard and its public summary (being written)."""
from flask import Blueprint

bp = Blueprint("oversight", __name__)

"""Change history pages and Atom feeds (being written)."""
from flask import Blueprint

bp = Blueprint("history", __name__)

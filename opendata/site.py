"""The open-data pages: /opendata/ (the catalogue), data set pages, the bulk downloads
(/opendata/datapackage.json, /opendata/dataset.zip), DCAT-AP JSON-LD, and the discovery
file at the site root."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("opendata", __name__)

"""Third-party browser assets served from installed packages, so the site needs no CDN."""
from __future__ import annotations

from pathlib import Path

import plotly
from flask import Blueprint, send_file

bp = Blueprint("assets", __name__, url_prefix="/assets")

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@bp.get("/plotly.min.js")
def plotly_js():
    """plotly.js from the plotly package (its version is pinned with the package)."""
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600)

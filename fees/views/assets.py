"""Third-party browser assets served from installed packages, so the site needs no CDN.

plotly.js injects its base stylesheet with a <style> element at run time, which the
strict Content-Security-Policy (style-src 'self') rightly blocks. So the same rules are
served here as a stylesheet, read from the rule table inside the pinned bundle itself
(plotly.js's build/plotcss.js), and they can never drift from the script.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import plotly
from flask import Blueprint, Response, send_file

bp = Blueprint("assets", __name__, url_prefix="/assets")

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
MAX_AGE = 7 * 24 * 3600
_STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''
_RULE = re.compile(rf"({_STRING}):({_STRING})")


@bp.get("/plotly.min.js")
def plotly_js():
    """plotly.js from the plotly package (its version is pinned with the package)."""
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=MAX_AGE)


@cache
def plotly_css_text() -> str:
    """The CSS that plotly.js would inject, built from its rule table (X = plot, Y = notifier)."""
    bundle = PLOTLY_JS.read_text(encoding="utf-8")
    start = bundle.index('{"X,X div":')
    end = bundle.index("};for(", start)
    lines = []
    for raw_selector, raw_body in _RULE.findall(bundle[start + 1:end]):
        selector = raw_selector[1:-1]
        selector = re.sub(r"^,", " ,", selector).replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        lines.append(f"{selector}{{{raw_body[1:-1]}}}")
    return "\n".join(lines) + "\n"


@bp.get("/plotly.css")
def plotly_css():
    """plotly.js's base stylesheet as a file, so charts render under the strict CSP."""
    response = Response(plotly_css_text(), mimetype="text/css")
    response.cache_control.max_age = MAX_AGE
    response.cache_control.public = True
    return response

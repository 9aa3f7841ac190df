"""The app as the benchmark serves it: `gunicorn "bench.measure_wsgi:create_app()"`.

The same factory as ./run.sh, plus FEES_SEARCH_DIR taken from the environment. The
site's config reads every other setting from the environment, but the search index
folder only from the factory's mapping, so without this the benchmark's server would
index into (and rebuild) the developer's own instance/search-index.
"""
from __future__ import annotations

import os

import app as site


def create_app():
    """The site, with the search index where FEES_SEARCH_DIR says (when it is set)."""
    folder = os.environ.get("FEES_SEARCH_DIR")
    return site.create_app({"FEES_SEARCH_DIR": folder} if folder else None)

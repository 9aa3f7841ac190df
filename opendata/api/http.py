"""HTTP behaviour shared by the public API: conditional requests (ETag, Last-Modified,
304), Cache-Control, CORS for GET, and the per-client rate limit."""
from __future__ import annotations

from opendata.api import bp  # noqa: F401

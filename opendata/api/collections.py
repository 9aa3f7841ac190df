"""The open-data collections: /api/v1/entities, ports, catalog, schedules, versions,
fee-items and changes, each as JSON pages and, with .csv, as one streamed CSV."""
from __future__ import annotations

from opendata.api import bp  # noqa: F401

"""The /api/v1/search endpoints (being written)."""

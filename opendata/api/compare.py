"""The /api/v1/compare endpoints (being written)."""

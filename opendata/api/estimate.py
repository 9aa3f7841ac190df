"""The /api/v1/estimate endpoints (being written)."""

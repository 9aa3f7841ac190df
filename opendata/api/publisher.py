"""Publisher API routes (being written)."""

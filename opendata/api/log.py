"""The publication log as open data (being written)."""

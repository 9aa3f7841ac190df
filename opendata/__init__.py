"""Open data: the JSON/CSV API and bulk downloads (built in the open-data issue)."""

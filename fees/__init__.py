"""Fee schedules: the domain, its services and the public web pages."""

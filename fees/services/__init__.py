"""Services: the only code that writes to the database.

Each takes a SQLAlchemy session and plain values, checks the rules and the actor's
rights, commits on success and rolls back on any error, so nothing is half-written.
"""

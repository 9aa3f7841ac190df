"""Domain errors: what went wrong, where, in words a publisher understands.

Messages are lazy translation strings, so they render in the reader's language
wherever they are finally shown (a web page, a problem+json body, the CLI).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one field, optionally of one row (1-based) of an item list."""

    field: str
    message: object  # a lazy translation string
    row: int | None = None

    def as_dict(self) -> dict:
        """Plain form for JSON: strings only."""
        return {"field": self.field, "row": self.row, "message": str(self.message)}


class DomainError(Exception):
    """A rule of the domain was broken; nothing was written.

    `code` is a stable machine-readable name; `errors` lists field-level problems.
    """

    code = "invalid"

    def __init__(self, message, *, errors: list[FieldError] | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.errors = list(errors or [])
        if code:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """The object asked for does not exist."""

    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (e.g. someone published meanwhile)."""

    code = "conflict"

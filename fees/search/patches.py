"""One fix to whoosh (whoosh-reloaded 2.7.5, the latest release), applied on import.

`W3PerDocReader._cached_reader` remembers the column readers it opens but not the
columns it finds missing. Only scored text fields have a length column, so while a
segment's postings are written, every posting of an ID or NUMERIC field (ids, dates,
codes: most postings here) asks the file system again whether that field's length file
exists: half the time of committing a rebuild. A segment's files never change once
written, so remembering "no such column" is as safe as remembering a reader.
"""
from __future__ import annotations

from whoosh.codec.whoosh3 import W3PerDocReader

_MISSING = object()


def _cached_reader(self, fieldname, column):
    """A column reader of this segment, or None when it has no such column; both remembered."""
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
    return reader


def apply() -> None:
    """Install the fix (idempotent)."""
    W3PerDocReader._cached_reader = _cached_reader

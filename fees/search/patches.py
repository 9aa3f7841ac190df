"""Two fixes to whoosh (whoosh-reloaded 2.7.5, the latest release), applied on import.

Reading: whoosh keeps each segment in one compound file that it maps into memory, then
opens every file inside it as a `BufferFile`, which wraps the mapped bytes in a
`BytesIO` — and `BytesIO` copies them. Opening a searcher of a national index (one 1 GB
segment) so took 0.5 s and 1.4 GB of private memory, for every search. `_ViewFile` reads
the mapped bytes in place: opening takes milliseconds and the memory is the page
cache's, shared by every process.

Writing: `W3PerDocReader._cached_reader` remembers the column readers it opens but not the
columns it finds missing. Only scored text fields have a length column, so while a
segment's postings are written, every posting of an ID or NUMERIC field (ids, dates,
codes: most postings here) asks the file system again whether that field's length file
exists: half the time of committing a rebuild. A segment's files never change once
written, so remembering "no such column" is as safe as remembering a reader.
"""
from __future__ import annotations

import io

from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.filedb.structfile import BufferFile

_MISSING = object()


def _cached_reader(self, fieldname, column):
    """A column reader of this segment, or None when it has no such column; both remembered."""
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
    return reader


class _ViewFile:
    """A read-only file over a memoryview (of a mapped file), without copying it: what
    StructFile asks of a file (read, readline, readinto for pickle, seek, tell)."""

    def __init__(self, view) -> None:
        self._view = memoryview(view)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(self._pos + size, len(self._view))
        data = self._view[self._pos:end].tobytes()
        self._pos = max(self._pos, end)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(self._pos + size, len(self._view))
        stop = self._pos
        while stop < end:  # look for the newline a piece at a time, not in a copy of the rest
            piece = self._view[stop:min(stop + 256, end)].tobytes()
            found = piece.find(b"\n")
            if found >= 0:
                return self.read(stop + found + 1 - self._pos)
            stop += len(piece)
        return self.read(end - self._pos)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view = memoryview(b"")  # let go of the mapping (whoosh closes the map itself)


def _buffer_file_init(self, buf, name=None, onclose=None):
    """BufferFile.__init__, reading `buf` in place instead of through a copying BytesIO."""
    self._buf = buf
    self._name = name
    self.file = _ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def apply() -> None:
    """Install the fixes (idempotent)."""
    W3PerDocReader._cached_reader = _cached_reader
    BufferFile.__init__ = _buffer_file_init

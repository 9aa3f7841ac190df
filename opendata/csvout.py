"""The one CSV writer: RFC 4180, UTF-8 (optionally with a BOM for Excel), streamed row by
row, and safe from spreadsheet formula injection.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
`'` so that spreadsheets show it as text instead of running it; cells that are plain
numbers (e.g. `-50.00`) are left alone. Data users undo it by removing one leading `'`
before such a character (fees.tabular.values.unneutralise does exactly that).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context

from fees.tabular.values import FORMULA_STARTS, neutralise

NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
BOM_VALUES = {"": False, "false": False, "0": False, "no": False, "true": True, "1": True, "yes": True}
MEDIA_TYPE = "text/csv; charset=utf-8"
# Only text starting with one of these can need a quote (neutralise also quotes text that
# already looks neutralised, so that unneutralise gives it back unchanged).
SUSPECT_FIRST = frozenset(FORMULA_STARTS) | {"'"}
CHUNK_CHARS = 64 * 1024  # rows are sent in pieces of about this size: few writes, flat memory


def parse_bom(raw: str | None) -> bool | None:
    """The `?bom=` flag of every CSV endpoint: True/False, or None when it is not a yes/no."""
    return BOM_VALUES.get((raw or "").strip().lower())


def safe_cell(value) -> str:
    """A cell's text: None is empty, booleans are true/false, formulas are neutralised.

    Called for every cell of every export, so the common cases come first and cost one
    look at the first character."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    text = value if value.__class__ is str else str(value)
    if not text or text[0] not in SUSPECT_FIRST:
        return text
    return text if NUMBER.match(text) else neutralise(text)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = False):
    """Yield the CSV text (CRLF line ends) in pieces of about CHUNK_CHARS characters, so
    memory stays flat however many rows there are and the server writes big pieces."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write("\ufeff")
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
    yield buffer.getvalue()


def csv_response(header: Sequence[str], rows: Iterable[Sequence], filename: str, *, bom: bool = False) -> Response:
    """A streamed `text/csv; charset=utf-8` download; `bom=True` for Excel on Windows."""
    response = Response(stream_with_context(csv_lines(header, rows, bom=bom)), mimetype="text/csv")
    response.headers["Content-Type"] = MEDIA_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

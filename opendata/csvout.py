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

from fees.tabular.values import neutralise

NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
BOM_VALUES = {"": False, "false": False, "0": False, "no": False, "true": True, "1": True, "yes": True}
MEDIA_TYPE = "text/csv; charset=utf-8"


def parse_bom(raw: str | None) -> bool | None:
    """The `?bom=` flag of every CSV endpoint: True/False, or None when it is not a yes/no."""
    return BOM_VALUES.get((raw or "").strip().lower())


def safe_cell(value) -> str:
    """A cell's text: None is empty, booleans are true/false, formulas are neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if NUMBER.match(text) else neutralise(text)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = False):
    """Yield the CSV text line by line (CRLF line ends), so memory stays flat."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        yield "\ufeff"
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
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

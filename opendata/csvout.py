"""The one CSV writer: RFC 4180, UTF-8 (optionally with a BOM for Excel), streamed in
pieces, and safe from spreadsheet formula injection.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
`'` so that spreadsheets show it as text instead of running it; cells that are plain
numbers (e.g. `-50.00`) are left alone. Data users undo it by removing one leading `'`
before such a character (fees.tabular.values.unneutralise does exactly that).

Two ways in, one writer:

- `csv_lines` / `csv_response`: rows of any values (None, booleans, numbers, text); every
  cell goes through `safe_cell`. For the small answers (search, compare, estimate, log…).
- `csv_batch_lines` / `csv_batch_response`: lists of rows whose cells are already text
  ("" for none), where only the `text_columns` can hold free text (the others hold
  numbers, dates, timestamps or true/false, which safe_cell leaves as they are). This is
  how the open-data collections stream a million rows (opendata.tables.csv_batches), so a
  batch costs a few scans in C rather than Python per cell:
  1. one scan per text column for a first character that could need a quote; only a
     batch with one goes cell by cell through `safe_cell` (then as in 3.);
  2. when no cell holds a comma, a double quote or a line break, csv.writer would quote
     nothing: the batch is written with plain joins, the very same text;
  3. otherwise csv.writer's `writerows`.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter

from flask import Response, stream_with_context

from fees.tabular.values import FORMULA_STARTS, neutralise

NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
BOM_VALUES = {"": False, "false": False, "0": False, "no": False, "true": True, "1": True, "yes": True}
MEDIA_TYPE = "text/csv; charset=utf-8"
# Only text starting with one of these can need a quote (neutralise also quotes text that
# already looks neutralised, so that unneutralise gives it back unchanged).
SUSPECT_FIRST = frozenset(FORMULA_STARTS) | {"'"}
CHUNK_CHARS = 64 * 1024  # rows are sent in pieces of about this size: few writes, flat memory
_first_character = itemgetter(0)


def parse_bom(raw: str | None) -> bool | None:
    """The `?bom=` flag of every CSV endpoint: True/False, or None when it is not a yes/no."""
    return BOM_VALUES.get((raw or "").strip().lower())


def safe_cell(value) -> str:
    """A cell's text: None is empty, booleans are true/false, formulas are neutralised.

    Called for every cell of the small answers, so the common cases come first and cost
    one look at the first character."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    text = value if value.__class__ is str else str(value)
    if not text or text[0] not in SUSPECT_FIRST:
        return text
    return text if NUMBER.match(text) else neutralise(text)


def safe_row(row: Iterable) -> list[str]:
    """Every cell of a row through safe_cell."""
    return [safe_cell(c) for c in row]


def harmless(batch: Sequence[Sequence[str]], text_columns: Sequence[int]) -> bool:
    """Does no text cell of the batch start with a character that could need a quote?

    One scan per text column, each in C (map/filter/isdisjoint), stopping at the first
    suspect character; empty cells are skipped."""
    return all(SUSPECT_FIRST.isdisjoint(map(_first_character, filter(None, map(itemgetter(j), batch))))
               for j in text_columns)


def joined(batch: Sequence[Sequence[str]], width: int) -> str | None:
    """The batch (text cells, `width` per row) as CSV lines by plain joins, or None when a
    cell needs quotes (a comma, a double quote or a line break in it: the counts tell) or
    when rows have one cell (csv.writer quotes a lone empty cell). Where it answers, the
    text is exactly what csv.writer writes."""
    if width < 2 or not batch:
        return None
    text = "\r\n".join(map(",".join, batch))
    lines = len(batch)
    if text.count(",") != (width - 1) * lines or text.count("\n") != lines - 1 or text.count("\r") != lines - 1 \
            or '"' in text:
        return None
    return text + "\r\n"


def _pieces(header: Sequence[str], parts: Iterable[str | Sequence[Sequence]], bom: bool) -> Iterator[str]:
    """The one writer: the header, then each part (CSV text made by `joined`, or rows for
    csv.writer), yielded as text (CRLF line ends) in pieces of about CHUNK_CHARS characters
    or more, so memory stays flat however many rows there are and the server writes big
    pieces. A part is read only when the text before it has been taken."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write("\ufeff")
    writer.writerow(safe_row(header))
    for part in parts:
        if part.__class__ is str:
            buffer.write(part)
        else:
            writer.writerows(part)
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
    yield buffer.getvalue()


def csv_lines(header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = False) -> Iterator[str]:
    """Rows of any values as CSV text in pieces; each row is read only when the text
    before it has been taken."""
    return _pieces(header, ([safe_row(row)] for row in rows), bom)


def _batch_part(batch: Sequence[Sequence[str]], text_columns: Sequence[int], width: int) -> str | Sequence[Sequence]:
    """A batch of text rows ready for _pieces: joined text where possible, else rows
    (through safe_cell when a text cell could need a quote)."""
    if not harmless(batch, text_columns):
        return [safe_row(row) for row in batch]
    return joined(batch, width) or batch


def csv_batch_lines(header: Sequence[str], batches: Iterable[Sequence[Sequence[str]]], *,
                    text_columns: Sequence[int], bom: bool = False) -> Iterator[str]:
    """Batches of text rows (free text only in `text_columns`) as CSV text in pieces: the
    same text csv_lines writes for the same rows."""
    width = len(header)
    return _pieces(header, (_batch_part(batch, text_columns, width) for batch in batches), bom)


def _download(pieces: Iterator[str], filename: str) -> Response:
    """A streamed `text/csv; charset=utf-8` attachment."""
    response = Response(stream_with_context(pieces), mimetype="text/csv")
    response.headers["Content-Type"] = MEDIA_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(header: Sequence[str], rows: Iterable[Sequence], filename: str, *, bom: bool = False) -> Response:
    """Rows of any values as a streamed CSV download; `bom=True` for Excel on Windows."""
    return _download(csv_lines(header, rows, bom=bom), filename)


def csv_batch_response(header: Sequence[str], batches: Iterable[Sequence[Sequence[str]]], filename: str, *,
                       text_columns: Sequence[int], bom: bool = False) -> Response:
    """Batches of text rows (see csv_batch_lines) as a streamed CSV download."""
    return _download(csv_batch_lines(header, batches, text_columns=text_columns, bom=bom), filename)

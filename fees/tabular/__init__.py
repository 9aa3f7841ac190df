"""The publishers' spreadsheet: import from CSV/XLSX and export to it, with no web code.

- `parse_upload(filename, data, default_currency=...)` reads an uploaded file into
  item dicts for `fees.services.drafts.create_draft(items=...)`, or raises
  DomainError listing every problem by row and column (nothing is ever written).
- `export_items(items, fmt=, lang=)` writes canonical items as CSV or XLSX with
  Chinese or English headers and values; the file imports back to the same items.
- `template(fmt=, lang=)` is the empty template with two example rows.

Formula injection: exports prefix `'` to any cell starting with = + - @ tab or CR
(or with quotes and then one of those); imports drop that one `'`, so notes like
"-5% off" round-trip unchanged. Text that merely starts with `'` is left alone.
"""
from __future__ import annotations

from fees.tabular.reading import MAX_ROWS, parse_upload
from fees.tabular.writing import export_items, template

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

__all__ = ["MAX_ROWS", "MEDIA_TYPES", "export_items", "parse_upload", "template"]

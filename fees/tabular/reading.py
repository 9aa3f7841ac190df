"""Reading an uploaded CSV or XLSX file into fee items, reporting every error at once."""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from fees.diff import item_key
from fees.errors import DomainError, FieldError
from fees.items import clean_item
from fees.tabular.columns import FIELDS, Layout, column_letter, is_known_header, read_header
from fees.tabular.values import PARSERS, BadValue, has_yuan_mark, unneutralise

MAX_ROWS = 20_000
MAX_COLUMNS = 200  # of a workbook; cells further right are not read (the template has 14 columns)
XLSX_MAGIC = b"PK\x03\x04"
Records = Iterator[tuple[int, list[str]]]  # (spreadsheet row number, cell texts)


def parse_upload(filename: str, data: bytes, *, default_currency: str = "CNY") -> list[dict]:
    """Read a publisher's CSV or XLSX file into item dicts for `create_draft(items=...)`.

    The format is told by the content, not by `filename` (kept for the callers'
    logs): a zip (`PK\\x03\\x04`) is read as an XLSX workbook, its first worksheet
    only; anything else as CSV text in UTF-8 (with or without BOM), GB18030 or
    UTF-16 with a BOM, separated by commas, tabs or semicolons (whichever splits
    the header into the most known columns; commas win ties).

    The first non-empty row is the header (see `fees.tabular.columns`); unknown
    columns are errors rather than ignored, so a mistyped header cannot silently
    drop a field. Empty rows are skipped; rows keep their spreadsheet numbers.
    A cell starting with `'` followed (after any more quotes) by = + - @ tab or CR
    loses that one quote: it is how exports neutralise formulas.

    Every row is checked with `fees.items.clean_item` and for repeated item keys.
    Raises DomainError with code `import_encoding`, `import_unreadable`,
    `import_empty`, `import_too_large` (more than MAX_ROWS fee rows) or
    `import_invalid` (then `.errors` holds every problem, named by the file's own
    column header and row number). Writes nothing anywhere.
    """
    records = _records(data)
    header = next((cells for _, cells in records if _filled(cells)), None)
    if header is None:
        raise DomainError(_l("The file is empty: it needs a header row and at least one fee row."),
                          code="import_empty")
    layout = read_header(header)
    items, errors, seen = [], [], {}
    for number, cells in records:
        if not _filled(cells):
            continue
        if len(items) == MAX_ROWS:
            raise DomainError(_l("The file has more than %(n)s fee rows, the most one import accepts.",
                                 n=MAX_ROWS), code="import_too_large")
        item, clean, row_errors = _read_row(cells, layout, number, default_currency)
        items.append(item)
        errors.extend(row_errors or _duplicate(clean, number, seen, layout))
    if not items:
        raise DomainError(_l("The file has a header row but no fee rows."), code="import_empty")
    if errors:
        raise DomainError(_l("Some rows are not valid; nothing was imported."), errors=errors,
                          code="import_invalid")
    return items


def _filled(cells: list[str]) -> bool:
    """Does a row hold anything but blanks?"""
    return any(cell.strip() for cell in cells)


def _read_row(cells: list[str], layout: Layout, number: int,
              default_currency: str) -> tuple[dict, dict, list[FieldError]]:
    """One row as a raw item, its clean form and its errors (each field reported once)."""
    item: dict = {name: "" for name in FIELDS} | {"tiers": []}
    raw: dict[str, str] = {}
    errors, failed = [], set()
    for index, cell in enumerate(cells):
        text = unneutralise(cell)
        name = layout.fields.get(index)
        if name is None:
            if text.strip():
                letter = column_letter(index)
                errors.append(FieldError(letter, _l("Column %(column)s has a value but no header.",
                                                    column=letter), number))
            continue
        raw[name] = text
        try:
            item[name] = PARSERS[name](text) if name in PARSERS else text
        except BadValue as exc:
            errors.append(FieldError(layout.header_of(name), exc.message, number))
            failed.add(name)
            # Not the refused text: clean_item would judge it again (a 30-digit amount made it raise).
            item[name] = [] if name == "tiers" else "" if name in ("amount", "min_amount") else text
    errors.extend(_yuan_errors(item, raw, failed, layout, number, default_currency))
    if "tiers" in failed and not item["amount"]:
        failed.add("amount")  # the amount is only "missing" because the tiers were unreadable
    clean, found = clean_item(item, default_currency=default_currency, row=number)
    errors.extend(FieldError(layout.header_of(e.field), e.message, number) for e in found if e.field not in failed)
    return item, clean, errors


def _yuan_errors(item: dict, raw: dict, failed: set, layout: Layout, number: int,
                 default_currency: str) -> list[FieldError]:
    """¥ 850 in a USD tariff is a contradiction, not a detail to drop."""
    currency = item["currency"] or default_currency.upper()
    if currency == "CNY":
        return []
    return [
        FieldError(layout.header_of(name), _l("%(value)s is in yuan but the fee's currency is %(currency)s.",
                                              value=raw[name].strip(), currency=currency), number)
        for name in ("amount", "min_amount", "tiers")
        if name in raw and name not in failed and has_yuan_mark(raw[name])
    ]


def _duplicate(clean: dict, number: int, seen: dict, layout: Layout) -> list[FieldError]:
    """The same fee twice would make the draft ambiguous; name the row it repeats."""
    key = item_key(clean)
    if key not in seen:
        seen[key] = number
        return []
    return [FieldError(layout.header_of("code"), _l(
        "Same fee as row %(n)s (same code, container, direction, cargo class and unit).", n=seen[key]), number)]


# -- bytes to rows ---------------------------------------------------------------------

def _records(data: bytes) -> Records:
    """The rows of either format as lists of cell texts, numbered as a spreadsheet shows them."""
    if data.startswith(XLSX_MAGIC):
        return _xlsx_records(data)
    return _csv_records(_decode(data))


def _decode(data: bytes) -> str:
    """UTF-16 if it says so by its BOM, else strict UTF-8 (BOM or not), else strict GB18030."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # NULs mean binary or a BOM-less UTF-16 file, not text we can read
            return text
    raise DomainError(
        _l("The file is not UTF-8 or GB18030 text, nor an XLSX workbook. Save it as CSV (UTF-8) "
           "or as an Excel workbook (.xlsx) and upload it again."),
        code="import_encoding",
    )


MAX_CELL_CHARS = 131_072  # the csv module's own default


def _delimiter(text: str) -> str:
    """The separator that splits the header row into the most known columns."""
    first = next((line for line in text.splitlines() if line.strip()), "")

    def known(delimiter: str) -> int:
        """How many known headers this separator finds in the header line (none in a line
        the csv module refuses, e.g. a cell beyond its size limit: reading the file then
        says where)."""
        try:
            return sum(is_known_header(cell) for cell in next(csv.reader([first], delimiter=delimiter)))
        except csv.Error:
            return 0

    return max((",", "\t", ";"), key=known)


def _csv_records(text: str) -> Records:
    """CSV records numbered by record, as a spreadsheet numbers rows (not by line)."""
    # The limit is process-wide state that other libraries raise (frictionless sets it to
    # the maximum), so set ours each time: no real fee cell comes near 128 K characters.
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise DomainError(_l("The CSV file cannot be read near line %(line)s (%(reason)s).",
                             line=reader.line_num, reason=str(exc)), code="import_unreadable") from exc


def _xlsx_records(data: bytes) -> Records:
    """The first worksheet's rows (its first MAX_COLUMNS columns), cached values rather than formulas."""
    # Any failure of the workbook parser on an uploaded file means the same thing to
    # the publisher: the file is not a workbook we can read.
    unreadable = DomainError(_l("The file looks like an Excel workbook but cannot be read. Save it "
                                "again as .xlsx (not .xls or .ods) and upload it again."),
                             code="import_unreadable")
    from openpyxl import load_workbook  # with the first workbook, not with the app (it brings numpy)

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise unreadable from exc
    try:
        sheet = workbook.worksheets[0]
        # The size a workbook declares is not trusted: a 5 kB file can claim a million
        # rows by 16,384 columns, and openpyxl would pad every row out to it.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            blank = values.count(None) == len(values)  # cheap on the padding rows of sparse sheets
            yield number, [] if blank else [_cell_text(value) for value in values]
    except Exception as exc:
        raise unreadable from exc
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A workbook cell as text; numbers exactly as the spreadsheet holds them."""
    if value is None:
        return ""
    if isinstance(value, float):
        # Spreadsheets keep 15 significant digits; reading a float to that precision
        # gives back the 850.1 the clerk typed, not 850.1000000000000227.
        return format(Decimal(format(value, ".15g")), "f")
    return str(value)

"""Writing fee items as the publishers' spreadsheet: export and the empty template."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from fees.tabular.columns import COLUMNS, column_letter, headers
from fees.tabular.values import format_value, neutralise

MONEY_FIELDS = frozenset({"amount", "min_amount"})
MONEY_FORMAT = "#,##0.00"
SHEET_TITLE = {"zh": "收费项目", "en": "Fees"}
WIDTHS = {"name_zh": 22, "name_en": 28, "service": 36, "tiers": 28, "legal_basis": 30, "notes": 30}


def export_items(items: list[dict], *, fmt: str, lang: str) -> bytes:
    """Canonical items (fees.canonical.item_content) as a CSV or XLSX file that imports back identically.

    `lang` "zh" writes Chinese headers and labels (元/箱, 出口 …), "en" English
    headers and codes. Every text cell that a spreadsheet would run as a formula
    gets a leading `'` (see values.neutralise); parse_upload removes it again.
    CSV is UTF-8 with a BOM (so Excel on Windows shows Chinese) and CRLF line
    ends (RFC 4180). In XLSX, amounts are numbers with two decimals shown, so a
    clerk can sort and sum them. Raises ValueError for an unknown fmt or lang.
    """
    header = headers(lang)
    rows = [[neutralise(format_value(c.field, item[c.field], lang)) for c in COLUMNS] for item in items]
    if fmt == "csv":
        return _csv(header, rows)
    if fmt == "xlsx":
        return _xlsx(header, rows, lang)
    raise ValueError(f"unknown format {fmt!r}: use 'csv' or 'xlsx'")


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    """RFC 4180 CSV in UTF-8 with a BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(header: list[str], rows: list[list[str]], lang: str) -> bytes:
    """One worksheet: bold frozen header, text columns as text, money as numbers."""
    # openpyxl is imported when a workbook is made, not with the app: it brings numpy
    # (~25 MB), which a worker that never writes a workbook does not need.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    # Write-only mode streams rows: big exports stay fast and small in memory.
    workbook = Workbook(write_only=True)
    bold_font = Font(bold=True)
    sheet = workbook.create_sheet(SHEET_TITLE[lang])
    for index, column in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[column_letter(index - 1)]
        dimension.width = WIDTHS.get(column.field, 14)
        # Rows a clerk adds keep these formats: as text, Excel would not turn 1-4 into a date.
        dimension.number_format = MONEY_FORMAT if column.field in MONEY_FIELDS else "@"
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, text, bold=bold_font) for text in header])
    for row in rows:
        sheet.append([_cell(sheet, text, money=c.field in MONEY_FIELDS) for c, text in zip(COLUMNS, row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, text: str, *, money: bool = False, bold=None):
    """Money as an exact Decimal shown with two decimals; everything else as text (in
    the `bold` font when one is given)."""
    if not (money and text) and bold is None:
        return text
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=Decimal(text) if money else text)
    if money:
        cell.number_format = MONEY_FORMAT
    if bold is not None:
        cell.font = bold
    return cell


def template(*, fmt: str, lang: str) -> bytes:
    """The import template: the header row and two example rows (a flat and a tiered fee).

    The example rows import cleanly, and their notes ask the clerk to replace them.
    """
    return export_items(_examples(lang), fmt=fmt, lang=lang)


def _examples(lang: str) -> list[dict]:
    """Two canonical example items whose notes, in `lang`, ask to replace them."""
    note = "示例行：请替换为贵单位的收费项目" if lang == "zh" else "Example row: replace it with your own fees"
    common = {"name_en": "", "service": "", "container": "", "cargo_class": "", "currency": "CNY",
              "min_amount": None, "tiers": [], "legal_basis": "", "notes": note}
    return [
        common | {"code": "THC", "name_zh": "码头操作费", "name_en": "Terminal handling charge",
                  "service": "集装箱装卸船及码头内移动", "unit": "per_container", "container": "40HQ",
                  "direction": "export", "amount": "850.00", "legal_basis": "《港口收费计费办法》"},
        common | {"code": "STORAGE", "name_zh": "堆存费", "name_en": "Storage", "unit": "per_container_day",
                  "container": "20GP", "direction": "both", "amount": "20.00",
                  "tiers": [{"from": "1", "to": "4", "amount": "0.00"},
                            {"from": "5", "to": "10", "amount": "20.00"},
                            {"from": "11", "to": None, "amount": "40.00"}]},
    ]

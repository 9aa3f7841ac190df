"""The publishers' spreadsheet: CSV/XLSX import in both languages and encodings, export, template."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook

from fees import tabular
from fees.canonical import item_content
from fees.errors import DomainError
from fees.items import clean_item
from fees.services import drafts
from fees.tabular import MEDIA_TYPES, export_items, parse_upload, template
from fees.tabular import reading, values
from fees.vocab import CARGO_CLASSES, DIRECTIONS, UNITS
from tests import factories as f

ZH = ["收费代码", "收费项目", "英文名称", "计费单位", "箱型", "进出口", "货类", "收费标准", "最低收费", "阶梯", "备注"]
ZH_ROWS = [
    ["THC", "码头操作费", "Terminal handling charge", "元/箱", "40HQ", "出口", "普通货物", "850", "", "", "旺季不加价"],
    ["STORAGE", "堆存费", "Storage", "元/箱·天", "20GP", "进出口", "", "", "", "1-4:0; 5-10:20; 11+:40", ""],
    ["DOC", "单证费", "", "元/票", "", "进口", "", "¥1,200.50", "100", "", ""],
]
EN = ["code", "name", "name_en", "unit", "container", "direction", "cargo_class", "amount", "min_amount", "tiers", "notes"]
EN_ROWS = [
    ["THC", "码头操作费", "Terminal handling charge", "per_container", "40HQ", "export", "general", "850", "", "", "旺季不加价"],
    ["STORAGE", "堆存费", "Storage", "per_container_day", "20GP", "both", "", "", "", "1-4:0; 5-10:20; 11+:40", ""],
    ["DOC", "单证费", "", "per_bill", "", "import", "", "1200.50", "100", "", ""],
]


@pytest.fixture
def en(app):
    """Messages rendered in English (the source language) so tests can read them."""
    with force_locale("en"):
        yield app


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """Rows as CSV text in an encoding, the way a clerk's tool might save them."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], extra_sheet: list[list] | None = None) -> bytes:
    """Rows as a workbook's first sheet (cells keep their Python types: numbers stay numbers)."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    if extra_sheet is not None:
        other = workbook.create_sheet("other")
        for row in extra_sheet:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cleaned(items: list[dict], currency: str = "CNY") -> list[dict]:
    """What clean_item makes of items, failing on any error."""
    result = []
    for item in items:
        clean, errors = clean_item(item, default_currency=currency)
        assert errors == []
        result.append(clean)
    return result


def import_errors(data: bytes, code: str = "import_invalid", **kwargs) -> list[tuple[str, int, str]]:
    """The (column, row, message) of every error an import raises."""
    with pytest.raises(DomainError) as caught:
        parse_upload("upload", data, **kwargs)
    assert caught.value.code == code
    return [(e.field, e.row, str(e.message)) for e in caught.value.errors]


def one_row(header: list[str], row: list[str]) -> bytes:
    """A CSV file with a header and one fee row."""
    return csv_bytes([header, row])


# -- reading: encodings, delimiters, languages ---------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings_with_chinese_headers_and_values_give_the_same_items(en, encoding):
    items = parse_upload("fees.csv", csv_bytes([ZH, *ZH_ROWS], encoding))
    assert items == parse_upload("fees.csv", csv_bytes([ZH, *ZH_ROWS], "utf-8"))
    assert items == parse_upload("fees.csv", csv_bytes([EN, *EN_ROWS]))


def test_chinese_values_become_codes(en):
    storage, doc = cleaned(parse_upload("fees.csv", csv_bytes([ZH, *ZH_ROWS], "gb18030")))[1:]
    assert (storage["unit"], storage["direction"], storage["amount"]) == ("per_container_day", "both", Decimal("20.00"))
    assert [t["to_qty"] for t in storage["tiers"]] == [Decimal("4"), Decimal("10"), None]
    assert (doc["unit"], doc["direction"], doc["container"]) == ("per_bill", "import", "")
    assert (doc["amount"], doc["min_amount"]) == (Decimal("1200.50"), Decimal("100.00"))


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_comma_tab_and_semicolon_separated(en, delimiter):
    items = parse_upload("fees.csv", csv_bytes([EN, *EN_ROWS], delimiter=delimiter))
    assert [i["code"] for i in items] == ["THC", "STORAGE", "DOC"]


def test_headers_are_tolerant_of_case_width_and_spaces(en):
    header = [" CODE ", "Name", "Name EN", "ＵＮＩＴ", "Cargo-Class", "Amount", "币种"]
    items = parse_upload("f.csv", one_row(header, ["THC", "码头操作费", "THC", "元/箱", "", "850", "RMB"]))
    assert cleaned(items)[0]["currency"] == "CNY"
    assert items[0]["name_en"] == "THC"


def test_name_zh_is_accepted_as_a_header(en):
    items = parse_upload("f.csv", one_row(["code", "name_zh", "unit", "amount"], ["THC", "码头操作费", "per_container", "850"]))
    assert items[0]["name_zh"] == "码头操作费"


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(en):
    data = csv_bytes([EN, EN_ROWS[0], [], ["", ""], ["DOC", "单证费", "", "per_bill", "", "", "", "abc"]])
    assert import_errors(data) == [("amount", 5, "abc is not an amount; write it like 1200.00 or 1,200.00.")]


def test_a_line_break_inside_a_cell_does_not_shift_row_numbers(en):
    data = csv_bytes([EN, [*EN_ROWS[0][:10], "第一行\n第二行"], ["DOC", "单证费", "", "per_bill", "", "", "", "-5"]])
    assert [(field, row) for field, row, _ in import_errors(data)] == [("amount", 3)]


# -- amounts ------------------------------------------------------------------------

@pytest.mark.parametrize("text, amount", [
    ("1,200.00", "1200.00"), ("1200", "1200.00"), ("¥850", "850.00"), ("￥850", "850.00"),
    ("RMB 850", "850.00"), ("CNY850", "850.00"), ("rmb850", "850.00"), ("８５０", "850.00"),
    ("１，２００．５", "1200.50"), (" 850 ", "850.00"), ("850元", "850.00"), ("12.500", "12.50"),
    ("1,234,567.89", "1234567.89"), ("0", "0.00"),
])
def test_messy_amounts_are_read_exactly(en, text, amount):
    items = parse_upload("f.csv", one_row(["收费代码", "收费项目", "计费单位", "收费标准"], ["THC", "码头操作费", "元/箱", text]))
    assert cleaned(items)[0]["amount"] == Decimal(amount)


@pytest.mark.parametrize("text, message", [
    ("-5", "Amounts cannot be negative (got -5)."),
    ("abc", "abc is not an amount; write it like 1200.00 or 1,200.00."),
    ("1.2.3", "1.2.3 is not an amount; write it like 1200.00 or 1,200.00."),
    ("12.345", "Amounts have at most two decimals (got 12.345)."),
    ("1.200,00", "1.200,00 is not an amount; write it like 1200.00 or 1,200.00."),
    ("1200,5", "1200,5 is not an amount; write it like 1200.00 or 1,200.00."),
    ("850元/箱", "850元/箱 is not an amount; write it like 1200.00 or 1,200.00."),
    ("1e3", "1e3 is not an amount; write it like 1200.00 or 1,200.00."),
])
@pytest.mark.parametrize("header", [["收费代码", "收费项目", "计费单位", "收费标准"], ["code", "name", "unit", "Amount"]])
def test_bad_amounts_name_row_and_column_as_in_the_header(en, text, message, header):
    data = csv_bytes([header, ["DOC", "单证费", "元/票", "50"], ["THC", "码头操作费", "元/箱", text]])
    assert import_errors(data) == [(header[3], 3, message)]


def test_yuan_amounts_in_another_currency_are_refused(en):
    header = ["code", "name", "unit", "amount", "currency", "min_amount"]
    errors = import_errors(one_row(header, ["THC", "码头操作费", "per_container", "¥850", "USD", "100"]))
    assert errors == [("amount", 2, "¥850 is in yuan but the fee's currency is USD.")]
    assert parse_upload("f.csv", one_row(header, ["THC", "码头操作费", "per_container", "850", "USD", "100"]))


# -- controlled values ----------------------------------------------------------------

@pytest.mark.parametrize("text, unit", [
    ("per_container", "per_container"), ("PER_TEU", "per_teu"), ("元/箱", "per_container"), ("每箱", "per_container"),
    ("箱", "per_container"), ("元/票", "per_bill"), ("元/个", "per_piece"), ("元/箱·天", "per_container_day"),
    ("元/箱/天", "per_container_day"), ("元/箱・天", "per_container_day"), ("每箱每天", "per_container_day"),
    ("元/箱·日", "per_container_day"), ("元/单", "per_order"), ("元/件", "per_parcel"), ("元/公斤", "per_kg"),
    ("元/千克", "per_kg"), ("元/kg", "per_kg"), ("元/KG", "per_kg"), ("元/立方米·天", "per_cbm_day"),
    ("元/吨", "per_tonne"), ("元/标准箱", "per_teu"), ("元/TEU", "per_teu"), ("元/艘次", "per_vessel_call"),
    ("元/吨·天", "per_tonne_day"), ("元/立方米", "per_cbm"), ("元/天", "per_day"), ("%", "percent_of_value"),
    ("货值百分比", "percent_of_value"), (" 元 / 箱 ", "per_container"),
])
def test_unit_aliases(text, unit):
    assert values.parse_unit(text) == unit


@pytest.mark.parametrize("text, container", [
    ("20GP", "20GP"), ("40hq", "40HQ"), ("20'GP", "20GP"), ("40’HQ", "40HQ"), ("40HC", "40HQ"), ("45HC", "45HQ"),
    ("２０ＧＰ", "20GP"), ("40RH", "40RH"), ("20TK", "20TK"), ("", ""), ("不限", ""),
])
def test_container_aliases(text, container):
    assert values.parse_container(text) == container


@pytest.mark.parametrize("text, direction", [
    ("进口", "import"), ("出口", "export"), ("进出口", "both"), ("不限", "both"), ("", "both"), ("Export", "export"),
])
def test_direction_aliases(text, direction):
    assert values.parse_direction(text) == direction


@pytest.mark.parametrize("text, cargo", [
    ("普通货物", "general"), ("危险货物", "dangerous"), ("危险品", "dangerous"), ("空箱", "empty"),
    ("超限货物", "oversize"), ("大件", "oversize"), ("内贸", "domestic"), ("外贸", "foreign"), ("", ""),
    ("不限", ""), ("DANGEROUS", "dangerous"),
])
def test_cargo_class_aliases(text, cargo):
    assert values.parse_cargo_class(text) == cargo


def test_every_code_has_a_chinese_label():
    assert set(values.UNIT_ZH) == set(UNITS)
    assert set(values.DIRECTION_ZH) == set(DIRECTIONS)
    assert set(values.CARGO_ZH) == set(CARGO_CLASSES)


def test_unknown_values_say_what_is_accepted(en):
    header = ["收费代码", "收费项目", "计费单位", "箱型", "进出口", "货类", "收费标准"]
    data = csv_bytes([header, ["thc fee", "码头操作费", "元/桶", "20尺", "往返", "黄金", "850"]])
    errors = {field: message for field, row, message in import_errors(data)}
    assert set(errors) == {"收费代码", "计费单位", "箱型", "进出口", "货类"}
    assert errors["计费单位"].startswith("元/桶 is not accepted here. Accepted values: 元/箱 (per_container)")
    assert "40HQ" in errors["箱型"] and "进口 (import)" in errors["进出口"] and "危险货物" in errors["货类"]
    assert errors["收费代码"].startswith("A fee code is uppercase letters")


# -- tiers ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "1-4:0; 5-10:20; 11+:40", "1-4:0；5-10:20；11+:40", "1-4：0\n5-10：20\n11+：40", "1~4:0;5～10:20;11+:40",
    "1–4:0; 5—10:20; 11+:40;", " 1 - 4 : 0 ; 5 - 10 : ¥20 ; 11 + : 40 ", "１-４:０; ５-１０:２０; １１+:４０",
])
def test_tier_formats(text):
    assert values.parse_tiers(text) == [
        {"from": "1", "to": "4", "amount": "0"},
        {"from": "5", "to": "10", "amount": "20"},
        {"from": "11", "to": None, "amount": "40"},
    ]


@pytest.mark.parametrize("cell, text", [
    ("'=1+1", "=1+1"), ("'-5% off", "-5% off"), ("''=x", "'=x"), ("'abc", "'abc"), ("'", "'"), ("=x", "=x"),
])
def test_one_neutralising_quote_is_dropped(cell, text):
    assert values.unneutralise(cell) == text
    assert values.unneutralise(values.neutralise(text)) == text


@pytest.mark.parametrize("text, code", [("CNY", "CNY"), ("usd", "USD"), ("RMB", "CNY"), ("人民币", "CNY"), ("元", "CNY")])
def test_currency_aliases(text, code):
    assert values.parse_currency(text) == code


def test_blank_tiers_are_no_tiers():
    assert values.parse_tiers("  ") == []


@pytest.mark.parametrize("text", ["1-4=0", "1-4", "days 1-4: 0", "1-4:abc", "11+"])
def test_malformed_tiers_name_the_format(en, text):
    header = ["code", "name", "unit", "amount", "阶梯"]
    errors = import_errors(one_row(header, ["STORAGE", "堆存费", "per_container_day", "", text]))
    assert errors == [("阶梯", 2, f"{text} is not a tier list; write bands like 1-4:0; 5-10:20; 11+:40.")]


def test_overlapping_tiers_are_reported_by_clean_item(en):
    header = ["code", "name", "unit", "amount", "tiers"]
    errors = import_errors(one_row(header, ["STORAGE", "堆存费", "per_container_day", "", "1-5:0; 4-10:20"]))
    assert errors == [("tiers", 2, "Tier 2 overlaps the tier before it.")]


# -- header problems ----------------------------------------------------------------------

def test_missing_required_column(en):
    errors = import_errors(csv_bytes([["收费代码", "收费项目", "计费单位"], ["THC", "码头操作费", "元/箱"]]))
    assert errors == [("收费标准", 1, "The required column 收费标准 / amount is missing.")]


def test_missing_required_columns_in_an_english_file(en):
    errors = import_errors(csv_bytes([["code", "amount"], ["THC", "850"]]))
    assert [(field, row) for field, row, _ in errors] == [("name", 1), ("unit", 1)]


def test_unknown_columns_are_errors_so_typos_are_caught(en):
    errors = import_errors(csv_bytes([["code", "name", "unit", "amout", "amount"], ["THC", "码头操作费", "per_container", "8", "850"]]))
    assert [(field, row) for field, row, _ in errors] == [("amout", 1)]
    assert errors[0][2].startswith("Unknown column amout. Known columns: code, name, name_en")
    assert "收费标准" in errors[0][2]


def test_repeated_columns_are_errors(en):
    errors = import_errors(csv_bytes([["code", "name", "unit", "amount", "收费标准"], ["THC", "码头操作费", "per_container", "8", "8"]]))
    assert errors == [("收费标准", 1, "Column 收费标准 repeats column amount.")]


def test_a_column_without_header_must_stay_empty(en):
    header = ["code", "name", "", "unit", "amount"]
    assert parse_upload("f.csv", one_row(header, ["THC", "码头操作费", "", "per_container", "850"]))
    errors = import_errors(one_row(header, ["THC", "码头操作费", "oops", "per_container", "850"]))
    assert errors == [("C", 2, "Column C has a value but no header.")]
    errors = import_errors(one_row(header, ["THC", "码头操作费", "", "per_container", "850", "extra"]))
    assert errors == [("F", 2, "Column F has a value but no header.")]


# -- whole-file problems --------------------------------------------------------------------

def test_duplicate_item_key_names_the_repeating_row(en):
    data = csv_bytes([ZH, *ZH_ROWS, ["THC", "码头操作费", "", "每箱", "40hc", "出口", "普货", "900", "", "", ""]])
    assert import_errors(data) == [
        ("收费代码", 5, "Same fee as row 2 (same code, container, direction, cargo class and unit).")]


def test_every_error_is_reported_at_once(en):
    rows = [["THC", "码头操作费", "per_container", "-1"], ["", "码头操作费", "per_container", "850"],
            ["DOC", "", "per_pallet", "x"], ["OK", "好", "per_bill", "1"]]
    errors = import_errors(csv_bytes([["code", "name", "unit", "amount"], *rows]))
    assert [(field, row) for field, row, _ in errors] == [
        ("amount", 2), ("code", 3), ("unit", 4), ("amount", 4), ("name", 4)]


@pytest.mark.parametrize("data", [
    "café ménage \x80\x81".encode("latin-1"),
    bytes("code,name\r\nTHC,Ménage — 25 €\r\n", "cp1252"),
    b"code,name\x00,unit\r\n",
])
def test_wrong_encoding(en, data):
    with pytest.raises(DomainError) as caught:
        parse_upload("fees.csv", data)
    assert caught.value.code == "import_encoding"
    assert str(caught.value).startswith("The file is not UTF-8 or GB18030 text, nor an XLSX workbook.")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n , \r\n", csv_bytes([EN]), csv_bytes([EN, ["", ""]])])
def test_empty_files(en, data):
    with pytest.raises(DomainError) as caught:
        parse_upload("fees.csv", data)
    assert caught.value.code == "import_empty"


def test_too_many_rows(en, monkeypatch):
    assert reading.MAX_ROWS == 20_000
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    rows = [["THC", "码头操作费", "per_container", c, "850"] for c in ("20GP", "40GP", "40HQ")]
    header = ["code", "name", "unit", "container", "amount"]
    assert len(parse_upload("f.csv", csv_bytes([header, *rows]))) == 3
    with pytest.raises(DomainError) as caught:
        parse_upload("f.csv", csv_bytes([header, *rows, ["THC", "码头操作费", "per_container", "45HQ", "850"]]))
    assert caught.value.code == "import_too_large"
    assert str(caught.value) == "The file has more than 3 fee rows, the most one import accepts."


def test_a_zip_that_is_not_a_workbook(en):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(DomainError) as caught:
        parse_upload("fees.xlsx", buffer.getvalue())
    assert caught.value.code == "import_unreadable"


def test_an_unreadable_csv(en):
    data = ("code,name,unit,amount\r\nTHC," + "x" * 200_000 + ",per_container,850\r\n").encode()
    with pytest.raises(DomainError) as caught:
        parse_upload("fees.csv", data)
    assert caught.value.code == "import_unreadable"


def test_import_needs_no_database_and_no_app():
    """Nothing is read or written: the import runs even outside an app context."""
    assert len(parse_upload("fees.csv", csv_bytes([ZH, *ZH_ROWS]))) == 3


# -- XLSX -------------------------------------------------------------------------------------

def test_xlsx_numeric_cells_are_read_exactly(en):
    data = xlsx_bytes([["code", "name", "unit", "container", "amount", "min_amount"],
                       ["THC", "码头操作费", "per_container", "20GP", 850.1, 1200],
                       ["THC", "码头操作费", "per_container", "40GP", 1200, None],
                       ["THC", "码头操作费", "per_container", "40HQ", 0.1 + 0.2, 1200.0],
                       ["THC", "码头操作费", "per_container", "45HQ", Decimal("999999999999.99"), None]])
    items = parse_upload("fees.xlsx", data)
    assert [i["amount"] for i in items] == ["850.1", "1200", "0.3", "999999999999.99"]
    clean = cleaned(items)
    assert [c["amount"] for c in clean] == [Decimal("850.10"), Decimal("1200.00"), Decimal("0.30"), Decimal("999999999999.99")]
    assert [c["min_amount"] for c in clean] == [Decimal("1200.00"), None, Decimal("1200.00"), None]


def test_xlsx_numbers_with_too_many_decimals_are_refused_not_rounded(en):
    data = xlsx_bytes([["code", "name", "unit", "amount"], ["THC", "码头操作费", "per_container", 100 / 3]])
    assert import_errors(data) == [("amount", 2, "Amounts have at most two decimals (got 33.3333333333333).")]


def test_xlsx_reads_only_the_first_sheet_regardless_of_file_name(en):
    data = xlsx_bytes([ZH, *ZH_ROWS], extra_sheet=[["junk"], ["more junk"]])
    assert parse_upload("fees.csv", data) == parse_upload("fees.csv", csv_bytes([ZH, *ZH_ROWS]))


def test_xlsx_declared_or_stray_far_cells_do_not_blow_up(en):
    """A workbook's declared size is ignored and padding rows are cheap (Excel's limit bounds them)."""
    workbook = Workbook()
    workbook.active.append(["code", "name", "unit", "amount"])
    workbook.active.append(["THC", "码头操作费", "per_container", 850])
    workbook.active.cell(row=1_048_576, column=16_384, value="far away")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(parse_upload("fees.xlsx", buffer.getvalue())) == 1

    source, patched = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["code", "name", "unit", "amount"],
                                                             ["THC", "码头操作费", "per_container", 850]]))), io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', content)
            target.writestr(name, content)
    assert len(parse_upload("fees.xlsx", patched.getvalue())) == 1


def test_xlsx_errors_use_spreadsheet_rows(en):
    data = xlsx_bytes([["收费代码", "收费项目", "计费单位", "收费标准"], [], ["THC", "码头操作费", "元/箱", -5]])
    assert import_errors(data) == [("收费标准", 3, "Amounts cannot be negative (got -5).")]


# -- export and round trips -----------------------------------------------------------------------

def canonical(**fields) -> dict:
    """A canonical item (as fees.canonical.item_content gives it) with defaults."""
    base = {"code": "THC", "name_zh": "码头操作费", "name_en": "", "service": "", "unit": "per_container",
            "container": "", "direction": "both", "cargo_class": "", "amount": "850.00", "currency": "CNY",
            "min_amount": None, "tiers": [], "legal_basis": "", "notes": ""}
    return base | fields


CANONICAL = [
    canonical(container="40HQ", direction="export", name_en="Terminal handling charge",
              notes='=HYPERLINK("http://example.com","click")', legal_basis="+86 592 0000000"),
    canonical(code="STORAGE", name_zh="堆存费", unit="per_container_day", container="20GP", amount="20.00",
              tiers=[{"from": "1", "to": "4", "amount": "0.00"}, {"from": "5", "to": "10", "amount": "20.00"},
                     {"from": "11", "to": None, "amount": "40.00"}], notes="-5% for members", name_en="@risk"),
    canonical(code="CARGO_DUES", name_zh="货物港务费", unit="per_tonne", direction="import", cargo_class="dangerous",
              amount="1234567.89", currency="USD", min_amount="100.00", service="装卸\n第二行, with \"quotes\""),
    canonical(code="INSPECTION", name_zh="查验吊柜费", unit="percent_of_value", container="45HQ", amount="0.15",
              min_amount="0.00", cargo_class="oversize", notes="'quoted already", legal_basis="'=literal quote"),
    canonical(code="BIG", name_zh="大额", unit="per_vessel_call", amount="999999999999.99", direction="export",
              cargo_class="domestic"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_round_trip_gives_identical_clean_items(en, fmt, lang):
    items = parse_upload(f"fees.{fmt}", export_items(CANONICAL, fmt=fmt, lang=lang))
    assert cleaned(items) == cleaned(CANONICAL)


def test_export_neutralises_formulas_in_csv(en):
    text = export_items(CANONICAL, fmt="csv", lang="en").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",'+86 592" in text and ",'-5% for members" in text and ",'@risk," in text
    assert ",'quoted already" in text  # a quote before ordinary text is left alone both ways
    assert ",''=literal quote," in text  # a quote that looks like ours gets one more


def test_export_neutralises_formulas_in_xlsx(en):
    sheet = load_workbook(io.BytesIO(export_items(CANONICAL, fmt="xlsx", lang="zh"))).worksheets[0]
    assert sheet["N2"].value.startswith("'=HYPERLINK") and sheet["N2"].data_type == "s"
    assert sheet["A1"].value == "收费代码" and sheet["A1"].font.b
    assert sheet["I4"].value == 1234567.89 and sheet["I4"].number_format == "#,##0.00"


def test_csv_export_is_excel_friendly(en):
    data = export_items(CANONICAL[:1], fmt="csv", lang="zh")
    assert data.startswith(b"\xef\xbb\xbf" + "收费代码,收费项目".encode())
    assert data.count(b"\r\n") == 2
    assert "元/箱,40HQ,出口".encode() in data


def test_english_export_uses_codes(en):
    text = export_items(CANONICAL, fmt="csv", lang="en").decode("utf-8-sig")
    assert text.startswith("code,name,name_en,service,unit,container,direction,cargo_class,amount,currency,")
    assert "per_container_day,20GP,both,,20.00,CNY,,1-4:0.00; 5-10:20.00; 11+:40.00" in text


def test_unknown_format_or_language(en):
    with pytest.raises(ValueError):
        export_items([], fmt="ods", lang="zh")
    with pytest.raises(ValueError):
        template(fmt="csv", lang="fr")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_imports_cleanly(en, fmt, lang):
    items = cleaned(parse_upload(f"template.{fmt}", template(fmt=fmt, lang=lang)))
    assert [(i["code"], i["amount"]) for i in items] == [("THC", Decimal("850.00")), ("STORAGE", Decimal("20.00"))]
    assert all(i["notes"] for i in items)  # each example row says it is an example


def test_media_types():
    assert MEDIA_TYPES == {"csv": "text/csv; charset=utf-8",
                           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert tabular.parse_upload is parse_upload


# -- into a draft ----------------------------------------------------------------------------------

def test_an_upload_becomes_a_draft(session):
    schedule = f.schedule(session)
    data = export_items(CANONICAL, fmt="xlsx", lang="zh")
    draft = drafts.create_draft(session, schedule, items=parse_upload("fees.xlsx", data, default_currency=schedule.currency))
    assert [item_content(i) for i in draft.items] == CANONICAL


def test_a_gb18030_upload_becomes_a_draft_with_the_schedule_currency(session):
    schedule = f.schedule(session)
    draft = drafts.create_draft(session, schedule, items=parse_upload("fees.csv", csv_bytes([ZH, *ZH_ROWS], "gb18030")))
    contents = [item_content(i) for i in draft.items]
    assert [(c["code"], c["amount"], c["currency"]) for c in contents] == [
        ("THC", "850.00", "CNY"), ("STORAGE", "20.00", "CNY"), ("DOC", "1200.50", "CNY")]
    assert contents[1]["tiers"][2] == {"from": "11", "to": None, "amount": "40.00"}

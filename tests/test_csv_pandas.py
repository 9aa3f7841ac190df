"""Every CSV of the API as a data user reads it: with pandas, with and without a BOM.

The CSV endpoints are taken from the OpenAPI document (every operation with a text/csv
answer), so a new one is checked as soon as it is described. For each: the media type,
the BOM exactly when asked, a header pandas reads as written, every cell as the CSV
module reads it (Chinese intact), money as exact decimal strings equal to what was
published, and no cell a spreadsheet would run as a formula (undone by unneutralise).
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from fees.tabular.values import unneutralise
from opendata import schema as opendata_schema
from opendata.api import compare, estimate, search
from opendata.api.openapi import build_document
from tests import factories as f

BOM = b"\xef\xbb\xbf"
MEDIA_TYPE = "text/csv; charset=utf-8"
FORMULA = "=1+1"
AT_FORMULA = "@SUM(A1:A9)"
CHINESE = ("码头操作费", "海沧示例码头", "厦门港", "集装箱业务收费", "调整收费标准")
TEXT_COLUMNS = {"service", "legal_basis", "notes", "change_note"}  # besides name_zh and the like
# Every amount the fixture publishes (items, minimums, tiers), as exact decimals.
PUBLISHED = {Decimal(a) for a in ("850.00", "935.00", "1234.56", "0.10", "50.00", "0.00", "20.00", "40.00",
                                  "888.88")}
# Columns that repeat a published amount as it is.
AMOUNT_COLUMNS = {"amount", "min_amount", "rate", "old_amount", "new_amount"}
MONEY = re.compile(r"^-?\d+\.\d{2}$")
# Endpoints that need parameters to give rows, and the columns of those that are not
# data sets of opendata.schema. A new CSV endpoint with required parameters fails the
# coverage test until it is added here.
QUERIES = {
    "/api/v1/compare.csv": {"code": "THC", "container": "40HQ", "direction": "export"},
    "/api/v1/search.csv": {"q": "码头操作费"},
    "/api/v1/estimate.csv": {"40HQ": "2", "direction": "export"},
}
HEADERS = {
    "/api/v1/compare.csv": list(compare.CSV_HEADER),
    "/api/v1/search.csv": list(search.COLUMNS),
    "/api/v1/estimate.csv": list(estimate.CSV_HEADER),
}
MONEY_COLUMNS = {
    "/api/v1/compare.csv": {"amount", "min_amount", "difference_from_median"},
    "/api/v1/search.csv": {"amount", "min_amount"},
    "/api/v1/estimate.csv": {"rate", "min_amount", "line_total", "entity_total"},
}


def csv_paths() -> list[str]:
    """Every path of the document whose GET answers text/csv."""
    paths = []
    for path, item in build_document()["paths"].items():
        answer = item.get("get", {}).get("responses", {}).get("200", {})
        if "text/csv" in answer.get("content", {}):
            paths.append(path)
    return paths


def parameters(document: dict, path: str) -> list[dict]:
    """The GET operation's parameters, with references followed."""
    found = []
    for param in document["paths"][path]["get"].get("parameters", []):
        if "$ref" in param:
            param = document["components"]["parameters"][param["$ref"].rsplit("/", 1)[-1]]
        found.append(param)
    return found


def collection_of(path: str):
    """The opendata.schema data set a /api/v1/<collection>.csv path serves, if any."""
    name = path.removeprefix("/api/v1/").removesuffix(".csv")
    return opendata_schema.BY_COLLECTION.get(name)


def expected_header(path: str) -> list[str] | None:
    """The columns the CSV must have, in order."""
    found = collection_of(path)
    return [fld.name for fld in found.fields] if found else HEADERS.get(path)


def money_columns(path: str) -> set[str]:
    """The columns that hold money."""
    found = collection_of(path)
    return {fld.name for fld in found.fields if fld.money} if found else MONEY_COLUMNS.get(path, set())


@pytest.fixture
def published(session, schedule):
    """Haicang's v2 with Chinese text, awkward amounts and formula-looking cells, and a
    rival's THC, both in effect today."""
    items = [
        f.thc("935", service="装卸船及场内搬运", legal_basis="厦港价〔2022〕1号"),
        f.thc("1234.56", container="20GP", min_amount="50", notes=FORMULA),
        {"code": "DOC", "name_zh": "单证费", "name_en": "Documentation fee", "unit": "per_bill",
         "amount": "0.10", "service": AT_FORMULA, "notes": "-按票收取"},
        f.storage(),
    ]
    f.publish(session, schedule, items, effective=date(2022, 6, 1), now=f.utc(2022, 4, 1))
    rival = f.schedule(session, f.entity(session, slug="rival-demo", name_zh="竞争示例码头"))
    f.publish(session, rival, [f.thc("888.88")], effective=date(2022, 5, 1), now=f.utc(2022, 4, 2))
    return schedule


def fetch(client, path: str, bom: bool):
    """The CSV of `path` with its query, with or without a BOM."""
    query = {**QUERIES.get(path, {}), "bom": "true" if bom else "false"}
    return client.get(path, query_string=query)


def read(body: bytes, bom: bool) -> tuple[pd.DataFrame, list[list[str]]]:
    """The CSV as pandas reads it, and as the csv module reads it."""
    frame = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig" if bom else "utf-8")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    return frame, rows


def test_every_csv_endpoint_is_covered():
    paths = csv_paths()
    assert "/api/v1/compare.csv" in paths and "/api/v1/log.csv" in paths
    document = build_document()
    for path in paths:
        params = parameters(document, path)
        names = [p["name"] for p in params]
        required = [p["name"] for p in params if p.get("required")]
        assert "bom" in names, f"{path} takes no ?bom="
        assert not required or path in QUERIES, f"{path} needs parameters: add a query to QUERIES"
        assert expected_header(path), f"{path}: add its columns to HEADERS"


@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "bom"])
def test_pandas_reads_every_csv_exactly(client, published, bom):
    for path in csv_paths():
        response = fetch(client, path, bom)
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        assert response.headers["Content-Type"] == MEDIA_TYPE, path
        body = response.data
        assert body.startswith(BOM) == bom, path
        frame, rows = read(body, bom)
        header, data = rows[0], rows[1:]
        assert list(frame.columns) == header == expected_header(path), path
        assert frame.values.tolist() == data and data, path  # every cell as written, Chinese intact
        if any(c.endswith("_zh") or c in TEXT_COLUMNS for c in header):
            text = "\n".join("\t".join(r) for r in data)
            assert any(word in text for word in CHINESE), path
        for column in money_columns(path) & set(header):
            for cell in frame[column]:
                assert cell == "" or MONEY.match(cell), (path, column, cell)
        for column in AMOUNT_COLUMNS & money_columns(path) & set(header):
            assert {Decimal(c) for c in frame[column] if c} <= PUBLISHED, (path, column)
        for cell in frame.values.ravel():
            assert not re.match(r"[=+@\t\r]", cell), (path, cell)
            assert not cell.startswith("-") or re.fullmatch(r"-\d+(\.\d+)?", cell), (path, cell)


def test_both_variants_hold_the_same_table(client, published):
    for path in csv_paths():
        plain, _ = read(fetch(client, path, False).data, False)
        with_bom, _ = read(fetch(client, path, True).data, True)
        assert plain.equals(with_bom), path


def test_fee_items_keep_amounts_chinese_and_formulas(client, published):
    frame, _ = read(fetch(client, "/api/v1/fee-items.csv", True).data, True)
    v2 = frame[(frame["entity"] == "haicang-demo") & (frame["version"] == "2")]
    thc = v2[(v2["code"] == "THC") & (v2["container"] == "40HQ")].iloc[0]
    assert Decimal(thc["amount"]) == Decimal("935.00") and thc["amount"] == "935.00"
    assert thc["name_zh"] == "码头操作费" and thc["legal_basis"] == "厦港价〔2022〕1号"
    thc20 = v2[(v2["code"] == "THC") & (v2["container"] == "20GP")].iloc[0]
    assert (thc20["amount"], thc20["min_amount"]) == ("1234.56", "50.00")
    assert thc20["notes"] == "'" + FORMULA and unneutralise(thc20["notes"]) == FORMULA
    doc = v2[v2["code"] == "DOC"].iloc[0]
    assert doc["amount"] == "0.10"
    assert unneutralise(doc["service"]) == AT_FORMULA and unneutralise(doc["notes"]) == "-按票收取"


def test_the_comparison_csv_ranks_the_published_amounts(client, published):
    frame, _ = read(fetch(client, "/api/v1/compare.csv", False).data, False)
    assert frame[["rank", "entity", "amount"]].values.tolist() == [["1", "rival-demo", "888.88"],
                                                                   ["2", "haicang-demo", "935.00"]]
    assert frame["entity_name_zh"].tolist() == ["竞争示例码头", "海沧示例码头"]

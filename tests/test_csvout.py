"""The one CSV writer: streamed, RFC 4180, optional BOM, safe from formula injection."""
from __future__ import annotations

import csv
import io

from fees.tabular.values import unneutralise
from opendata.csvout import CHUNK_CHARS, csv_lines, csv_response, safe_cell


def test_formulas_are_neutralised_and_numbers_are_not():
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [safe_cell(v) for v in ("+1", "@SUM(A1)", "\tx", "-x")] == ["'+1", "'@SUM(A1)", "'\tx", "'-x"]
    assert [safe_cell(v) for v in ("-50.00", "850.00", "12", None, True)] == ["-50.00", "850.00", "12", "", "true"]
    assert unneutralise(safe_cell("=1+1")) == "=1+1"


def test_lines_are_rfc_4180_with_an_optional_bom():
    text = "".join(csv_lines(["code", "名称"], [["THC", '码头,"操作"费'], ["DOC", "单证\n费"]], bom=True))
    assert text.startswith("\ufeffcode,名称\r\n")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["code", "名称"], ["THC", '码头,"操作"费'], ["DOC", "单证\n费"]]


def test_rows_are_streamed_in_pieces_without_reading_ahead():
    """Memory stays flat: a piece goes out once it is about CHUNK_CHARS long, and rows
    are read only as the pieces are taken."""
    produced = []

    def rows():
        for n in range(100_000):
            produced.append(n)
            yield [f"{n:09d}"]

    pieces = csv_lines(["n"], rows())
    first = next(pieces)
    assert CHUNK_CHARS <= len(first) < CHUNK_CHARS + 20
    assert first.startswith("n\r\n000000000\r\n")
    assert len(produced) == first.count("\r\n") - 1 < 100_000
    rest = "".join(pieces)
    assert len(produced) == 100_000 and (first + rest).count("\r\n") == 100_001


def test_response_headers(app):
    with app.test_request_context():
        response = csv_response(["a"], [["1"]], "x.csv")
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_one_reading_of_the_bom_flag():
    from opendata.csvout import parse_bom

    assert [parse_bom(v) for v in ("true", "1", "YES", " yes ")] == [True] * 4
    assert [parse_bom(v) for v in ("false", "0", "no", "", None)] == [False] * 5
    assert parse_bom("maybe") is None

"""/api/v1/search and /api/v1/search.csv: the page's rows as JSON and CSV, paging by cursor,
refusals, the CSV's safety, and the OpenAPI description."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openapi_spec_validator import validate as validate_spec

from fees.search import results
from fees.search.index import SearchUnavailable
from fees.types import utcnow
from fees.views.helpers import today
from tests import factories as f
from tests.schemas import conforms

API = "/api/v1/search"





@pytest.fixture
def many(session, schedule, searching):
    """Haicang's schedule with 24 THC items in effect from today (more than a page)."""
    items = [f.thc(str(800 + n), container=c, direction=d, cargo_class=k) for n, (c, d, k) in enumerate(
        (c, d, k) for c in ("20GP", "40GP", "40HQ", "45HQ") for d in ("import", "export", "both")
        for k in ("", "dangerous"))]
    f.publish(session, schedule, items, effective=today(), now=utcnow())
    return schedule


def csv_rows(response) -> list[dict]:
    """A CSV answer as dicts."""
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_json_conforms_and_pages_by_cursor(client, many):
    """Every page matches the documented schema; `next` walks every row once, then is null."""
    seen, url, pages = [], f"{API}?q=THC&limit=10", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/json"
        body = response.get_json()
        conforms(body, "SearchResult")
        assert body["total"] == 24 and body["on"] == today().isoformat() and body["query"] == "THC"
        seen += [item["item_id"] for item in body["items"]]
        url, pages = body["next"], pages + 1
    assert pages == 3 and len(seen) == len(set(seen)) == 24
    first = client.get(f"{API}?q=THC&limit=1").get_json()["items"][0]
    assert (first["code"], first["currency"], first["pricing_regime"]) == ("THC", "CNY", "market")
    assert re.fullmatch(r"\d+\.\d{2}", first["amount"]) and first["url"].endswith(f"#item-{first['item_id']}")
    nothing = client.get(f"{API}?q=!!!").get_json()  # no searchable word: an empty, well-formed answer
    conforms(nothing, "SearchResult")
    assert (nothing["total"], nothing["items"], nothing["next"]) == (0, [], None)


def test_json_csv_and_page_give_the_same_rows(client, many):
    """The page's first 20 rows, the JSON's and the CSV's are the same items in the same order;
    the CSV without a limit has every row."""
    page = client.get("/search?q=THC&kind=container_terminal&lang=en").get_data(as_text=True)
    on_page = [int(i) for i in re.findall(r"#item-(\d+)", page)[::2]]  # two links per row
    as_json = client.get(f"{API}?q=THC&kind=container_terminal&limit=20").get_json()
    as_csv = csv_rows(client.get(f"{API}.csv?q=THC&kind=container_terminal&limit=20"))
    assert len(on_page) == 20
    assert on_page == [i["item_id"] for i in as_json["items"]] == [int(r["item_id"]) for r in as_csv]
    assert [r["amount"] for r in as_csv] == [i["amount"] for i in as_json["items"]]
    every = csv_rows(client.get(f"{API}.csv?q=THC"))
    assert len(every) == 24 and [int(r["item_id"]) for r in every][:20] == on_page
    assert as_json["facets"]["kind"] == {"container_terminal": 24}


def test_csv_is_utf8_text_neutralises_formulas_and_takes_a_bom(client, session, searching):
    """text/csv; charset=utf-8, a BOM only when asked, and no cell a spreadsheet would run."""
    sched = f.schedule(session, f.entity(session, slug="odd-demo"))
    f.publish(session, sched, [{"code": "EVIL", "name_zh": "=1+2 恶意项目", "name_en": "@SUM(A1)",
                                "service": "-cmd", "unit": "per_bill", "amount": "10"}],
              effective=today(), now=utcnow())
    response = client.get(f"{API}.csv?q=恶意")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data(as_text=True)
    assert not text.startswith("\ufeff")
    [row] = csv_rows(response)
    assert (row["name_zh"], row["name_en"], row["service"], row["amount"]) == ("'=1+2 恶意项目", "'@SUM(A1)",
                                                                              "'-cmd", "10.00")
    assert client.get(f"{API}.csv?q=恶意&bom=true").get_data(as_text=True).startswith("\ufeff")


def test_bad_parameters_are_refused_with_every_problem(client, searching):
    """422 problem+json naming each bad parameter; nothing is searched."""
    response = client.get(f"{API}?q=&on=2020-13-01&kind=bogus&limit=0&cursor=zz")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert [e["field"] for e in body["errors"]] == ["on", "kind", "q", "limit", "cursor"]
    conforms(body, "Problem")
    assert client.get(f"{API}.csv?q=THC&regime=cheap").status_code == 422


def test_an_unavailable_index_is_a_503_and_a_message(client, schedule, searching, monkeypatch):
    """While another process builds the index: 503 with Retry-After for programs, a notice for people."""
    def busy(*args, **kwargs):
        """Another process holds the build lock."""
        raise SearchUnavailable("being built elsewhere")

    monkeypatch.setattr(results, "open_index", lambda: None)
    monkeypatch.setattr(results, "rebuild", busy)
    response = client.get(f"{API}?q=THC")
    assert response.status_code == 503 and response.headers["Retry-After"] == "10"
    assert response.mimetype == "application/problem+json"
    page = client.get("/search?q=THC&lang=en")
    assert page.status_code == 200 and "Search is unavailable for a moment" in page.get_data(as_text=True)


def test_the_openapi_document_describes_search(client):
    """Both routes are in the (still valid) document, with their parameters and schemas."""
    document = client.get("/api/v1/openapi.json").get_json()
    validate_spec(document)
    assert {"/api/v1/search", "/api/v1/search.csv"} <= set(document["paths"])
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in document["paths"][API]["get"]["parameters"]}
    assert {"SearchQ", "SearchOn", "SearchKind", "SearchBusinessLine", "SearchRegime", "SearchPort",
            "SearchCursor", "limit"} == names
    assert "search" in {tag["name"] for tag in document["tags"]}

"""The open-data collections of /api/v1: JSON pages and CSV, filters, paging, refusals,
and their OpenAPI description."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from fees.services import drafts, publishing, registry
from fees.views.helpers import today
from opendata.api.collections import COLLECTIONS, PARAMS
from opendata.api.openapi import build_document
from opendata.api.openapi_collections import ROW_NAMES
from opendata.schema import CHANGES, ENTITIES, FEE_ITEMS
from tests import factories as f
from tests.schemas import conforms

DOC = {"code": "DOC", "name_zh": "单证费", "name_en": "Documentation fee", "unit": "per_bill", "amount": "50"}


@pytest.fixture
def world(session, schedule):
    """Haicang (verified terminal): v1 (THC 850 + tiered storage, 2022), v2 (THC 900 whose
    notes look like a formula, DOC added, storage removed, 2023), v3 withdrawn, v4 upcoming
    (2099), a draft; a customs broker at another port with an e-commerce schedule."""
    entity = schedule.entity
    entity.verified = True
    session.commit()
    f.publish(session, schedule, [f.thc("900", notes="=1+1"), DOC], effective=date(2023, 1, 1),
              now=f.utc(2022, 11, 1))
    withdrawn = f.publish(session, schedule, [f.thc("999")], effective=date(2099, 1, 1), now=f.utc(2025, 1, 1))
    publishing.withdraw_version(session, withdrawn.id, reason="录入错误", now=f.utc(2025, 2, 1))
    f.publish(session, schedule, [f.thc("950"), DOC], effective=date(2099, 6, 1), now=f.utc(2025, 3, 1))
    drafts.create_draft(session, schedule, items=[f.thc("1.23", name_zh="草稿费")])
    registry.create_port(session, locode="CNSHA", name_zh="上海港", name_en="Port of Shanghai")
    broker = registry.create_entity(session, slug="shanghai-broker", name_zh="上海示例报关行", kind="customs_broker",
                                    port_locode="CNSHA", uscc=f.valid_uscc(f.next_serial()))
    customs = f.schedule(session, broker, slug="ecommerce", business_line="ecommerce", name_zh="跨境电商收费")
    f.publish(session, customs, [{"code": "CUSTOMS_DECL", "name_zh": "清关服务费", "name_en": "Customs clearance",
                                  "service": "申报、审单 100% online", "unit": "per_order", "amount": "3.5",
                                  "min_amount": "100"}],
              effective=date(2022, 5, 1), now=f.utc(2022, 4, 1))
    return {"schedule": schedule, "customs": customs}


def items(client, url: str) -> list[dict]:
    """Every item of a collection URL, following `next` links."""
    found = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        found += body["items"]
        url = body["next"]
    return found


def csv_rows(response) -> list[list[str]]:
    """A CSV answer's rows (header first)."""
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def problem_fields(response) -> set[str]:
    """The parameters a 422 problem names."""
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    return {e["field"] for e in response.get_json()["errors"]}


# -- the description ------------------------------------------------------------------------

def test_every_route_of_the_api_blueprint_is_in_the_document(app):
    paths = build_document()["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        assert path in paths, path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], (path, method)


def test_row_schemas_are_the_data_sets_fields():
    schemas = build_document()["components"]["schemas"]
    for resource in COLLECTIONS:
        row = schemas[ROW_NAMES[resource.name]]
        assert tuple(row["properties"]) == resource.field_names
        assert row["required"] == list(resource.field_names)
        for field in resource.fields:
            assert field.en in row["properties"][field.name]["description"]
            assert field.zh in row["properties"][field.name]["description"]
    assert schemas["FeeItem"]["properties"]["amount"]["type"] == "string"
    assert {"type": "null"} in schemas["FeeItem"]["properties"]["min_amount"]["anyOf"]


def test_every_filter_is_described():
    paths = build_document()["paths"]
    for resource in COLLECTIONS:
        for suffix in ("", ".csv"):
            described = {p.get("name") for p in paths[f"/api/v1/{resource.collection}{suffix}"]["get"]["parameters"]}
            assert {p.name for p in PARAMS[resource.name]} <= described


@pytest.mark.parametrize("resource", COLLECTIONS, ids=lambda r: r.collection)
def test_json_pages_conform_to_the_document(client, world, resource):
    response = client.get(f"/api/v1/{resource.collection}?limit=2")
    assert response.status_code == 200
    body = response.get_json()
    conforms(body, f"{ROW_NAMES[resource.name]}Page")
    assert body["items"]
    for item in body["items"]:
        assert tuple(item) == resource.field_names


# -- JSON and CSV ---------------------------------------------------------------------------

@pytest.mark.parametrize("resource", COLLECTIONS, ids=lambda r: r.collection)
def test_csv_has_the_same_rows_as_json(client, world, resource):
    response = client.get(f"/api/v1/{resource.collection}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{resource.name}.csv"' in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert tuple(rows[0]) == resource.field_names
    json_rows = items(client, f"/api/v1/{resource.collection}?limit=3")
    assert len(rows) - 1 == len(json_rows)
    key = resource.field_names.index(resource.primary_key[0])
    assert [r[key] for r in rows[1:]] == [str(r[resource.primary_key[0]]) for r in json_rows]


def test_csv_keeps_chinese_money_exact_and_neutralises_formulas(client, world):
    plain = client.get("/api/v1/fee-items.csv")
    with_bom = client.get("/api/v1/fee-items.csv?bom=true")
    assert with_bom.data.startswith(b"\xef\xbb\xbf") and not plain.data.startswith(b"\xef\xbb\xbf")
    assert with_bom.data[3:] == plain.data
    rows = [dict(zip(FEE_ITEMS.field_names, r)) for r in csv_rows(with_bom)[1:]]
    customs = next(r for r in rows if r["code"] == "CUSTOMS_DECL")
    assert customs["name_zh"] == "清关服务费" and customs["service"] == "申报、审单 100% online"
    assert Decimal(customs["amount"]) == Decimal("3.5") and customs["amount"] == "3.50"
    assert customs["tiers"] == "" and customs["min_amount"] == "100.00"
    storage = next(r for r in rows if r["code"] == "STORAGE")
    assert storage["tiers"] == "1-4:0.00; 5-10:20.00; 11+:40.00"
    assert next(r for r in rows if r["notes"].endswith("=1+1"))["notes"] == "'=1+1"


def test_json_money_is_a_string_beside_its_currency(client, world):
    found = items(client, "/api/v1/fee-items?code=CUSTOMS_DECL")
    assert [(r["amount"], r["min_amount"], r["currency"]) for r in found] == [("3.50", "100.00", "CNY")]
    storage = items(client, "/api/v1/fee-items?code=STORAGE")[0]
    assert storage["tiers"][1] == {"from": "5", "to": "10", "amount": "20.00"}
    assert next(r for r in items(client, "/api/v1/fee-items") if r["notes"])["notes"] == "=1+1"  # JSON: as published


def test_bad_bom_is_refused(client, world):
    assert problem_fields(client.get("/api/v1/entities.csv?bom=maybe")) == {"bom"}


# -- public rows only -----------------------------------------------------------------------

def test_drafts_are_invisible(client, world):
    assert "1.23" not in {r["amount"] for r in items(client, "/api/v1/fee-items")}
    assert "草稿费" not in client.get("/api/v1/fee-items.csv").get_data(as_text=True)
    versions = items(client, "/api/v1/versions?entity=haicang-demo")
    assert [(v["number"], v["status"]) for v in versions] == [
        (1, "published"), (2, "published"), (3, "withdrawn"), (4, "published")]
    assert {c["version"] for c in items(client, "/api/v1/changes?entity=haicang-demo")} == {1, 2, 4}


# -- filters --------------------------------------------------------------------------------

def slugs(client, url: str, key: str = "slug") -> list:
    return [r[key] for r in items(client, url)]


def test_entity_filters(client, world):
    assert slugs(client, "/api/v1/entities") == ["haicang-demo", "shanghai-broker"]
    assert slugs(client, "/api/v1/entities?kind=customs_broker") == ["shanghai-broker"]
    assert slugs(client, "/api/v1/entities?port=CNXMN") == ["haicang-demo"]
    assert slugs(client, "/api/v1/entities?verified=true") == ["haicang-demo"]
    assert slugs(client, "/api/v1/entities?verified=false&port=CNSHA") == ["shanghai-broker"]
    assert slugs(client, "/api/v1/entities?verified=true&port=CNSHA") == []
    assert slugs(client, "/api/v1/ports", "locode") == ["CNSHA", "CNXMN"]


def test_schedule_and_catalog_filters(client, world):
    assert slugs(client, "/api/v1/schedules?entity=shanghai-broker") == ["ecommerce"]
    assert slugs(client, "/api/v1/schedules?business_line=port") == ["container"]
    codes = slugs(client, "/api/v1/catalog?business_line=ecommerce", "code")
    assert codes and all(r["business_line"] == "ecommerce" for r in items(client, "/api/v1/catalog?business_line=ecommerce"))
    assert "THC" in slugs(client, "/api/v1/catalog?pricing_regime=market", "code") or \
        "THC" in slugs(client, "/api/v1/catalog", "code")


def test_version_filters_and_the_day_in_effect(client, world):
    numbers = lambda url: [(v["entity"], v["number"]) for v in items(client, url)]  # noqa: E731
    assert numbers("/api/v1/versions?schedule=container&status=withdrawn") == [("haicang-demo", 3)]
    assert numbers("/api/v1/versions?on=2022-06-01") == [("haicang-demo", 1), ("shanghai-broker", 1)]
    assert numbers("/api/v1/versions?on=2022-04-01") == [("haicang-demo", 1)]
    assert numbers("/api/v1/versions?current=true") == [("haicang-demo", 2), ("shanghai-broker", 1)]
    # the withdrawn version 3 would have taken effect on 2099-01-01: it never does
    assert numbers("/api/v1/versions?on=2099-03-01&entity=haicang-demo") == [("haicang-demo", 2)]
    assert numbers("/api/v1/versions?on=2099-06-01&entity=haicang-demo") == [("haicang-demo", 4)]
    assert numbers("/api/v1/versions?current=false&business_line=ecommerce") == [("shanghai-broker", 1)]


def test_fee_items_in_effect(client, world):
    def thc(url):
        return [r["amount"] for r in items(client, url) if r["code"] == "THC"]

    assert thc("/api/v1/fee-items") == ["850.00", "900.00", "999.00", "950.00"]
    assert thc("/api/v1/fee-items?current=true") == ["900.00"]  # the upcoming 950 is not in effect today
    assert thc(f"/api/v1/fee-items?on={today().isoformat()}") == ["900.00"]
    assert thc("/api/v1/fee-items?on=2022-12-31") == ["850.00"]
    assert thc("/api/v1/fee-items?on=2099-02-01") == ["900.00"]  # never the withdrawn 999
    assert thc("/api/v1/fee-items?on=2100-01-01") == ["950.00"]
    assert thc("/api/v1/fee-items?on=2022-01-01") == []
    assert thc(f"/api/v1/fee-items?on={(today() + timedelta(days=1)).isoformat()}&current=true") == ["900.00"]


@pytest.mark.parametrize("query, expected", [
    ("entity=shanghai-broker", ["CUSTOMS_DECL"]),
    ("port=CNSHA", ["CUSTOMS_DECL"]),
    ("kind=customs_broker", ["CUSTOMS_DECL"]),
    ("business_line=ecommerce", ["CUSTOMS_DECL"]),
    ("schedule=container&version=2", ["THC", "DOC"]),
    ("code=STORAGE", ["STORAGE"]),
    ("container=20GP", ["STORAGE"]),
    ("container=&entity=haicang-demo", ["DOC", "DOC"]),
    ("direction=export&version=1", ["THC"]),
    ("direction=both&current=true", ["DOC", "CUSTOMS_DECL"]),
    ("cargo_class=dangerous", []),
    ("unit=per_order", ["CUSTOMS_DECL"]),
    ("q=thc&version=4", ["THC"]),
    ("q=terminal handling&version=1", ["THC"]),
    ("q=单证", ["DOC", "DOC"]),
    ("q=100%25", ["CUSTOMS_DECL"]),  # % is a character, not a wildcard
    ("q=1%25", []),
    ("q=审单", ["CUSTOMS_DECL"]),
    ("q=T_C", []),  # _ too: THC does not match
    ("q=s_d", ["CUSTOMS_DECL"]),
])
def test_fee_item_filters(client, world, query, expected):
    assert [r["code"] for r in items(client, f"/api/v1/fee-items?{query}")] == expected
    csv_codes = [r[FEE_ITEMS.field_names.index("code")] for r in csv_rows(client.get(f"/api/v1/fee-items.csv?{query}"))[1:]]
    assert csv_codes == expected


def test_version_id_filter(client, world):
    version_id = items(client, "/api/v1/versions?entity=shanghai-broker")[0]["id"]
    assert [r["code"] for r in items(client, f"/api/v1/fee-items?version_id={version_id}")] == ["CUSTOMS_DECL"]


def test_change_filters(client, world):
    def changes(query):
        return [(c["entity"], c["version"], c["status"], c["code"]) for c in items(client, f"/api/v1/changes?{query}")]

    assert changes("entity=haicang-demo&code=THC") == [
        ("haicang-demo", 1, "added", "THC"), ("haicang-demo", 2, "changed", "THC"), ("haicang-demo", 4, "changed", "THC")]
    assert changes("status=removed") == [("haicang-demo", 2, "removed", "STORAGE")]
    assert changes("since=2023-01-01&until=2098-12-31") == [
        ("haicang-demo", 2, "changed", "THC"), ("haicang-demo", 2, "added", "DOC"), ("haicang-demo", 2, "removed", "STORAGE")]
    assert changes("schedule=ecommerce") == [("shanghai-broker", 1, "added", "CUSTOMS_DECL")]
    assert changes("code=DOC&status=added") == [("haicang-demo", 2, "added", "DOC")]
    # version 2 has no STORAGE item, its previous version has: its removal is found
    assert changes("code=STORAGE") == [("haicang-demo", 1, "added", "STORAGE"), ("haicang-demo", 2, "removed", "STORAGE")]
    assert changes("container=20GP&direction=both") == [("haicang-demo", 1, "added", "STORAGE"),
                                                        ("haicang-demo", 2, "removed", "STORAGE")]
    thc = items(client, "/api/v1/changes?code=THC&since=2023-01-01")
    assert [(c["old_amount"], c["new_amount"], c["amount_change"], c["amount_change_pct"], c["changed_fields"])
            for c in thc] == [("850.00", "900.00", "50.00", "5.88", "amount notes"),
                              ("900.00", "950.00", "50.00", "5.56", "amount notes")]


def test_filtered_changes_page_through_every_match(client, world):
    everything = items(client, "/api/v1/changes?code=THC")
    assert items(client, "/api/v1/changes?code=THC&limit=1") == everything and len(everything) == 3
    rows = csv_rows(client.get("/api/v1/changes.csv?code=THC"))
    assert [r[CHANGES.field_names.index("status")] for r in rows[1:]] == ["added", "changed", "changed"]


# -- refusals -------------------------------------------------------------------------------

@pytest.mark.parametrize("url, fields", [
    ("/api/v1/entities?kind=terminal", {"kind"}),
    ("/api/v1/entities?verified=yes", {"verified"}),
    ("/api/v1/entities?port=xiamen", {"port"}),
    ("/api/v1/fee-items?direction=out&container=99XX&on=2024-02-30", {"direction", "container", "on"}),
    ("/api/v1/fee-items?code=thc", {"code"}),
    ("/api/v1/fee-items?entity=Haicang Demo", {"entity"}),
    ("/api/v1/fee-items?version=0&version_id=x", {"version", "version_id"}),
    ("/api/v1/fee-items?q=" + "x" * 101, {"q"}),
    ("/api/v1/fee-items?current=yes", {"current"}),
    ("/api/v1/versions?status=draft", {"status"}),
    ("/api/v1/changes?since=yesterday&status=unchanged", {"since", "status"}),
    ("/api/v1/schedules?limit=0", {"limit"}),
    ("/api/v1/schedules?limit=1001", {"limit"}),
    ("/api/v1/catalog?cursor=bogus", {"cursor"}),
    ("/api/v1/entities?cursor=" + "eyJhZnRlciI6IFsxXX0", {"cursor"}),  # {"after": [1]}: not a slug key
    ("/api/v1/fee-items.csv?direction=out", {"direction"}),
])
def test_bad_values_are_refused_naming_each_parameter(client, world, url, fields):
    assert problem_fields(client.get(url)) == fields


def test_unknown_enum_values_list_the_accepted_ones(client, world):
    body = client.get("/api/v1/fee-items?direction=out").get_json()
    message = body["errors"][0]["message"]
    assert "import" in message and "export" in message and "both" in message
    assert body["status"] == 422 and body["title"]


def test_nul_in_text_matches_nothing(client, world):
    assert client.get("/api/v1/fee-items?q=%00").get_json() == {"items": [], "next": None}


# -- paging ---------------------------------------------------------------------------------

def test_pages_follow_next_and_link_headers(client, world):
    everything = items(client, "/api/v1/fee-items?limit=1000")
    first = client.get("/api/v1/fee-items?entity=haicang-demo&limit=2")
    body = first.get_json()
    assert len(body["items"]) == 2
    assert body["next"].startswith("/api/v1/fee-items?") and "entity=haicang-demo" in body["next"]
    assert "limit=2" in body["next"] and "cursor=" in body["next"]
    assert first.headers["Link"] == f'<{body["next"]}>; rel="next"'
    paged = items(client, "/api/v1/fee-items?entity=haicang-demo&limit=2")
    assert paged == [r for r in everything if r["entity"] == "haicang-demo"]
    last = client.get("/api/v1/fee-items?entity=shanghai-broker")
    assert last.get_json()["next"] is None and "Link" not in last.headers


def test_an_exact_last_page_has_no_next(client, world):
    count = len(items(client, "/api/v1/versions"))
    response = client.get(f"/api/v1/versions?limit={count}")
    assert len(response.get_json()["items"]) == count and response.get_json()["next"] is None


@pytest.mark.parametrize("resource", [r for r in COLLECTIONS], ids=lambda r: r.collection)
def test_one_row_per_page_sees_every_row_once(client, world, resource):
    url = f"/api/v1/{resource.collection}"
    assert items(client, f"{url}?limit=1") == items(client, url)


def test_log_pages_carry_the_link_header_too(client, world):
    response = client.get("/api/v1/log?limit=2")
    assert response.headers["Link"] == f'<{response.get_json()["next"]}>; rel="next"'


def test_text_keys_page_too(client, world):
    first = client.get("/api/v1/entities?limit=1").get_json()
    assert [e["slug"] for e in first["items"]] == ["haicang-demo"]
    assert [e["slug"] for e in client.get(first["next"]).get_json()["items"]] == ["shanghai-broker"]
    assert tuple(first["items"][0]) == ENTITIES.field_names


@pytest.mark.parametrize("query", ["status=added", "status=removed", "status=changed", "code=THC", "code=STORAGE",
                                   "container=20GP", "container=", "direction=both", "direction=import",
                                   "cargo_class=", "status=removed&container=20GP", "status=added&code=DOC"])
def test_changes_narrowed_in_sql_lose_no_row(client, world, query):
    """The SQL narrowing of changes only skips versions that cannot have a matching row."""
    wanted = dict(pair.split("=") for pair in query.split("&"))
    everything = items(client, "/api/v1/changes")
    expected = [r for r in everything if all(r[k] == v for k, v in wanted.items())]
    assert items(client, f"/api/v1/changes?{query}") == expected
    assert items(client, f"/api/v1/changes?{query}&limit=1") == expected

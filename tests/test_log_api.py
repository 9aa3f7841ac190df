"""The publication log as open data: /api/v1/log (JSON, CSV), versions.jsonl, the server's
verification (which must name the first bad entry after tampering), and the Merkle tree."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date

import pytest
from sqlalchemy import select, text

from fees import merkle
from fees.canonical import GENESIS_HASH, canonical_bytes
from fees.models import ScheduleVersion
from fees.services import publishing
from fees.services.ledger import version_hash
from tests import factories as f
from tests.schemas import conforms
from tests.test_cli import triggers_off

FIELDS = ["seq", "action", "recorded_at", "entity", "schedule", "version", "effective_from", "content_sha256",
          "prev_hash", "entry_hash"]


@pytest.fixture
def history(session, schedule):
    """Haicang: v1 (seq 1), v2 (seq 2), v3 published (seq 3) and withdrawn (seq 4); then a rival's
    e-commerce v1 (seq 5)."""
    f.publish(session, schedule, [f.thc("900"), f.storage()], effective=date(2022, 6, 1), now=f.utc(2022, 4, 1))
    v3 = f.publish(session, schedule, [f.thc("950")], effective=date(2022, 9, 1), now=f.utc(2022, 7, 1))
    publishing.withdraw_version(session, v3.id, reason="Typo", now=f.utc(2022, 7, 2))
    rival = f.schedule(session, f.entity(session, slug="rival-demo"), slug="ecommerce", business_line="ecommerce")
    f.publish(session, rival, [f.thc("700", name_zh="码头操作费（“特殊”）")], effective=date(2022, 8, 1),
              now=f.utc(2022, 7, 5))
    return schedule


def entry_leaf(record: dict) -> bytes:
    """The Merkle leaf of a log record, rebuilt from the record alone (docs/PUBLICATION_LOG.md)."""
    content = {k: v for k, v in record.items() if k != "entry_hash"} | {"format": "openportfees/log-entry/1"}
    return merkle.leaf_hash(canonical_bytes(content))


def all_entries(client) -> list[dict]:
    """Every entry, from /api/v1/log."""
    return client.get("/api/v1/log").get_json()["items"]


def problem(response, status: int, fields: list[str] | None = None) -> dict:
    """Assert a problem+json answer (with these field errors, if given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    if fields is not None:
        assert [e["field"] for e in body["errors"]] == fields
    return body


# -- the log --------------------------------------------------------------------------

def test_the_log_as_json(client, history):
    response = client.get("/api/v1/log")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    conforms(body, "LogPage")
    assert body["next"] is None
    items = body["items"]
    assert [(e["seq"], e["action"], e["entity"], e["schedule"], e["version"]) for e in items] == [
        (1, "publish", "haicang-demo", "container", 1), (2, "publish", "haicang-demo", "container", 2),
        (3, "publish", "haicang-demo", "container", 3), (4, "withdraw", "haicang-demo", "container", 3),
        (5, "publish", "rival-demo", "ecommerce", 1)]
    assert sorted(items[0]) == sorted(FIELDS)
    assert items[0]["recorded_at"] == "2022-01-10T02:00:00Z" and items[1]["effective_from"] == "2022-06-01"
    assert items[3]["content_sha256"] == items[2]["content_sha256"]
    prev = GENESIS_HASH
    for entry in items:  # the chain re-computes from the records alone
        assert entry["prev_hash"] == prev
        content = {k: v for k, v in entry.items() if k != "entry_hash"} | {"format": "openportfees/log-entry/1"}
        assert hashlib.sha256(canonical_bytes(content)).hexdigest() == entry["entry_hash"]
        prev = entry["entry_hash"]


def test_pages_follow_next_links_by_seq(client, history):
    first = client.get("/api/v1/log?limit=2").get_json()
    assert [e["seq"] for e in first["items"]] == [1, 2]
    assert first["next"].startswith("/api/v1/log?") and "limit=2" in first["next"]
    second = client.get(first["next"]).get_json()
    assert [e["seq"] for e in second["items"]] == [3, 4]
    third = client.get(second["next"]).get_json()
    assert [e["seq"] for e in third["items"]] == [5] and third["next"] is None
    assert [e["seq"] for e in client.get("/api/v1/log?after=3").get_json()["items"]] == [4, 5]
    assert client.get("/api/v1/log?after=5").get_json() == {"items": [], "next": None}


def test_a_page_boundary_does_not_move_when_entries_are_appended(client, session, history):
    first = client.get("/api/v1/log?limit=4").get_json()
    f.publish(session, history, [f.thc("990")], effective=date(2023, 1, 1), now=f.utc(2022, 11, 1))
    rest = client.get(first["next"]).get_json()
    assert [e["seq"] for e in rest["items"]] == [5, 6]


def test_filters(client, history):
    rival = client.get("/api/v1/log?entity=rival-demo").get_json()["items"]
    assert [e["seq"] for e in rival] == [5]
    withdrawals = client.get("/api/v1/log?action=withdraw&schedule=container").get_json()["items"]
    assert [e["seq"] for e in withdrawals] == [4]
    paged = client.get("/api/v1/log?action=publish&limit=2").get_json()
    following = client.get(paged["next"]).get_json()
    assert [e["seq"] for e in paged["items"] + following["items"]] == [1, 2, 3, 5]


@pytest.mark.parametrize("query, fields", [
    ("limit=0", ["limit"]), ("limit=10001", ["limit"]), ("limit=ten", ["limit"]), ("after=-1", ["after"]),
    ("cursor=not-ours", ["cursor"]), ("action=delete", ["action"]), ("after=x&limit=0", ["after", "limit"]),
    ("after=2147483648", ["after"]), ("entity=Not_A_Slug", ["entity"]), ("schedule=a--b&entity=-x", ["entity", "schedule"]),
])
def test_bad_log_parameters(client, history, query, fields):
    problem(client.get(f"/api/v1/log?{query}"), 422, fields)


def test_an_empty_optional_parameter_means_not_given(client, history):
    everything = client.get("/api/v1/log").get_json()["items"]
    assert client.get("/api/v1/log?schedule=&entity=&after=").get_json()["items"] == everything


def test_a_number_beyond_32_bits_is_no_entry_not_a_database_error(client, history):
    assert client.get(f"/api/v1/log/proof/{2**31}").status_code == 404


def test_the_log_as_csv(client, history):
    response = client.get("/api/v1/log.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="publication-log.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == FIELDS
    assert rows[1:] == [[str(e[k]) for k in FIELDS] for e in all_entries(client)]
    with_bom = client.get("/api/v1/log.csv?bom=true&entity=rival-demo")
    assert with_bom.data.startswith("\ufeff".encode()) and with_bom.data.count(b"\r\n") == 2
    problem(client.get("/api/v1/log.csv?bom=maybe"), 422, ["bom"])


# -- versions.jsonl -------------------------------------------------------------------

def test_versions_jsonl_holds_each_logged_versions_canonical_content(client, session, history):
    response = client.get("/api/v1/log/versions.jsonl")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert response.headers["Content-Disposition"] == 'attachment; filename="versions.jsonl"'
    assert response.data.endswith(b"\n")
    lines = response.data.split(b"\n")[:-1]
    publications = [e for e in all_entries(client) if e["action"] == "publish"]
    assert len(lines) == len(publications) == 4
    for line, entry in zip(lines, publications):
        document = json.loads(line)
        conforms(document, "VersionContent")
        assert canonical_bytes(document) == line  # canonical: one way to write it
        assert hashlib.sha256(line).hexdigest() == entry["content_sha256"]
        assert (document["entity"], document["schedule"], document["number"]) == \
            (entry["entity"], entry["schedule"], entry["version"])
    stored = session.scalars(select(ScheduleVersion).where(ScheduleVersion.status != "draft")
                             .order_by(ScheduleVersion.id)).all()
    assert sorted(hashlib.sha256(line).hexdigest() for line in lines) == sorted(version_hash(v) for v in stored)
    assert "码头操作费（“特殊”）".encode() in lines[3]  # UTF-8 as it is, not \u escapes
    withdrawn = json.loads(lines[2])
    assert withdrawn["number"] == 3 and withdrawn["items"][0]["amount"] == "950.00"


def test_versions_jsonl_up_to_an_entry(client, history):
    assert client.get("/api/v1/log/versions.jsonl?through=2").data.count(b"\n") == 2
    assert client.get("/api/v1/log/versions.jsonl?through=4").data.count(b"\n") == 3
    assert client.get("/api/v1/log/versions.jsonl?through=0").data == b""
    problem(client.get("/api/v1/log/versions.jsonl?through=last"), 422, ["through"])


# -- the server's verification ------------------------------------------------------

def test_verify_an_honest_log(client, history):
    response = client.get("/api/v1/log/verify")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    conforms(body, "LogVerification")
    entries = all_entries(client)
    assert (body["verified"], body["entries"], body["problems"]) == (True, 5, [])
    assert body["head"] == {"seq": 5, "entry_hash": entries[-1]["entry_hash"]}
    assert body["merkle_root"] == client.get("/api/v1/log/tree").get_json()["root"]
    assert body["checked_at"].endswith("Z")


def _verify_after(client, session, sql: str, params: dict | None = None) -> dict:
    """The verification report after an attacker with database access ran `sql`."""
    with triggers_off(session):
        session.execute(text(sql), params or {})
        session.commit()
        response = client.get("/api/v1/log/verify")
    assert response.status_code == 200  # a failed check is a finding, not a failed request
    body = response.get_json()
    conforms(body, "LogVerification")
    assert body["verified"] is False
    return body


def test_verify_names_a_version_whose_amount_was_altered(client, session, history):
    v2 = session.scalar(select(ScheduleVersion).where(ScheduleVersion.number == 2))
    body = _verify_after(client, session, "UPDATE fee_item SET amount = 1 WHERE version_id = :v", {"v": v2.id})
    assert body["problems"][0]["seq"] == 2 and "altered" in body["problems"][0]["reason"]


def test_verify_names_an_altered_entry(client, session, history):
    body = _verify_after(client, session, "UPDATE publication_log SET effective_from = '2022-05-01' WHERE seq = 3")
    assert body["problems"][0] == {"seq": 3, "reason": "entry_hash does not match the entry's content"}


def test_verify_names_a_deleted_entry(client, session, history):
    body = _verify_after(client, session, "DELETE FROM publication_log WHERE seq = 2")
    assert body["problems"][0] == {"seq": 2, "reason": "entry missing from the sequence"}
    assert body["entries"] == 4


def test_verify_notices_the_last_entry_deleted(client, session, history):
    body = _verify_after(client, session, "DELETE FROM publication_log WHERE seq = 5")
    assert body["problems"][0]["seq"] == 5 and "entries removed" in body["problems"][0]["reason"]


def test_verification_is_rate_limited(client, history):
    for _ in range(12):
        assert client.get("/api/v1/log/verify").status_code == 200
    limited = client.get("/api/v1/log/verify")
    problem(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0


# -- the Merkle tree ------------------------------------------------------------------

def test_tree_head(client, history):
    leaves = [entry_leaf(e) for e in all_entries(client)]
    response = client.get("/api/v1/log/tree")
    assert response.status_code == 200
    body = response.get_json()
    conforms(body, "MerkleTree")
    assert body == {"size": 5, "root": merkle.root(leaves).hex()}
    assert client.get("/api/v1/log/tree?size=2").get_json() == {"size": 2, "root": merkle.root(leaves[:2]).hex()}
    assert client.get("/api/v1/log/tree?size=0").get_json()["root"] == merkle.EMPTY_ROOT.hex()
    problem(client.get("/api/v1/log/tree?size=6"), 422, ["size"])
    problem(client.get("/api/v1/log/tree?size=two"), 422, ["size"])


def test_the_tree_of_an_empty_log(client):
    assert client.get("/api/v1/log/tree").get_json() == {"size": 0, "root": hashlib.sha256(b"").hexdigest()}
    assert client.get("/api/v1/log").get_json() == {"items": [], "next": None}
    assert client.get("/api/v1/log/versions.jsonl").data == b""
    assert client.get("/api/v1/log/verify").get_json()["verified"] is True


def test_inclusion_proofs_verify_for_every_entry(client, history):
    entries = all_entries(client)
    root = bytes.fromhex(client.get("/api/v1/log/tree").get_json()["root"])
    for entry in entries:
        response = client.get(f"/api/v1/log/proof/{entry['seq']}")
        assert response.status_code == 200
        proof = response.get_json()
        conforms(proof, "InclusionProof")
        assert (proof["seq"], proof["leaf_index"], proof["tree_size"], proof["entry"]) == \
            (entry["seq"], entry["seq"] - 1, 5, entry)
        assert proof["leaf_hash"] == entry_leaf(entry).hex() and proof["root"] == root.hex()
        assert merkle.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), proof["leaf_index"], proof["tree_size"],
                                       [bytes.fromhex(h) for h in proof["audit_path"]], root)


def test_inclusion_proof_in_an_older_tree(client, history):
    proof = client.get("/api/v1/log/proof/2?tree_size=3").get_json()
    old_root = client.get("/api/v1/log/tree?size=3").get_json()["root"]
    assert (proof["tree_size"], proof["root"]) == (3, old_root)
    assert merkle.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), 1, 3,
                                   [bytes.fromhex(h) for h in proof["audit_path"]], bytes.fromhex(old_root))
    problem(client.get("/api/v1/log/proof/3?tree_size=2"), 422, ["tree_size"])
    problem(client.get("/api/v1/log/proof/3?tree_size=6"), 422, ["tree_size"])
    problem(client.get("/api/v1/log/proof/9"), 404)


def test_appending_keeps_old_roots_and_proves_it(client, session, history):
    before = client.get("/api/v1/log/tree").get_json()
    f.publish(session, history, [f.thc("990")], effective=date(2023, 1, 1), now=f.utc(2022, 11, 1))
    after = client.get("/api/v1/log/tree").get_json()
    assert after["size"] == 6 and after["root"] != before["root"]
    assert client.get("/api/v1/log/tree?size=5").get_json() == before
    response = client.get("/api/v1/log/consistency?first=5")
    assert response.status_code == 200
    body = response.get_json()
    conforms(body, "ConsistencyProof")
    assert (body["first"], body["second"], body["first_root"], body["second_root"]) == \
        (5, 6, before["root"], after["root"])
    assert merkle.verify_consistency(5, 6, bytes.fromhex(before["root"]), bytes.fromhex(after["root"]),
                                     [bytes.fromhex(h) for h in body["proof"]])
    assert client.get("/api/v1/log/consistency?first=2&second=4").get_json()["second_root"] == \
        client.get("/api/v1/log/tree?size=4").get_json()["root"]


@pytest.mark.parametrize("query, fields", [
    ("", ["first"]), ("first=0", ["first"]), ("first=4&second=3", ["first"]), ("first=1&second=6", ["second"]),
    ("first=x", ["first"]),
])
def test_bad_consistency_parameters(client, history, query, fields):
    problem(client.get(f"/api/v1/log/consistency?{query}"), 422, fields)


def test_the_tree_follows_tampering_with_an_entry(client, session, history):
    before = client.get("/api/v1/log/tree").get_json()["root"]
    with triggers_off(session):
        session.execute(text("UPDATE publication_log SET recorded_at = '2022-04-02 02:00:00' WHERE seq = 2"))
        session.commit()
        after = client.get("/api/v1/log/tree").get_json()["root"]
    assert after != before


def test_a_forged_cursor_beyond_32_bits_is_refused(client, history):
    from opendata.pagination import encode_cursor
    problem(client.get(f"/api/v1/log?cursor={encode_cursor('after', 2**31)}"), 422, ["cursor"])

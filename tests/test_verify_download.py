"""scripts/verify_download.py, the standalone verifier, run as a data user would run it: a
separate Python process with the standard library only (-I -S: no site-packages, no app),
on files downloaded from the API. Honest downloads pass; every tampering is named."""
from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from werkzeug.serving import make_server

from fees import merkle
from fees.models import ScheduleVersion
from tests import factories as f
from tests.test_cli import triggers_off
from tests.test_log_api import history  # noqa: F401  (the fixture)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "verify_download.py"


def run(*args) -> subprocess.CompletedProcess:
    """The verifier in an isolated interpreter without site-packages: it must need nothing else."""
    return subprocess.run([sys.executable, "-I", "-S", str(SCRIPT), *map(str, args)],
                          check=False, capture_output=True, text=True, timeout=120)


@pytest.fixture
def download(client, history, tmp_path):  # noqa: F811  (history is the fixture imported above)
    """log.json, log.csv and versions.jsonl as the API serves them."""
    files = {"log.json": "/api/v1/log", "log.csv": "/api/v1/log.csv", "versions.jsonl": "/api/v1/log/versions.jsonl"}
    paths = {}
    for name, url in files.items():
        response = client.get(url)
        assert response.status_code == 200
        paths[name] = tmp_path / name
        paths[name].write_bytes(response.data)
    return paths


def edit_json_log(path: Path, change) -> None:
    """Rewrite the downloaded JSON log's items with `change(items)`."""
    body = json.loads(path.read_bytes())
    change(body["items"])
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def failure(result: subprocess.CompletedProcess) -> str:
    """The first line of a failed run (exit 1)."""
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stderr.splitlines()[0]


# -- honest downloads ------------------------------------------------------------------

def test_an_honest_download_verifies(client, download):
    result = run(download["log.json"], download["versions.jsonl"])
    assert result.returncode == 0, result.stderr
    root = client.get("/api/v1/log/tree").get_json()["root"]
    entries = client.get("/api/v1/log").get_json()["items"]
    assert result.stdout.splitlines() == [
        "OK: 5 log entries verify (hash chain and every entry_hash); 4 versions match their content_sha256.",
        f"Head: entry 5, entry_hash {entries[-1]['entry_hash']}",
        f"Merkle root (RFC 6962, 5 entries): {root}",
    ]


def test_the_csv_log_verifies_too(client, download, tmp_path):
    assert run(download["log.csv"], download["versions.jsonl"]).returncode == 0
    with_bom = tmp_path / "excel.csv"
    with_bom.write_bytes(client.get("/api/v1/log.csv?bom=true").data)
    assert run(with_bom, download["versions.jsonl"]).returncode == 0


def test_an_expected_root_and_a_proof(client, download, tmp_path):
    old_root = client.get("/api/v1/log/tree?size=3").get_json()["root"]
    assert run(download["log.json"], download["versions.jsonl"], "--root", old_root, "--size", 3).returncode == 0
    proof = tmp_path / "proof.json"
    proof.write_bytes(client.get("/api/v1/log/proof/2").data)
    assert run(download["log.json"], download["versions.jsonl"], "--proof", proof).returncode == 0
    body = json.loads(proof.read_bytes())
    body["audit_path"][0] = "0" * 64
    proof.write_text(json.dumps(body))
    assert "does not verify" in failure(run(download["log.json"], download["versions.jsonl"], "--proof", proof))


# -- tampered downloads ----------------------------------------------------------------

def test_an_amount_edited_in_versions_jsonl(download):
    path = download["versions.jsonl"]
    lines = path.read_bytes().split(b"\n")
    assert b'"amount":"900.00"' in lines[1]
    lines[1] = lines[1].replace(b'"amount":"900.00"', b'"amount":"90.00"')
    path.write_bytes(b"\n".join(lines))
    first = failure(run(download["log.json"], path))
    assert first.startswith("FAILED at entry 2: haicang-demo/container version 2 (line 2 of VERSIONS) was altered")


def test_a_line_deleted_from_the_log(download):
    edit_json_log(download["log.json"], lambda items: items.pop(1))
    assert failure(run(download["log.json"], download["versions.jsonl"])) == \
        "FAILED at entry 2: entry 2 missing: the log goes from entry 1 to entry 3"
    csv_path = download["log.csv"]
    rows = csv_path.read_bytes().split(b"\r\n")
    del rows[3]  # header, 1, 2, [3]
    csv_path.write_bytes(b"\r\n".join(rows))
    assert failure(run(csv_path, download["versions.jsonl"])) == \
        "FAILED at entry 3: entry 3 missing: the log goes from entry 2 to entry 4"


def test_the_last_entry_deleted_leaves_its_version_unaccounted_for(download):
    edit_json_log(download["log.json"], lambda items: items.pop())
    assert failure(run(download["log.json"], download["versions.jsonl"])) == \
        "FAILED: rival-demo/ecommerce version 1 (line 4 of VERSIONS) has no publish entry in the log"


def test_an_entry_field_altered(download):
    edit_json_log(download["log.json"], lambda items: items[2].update(effective_from="2022-08-01"))
    assert failure(run(download["log.json"], download["versions.jsonl"])) == \
        "FAILED at entry 3: entry_hash does not match the entry's content (the entry was altered)"


def test_an_entry_altered_in_the_csv(download):
    path = download["log.csv"]
    path.write_bytes(path.read_bytes().replace(b",withdraw,", b",publish,"))
    first = failure(run(path, download["versions.jsonl"]))
    assert first.startswith("FAILED at entry 4: entry_hash does not match")


def test_a_version_missing_from_versions_jsonl(download):
    path = download["versions.jsonl"]
    lines = path.read_bytes().split(b"\n")
    del lines[0]
    path.write_bytes(b"\n".join(lines))
    assert failure(run(download["log.json"], path)) == \
        "FAILED at entry 1: haicang-demo/container version 1 is missing from VERSIONS"


def test_a_rewritten_chain_is_caught_by_the_root_recorded_earlier(client, download):
    """An attacker who re-computes every later hash keeps the chain intact; the Merkle root
    someone recorded earlier still gives it away."""
    recorded = client.get("/api/v1/log/tree").get_json()["root"]
    path = download["log.json"]
    items = json.loads(path.read_bytes())["items"]
    verifier = load_verifier()
    prev = items[0]["entry_hash"]
    items[1]["recorded_at"] = "2022-03-31T02:00:00Z"
    for entry in items[1:]:
        entry["prev_hash"] = prev
        entry["entry_hash"] = prev = verifier.hashlib.sha256(verifier.entry_bytes(entry)).hexdigest()
    path.write_text(json.dumps({"items": items, "next": None}))
    assert run(path, download["versions.jsonl"]).returncode == 0
    assert "Merkle root of the first 5 entries is" in failure(
        run(path, download["versions.jsonl"], "--root", recorded))


def test_tampering_in_the_database_shows_in_a_fresh_download(client, session, history, tmp_path):  # noqa: F811
    v1 = session.scalar(select(ScheduleVersion).where(ScheduleVersion.number == 1))
    with triggers_off(session):
        session.execute(text("UPDATE fee_item SET amount = 1 WHERE version_id = :v"), {"v": v1.id})
        session.commit()
        (tmp_path / "log.json").write_bytes(client.get("/api/v1/log").data)
        (tmp_path / "versions.jsonl").write_bytes(client.get("/api/v1/log/versions.jsonl").data)
    first = failure(run(tmp_path / "log.json", tmp_path / "versions.jsonl"))
    assert first.startswith("FAILED at entry 1: haicang-demo/container version 1 (line 1 of VERSIONS) was altered")


# -- unreadable input -----------------------------------------------------------------

def test_unreadable_input_exits_2(client, download, tmp_path):
    one_page = tmp_path / "page.json"
    one_page.write_bytes(client.get("/api/v1/log?limit=2").data)
    result = run(one_page, download["versions.jsonl"])
    assert result.returncode == 2 and "one page of the log" in result.stderr
    garbage = tmp_path / "garbage.csv"
    garbage.write_text("a,b\n1,2\n")
    assert run(garbage, download["versions.jsonl"]).returncode == 2
    assert run(tmp_path / "nothing.json", download["versions.jsonl"]).returncode == 2
    assert run(download["log.json"]).returncode == 2  # argparse: VERSIONS is needed


# -- downloading by itself ------------------------------------------------------------

@pytest.fixture
def live_server(app):
    """The app served over HTTP in a thread, for --url."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_url_downloads_every_page_and_verifies(client, history, live_server, tmp_path, monkeypatch):  # noqa: F811
    saved = tmp_path / "saved"
    result = run("--url", live_server, "--save", saved)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 5 log entries")
    assert json.loads((saved / "log.json").read_bytes())["items"] == client.get("/api/v1/log").get_json()["items"]
    assert (saved / "versions.jsonl").read_bytes() == client.get("/api/v1/log/versions.jsonl").data
    assert run(saved / "log.json", saved / "versions.jsonl").returncode == 0


# -- the script itself ----------------------------------------------------------------

def load_verifier():
    """The script as a module (it has no side effects on import)."""
    spec = importlib.util.spec_from_file_location("verify_download", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("verify_download", module)  # dataclasses look their module up there
    spec.loader.exec_module(sys.modules["verify_download"])
    return sys.modules["verify_download"]


def test_the_script_imports_the_standard_library_only():
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    names = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module.split(".")[0] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module}
    assert names <= set(sys.stdlib_module_names) | {"__future__"}, names - set(sys.stdlib_module_names)


def test_the_scripts_merkle_copy_agrees_with_fees_merkle():
    verifier = load_verifier()
    for n in range(20):
        leaves = [merkle.leaf_hash(str(i).encode()) for i in range(n)]
        assert verifier.merkle_root(leaves) == merkle.root(leaves)
        assert verifier.leaf_hash(b"x") == merkle.leaf_hash(b"x")
        for i in range(n):
            path = merkle.inclusion_proof(leaves, i)
            assert verifier.verify_inclusion(leaves[i], i, n, path, merkle.root(leaves))
            for index, size in ((i + 1, n), (i ^ 2, n), (i, n * 2), (i, n // 2), (i, n + 1)):
                assert verifier.verify_inclusion(leaves[i], index, size, path, merkle.root(leaves)) == \
                    merkle.verify_inclusion(leaves[i], index, size, path, merkle.root(leaves))


def test_the_scripts_entry_bytes_are_the_apps(client, session, history):  # noqa: F811
    from fees.models import PublicationLogEntry
    from fees.services.logdata import entry_bytes

    verifier = load_verifier()
    records = client.get("/api/v1/log").get_json()["items"]
    stored = session.scalars(select(PublicationLogEntry).order_by(PublicationLogEntry.seq)).all()
    assert [verifier.entry_bytes(r) for r in records] == [entry_bytes(e) for e in stored]


def test_new_entries_after_the_download_do_not_break_url_mode(client, session, history, live_server):  # noqa: F811
    """--url asks for the versions up to the log it downloaded, so the pair always matches."""
    f.publish(session, history, [f.thc("990")], effective=date(2023, 1, 1), now=f.utc(2022, 11, 1))
    assert run("--url", live_server).returncode == 0

"""The bulk data package: dataset.zip and datapackage.json pass `frictionless validate`
(the CI check of the open-data issue), pandas reads every CSV exactly, and the files are
built once per state of the data, rebuilt after a publication, and kept when a build fails."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import subprocess
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import frictionless
import pandas as pd
import pytest
from sqlalchemy import select

from fees.models import FeeItem, FeeTier
from fees.services import publishing
from fees.tabular.values import unneutralise
from opendata import bulk, package
from opendata.schema import FEE_ITEMS, RESOURCES, Field, Resource
from tests import factories as f

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"点击\")"


@pytest.fixture
def published(session, schedule):
    """Haicang's tariff in three versions (Chinese text, a formula-like note, tiers, a
    minimum), a fourth published and withdrawn before it took effect, and an e-commerce
    warehouse with its own schedule."""
    f.publish(session, schedule, [
        f.thc("935.50", notes=FORMULA, legal_basis="厦发改价〔2020〕1号"),
        f.storage(tiers=[{"from": "1", "to": "3", "amount": "0"}, {"from": "4", "to": None, "amount": "25.5"}]),
        {"code": "DOC", "name_zh": "单证费", "name_en": "Documentation fee", "unit": "per_bill", "amount": "50",
         "min_amount": "30", "service": "“提单”、舱单处理"},
    ], effective=date(2023, 1, 1), now=f.utc(2022, 11, 1), note="THC 上调；新增单证费")
    upcoming = f.publish(session, schedule, [f.thc("999")], effective=date(2099, 1, 1), now=f.utc(2025, 1, 1))
    publishing.withdraw_version(session, upcoming.id, reason="录入错误", now=f.utc(2025, 1, 2))
    warehouse = f.entity(session, slug="bonded-demo", kind="bonded_warehouse", name_zh="象屿示例保税仓")
    ecommerce = f.schedule(session, warehouse, slug="ecommerce", business_line="ecommerce", name_zh="跨境电商收费")
    f.publish(session, ecommerce, [{"code": "CLEARANCE", "name_zh": "清关服务费", "unit": "per_order",
                                    "amount": "3.20"}], effective=date(2024, 1, 1), now=f.utc(2023, 12, 1))
    return schedule


def unzip(client, tmp_path: Path) -> Path:
    """Download /opendata/dataset.zip and extract it; the folder it went to."""
    response = client.get("/opendata/dataset.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    folder = tmp_path / "download"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert all(not name.startswith(("/", "..")) for name in archive.namelist())
        archive.extractall(folder)
    return folder


def store(app) -> bulk.BulkStore:
    return bulk.store_for(app, "http://localhost")


# -- the CI check: frictionless validate ---------------------------------------------------

def test_downloaded_package_passes_frictionless_validate(client, published, tmp_path):
    folder = unzip(client, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["datapackage.json", "README.md", *(f"{r.name}.csv" for r in RESOURCES)])

    run = subprocess.run([str(FRICTIONLESS), "validate", "--json", "datapackage.json"], cwd=folder,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["valid"] is True
    assert {task["name"] for task in report["tasks"]} == {r.name for r in RESOURCES}

    detail = frictionless.validate(folder / "datapackage.json")
    assert detail.valid, detail.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_catches_a_broken_foreign_key_so_the_check_means_something(client, published, tmp_path):
    folder = unzip(client, tmp_path)
    tiers = folder / "fee_tiers.csv"
    lines = tiers.read_bytes().decode("utf-8").split("\r\n")
    lines[1] = "999999" + lines[1][lines[1].index(","):]
    tiers.write_text("\r\n".join(lines), encoding="utf-8", newline="")

    report = frictionless.validate(folder / "datapackage.json")
    errors = {e.type for task in report.tasks for e in task.errors}
    assert not report.valid and {"foreign-key", "hash-count"} <= errors


def test_descriptor_declares_v2_profile_licence_version_keys_and_hashes(client, published, tmp_path, session):
    folder = unzip(client, tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["name"] == "open-port-fees"
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                       "title": "Creative Commons Attribution 4.0 International"}]
    assert descriptor["version"] == "1.0.5"  # five log entries: v1, v2, v3 published, v3 withdrawn, the warehouse's
    assert descriptor["created"].endswith("Z") and descriptor["homepage"] == "http://localhost/opendata/"
    assert descriptor["id"] == "http://localhost/opendata/datapackage.json"

    for resource, entry in zip(RESOURCES, descriptor["resources"], strict=True):
        data = (folder / entry["path"]).read_bytes()
        assert entry["name"] == resource.name and entry["path"] == f"{resource.name}.csv"
        assert entry["bytes"] == len(data)
        assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert (entry["format"], entry["mediatype"], entry["encoding"]) == ("csv", "text/csv", "utf-8")
        schema = entry["schema"]
        assert [fd["name"] for fd in schema["fields"]] == list(resource.field_names)
        assert data.decode("utf-8").split("\r\n")[0] == ",".join(resource.field_names)
        assert schema["primaryKey"] == list(resource.primary_key)
        assert schema.get("foreignKeys", []) == [
            {"fields": list(fk.fields), "reference": {"resource": fk.resource, "fields": list(fk.reference)}}
            for fk in resource.foreign_keys]
        assert not data.startswith(b"\xef\xbb\xbf")  # no BOM in the bulk files


# -- pandas: Chinese intact, amounts exact -------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_pandas_reads_every_csv_with_chinese_intact_and_amounts_exact(client, published, tmp_path, session,
                                                                      encoding):
    folder = unzip(client, tmp_path)
    frames = {r.name: pd.read_csv(folder / f"{r.name}.csv", dtype=str, keep_default_na=False, encoding=encoding)
              for r in RESOURCES}
    for resource in RESOURCES:
        assert list(frames[resource.name].columns) == list(resource.field_names)

    items = frames["fee_items"].set_index("id")
    for item in session.scalars(select(FeeItem)):
        if item.version.status == "draft":
            assert str(item.id) not in items.index
            continue
        row = items.loc[str(item.id)]
        assert Decimal(row["amount"]) == item.amount and row["amount"] == f"{item.amount:.2f}"
        assert (Decimal(row["min_amount"]) if row["min_amount"] else None) == item.min_amount
        assert row["name_zh"] == item.name_zh and unneutralise(row["notes"]) == item.notes
        assert row["service"] == item.service
    assert "象屿示例保税仓" in set(frames["entities"]["name_zh"])
    assert "录入错误" in set(frames["versions"]["withdraw_reason"])

    thc = items[(items["code"] == "THC") & (items["amount"] == "935.50")].iloc[0]
    assert thc["notes"] == "'" + FORMULA and unneutralise(thc["notes"]) == FORMULA
    assert thc["legal_basis"] == "厦发改价〔2020〕1号"

    tiers = frames["fee_tiers"]
    stored = session.scalars(select(FeeTier).order_by(FeeTier.item_id, FeeTier.position)).all()
    assert [Decimal(a) for a in tiers["amount"]] == [t.amount for t in stored]
    assert "25.50" in set(tiers["amount"])


# -- built once per state; rebuilt after a publication; failures keep the last good build ----

def test_built_once_and_rebuilt_only_when_the_log_grows(app, client, published, session):
    first = client.get("/opendata/dataset.zip")
    build = store(app).latest()
    inode = build.file(bulk.ZIP).stat().st_ino
    again = client.get("/opendata/dataset.zip")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert store(app).latest().id == build.id and build.file(bulk.ZIP).stat().st_ino == inode
    client.get("/opendata/fee_items.csv")
    client.get("/opendata/")
    assert store(app).latest().id == build.id

    f.publish(session, published, [f.thc("990.00")], effective=date(2100, 1, 1), now=f.utc(2026, 1, 1))
    newer = client.get("/opendata/dataset.zip")
    rebuilt = store(app).latest()
    assert rebuilt.id != build.id and rebuilt.version == "1.0.6"
    assert newer.headers["ETag"] != first.headers["ETag"]
    with zipfile.ZipFile(io.BytesIO(newer.data)) as archive:
        assert "990.00" in archive.read("fee_items.csv").decode("utf-8")
    # The build before stays for downloads in flight; older ones are pruned.
    f.publish(session, published, [f.thc("991.00")], effective=date(2100, 2, 1), now=f.utc(2026, 1, 2))
    client.get("/opendata/dataset.zip")
    kept = {p.name for p in store(app).root.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert kept == {store(app).latest().id, rebuilt.id}


def test_a_failed_build_is_logged_and_the_last_good_zip_is_still_served(app, client, published, session,
                                                                         monkeypatch, caplog):
    good = client.get("/opendata/dataset.zip")
    f.publish(session, published, [f.thc("990.00")], effective=date(2100, 1, 1), now=f.utc(2026, 1, 1))
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setattr(bulk, "write_csv", broken)
    # Alembic's logging set-up (the migrations run first) disables loggers that existed then.
    monkeypatch.setattr(logging.getLogger("opendata.bulk"), "disabled", False)
    with caplog.at_level(logging.ERROR, logger="opendata.bulk"):
        served = client.get("/opendata/dataset.zip")
    assert served.status_code == 200 and served.data == good.data
    assert "open data build failed" in caplog.text and "disk full" in caplog.text
    assert not [p for p in store(app).root.iterdir() if p.name.startswith(bulk.TMP_PREFIX) and p.is_dir()]

    client.get("/opendata/dataset.zip")  # not retried at every request
    assert len(calls) == 1

    monkeypatch.undo()
    app.config["OPENDATA_RETRY_SECONDS"] = 0
    fixed = client.get("/opendata/dataset.zip")
    assert fixed.data != good.data and store(app).latest().version == "1.0.6"


def test_without_any_good_build_the_files_answer_503(app, client, published, monkeypatch):
    monkeypatch.setattr(bulk, "write_csv", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    response = client.get("/opendata/dataset.zip", headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert response.mimetype == "application/problem+json"
    page = client.get("/opendata/?lang=en")
    assert page.status_code == 503 and "Please try again in a minute" in page.get_data(as_text=True)


def test_while_another_process_builds_the_previous_build_is_served_at_once(app, client, published, session):
    client.get("/opendata/dataset.zip")
    before = store(app).latest()
    f.publish(session, published, [f.thc("990.00")], effective=date(2100, 1, 1), now=f.utc(2026, 1, 1))
    builder = store(app)
    with builder._lock(wait=True):  # as if another worker were building
        assert client.get("/opendata/dataset.zip").status_code == 200
        assert store(app).latest().id == before.id
    client.get("/opendata/dataset.zip")
    assert store(app).latest().id != before.id


def test_a_build_never_claims_a_state_it_does_not_contain(app, published, session, monkeypatch):
    """A publication during the build: redone (SQLite) or left out by the snapshot (PostgreSQL)."""
    original, published_meanwhile = bulk.write_build, []

    def publish_during(connection, state, meta, folder, **kw):
        manifest = original(connection, state, meta, folder, **kw)
        if not published_meanwhile:
            published_meanwhile.append(f.publish(session, published, [f.thc("990.00")], effective=date(2100, 1, 1),
                                                 now=f.utc(2026, 1, 1)))
        return manifest

    monkeypatch.setattr(bulk, "write_build", publish_during)
    made = store(app).rebuild()
    log_rows = made.file("publication_log.csv").read_bytes().decode("utf-8").strip().split("\r\n")[1:]
    assert len(log_rows) == made.manifest["log_seq"]
    assert made.version == package.package_version(made.manifest["log_seq"])


def test_build_command_builds_then_reports_up_to_date_and_force_rebuilds(app, runner, published):
    first = runner.invoke(args=["opendata", "build"])
    assert first.exit_code == 0, first.output
    built = store(app).latest()
    assert "fee_items" in first.output and built is not None
    second = runner.invoke(args=["opendata", "build"])
    assert "Up to date" in second.output and store(app).latest().id == built.id
    forced = runner.invoke(args=["opendata", "build", "--force"])
    assert forced.exit_code == 0 and store(app).latest().id != built.id


# -- the stand-alone descriptor and the HTTP behaviour of the files --------------------------

def test_standalone_descriptor_names_each_csv_by_url_with_matching_hash(client, published):
    response = client.get("/opendata/datapackage.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    descriptor = response.get_json()
    for resource, entry in zip(RESOURCES, descriptor["resources"], strict=True):
        assert entry["path"] == f"http://localhost/opendata/{resource.name}.csv"
        data = client.get(entry["path"].removeprefix("http://localhost")).data
        assert entry["bytes"] == len(data) and entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert frictionless.Package.validate_descriptor(descriptor).valid  # the files themselves: test above


def test_files_carry_validators_cache_and_cors_and_answer_304(client, published):
    for path, media in [("/opendata/dataset.zip", "application/zip"), ("/opendata/fee_items.csv", "text/csv"),
                        ("/opendata/datapackage.json", "application/json")]:
        response = client.get(path)
        assert response.mimetype == media
        assert response.headers["ETag"] and response.headers["Last-Modified"]
        assert "public" in response.headers["Cache-Control"] and "max-age=60" in response.headers["Cache-Control"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    csv = client.get("/opendata/fee_items.csv")
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.headers["ETag"].strip('"') == hashlib.sha256(csv.data).hexdigest()
    part = client.get("/opendata/dataset.zip", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and len(part.data) == 10
    assert client.get("/opendata/nothing.csv").status_code == 404


# -- the descriptor as a pure function of the schema ---------------------------------------

def test_every_field_of_every_data_set_is_described_in_both_languages():
    for resource in RESOURCES:
        assert resource.zh.strip() and resource.en.strip() and resource.title_zh and resource.title_en
        for fd in resource.fields:
            assert fd.zh.strip() and fd.en.strip(), f"{resource.name}.{fd.name} lacks a description"
            described = package.field_descriptor(fd)["description"]
            assert described == f"{fd.zh} / {fd.en}"


def test_field_descriptors_carry_types_and_constraints():
    fields = {fd.name: package.field_descriptor(fd) for fd in FEE_ITEMS.fields}
    assert fields["amount"] == {"name": "amount", "type": "number", "bareNumber": True,
                                "description": fields["amount"]["description"],
                                "constraints": {"required": True}, "example": "935.00"}
    assert "" not in fields["container"]["constraints"]["enum"] and "40HQ" in fields["container"]["constraints"]["enum"]
    assert fields["effective_from"]["format"] == "default"
    assert fields["id"]["constraints"] == {"required": True, "unique": True}
    flag = package.field_descriptor(Field("on", "boolean", "是否", "Whether", required=True))
    assert flag["trueValues"] == ["true"] and flag["falseValues"] == ["false"]
    shortened = package.field_descriptor(Field("h", "string", "哈希", "hash", pattern="^[0-9a-f]{64}$", example="9f2c…"))
    assert "example" not in shortened  # frictionless would reject an example that breaks the pattern


def test_licence_and_publisher_come_from_configuration():
    meta = package.PackageMeta.from_config({"OPENDATA_LICENSE": "CC0-1.0", "OPENDATA_PUBLISHER_NAME": "厦门口岸办",
                                            "OPENDATA_CONTACT_EMAIL": "data@example.org"}, "https://fees.example")
    files = {r.name: {"bytes": 1, "sha256": "0" * 64} for r in RESOURCES}
    descriptor = package.package_descriptor(meta, log_seq=3, created=f.utc(2025, 1, 1), files=files)
    assert descriptor["licenses"][0]["path"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert descriptor["contributors"] == [{"title": "厦门口岸办", "roles": ["publisher"],
                                           "path": "https://fees.example/", "email": "data@example.org"}]
    assert descriptor["version"] == "1.0.3" and descriptor["created"] == "2025-01-01T02:00:00Z"
    other = package.PackageMeta.from_config({"OPENDATA_LICENSE": "LicenseRef-Port", "OPENDATA_LICENSE_URL":
                                             "https://port.example/licence"}, "")
    unsited = package.package_descriptor(other, log_seq=0, created=f.utc(2025, 1, 1), files=files)
    assert unsited["licenses"][0]["path"] == "https://port.example/licence"
    assert "homepage" not in unsited and "id" not in unsited and "path" not in unsited["sources"][0]
    assert frictionless.Package.validate_descriptor(descriptor).valid
    assert frictionless.Package.validate_descriptor(unsited).valid


def test_a_new_resource_is_described_from_the_schema_alone():
    extra = Resource(name="berths", collection=None, title_zh="泊位", title_en="Berths", zh="泊位。", en="Berths.",
                     fields=(Field("code", "string", "泊位代码。", "Berth code.", required=True, unique=True),),
                     primary_key=("code",))
    described = package.resource_descriptor(extra, path="berths.csv", size=10, sha256="a" * 64)
    assert described["schema"] == {"fields": [{"name": "code", "type": "string", "description": "泊位代码。 / Berth code.",
                                               "constraints": {"required": True, "unique": True}}],
                                   "missingValues": [""], "primaryKey": ["code"]}
    assert described["hash"] == "sha256:" + "a" * 64 and described["type"] == "table"

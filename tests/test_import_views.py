"""Importing and exporting spreadsheets on the web: templates, round trips, limits, escaping."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from fees import tabular
from fees.cli import DEFAULT_CATALOG
from fees.models import FeeItem, ScheduleVersion
from fees.services import drafts, queries, registry
from tests import factories as f
from tests.web import make_user, sign_in


@pytest.fixture
def schedule(session):
    registry.load_catalog(session, DEFAULT_CATALOG)
    sched = f.schedule(session, f.entity(session, slug="haicang-demo"))
    f.publish(session, sched, [f.thc("850"), f.storage(), f.thc("600", container="20GP", notes="=1+1")],
              effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    return sched


@pytest.fixture
def signed_in(client, session, schedule):
    sign_in(client, make_user(session, "publisher", entity=schedule.entity))
    return client


def counts(session):
    return (session.scalar(select(func.count()).select_from(ScheduleVersion)),
            session.scalar(select(func.count()).select_from(FeeItem)))


@pytest.mark.parametrize("fmt, headers", [("csv", "zh"), ("xlsx", "zh"), ("csv", "en"), ("xlsx", "en")])
def test_templates_download_and_import_cleanly(signed_in, fmt, headers):
    response = signed_in.get(f"/publish/template.{fmt}?headers={headers}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == tabular.MEDIA_TYPES[fmt]
    assert f"fee-items-template-{headers}.{fmt}" in response.headers["Content-Disposition"]
    assert tabular.parse_upload(f"t.{fmt}", response.data)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trip(signed_in, session, schedule, fmt):
    exported = signed_in.get(f"/entities/haicang-demo/schedules/container/versions/1/export.{fmt}")
    assert exported.status_code == 200
    if fmt == "csv":
        assert exported.data.startswith("\ufeff".encode()) and b"'=1+1" in exported.data  # neutralised
    response = signed_in.post(f"/publish/schedules/{schedule.id}/import",
                              data={"file": (io.BytesIO(exported.data), f"v1.{fmt}")},
                              content_type="multipart/form-data")
    assert response.status_code == 302
    draft = drafts.drafts_of(session, schedule.id)[0]
    v1 = queries.latest_published(session, schedule.id)
    assert queries.version_items(draft) == queries.version_items(v1)
    assert not queries.diff_versions(v1, draft).has_changes


def test_a_bad_file_imports_nothing_and_lists_every_error(signed_in, session, schedule):
    before = counts(session)
    body = ("收费代码,收费项目,计费单位,箱型,进出口,收费标准\r\n"
            "THC,码头操作费,元/箱,40HQ,出口,-5\r\n"
            "THC,码头操作费,元/箱,20GP,出口,abc\r\n"
            "DOC,单证费,元/桶,,,300\r\n").encode("gb18030")
    response = signed_in.post(f"/publish/schedules/{schedule.id}/import?lang=en",
                              data={"file": (io.BytesIO(body), "bad.csv")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for row in ("<td>2</td>", "<td>3</td>", "<td>4</td>"):
        assert row in page
    assert "收费标准" in page and "计费单位" in page
    assert counts(session) == before


def test_uploads_are_size_limited(signed_in, app, session, schedule):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    before = counts(session)
    response = signed_in.post(f"/publish/schedules/{schedule.id}/import",
                              data={"file": (io.BytesIO(b"x" * 4096), "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert counts(session) == before


def test_uploaded_text_is_escaped_when_shown(signed_in, session, schedule):
    body = ("code,name,unit,amount,notes\r\n"
            'THC,"<script>alert(1)</script>",per_container,850,"<img src=x onerror=alert(1)>"\r\n').encode()
    response = signed_in.post(f"/publish/schedules/{schedule.id}/import",
                              data={"file": (io.BytesIO(body), "x.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page

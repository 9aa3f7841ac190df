"""The first public pages, in both languages."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from fees.models import SiteSetting
from fees.types import utcnow
from fees.views.helpers import today
from tests import factories as f

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def terminal(session):
    """A terminal with two past versions, one in effect and one upcoming."""
    owner = f.entity(session, slug="haicang-demo", name_zh="海沧示例码头", name_en="Haicang Demo Terminal")
    sched = f.schedule(session, owner, slug="container", name_zh="集装箱业务收费", name_en="Container services")
    f.publish(session, sched, [f.thc("850"), f.thc("600", container="20GP")], effective=date(2022, 3, 1),
              now=f.utc(2022, 1, 10), note="首次公示")
    f.publish(session, sched, [f.thc("935"), f.storage()], effective=date(2023, 3, 1), now=f.utc(2023, 1, 10),
              note="THC 上调 10%")
    upcoming = today() + timedelta(days=40)
    f.publish(session, sched, [f.thc("900"), f.storage()], effective=upcoming, now=utcnow(), note="下调")
    return sched


def test_home_lists_latest_publications(client, terminal):
    page = client.get("/").get_data(as_text=True)
    assert "海沧示例码头" in page and "第 3 版" in page
    english = client.get("/?lang=en").get_data(as_text=True)
    assert english.index("Version 3") < english.index("Version 2") < english.index("Version 1")
    assert "/entities/haicang-demo/schedules/container/versions/3" in page


def test_entity_directory_and_kind_filter(client, terminal, session):
    f.entity(session, slug="some-broker", kind="customs_broker", name_zh="示例报关行")
    page = client.get("/entities").get_data(as_text=True)
    assert "海沧示例码头" in page and "示例报关行" in page
    page = client.get("/entities?kind=customs_broker").get_data(as_text=True)
    assert "示例报关行" in page and "海沧示例码头" not in page
    assert client.get("/entities?kind=bank").status_code == 404


def test_entity_page_shows_in_effect_upcoming_and_past(client, terminal):
    page = client.get("/entities/haicang-demo?lang=en").get_data(as_text=True)
    in_effect = page[page.index("in effect since"):page.index("Upcoming")]
    assert "2023-03-01" in in_effect
    assert "¥935.00" in in_effect or "CN¥935.00" in in_effect
    assert "Storage" in in_effect and "5–10" in in_effect
    upcoming = page[page.index("Upcoming"):page.index("Earlier versions")]
    assert "Version 3" in upcoming and (today() + timedelta(days=40)).isoformat() in upcoming
    assert "Version 1" in page[page.index("Earlier versions"):]


def test_version_page_shows_items_and_diff(client, terminal):
    page = client.get("/entities/haicang-demo/schedules/container/versions/2?lang=en").get_data(as_text=True)
    assert "Compared with version 1" in page
    assert "1 added, 1 removed, 1 changed, 0 unchanged" in page
    assert "+10.00%" in page
    assert terminal.versions[1].content_sha256 in page
    first = client.get("/entities/haicang-demo/schedules/container/versions/1?lang=en").get_data(as_text=True)
    assert "This is the first published version" in first
    assert "This is not the version in effect on" in first


def test_unknown_things_are_404_in_the_readers_language(client, terminal):
    zh = client.get("/entities/nobody")
    assert zh.status_code == 404 and "nobody" in zh.get_data(as_text=True)
    assert client.get("/entities/haicang-demo/schedules/container/versions/99").status_code == 404
    api = client.get("/entities/nobody", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.mimetype == "application/problem+json"


def test_language_switch_is_remembered(client, terminal):
    zh = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in zh and "?lang=en" in zh
    en = client.get("/?lang=en")
    assert '<html lang="en">' in en.get_data(as_text=True)
    assert "lang=en" in en.headers.get("Set-Cookie", "")
    again = client.get("/entities").get_data(as_text=True)
    assert '<html lang="en">' in again and "Charging entities" in again


def test_chinese_is_the_default_language(client, terminal):
    page = client.get("/entities/haicang-demo").get_data(as_text=True)
    assert "收费" in page and "Upcoming" not in page


def test_demo_banner_only_with_demo_data(client, session, terminal):
    assert "demo-banner" not in client.get("/").get_data(as_text=True)
    session.add(SiteSetting(key="demo_data", value="1"))
    session.commit()
    for path in ("/", "/entities", "/entities/haicang-demo", "/entities/nobody"):
        assert "demo-banner" in client.get(path).get_data(as_text=True)


def test_security_headers(client, terminal):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script_or_style():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        # Only scripts from files, and JSON-LD data blocks (never executed, so the CSP holds).
        assert not re.search(r'<script(?![^>]*\bsrc=)(?! type="application/ld\+json">)', text), template
        assert not re.search(r"\sstyle=", text), template
        assert not re.search(r"\son[a-z]+=", text), template
        assert "<style" not in text, template


def test_plotly_is_served_locally(client):
    response = client.get("/assets/plotly.min.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert b"plotly.js v" in response.data[:200]


def test_plotly_styles_are_served_as_a_file(client):
    response = client.get("/assets/plotly.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert ".js-plotly-plot .plotly .main-svg{position:absolute;" in response.get_data(as_text=True)
    assert "/assets/plotly.css" in client.get("/").get_data(as_text=True)

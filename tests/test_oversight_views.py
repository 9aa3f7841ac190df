"""/admin/dashboard and /oversight: every figure checked against a hand-built data set,
the same numbers in the page's tables, its charts and its CSV downloads."""
from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from fees.cli import DEFAULT_CATALOG
from fees.models import PublicReport
from fees.services import publishing, registry
from fees.views.helpers import today
from tests import factories as f
from tests.web import make_user, sign_in

ON = "2024-06-30"
DASH = f"/admin/dashboard?on={ON}&lang=en"
PUBLIC = f"/oversight?on={ON}&lang=en"
SECRET_TEXT = "待审核的投诉文本"
SECRET_CONTACT = "shipper-contact@example.com"


def thc(amount: str, container: str = "40HQ", basis: str = "价格法") -> dict:
    """THC for export, with a legal basis unless told otherwise."""
    return f.thc(amount, container=container, legal_basis=basis)


def doc(amount: str, basis: str = "") -> dict:
    """A documentation fee per bill (no legal basis unless given)."""
    return {"code": "DOC", "name_zh": "单证费", "name_en": "Documentation fee", "unit": "per_bill",
            "amount": amount, "legal_basis": basis}


def seal(amount: str) -> dict:
    """A seal fee per piece, without a legal basis."""
    return {"code": "SEAL", "name_zh": "封志费", "name_en": "Seal fee", "unit": "per_piece", "amount": amount}


def trucking(amount: str) -> dict:
    """Drayage per 40HQ container, with a legal basis."""
    return {"code": "TRUCKING", "name_zh": "拖车费", "name_en": "Drayage", "unit": "per_container",
            "container": "40HQ", "direction": "export", "amount": amount, "legal_basis": "合同"}


@pytest.fixture
def port_data(session):
    """Seven entities, figures worked out by hand for the end of 2024-06-30 (port time):

    alpha   v1 2023-01-10 → 2023-03-01 (THC 40HQ 850, 20GP 480, DOC 50)
            v2 2024-03-01 → 2024-03-11 short notice, 10 days: THC 900/500 and new SEAL 30 (3
               increases), DOC 45 (a reduction); DOC and SEAL have no legal basis
            v3 2024-05-01 → 2024-08-01, withdrawn 2024-05-20 by alpha's publisher ("录入错误")
    bravo   v1 2022-01-05 → 2022-03-01, THC 800: 907 days without an update (stale)
    charlie v1 published 2024-06-01 01:00 port time (31 May UTC) → 2024-09-01: upcoming only
    delta   a schedule, never published;  echo  no schedule at all
    foxtrot v1 2024-04-01 → 2024-07-15, withdrawn 2024-04-10 at the command line ("暂缓")
    golf    v1 2024-02-01 → 2024-02-11 short notice (2 new fees); v2 2024-06-20 → 2024-06-25
            short notice, 5 days (TRUCKING and THC up, DOC new without a basis: 3 increases);
            v3 2024-07-05 → 2024-07-10 short notice, after the day
    Reports: alpha pending, accepted (5 May), rejected on 2 July (still pending on 30 June);
    bravo accepted; golf pending made on 1 July.
    """
    registry.load_catalog(session, DEFAULT_CATALOG)

    def owner(slug, kind):
        """An entity named after its slug."""
        return f.entity(session, slug=slug, kind=kind, name_zh=f"{slug}示例", name_en=f"{slug.title()} Demo")

    def sched(entity, slug="main"):
        """The entity's schedule."""
        return f.schedule(session, entity, slug=slug, name_zh=f"{entity.slug}收费", name_en=f"{entity.name_en} tariff")

    alpha, bravo = owner("alpha", "container_terminal"), owner("bravo", "shipping_line")
    charlie = owner("charlie", "yard")
    delta, echo = owner("delta", "towage"), owner("echo", "forwarder")
    foxtrot, golf = owner("foxtrot", "customs_broker"), owner("golf", "trucking")
    sched(delta)  # opened, never published
    a, b, c, fx, g = (sched(x) for x in (alpha, bravo, charlie, foxtrot, golf))
    publisher = make_user(session, "publisher", entity=alpha, email="alpha-publisher@example.com")

    f.publish(session, b, [thc("800")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 5))
    f.publish(session, a, [thc("850"), thc("480", "20GP"), doc("50")], effective=date(2023, 3, 1),
              now=f.utc(2023, 1, 10))
    f.publish(session, g, [trucking("1200"), thc("700", basis="合同")], effective=date(2024, 2, 11),
              now=f.utc(2024, 2, 1))
    f.publish(session, a, [thc("900"), thc("500", "20GP"), doc("45"), seal("30")], effective=date(2024, 3, 11),
              now=f.utc(2024, 3, 1))
    withdrawn_fx = f.publish(session, fx, [doc("100", "合同")], effective=date(2024, 7, 15), now=f.utc(2024, 4, 1))
    publishing.withdraw_version(session, withdrawn_fx.id, reason="暂缓", now=f.utc(2024, 4, 10))
    withdrawn_a = f.publish(session, a, [thc("950"), thc("500", "20GP"), doc("45"), seal("30")],
                            effective=date(2024, 8, 1), now=f.utc(2024, 5, 1))
    publishing.withdraw_version(session, withdrawn_a.id, reason="录入错误", actor=publisher, now=f.utc(2024, 5, 20))
    f.publish(session, c, [trucking("600")], effective=date(2024, 9, 1), now=f.utc(2024, 5, 31, 17))
    f.publish(session, g, [trucking("1300"), thc("750", basis="合同"), doc("60")], effective=date(2024, 6, 25),
              now=f.utc(2024, 6, 20))
    f.publish(session, g, [trucking("1400"), thc("750", basis="合同"), doc("60")], effective=date(2024, 7, 10),
              now=f.utc(2024, 7, 5))

    def report(entity, status, created, moderated=None, **extra):
        """A public report inserted directly (the reports service is not needed here)."""
        session.add(PublicReport(entity_id=entity.id, description=extra.get("text", "收费与公示不符"),
                                 observed_on=created.date(), status=status, created_at=created,
                                 moderated_at=moderated, contact=extra.get("contact", "")))

    report(alpha, "pending", f.utc(2024, 6, 10), text=SECRET_TEXT, contact=SECRET_CONTACT)
    report(alpha, "accepted", f.utc(2024, 5, 1), f.utc(2024, 5, 5))
    report(alpha, "rejected", f.utc(2024, 5, 2), f.utc(2024, 7, 2))
    report(bravo, "accepted", f.utc(2024, 6, 1), f.utc(2024, 6, 2), contact=SECRET_CONTACT)
    report(golf, "pending", f.utc(2024, 7, 1), text=SECRET_TEXT)
    session.commit()
    return {"alpha": alpha, "delta": delta, "echo": echo, "publisher": publisher}


@pytest.fixture
def regulator(client, session, port_data):
    """The client, signed in as a regulator."""
    sign_in(client, make_user(session, "regulator"))
    return client


class TableReader(HTMLParser):
    """The text of each body row's cells of every <table id="table-…">, by table name."""

    def __init__(self):
        """No table, row or cell open yet."""
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        """Open a named table, a row of it, or a cell."""
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").startswith("table-"):
            self._table = attrs["id"][len("table-"):]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        """Close the table, keep the row, or keep the cell's text (whitespace collapsed)."""
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        """Collect a cell's text."""
        if self._cell is not None:
            self._cell.append(data)


def tables(text: str) -> dict[str, list[list[str]]]:
    """Every named table's body rows (the header row dropped)."""
    reader = TableReader()
    reader.feed(text)
    return {name: rows[1:] for name, rows in reader.tables.items()}


def figure(text: str, section: str) -> dict:
    """The plotly figure drawn in a section of the page."""
    part = re.search(rf'<section id="{section}".*?</section>', text, re.DOTALL).group(0)
    return json.loads(html.unescape(re.search(r'data-figure="([^"]*)"', part).group(1)))


def csv_rows(response) -> list[dict]:
    """A CSV download's rows."""
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


EXPECTED_SUMMARY = {
    "entities": 7, "entities_without_schedule_in_effect": 4, "stale_schedules": 1, "short_notice_versions": 3,
    "short_notice_increases": 8, "items_in_effect": 8, "items_without_legal_basis": 3, "publications": 8,
    "withdrawals": 2, "reports_pending": 2, "reports_accepted": 2, "reports_rejected": 0,
}
MONTHS_WITH_ENTRIES = {"2022-01": (1, 0), "2023-01": (1, 0), "2024-02": (1, 0), "2024-03": (1, 0),
                       "2024-04": (1, 1), "2024-05": (1, 1), "2024-06": (2, 0)}


# -- access ------------------------------------------------------------------------------

def test_only_regulators_and_admins_see_the_dashboard(client, session, port_data):
    """Anonymous: the sign-in page; publishers: 403; regulators and admins: the page."""
    for path in (DASH, f"/admin/dashboard/withdrawals.csv?on={ON}"):
        anonymous = client.get(path)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    sign_in(client, port_data["publisher"])
    assert client.get(DASH).status_code == 403
    assert client.get(f"/admin/dashboard/summary.csv?on={ON}").status_code == 403
    client.post("/logout")
    sign_in(client, make_user(session, "admin"))
    assert client.get(DASH).status_code == 200


def test_the_public_summary_needs_no_sign_in_and_offers_only_public_tables(client, port_data):
    """Anyone may read /oversight; tables with personal data are not served there."""
    assert client.get(PUBLIC).status_code == 200
    assert client.get(f"/oversight/summary.csv?on={ON}").status_code == 200
    for private in ("withdrawals", "reports-by-entity", "no-legal-basis", "nonsense"):
        assert client.get(f"/oversight/{private}.csv").status_code == 404
    assert client.get("/admin/dashboard/nonsense.csv").status_code == 302  # sign-in first, then 404


def test_bad_parameters_are_refused_with_the_field(regulator):
    """A bad day or threshold is a 422 naming the parameter."""
    for query, field in (("on=2024-13-01", "on"), ("on=30/06/2024", "on"), ("stale_days=0", "stale_days"),
                         ("stale_days=abc", "stale_days"), ("stale_days=3651", "stale_days")):
        response = regulator.get(f"/admin/dashboard?{query}", headers={"Accept": "application/json"})
        assert response.status_code == 422, query
        assert [e["field"] for e in response.get_json()["errors"]] == [field]
    assert regulator.get("/oversight?on=yesterday&lang=en").status_code == 422


# -- every figure ------------------------------------------------------------------------------

def test_headline_figures(regulator):
    """Every headline count, on the page and in the CSV."""
    text = regulator.get(DASH).get_data(as_text=True)
    shown = re.findall(r'<tr data-figure-name="(\w+)"><td>[^<]*</td><td class="num">(\d+)</td>', text)
    assert {name: int(n) for name, n in shown} == EXPECTED_SUMMARY
    assert "Schedules not updated for over 365 days" in text and "The state at the end of 2024-06-30" in text
    assert {r["figure"]: int(r["value"]) for r in csv_rows(regulator.get(f"/admin/dashboard/summary.csv?on={ON}"))} \
        == EXPECTED_SUMMARY


def test_entities_without_a_schedule_in_effect(regulator):
    """(a) charlie upcoming, delta never published, echo no schedule, foxtrot withdrawn."""
    rows = tables(regulator.get(DASH).get_data(as_text=True))["without-schedule"]
    assert rows == [
        ["Charlie Demo", "Container yard", "1", "only upcoming versions", "2024-09-01"],
        ["Delta Demo", "Towage", "1", "never published", ""],
        ["Echo Demo", "Freight forwarder", "0", "no schedule opened", ""],
        ["Foxtrot Demo", "Customs broker", "1", "only withdrawn versions", ""],
    ]
    assert [(r["entity"], r["reason"], r["next_effective"])
            for r in csv_rows(regulator.get(f"/admin/dashboard/without-schedule.csv?on={ON}"))] == [
        ("charlie", "upcoming_only", "2024-09-01"), ("delta", "never_published", ""), ("echo", "no_schedule", ""),
        ("foxtrot", "withdrawn_only", "")]
    # On 2024-09-01 charlie's version is in effect; foxtrot's withdrawn one never was.
    later = tables(regulator.get("/admin/dashboard?on=2024-09-01&lang=en").get_data(as_text=True))
    assert [r[0] for r in later["without-schedule"]] == ["Delta Demo", "Echo Demo", "Foxtrot Demo"]


def test_stale_schedules_and_the_threshold(regulator):
    """(b) bravo at 907 days; alpha (121 days) too with ?stale_days=100."""
    assert tables(regulator.get(DASH).get_data(as_text=True))["stale"] == [
        ["Bravo Demo", "Bravo Demo tariff", "Version 1", "2022-01-05", "907"]]
    text = regulator.get(f"{DASH}&stale_days=100").get_data(as_text=True)
    assert [(r[0], r[4]) for r in tables(text)["stale"]] == [("Bravo Demo", "907"), ("Alpha Demo", "121")]
    assert "Schedules not updated for over 100 days" in text
    assert [(r["entity"], r["days_since"]) for r in
            csv_rows(regulator.get(f"/admin/dashboard/stale.csv?on={ON}&stale_days=100"))] == [
        ("bravo", "907"), ("alpha", "121")]


def test_short_notice_increases(regulator):
    """(c) three short-notice versions, per entity in the chart and its table."""
    text = regulator.get(DASH).get_data(as_text=True)
    found = tables(text)
    assert found["short-notice"] == [
        ["Golf Demo", "Golf Demo tariff", "Version 2", "2024-06-20", "2024-06-25", "5", "3"],
        ["Alpha Demo", "Alpha Demo tariff", "Version 2", "2024-03-01", "2024-03-11", "10", "3"],
        ["Golf Demo", "Golf Demo tariff", "Version 1", "2024-02-01", "2024-02-11", "10", "2"],
    ]
    assert found["short-notice-by-entity"] == [["Golf Demo", "2", "5"], ["Alpha Demo", "1", "3"]]
    chart = figure(text, "short-notice")["data"]
    assert chart[0]["x"] == ["Golf Demo", "Alpha Demo"] and chart[0]["y"] == [5, 3]
    assert [(r["entity"], r["version"], r["status"], r["notice_days"], r["increases"])
            for r in csv_rows(regulator.get(f"/admin/dashboard/short-notice.csv?on={ON}"))] == [
        ("golf", "2", "published", "5", "3"), ("alpha", "2", "published", "10", "3"),
        ("golf", "1", "published", "10", "2")]
    # Golf's version 3 (published 5 July) appears once the day is after it.
    july = tables(regulator.get("/admin/dashboard?on=2024-07-31&lang=en").get_data(as_text=True))
    assert july["short-notice"][0][:3] == ["Golf Demo", "Golf Demo tariff", "Version 3"]


def test_items_without_a_legal_basis(regulator):
    """(d) alpha DOC and SEAL, golf DOC, with amounts through the money filter."""
    rows = tables(regulator.get(DASH).get_data(as_text=True))["no-legal-basis"]
    assert [(r[0], r[2], r[3], r[7]) for r in rows] == [
        ("Alpha Demo", "Version 2", "DOC", "CN¥45.00"), ("Alpha Demo", "Version 2", "SEAL", "CN¥30.00"),
        ("Golf Demo", "Version 2", "DOC", "CN¥60.00")]
    assert [(r["entity"], r["code"], r["amount"], r["currency"])
            for r in csv_rows(regulator.get(f"/admin/dashboard/no-legal-basis.csv?on={ON}"))] == [
        ("alpha", "DOC", "45.00", "CNY"), ("alpha", "SEAL", "30.00", "CNY"), ("golf", "DOC", "60.00", "CNY")]


def test_withdrawals_with_who_when_and_why(regulator):
    """(e) who, when (port time) and why; a later day shows what had happened by then."""
    rows = tables(regulator.get(DASH).get_data(as_text=True))["withdrawals"]
    assert rows == [
        ["Alpha Demo", "Alpha Demo tariff", "Version 3", "2024-08-01", "2024-05-01", "2024-05-20 10:00 +08:00",
         "alpha-publisher@example.com", "录入错误"],
        ["Foxtrot Demo", "Foxtrot Demo tariff", "Version 1", "2024-07-15", "2024-04-01", "2024-04-10 10:00 +08:00",
         "the command line", "暂缓"],
    ]
    assert [(r["entity"], r["withdrawn_at"], r["withdrawn_by"], r["reason"])
            for r in csv_rows(regulator.get(f"/admin/dashboard/withdrawals.csv?on={ON}"))] == [
        ("alpha", "2024-05-20T10:00:00+08:00", "alpha-publisher@example.com", "录入错误"),
        ("foxtrot", "2024-04-10T10:00:00+08:00", "", "暂缓")]
    # Before 20 May alpha's version 3 was still an upcoming publication.
    may = tables(regulator.get("/admin/dashboard?on=2024-05-19&lang=en").get_data(as_text=True))
    assert [r[0] for r in may["withdrawals"]] == ["Foxtrot Demo"]


def test_most_changed_fees(regulator):
    """(f) THC first (2 versions, 3 items), then DOC, SEAL, TRUCKING; the chart has the same counts."""
    text = regulator.get(DASH).get_data(as_text=True)
    assert tables(text)["most-changed"] == [
        ["1", "THC", "Terminal handling charge", "2", "3", "3", "0", "2"],
        ["2", "DOC", "Documentation fee", "2", "2", "1", "1", "2"],
        ["3", "SEAL", "Seal fee", "1", "1", "1", "0", "1"],
        ["4", "TRUCKING", "Drayage (container trucking)", "1", "1", "1", "0", "1"],
    ]
    bars = figure(text, "most-changed")["data"][0]
    assert bars["x"] == ["THC", "DOC", "SEAL", "TRUCKING"] and bars["y"] == [2, 2, 1, 1]
    assert [(r["rank"], r["code"], r["versions"]) for r in
            csv_rows(regulator.get(f"/admin/dashboard/most-changed.csv?on={ON}"))] == [
        ("1", "THC", "2"), ("2", "DOC", "2"), ("3", "SEAL", "1"), ("4", "TRUCKING", "1")]


def test_publications_per_month(regulator):
    """(g) 30 months from 2022-01 to 2024-06, charlie counted in June (port time)."""
    text = regulator.get(DASH).get_data(as_text=True)
    rows = tables(text)["publications"]
    assert len(rows) == 30 and rows[0][0] == "2022-01" and rows[-1][0] == "2024-06"
    assert {r[0]: (int(r[1]), int(r[2])) for r in rows if r[1:] != ["0", "0"]} == MONTHS_WITH_ENTRIES
    chart = figure(text, "publications")["data"]
    assert chart[0]["x"] == [r[0] for r in rows] == chart[1]["x"]
    assert chart[0]["y"] == [int(r[1]) for r in rows] and chart[1]["y"] == [int(r[2]) for r in rows]
    assert csv_rows(regulator.get(f"/admin/dashboard/publications.csv?on={ON}")) == [
        {"month": r[0], "published": r[1], "withdrawn": r[2]} for r in rows]


def test_public_reports_counts_and_the_moderation_link(regulator):
    """(h) counts by status as of the day and per entity; no report text or contact."""
    text = regulator.get(DASH).get_data(as_text=True)
    found = tables(text)
    assert found["reports-by-status"] == [["pending", "2"], ["accepted", "2"], ["rejected", "0"]]
    assert found["reports-by-entity"] == [["Alpha Demo", "2", "1", "0", "3"], ["Bravo Demo", "0", "1", "0", "1"]]
    assert 'href="/admin/reports"' in text
    assert SECRET_TEXT not in text and SECRET_CONTACT not in text
    assert [(r["entity"], r["pending"], r["accepted"], r["total"]) for r in
            csv_rows(regulator.get(f"/admin/dashboard/reports-by-entity.csv?on={ON}"))] == [
        ("alpha", "2", "1", "3"), ("bravo", "0", "1", "1")]
    july = tables(regulator.get("/admin/dashboard?on=2024-07-02&lang=en").get_data(as_text=True))
    assert july["reports-by-status"] == [["pending", "2"], ["accepted", "2"], ["rejected", "1"]]


# -- the page as a whole ------------------------------------------------------------------------

def test_default_day_is_today_at_the_port(regulator):
    """Without ?on= the figures are today's (golf's version 3 included)."""
    text = regulator.get("/admin/dashboard?lang=en").get_data(as_text=True)
    assert f'value="{today().isoformat()}"' in text
    counts = dict(re.findall(r'<tr data-figure-name="(\w+)"><td>[^<]*</td><td class="num">(\d+)</td>', text))
    assert counts["short_notice_versions"] == "4" and counts["publications"] == "9"


def test_both_languages_and_no_inline_script(regulator):
    """Chinese and English pages; charts load from files, not inline scripts."""
    zh = regulator.get(f"/admin/dashboard?on={ON}&lang=zh").get_data(as_text=True)
    assert "charlie示例" in zh and "Charlie Demo" not in zh and "¥45.00" in zh
    en = regulator.get(DASH).get_data(as_text=True)
    assert "Charlie Demo" in en and "Oversight dashboard" in en
    for text in (zh, en):
        assert "<script>" not in text and 'role="img" aria-label=' in text
        assert "/assets/plotly.min.js" in text and "/static/js/charts.js" in text


def test_csv_downloads_keep_the_day_and_threshold(regulator):
    """Download links carry the page's parameters; ?bom=true for Excel."""
    text = regulator.get(f"{DASH}&stale_days=100").get_data(as_text=True)
    assert f'href="/admin/dashboard/stale.csv?on={ON}&amp;stale_days=100"' in text
    response = regulator.get(f"/admin/dashboard/stale.csv?on={ON}&stale_days=100&bom=true")
    assert response.data.startswith("\ufeff".encode()) and \
        response.headers["Content-Disposition"] == f'attachment; filename="dashboard-stale-{ON}.csv"'


# -- the public summary --------------------------------------------------------------------------

def test_public_summary_has_the_dashboards_figures_without_personal_data(client, regulator):
    """The public tables equal the dashboard's; no e-mail, contact, report text or reason."""
    dashboard = tables(regulator.get(DASH).get_data(as_text=True))
    client.post("/logout")
    text = client.get(PUBLIC).get_data(as_text=True)
    public = tables(text)
    assert set(public) == {"summary", "without-schedule", "short-notice", "short-notice-by-entity", "publications",
                           "reports-by-status"}
    for name in public:
        assert public[name] == dashboard[name], name
    for private in (SECRET_TEXT, SECRET_CONTACT, "alpha-publisher@example.com", "录入错误", "/admin/"):
        assert private not in text
    chart = figure(text, "publications")["data"]
    assert chart[0]["y"] == [int(r[1]) for r in public["publications"]]
    assert figure(text, "short-notice")["data"][0]["y"] == [5, 3]
    # Public entity links go to the public entity pages.
    assert 'href="/entities/charlie"' in text


def test_public_csvs(client, port_data):
    """The public CSVs hold the dashboard's numbers and no personal data."""
    summary = {r["figure"]: int(r["value"]) for r in csv_rows(client.get(f"/oversight/summary.csv?on={ON}"))}
    assert summary == EXPECTED_SUMMARY
    assert csv_rows(client.get(f"/oversight/reports-by-status.csv?on={ON}")) == [
        {"status": "pending", "reports": "2"}, {"status": "accepted", "reports": "2"},
        {"status": "rejected", "reports": "0"}]
    short = client.get(f"/oversight/short-notice.csv?on={ON}")
    assert [r["increases"] for r in csv_rows(short)] == ["3", "3", "2"]
    assert short.headers["Content-Disposition"] == f'attachment; filename="oversight-short-notice-{ON}.csv"'
    for name in ("summary", "without-schedule", "short-notice", "short-notice-by-entity", "publications",
                 "reports-by-status"):
        body = client.get(f"/oversight/{name}.csv?on={ON}").get_data(as_text=True)
        assert SECRET_CONTACT not in body and SECRET_TEXT not in body and "@" not in body


def test_amounts_are_exact(regulator):
    """Amounts in CSV are exact decimal strings."""
    rows = csv_rows(regulator.get(f"/admin/dashboard/no-legal-basis.csv?on={ON}"))
    assert [Decimal(r["amount"]) for r in rows] == [Decimal("45.00"), Decimal("30.00"), Decimal("60.00")]

"""axe-core (pinned in package.json) on every main page of the site, in Chinese and in
English, public and signed in: no violation of WCAG 2.x A/AA or of axe's best practices.
Every impact counts, not only serious and critical: the pages have none of any kind, and
the moderate ones (landmarks, unique names) were real problems worth keeping fixed.
See docs/ACCESSIBILITY.md for what is checked and what is not.

Nothing is excluded: no rule is turned off and no part of a page is left out, plotly's
charts included (drawn before axe runs; see static/js/charts.js for why they have no
mode bar). Both languages run in one test, side by side, so that the demo data is
loaded once.
"""
from __future__ import annotations

import threading
from datetime import date
from urllib.parse import urlencode

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import select

from fees.demo import load_demo
from fees.diff import KEY_FIELDS
from fees.models import ChargingEntity, FeeSchedule, ScheduleVersion
from fees.services import drafts
from fees.services import reports as report_service
from tests.browser import (EVERY_IMPACT, axe_violations, browser, describe, launch,  # noqa: F401  (browser: a fixture)
                           live_server, new_page)
from tests.web import PASSWORD, make_user


@pytest.fixture
def site(app, session):
    """The demo data, a draft and a pending report, and one account of each role."""
    load_demo(session)
    app.config["WTF_CSRF_ENABLED"] = True
    entity = session.scalar(select(ChargingEntity).where(ChargingEntity.slug == "haicang-demo-terminal"))
    schedule = session.scalar(select(FeeSchedule).where(FeeSchedule.entity_id == entity.id).order_by(FeeSchedule.id))
    versions = session.scalars(select(ScheduleVersion).where(ScheduleVersion.schedule_id == schedule.id,
                                                             ScheduleVersion.number.is_not(None))
                               .order_by(ScheduleVersion.number)).all()
    publisher = make_user(session, "publisher", entity=entity)
    draft = drafts.create_draft(session, schedule, actor=publisher)
    report_service.submit_report(session, entity=entity, item_id=None, description="码头操作费多收了 100 元",
                                 observed_on=date(2025, 1, 6), charged_amount="1300", currency="CNY",
                                 contact="shipper@example.com", today=date(2025, 1, 7))
    base = f"/entities/{entity.slug}/schedules/{schedule.slug}"
    item = draft.items[0]
    return {
        "app": app,
        "public": {
            "home": "/",
            "search results": "/search?q=操作费",
            "entity list": "/entities",
            "entity page": f"/entities/{entity.slug}",
            "version page": f"{base}/versions/{versions[-1].number}",
            "schedule history": f"{base}/history",
            "fees of a schedule": f"{base}/items",
            "one fee over time": f"{base}/items?" + urlencode({k: getattr(item, k) or "" for k in KEY_FIELDS}),
            "diff": f"{base}/diff?from={versions[0].number}&to={versions[-1].number}",
            "change history": "/changes",
            "compare with a chart": "/compare?code=THC&container=40HQ&direction=both",
            "estimate with a result": "/estimate?line=port&direction=export&40HQ=2&days=12&bills=1",
            "open data catalogue": "/opendata/",
            "open data set": "/opendata/entities/",
            "API docs": "/api/",
            "oversight summary": "/oversight",
            "login": "/login",
            "report form": f"/entities/{entity.slug}/report",
            "404 page": "/no-such-page",
            "404 entity": "/entities/no-such-entity",
        },
        "signed in": [
            (publisher.email, {
                "publisher home": "/publish/",
                "draft": f"/publish/drafts/{draft.id}",
                "import form": f"/publish/schedules/{schedule.id}/import",
                "new item form": f"/publish/drafts/{draft.id}/items/new",
                "item form": f"/publish/drafts/{draft.id}/items/{item.id}",
                "publisher's reports": "/publish/reports",
            }),
            (make_user(session, "regulator").email, {
                "oversight dashboard": "/admin/dashboard",
                "report queue": "/admin/reports",
                "administration (regulator)": "/admin/",
            }),
            (make_user(session, "admin").email, {
                "administration (admin)": "/admin/",
                "admin entity page": f"/admin/entities/{entity.slug}",
            }),
        ],
    }


def sign_in(page, base, email):
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def check_pages(page, base, lang, pages, found):
    """axe on each page in `lang`; what it finds goes into `found`, by page."""
    for name, path in pages.items():
        response = page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response.status == (404 if name.startswith("404") else 200), (name, path, response.status)
        if page.locator("div.chart").count():
            page.locator("div.chart .main-svg").first.wait_for()  # plotly has drawn
        assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
        violations = axe_violations(page, impacts=EVERY_IMPACT)
        if violations:
            found[f"{lang}: {name} ({path})"] = describe(violations)


def check_language(base, lang, site, found):
    """Every page in one language, in a browser of its own (Playwright's sync API
    belongs to the thread that started it)."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            with new_page(chromium) as page:
                check_pages(page, base, lang, site["public"], found)
            for email, pages in site["signed in"]:
                with new_page(chromium) as page:
                    sign_in(page, base, email)
                    check_pages(page, base, lang, pages, found)
        finally:
            chromium.close()


def test_no_violations_on_main_pages(site):
    """zh and en side by side, one thread each: axe takes most of the time, in the browsers'
    own processes, so two run in not much more than the time of one."""
    found: dict[str, str] = {}
    failures: list[BaseException] = []

    def run(lang):
        try:
            check_language(base, lang, site, found)
        except BaseException as exc:  # re-raised below, in the test's own thread
            failures.append(exc)

    with live_server(site["app"]) as base:
        threads = [threading.Thread(target=run, args=(lang,)) for lang in ("zh", "en")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    if failures:
        raise failures[0]
    assert not found, f"{len(found)} pages with axe violations:\n" + "\n".join(
        f"== {page}\n{text}" for page, text in sorted(found.items()))


def test_axe_finds_what_it_should(app, browser):  # noqa: F811
    """The check itself works under the site's CSP: a page with an unlabelled field fails it."""
    with live_server(app) as base, new_page(browser) as page:
        page.goto(f"{base}/login")
        page.evaluate("""() => { const input = document.createElement('input');
                                 input.type = 'text'; document.querySelector('main').append(input); }""")
        assert "label" in {v["id"] for v in axe_violations(page)}

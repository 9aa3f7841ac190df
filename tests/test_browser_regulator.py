"""In a real browser: two people report a charge that differs from the published fee;
the regulator signs in, finds them from the oversight dashboard, accepts one and rejects
the other with notes; the accepted one (without the reporter's contact) appears on the
entity's public page, the rejected one nowhere public; the entity's publisher answers,
and the answer appears next to the report."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import browser, live_server, new_page  # noqa: F401  (browser: a fixture)
from tests.web import PASSWORD, make_user

ACCEPTED = "10 月 6 日提柜，码头操作费按 1,300 元收取，公示为 850 元"
REJECTED = "堆存费好像贵了"
CONTACT = "shipper-private@example.com"
RESPONSE = "经核查为系统计费错误，已退还差额"


@pytest.fixture
def people(app, session, publisher):
    """The app with CSRF on (as deployed), Haicang's publisher and a regulator."""
    app.config["WTF_CSRF_ENABLED"] = True
    return {"publisher": publisher, "regulator": make_user(session, "regulator")}


def sign_in(page, base, user):
    page.goto(f"{base}/login")
    page.get_by_label("电子邮箱").fill(user.email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def report(page, base, description, amount, contact="", fee=None):
    """Report through the form, about the entity or (from the version page's row) one fee."""
    page.goto(f"{base}/entities/haicang-demo")
    if fee:
        page.get_by_role("link", name="第 1 版").first.click()
        page.locator("table.items tr", has=page.locator("code", has_text=fee)).get_by_role(
            "link", name="反映收费与公示不符").click()
        expect(page.locator("main")).to_contain_text("涉及的收费项目：")
    else:
        page.get_by_role("link", name="反映收费与公示不符").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("反映收费与公示不符")
    page.get_by_label("情况说明").fill(description)
    page.get_by_label("收费日期").fill("2025-10-06")
    page.get_by_label("实际收取金额（选填）").fill(amount)
    expect(page.get_by_label("币种")).to_have_value("CNY")
    page.get_by_label("您的电子邮箱或电话（选填）").fill(contact)
    page.get_by_role("button", name="提交反映").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("感谢您的反映")


def test_report_moderate_publish_and_respond(app, people, browser):  # noqa: F811
    with live_server(app) as base:
        with new_page(browser) as public:
            report(public, base, ACCEPTED, "1300", CONTACT, fee="THC")
            report(public, base, REJECTED, "")

            with new_page(browser) as regulator:
                sign_in(regulator, base, people["regulator"])
                regulator.get_by_role("navigation", name="主导航").get_by_role("link", name="监管看板").click()
                expect(regulator.get_by_role("heading", level=1)).to_have_text("监管看板")
                by_status = regulator.locator("#table-reports-by-status")
                expect(by_status.locator("tr", has_text="待审核").locator("td.num")).to_have_text("2")

                regulator.get_by_role("link", name="审核公众反映").click()
                pending = regulator.locator("#pending")
                expect(pending.get_by_role("heading", level=2)).to_contain_text("2")
                first = pending.locator("article", has_text=ACCEPTED)
                expect(first).to_contain_text(CONTACT)  # the moderator sees the contact, to check the report
                expect(first).to_contain_text("1,300.00")
                first.get_by_label("备注（选填，不公开）").fill("与公示价不符，已核实")
                first.get_by_role("button", name="采纳并公开").click()
                expect(regulator.locator("p.flash.success")).to_contain_text("已采纳")

                second = regulator.locator("#pending article", has_text=REJECTED)
                second.get_by_label("备注（选填，不公开）").fill("无具体金额，无法核实")
                second.get_by_role("button", name="不采纳").click()
                expect(regulator.locator("p.flash.success")).to_contain_text("未采纳")

                expect(regulator.locator("#pending article")).to_have_count(0)
                decided = regulator.locator("#moderated")
                expect(decided.locator("article", has_text=ACCEPTED)).to_contain_text("已采纳")
                expect(decided.locator("article", has_text=ACCEPTED)).to_contain_text("与公示价不符，已核实")
                expect(decided.locator("article", has_text=REJECTED)).to_contain_text("未采纳")

                regulator.goto(f"{base}/admin/dashboard")
                for status, count in (("待审核", "0"), ("已采纳", "1"), ("未采纳", "1")):
                    expect(by_status.locator("tr", has_text=status).locator("td.num")).to_have_text(count)

            # The public page shows the accepted report, without the contact or the note;
            # the rejected one is not shown at all.
            public.goto(f"{base}/entities/haicang-demo")
            reports = public.locator("section#reports")
            expect(reports.locator("article")).to_have_count(1)
            expect(reports).to_contain_text(ACCEPTED)
            expect(reports).to_contain_text("1,300.00")
            expect(reports.locator("article a code")).to_have_text("THC")  # the fee it is about, linked
            expect(reports).to_contain_text("尚未回应")
            expect(public.locator("main")).not_to_contain_text(REJECTED)
            expect(public.locator("body")).not_to_contain_text(CONTACT)
            expect(public.locator("body")).not_to_contain_text("已核实")

            # The entity's publisher answers in public.
            with new_page(browser) as publisher:
                sign_in(publisher, base, people["publisher"])
                publisher.get_by_role("link", name="社会公众反映").click()
                article = publisher.locator("article", has_text=ACCEPTED)
                article.get_by_label("公开回应").fill(RESPONSE)
                article.get_by_role("button", name="发布回应").click()
                expect(publisher.locator("p.flash.success")).to_be_visible()

            public.reload()
            expect(reports.locator("article")).to_contain_text(RESPONSE)
            expect(reports).not_to_contain_text("尚未回应")

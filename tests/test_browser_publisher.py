"""In a real browser: a publisher imports a messy GB18030 file, fixes the error it
reports, reviews the diff, publishes, and finds the new version on the public page."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from fees.cli import DEFAULT_CATALOG
from fees.services import registry
from fees.views.helpers import today
from tests import factories as f
from tests.browser import browser_page, live_server
from tests.web import PASSWORD, make_user

HEADER = "收费代码,收费项目,计费单位,箱型,进出口,收费标准,阶梯,收费依据\r\n"
GOOD_ROWS = (
    'THC,码头操作费,元/箱,40HQ,出口,"1,200.00",,企业自主定价\r\n'
    "STORAGE,堆存费,元/箱·天,20GP,进出口,,1-4:0; 5-10:25; 11+:45,企业自主定价\r\n"
)
BAD_ROWS = GOOD_ROWS.replace("1,200.00", "一千二")


@pytest.fixture
def publisher(session):
    registry.load_catalog(session, DEFAULT_CATALOG)
    owner = f.entity(session, slug="haicang-demo", name_zh="海沧示例码头")
    sched = f.schedule(session, owner, name_zh="集装箱业务收费")
    f.publish(session, sched, [f.thc("1100"), f.storage()], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    return make_user(session, "publisher", entity=owner)


def test_publisher_imports_fixes_reviews_and_publishes(app, publisher, tmp_path):
    app.config["WTF_CSRF_ENABLED"] = True
    bad_file = tmp_path / "收费目录.csv"
    bad_file.write_bytes((HEADER + BAD_ROWS).encode("gb18030"))
    good_file = tmp_path / "收费目录-改.csv"
    good_file.write_bytes((HEADER + GOOD_ROWS).encode("gb18030"))
    effective = (today() + timedelta(days=45)).isoformat()

    with live_server(app) as base, browser_page() as page:
        page.goto(f"{base}/login")
        page.get_by_label("电子邮箱").fill(publisher.email)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("海沧示例码头")

        page.get_by_role("link", name="导入 CSV/XLSX 文件").click()
        page.get_by_label("CSV 或 XLSX 文件").set_input_files(str(bad_file))
        page.get_by_role("button", name="导入为新草稿").click()
        errors = page.locator("table.import-errors")
        expect(errors).to_contain_text("收费标准")
        expect(errors.locator("tr", has_text="收费标准").first).to_contain_text("2")

        page.get_by_label("CSV 或 XLSX 文件").set_input_files(str(good_file))
        page.get_by_role("button", name="导入为新草稿").click()
        expect(page.locator("table.diff")).to_contain_text("1,200.00")
        expect(page.locator("table.diff")).to_contain_text("上调")

        page.get_by_label("生效日期", exact=True).fill(effective)
        page.get_by_label("调整说明").fill("码头操作费上调，堆存免费期不变")
        page.get_by_role("button", name="公示此版本").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("第 2 版")

        page.goto(f"{base}/entities/haicang-demo")
        expect(page.locator("main")).to_contain_text(effective)
        expect(page.get_by_role("link", name="第 2 版")).to_be_visible()

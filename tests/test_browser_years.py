"""开始新年度 in a real Chromium: an admin starts 2024 from 2023 on 目标管理, at 1920 and 390 px; the sidebar's 年度
then offers 2024, whose indicators read 目标待录入."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ARTIFACTS, LoginServer, assert_no_exception, goto, login_in_sidebar, screenshot, wait_for_app
from tracker import auth, store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def years_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_years") / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    with store.connect(path) as con:
        auth.create_user(con, "year_admin", "admin", "year-admin-password")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    srv = LoginServer(path, ARTIFACTS / "streamlit_years.log")
    yield srv
    srv.stop()


def test_an_admin_starts_a_year_and_the_sidebar_offers_it(years_server, browser):
    """Preview, confirm, success; the overview of 2024 names the indicators whose target is to be entered."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    tab = context.new_page()
    try:
        goto(tab, years_server, "targets")
        login_in_sidebar(tab, "year_admin", "year-admin-password")
        goto(tab, years_server, "targets")
        tab.get_by_text("开始新年度", exact=True).wait_for(timeout=60_000)
        start = tab.get_by_role("button", name="开始2024年")
        assert start.is_disabled()
        tab.get_by_text("我已了解：2024年的指标目标需按2024年政府工作报告逐项录入").click()
        wait_for_app(tab)
        start.click()
        tab.get_by_text("已开始2024年").wait_for(timeout=60_000)
        assert_no_exception(tab)
        screenshot(tab, "years-started-1920")
        wait_for_app(tab)
        sidebar_year = tab.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="年度")
        sidebar_year.scroll_into_view_if_needed()
        sidebar_year.locator("input").click()
        tab.get_by_role("option", name="2024", exact=True).wait_for(timeout=10_000)  # the same click offers the year
        tab.keyboard.press("Escape")
        tab.set_viewport_size({"width": 390, "height": 844})
        goto(tab, years_server, "", "year=2024&month=3")
        tab.get_by_text("15项指标目标待录入").wait_for(timeout=60_000)
        assert_no_exception(tab)
        screenshot(tab, "years-overview-390")
    finally:
        context.close()

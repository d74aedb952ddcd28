"""督办事项 in a real Chromium against ``streamlit run serve.py``: a supervisor logs in, creates an action from a
lagging item through the page's form, and the list shows it; screenshots at 1920 and 390 px."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ARTIFACTS, LoginServer, assert_no_exception, goto, login_in_sidebar, screenshot, wait_for_app, wait_until_quiet
from tracker import actions, auth, store

pytestmark = pytest.mark.browser
SUPERVISOR, PASSWORD = "ducha_web", "ducha-web-password"


@pytest.fixture(scope="module")
def duban_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_actions") / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    with store.connect(path) as con:
        auth.create_user(con, SUPERVISOR, "supervisor", PASSWORD)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    srv = LoginServer(path, ARTIFACTS / "streamlit_actions.log")
    yield srv
    srv.stop()


@pytest.mark.parametrize("width", [1920, 390])
def test_a_supervisor_creates_an_action_on_the_page(duban_server, browser, width, monkeypatch):
    context = browser.new_context(viewport={"width": width, "height": 1080}, locale="zh-CN")
    tab = context.new_page()
    try:
        goto(tab, duban_server, query="year=2023&month=6")
        if width < 600:
            tab.get_by_test_id("stExpandSidebarButton").click()
        login_in_sidebar(tab, SUPERVISOR, PASSWORD)
        goto(tab, duban_server, "actions", "year=2023&month=6")
        collapse = tab.locator("[data-testid='stSidebar'] [data-testid='stSidebarCollapseButton'] button")
        if width < 600 and collapse.count():
            collapse.click()
            wait_for_app(tab)
        requirement = f"{width}像素下发起：7月底前完成报批"
        tab.get_by_label("督办要求").fill(requirement)
        tab.get_by_role("button", name="发起督办").click()
        tab.get_by_text("已发起督办事项").wait_for(timeout=30_000)
        wait_for_app(tab)
        assert_no_exception(tab)
        monkeypatch.setenv("TRACKER_DB", str(duban_server.db_path))
        with store.connect(duban_server.db_path) as con:
            assert requirement in [a.text for a in actions.list_actions(con)]
        goto(tab, duban_server, "actions", "year=2023&month=6")
        tab.get_by_role("button", name="销号").wait_for(timeout=30_000)
        wait_until_quiet(tab)
        assert tab.get_by_role("button", name="下载督办台账（Excel）").count() == 1
        screenshot(tab, f"actions_{width}")
    finally:
        context.close()

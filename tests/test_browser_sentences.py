"""核对新年度报告原文 in a real Chromium: an admin types the new report's sentence of a copied project on 目标管理 and
saves it (one batch); the projects page then shows it without the 沿用 mark. Screenshots at 1920 and 390 px."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ARTIFACTS, LoginServer, assert_no_exception, goto, login_in_sidebar, screenshot, wait_for_app
from tracker import auth, sentences, store, years

pytestmark = pytest.mark.browser
NEW = "推进南凤小桥改造二期，年内建成通车。"


@pytest.fixture(scope="module")
def sentences_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_sentences") / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    with store.connect(path) as con:
        auth.create_user(con, "sentence_admin", "admin", "sentence-admin-password")
    with pytest.MonkeyPatch.context() as patch:  # 2024 started in the file before the server opens it
        patch.setenv("TRACKER_DB", str(path))
        patch.delenv("TRACKER_DATABASE_URL", raising=False)
        years.start_year(2024, auth.User("sentence_admin", "admin"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    srv = LoginServer(path, ARTIFACTS / "streamlit_sentences.log")
    yield srv
    srv.stop()


def test_an_admin_enters_a_new_sentence_and_the_mark_goes(sentences_server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    tab = context.new_page()
    try:
        goto(tab, sentences_server, "targets")
        login_in_sidebar(tab, "sentence_admin", "sentence-admin-password")
        goto(tab, sentences_server, "targets")
        heading = tab.get_by_text("核对新年度报告原文", exact=True)
        heading.wait_for(timeout=60_000)
        heading.scroll_into_view_if_needed()
        tab.get_by_text("2024年有87个重点项目和重点工作仍沿用2023年报告原文").wait_for(timeout=30_000)
        grid = tab.locator("[data-testid='stDataFrame']").filter(has=tab.locator("canvas")).last
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        tab.mouse.dblclick(box["x"] + 400, box["y"] + 35 + 17)  # 新报告原文 of row 1, after 序号 and 事项 (pinned)
        editor = tab.locator("#portal textarea")
        editor.wait_for(timeout=10_000)
        editor.fill(NEW)
        tab.keyboard.press("Enter")
        wait_for_app(tab)
        screenshot(tab, "sentences-edit-1920")
        tab.get_by_role("button", name="保存新报告原文").click()
        wait_for_app(tab)
        done = tab.get_by_text("已保存1个事项的2024年报告原文")
        done.wait_for(timeout=60_000)
        assert_no_exception(tab)
        done.scroll_into_view_if_needed()
        tab.get_by_text("2024年有86个重点项目和重点工作仍沿用2023年报告原文").wait_for(timeout=30_000)
        screenshot(tab, "sentences-saved-1920")
        with store.connect(sentences_server.db_path) as con:
            assert NEW not in [i.source for i in sentences.copied_items(con, 2024)]
            assert NEW in [i.source for i in sentences.copied_items(con, 2024, pending_only=False)]
        tab.set_viewport_size({"width": 390, "height": 844})
        goto(tab, sentences_server, "targets")
        tab.get_by_text("核对新年度报告原文", exact=True).scroll_into_view_if_needed()
        wait_for_app(tab)
        screenshot(tab, "sentences-390")
    finally:
        context.close()

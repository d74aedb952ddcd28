"""The 督查室's month in a real Chromium, two people in two browsers: staff uploads → supervisor returns it with a
comment → staff sees the comment and resubmits → supervisor accepts → supervisor locks the month → a further
upload is refused with the Chinese message and nothing is written."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ARTIFACTS, LoginServer, assert_no_exception, goto, login_in_sidebar, screenshot, wait_for_app
from tracker import actions, auth, store

pytestmark = pytest.mark.browser
JUNE = "year=2023&month=6"
COMMENT = "6月小区管网数据与月报不一致，请核实后重报"


@pytest.fixture(scope="module")
def review_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_review") / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    with store.connect(path) as con:
        auth.create_user(con, "water_web", "staff", "water-web-password", department="water")
        auth.create_user(con, "duban_web", "supervisor", "duban-web-password")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    srv = LoginServer(path, ARTIFACTS / "streamlit_review.log")
    yield srv
    srv.stop()


def tab_of(browser, width: int = 1920):
    context = browser.new_context(viewport={"width": width, "height": 1080}, locale="zh-CN")
    return context, context.new_page()


def upload(tab, server, tmp_path, name: str, value: int) -> None:
    goto(tab, server, "upload", JUNE)
    path = tmp_path / name
    path.write_text(f"指标编码,年,月,数值\nresidential_sewer_done,2023,6,{value}\n", encoding="utf-8")
    tab.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    wait_for_app(tab)


def commit(tab) -> None:
    tab.get_by_text("提交前预览：原数值 → 新数值").wait_for(timeout=60_000)
    tab.get_by_role("button", name="确认提交").click()
    tab.get_by_text("已提交：批次").wait_for(timeout=60_000)
    wait_for_app(tab)


def decide(tab, server, decision: str, comment: str = "") -> None:
    goto(tab, server, "review", JUNE)
    tab.locator("[data-testid='stSelectbox']").filter(has_text="审核对象").click()
    tab.get_by_role("option").filter(has_text="水务局").first.click()
    wait_for_app(tab)
    tab.locator("[data-testid='stRadio']").get_by_text(decision, exact=True).click()
    wait_for_app(tab)
    if comment:
        tab.get_by_label("意见（退回时必填，部门在填报页面看到）").fill(comment)
    tab.get_by_role("button", name="提交审核结果").click()
    tab.get_by_text(f"水务局2023年6月填报：{'已退回' if decision == '退回' else '已审核'}").wait_for(timeout=60_000)
    wait_for_app(tab)
    assert_no_exception(tab)


def figures(server) -> int:
    with store.connect(server.db_path) as con:
        return int(con.execute("select count(*) from figure").fetchone()[0])


def test_return_resubmit_accept_lock_then_an_upload_is_refused(review_server, browser, tmp_path):
    """Staff and 督查室 in two browsers, through the pages only."""
    staff_context, staff = tab_of(browser)
    boss_context, boss = tab_of(browser)
    try:
        goto(staff, review_server, "", JUNE)
        login_in_sidebar(staff, "water_web", "water-web-password")
        upload(staff, review_server, tmp_path, "first.csv", 9)
        commit(staff)

        goto(boss, review_server, "", JUNE)
        login_in_sidebar(boss, "duban_web", "duban-web-password")
        decide(boss, review_server, "退回", COMMENT)
        screenshot(boss, "review_returned")

        goto(staff, review_server, "upload", JUNE)
        staff.get_by_text("督查室退回了2023年6月水务局的填报").wait_for(timeout=30_000)
        assert COMMENT in staff.content()
        screenshot(staff, "review_comment_on_upload")
        upload(staff, review_server, tmp_path, "second.csv", 8)
        commit(staff)

        decide(boss, review_server, "通过")
        boss.get_by_role("button", name="锁定2023年6月").click()
        boss.get_by_text("已锁定2023年6月").first.wait_for(timeout=60_000)
        wait_for_app(boss)
        assert_no_exception(boss)
        screenshot(boss, "review_locked")

        before = figures(review_server)
        upload(staff, review_server, tmp_path, "third.csv", 7)
        # The refusal is the row's error in the issue table (a canvas grid: its accessible cells hold the text).
        staff.get_by_text("2023年6月已锁定（督查室 duban_web 于").first.wait_for(state="attached", timeout=60_000)
        assert staff.get_by_role("button", name="确认提交").count() == 0
        screenshot(staff, "review_upload_refused")
        assert figures(review_server) == before
    finally:
        staff_context.close()
        boss_context.close()


def test_the_review_page_on_a_phone(review_server, browser):
    """390 px wide: the page renders without an exception, its tables and banner visible."""
    context, tab = tab_of(browser, 390)
    try:
        goto(tab, review_server, "review", JUNE)
        assert_no_exception(tab)
        tab.get_by_role("heading", name="审核与锁定").first.wait_for()
        screenshot(tab, "review_phone")
    finally:
        context.close()


def test_an_action_from_meeting_mode_is_open_next_month_then_closed_and_the_ledger_says_so(review_server, browser, tmp_path):
    """The rest of the 督办 loop, through the pages: the 督查室 creates an action in 会议模式 for a lagging item →
    in July it is listed open on the overview → staff report progress → the 督查室 closes it (销号) with evidence →
    the 督办台账 downloaded from the page says 已销号."""
    import openpyxl

    requirement = "7月底前补齐截污工程资料并报送施工计划"
    evidence = "已报送施工计划，7月28日现场核查属实"
    boss_context, boss = tab_of(browser)
    staff_context, staff = tab_of(browser)
    try:
        goto(boss, review_server, "", JUNE)
        login_in_sidebar(boss, "duban_web", "duban-web-password")
        goto(boss, review_server, "meeting", JUNE + "&slide=1")
        boss.get_by_text("督办事项（办理中").first.click()
        wait_for_app(boss)
        boss.locator("[data-testid='stSelectbox']").filter(has_text="会上决定督办的事项").click()
        boss.get_by_role("option").filter(has_text="重点整治河涌截污工程完工").first.click()
        wait_for_app(boss)
        boss.get_by_label("督办要求").fill(requirement)
        boss.get_by_role("button", name="发起督办").click()
        boss.get_by_text("已发起督办事项").wait_for(timeout=30_000)
        wait_for_app(boss)
        assert_no_exception(boss)
        screenshot(boss, "duban_from_meeting")

        goto(boss, review_server, "", "year=2023&month=7")
        boss.get_by_text("办理中的督办事项（1项）").wait_for(timeout=30_000)  # the table itself is drawn on a canvas
        with store.connect(review_server.db_path) as con:
            (made,) = [a for a in actions.list_actions(con) if a.text == requirement]
        assert (made.year, made.month, made.department, made.is_open) == (2023, 6, "water", True)

        goto(staff, review_server, "", JUNE)
        login_in_sidebar(staff, "water_web", "water-web-password")
        goto(staff, review_server, "actions", "year=2023&month=7")
        staff.get_by_label("进展情况").fill("已完成资料补齐，施工计划报镇政府审定")
        staff.get_by_role("button", name="报送进展").click()
        staff.get_by_text("的进展").first.wait_for(timeout=30_000)
        assert_no_exception(staff)

        goto(boss, review_server, "actions", "year=2023&month=7")
        boss.get_by_label("销号依据").fill(evidence)
        boss.get_by_role("button", name="销号").click()
        boss.get_by_text("已销号").first.wait_for(timeout=30_000)
        wait_for_app(boss)
        with boss.expect_download() as got:
            boss.get_by_role("button", name="下载督办台账（Excel）").click()
        path = tmp_path / "ledger.xlsx"
        got.value.save_as(path)
        rows = [[str(c) if c is not None else "" for c in row] for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
        (row,) = [r for r in rows if any(requirement in c for c in r)]
        assert "已销号" in row and any("截污" in c for c in row)
        screenshot(boss, "duban_closed")
    finally:
        boss_context.close()
        staff_context.close()

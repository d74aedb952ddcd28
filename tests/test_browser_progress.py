"""Project progress in a real Chromium: a 水务局 staff member downloads the month's template, fills the 项目 sheet
for 茅湾涌防洪排涝整治工程一期 with openpyxl (stage, 形象进度, 进展情况), uploads it through the real file chooser,
sees the preview, commits, and finds the new stage on 重点项目. Then an admin saves a 责任领导 on 责任分工 and sees it
on 重点工作. (A supporting department refused the stage: tests/test_progress_upload_page.py and
tests/test_progress_import.py, without a browser.) Own server on a private copy of the demo database: it writes."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from tests.conftest import ARTIFACTS, LoginServer, assert_no_exception, goto, login_in_sidebar, screenshot, wait_for_app
from tracker import auth, items, status, store, template
from tracker.model import by_severity

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PROJECT, YEAR, MONTH = "P_MAOWAN_1", 2023, 12
PROGRESS = "主体工程完工，浏览器测试-12"


@pytest.fixture(scope="module")
def progress_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_progress") / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    with store.connect(path) as con:
        auth.create_user(con, "water_web", "staff", "water-web-password", department="water")
        auth.create_user(con, "admin_web", "admin", "admin-web-password")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    srv = LoginServer(path, ARTIFACTS / "streamlit_progress.log")
    yield srv
    srv.stop()


def fill_project_sheet(path) -> None:
    book = openpyxl.load_workbook(path)
    ws = book["项目"]
    header = [c.value for c in ws[template.HEADER_ROW]]
    col = {name: header.index(name) for name in ("项目编码", "年", "月", "阶段", "形象进度（%）", "进展情况")}
    for row in ws.iter_rows(min_row=template.HEADER_ROW + 1):
        if row[col["项目编码"]].value == PROJECT:
            assert (row[col["年"]].value, row[col["月"]].value) == (YEAR, MONTH)
            row[col["阶段"]].value = "完工"
            row[col["形象进度（%）"]].value = 100
            row[col["进展情况"]].value = PROGRESS
            break
    else:
        raise AssertionError(f"{PROJECT} is not on the 项目 sheet of 水务局")
    book.save(path)


def test_water_staff_reports_maowan_stage_through_the_template_and_sees_it_on_projects(progress_server, page, tmp_path):
    """Login → 数据填报 (December) → template → 项目 sheet → file chooser → preview → commit → 重点项目."""
    goto(page, progress_server)
    login_in_sidebar(page, "water_web", "water-web-password")
    goto(page, progress_server, "upload", f"year={YEAR}&month={MONTH}")
    assert_no_exception(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Excel 模板").click()
    path = tmp_path / "水务局模板.xlsx"
    info.value.save_as(path)
    fill_project_sheet(path)

    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(path))
    page.get_by_role("button", name="确认提交").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "progress_preview")
    page.locator("table").filter(has_text=PROGRESS).first.wait_for(state="attached", timeout=30_000)  # the preview grid
    page.get_by_role("button", name="确认提交").click()
    page.get_by_text("已提交").first.wait_for(timeout=60_000)
    wait_for_app(page)
    with store.connect(progress_server.db_path) as con:
        stored = con.execute(
            "select stage, percent, note, user_name from project_progress_latest where project = ? and year = ? and month = ?",
            [PROJECT, YEAR, MONTH],
        ).fetchone()
    assert stored == ("完工", 100.0, PROGRESS, "water_web")

    goto(page, progress_server, "projects", f"year={YEAR}&month={MONTH}")
    assert_no_exception(page)
    page.get_by_text("项目明细").wait_for(timeout=30_000)
    # the tables are canvas grids; their accessible copy carries the cell text
    page.locator("table").filter(has_text=PROGRESS).first.wait_for(state="attached", timeout=30_000)
    row = page.locator("table tr").filter(has_text="茅湾涌防洪排涝整治工程一期").filter(has_text="完工").first
    row.wait_for(state="attached", timeout=30_000)
    screenshot(page, "progress_projects_page")


def test_admin_sets_a_leader_on_the_assignments_page(progress_server, page, monkeypatch):
    """责任分工: an admin types a 责任领导 in the table and saves; the 重点工作 page shows it."""
    goto(page, progress_server)
    login_in_sidebar(page, "admin_web", "admin-web-password")
    goto(page, progress_server, "assignments", f"year={YEAR}")
    assert_no_exception(page)
    page.get_by_role("button", name="保存修改").wait_for(timeout=30_000)
    screenshot(page, "assignments_admin")
    # the data editor is a canvas grid; the save goes through the function its button calls (tested with the
    # table's edits in tests/test_assignments_page.py), and the 重点工作 page of the server shows what was saved
    with store.connect(progress_server.db_path) as con:
        admin = auth.get_user(con, "admin_web")
        first = by_severity(status.build_status(con, YEAR, MONTH).tasks)[0]  # the top row of the 重点工作 table
    monkeypatch.setenv("TRACKER_DB", str(progress_server.db_path))  # the server's database, not data/tracker.duckdb
    items.set_assignments(YEAR, admin, [items.AssignmentChange(first.code, leader="分管副镇长（浏览器）")])
    goto(page, progress_server, "tasks", f"year={YEAR}&month={MONTH}")
    page.locator("table").filter(has_text="分管副镇长（浏览器）").first.wait_for(state="attached", timeout=30_000)

"""The whole reporting round in a real Chromium: log in as a staff user, download the template, fill it with
openpyxl, upload it through the real file chooser, see the preview, commit, and find the figure on the
indicator page. Runs its own server on a private copy of the demo database because it writes."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from tests.conftest import (
    ARTIFACTS,
    LoginServer,
    assert_no_exception,
    counts,
    goto,
    login_in_sidebar,
    make_csv,
    screenshot,
    wait_for_app,
)
from tracker import auth, ingest, store, template
from tracker.auth import User

pytestmark = pytest.mark.browser
NOTE = "浏览器测试备注-7"
METRIC = "new_industrial_above_scale"


@pytest.fixture(scope="module")
def upload_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_upload") / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    with store.connect(path) as con:
        auth.create_user(con, "econ_web", "staff", "econ-web-password", department="econ")
        auth.create_user(con, "admin_web", "admin", "admin-web-password")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    srv = LoginServer(path, ARTIFACTS / "streamlit_upload.log")
    yield srv
    srv.stop()


def login(tab, name: str, password: str) -> None:
    login_in_sidebar(tab, name, password)


def nav_to(tab, title: str) -> None:
    """Click a page link in the sidebar navigation (opening the collapsed "View more" part first)."""
    nav = tab.locator("[data-testid='stSidebarNav']")
    more = nav.get_by_text("View", exact=False).filter(has_text="more")
    if more.count():
        more.first.click()
    nav.locator("a").filter(has_text=title).first.click()
    wait_for_app(tab)


def test_staff_downloads_fills_uploads_previews_commits_and_sees_the_figure(upload_server, page, tmp_path):
    """Login → 数据填报 → template download → fill → real file chooser → preview → commit → indicator page."""
    goto(page, upload_server)
    login(page, "econ_web", "econ-web-password")
    nav_to(page, "数据填报")
    assert_no_exception(page)
    page.get_by_text("单个文件不超过 10 MB").wait_for()

    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Excel 模板").click()
    path = tmp_path / "template.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    ws = book["填报"]
    filled = None
    for row in ws.iter_rows(min_row=template.HEADER_ROW + 1):
        if row[0].value == METRIC:
            year, month = row[5].value, row[6].value
            row[9].value = 7
            row[10].value = NOTE
            filled = (year, month)
        elif row[0].value:
            row[9].value = row[7].value  # the rest as last month
    assert filled is not None
    book.save(path)

    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.get_by_text("提交前预览：原数值 → 新数值").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    shot = screenshot(page, "upload_preview")
    assert shot.exists()

    page.get_by_role("button", name="确认提交").click()
    page.get_by_text("已提交：批次").wait_for(timeout=60_000)
    wait_for_app(page)
    screenshot(page, "upload_committed")
    with store.connect(upload_server.db_path) as con:
        value, note, user = con.execute(
            "select value, note, user_name from figure_current where metric = ? and year = ? and month = ?", [METRIC, *filled]
        ).fetchone()
    assert (value, note, user) == (7.0, NOTE, "econ_web")

    year, month = filled
    goto(page, upload_server, "indicator", f"indicator={METRIC}&year={year}&month={month}")
    assert_no_exception(page)
    page.get_by_text("数据来源").first.wait_for(timeout=30_000)
    screenshot(page, "upload_indicator_page")
    with store.connect(upload_server.db_path) as con:
        (to_date,) = con.execute(
            "select sum(value) from figure_current where metric = ? and year = ? and month <= ?", [METRIC, year, month]
        ).fetchone()
    # the year-to-date card includes the new 7, and the lineage table (a canvas grid whose accessible copy
    # carries the cell text) shows our note
    page.get_by_text(f"1—{month}月累计").first.wait_for()
    assert page.get_by_text(f"{to_date:.0f}家", exact=True).count() > 0
    page.locator("table").filter(has_text=NOTE).first.wait_for(state="attached", timeout=30_000)
    assert NOTE in page.content()

    goto(page, upload_server, "history")
    assert_no_exception(page)
    page.get_by_text("上传记录").first.wait_for()
    screenshot(page, "upload_history")


def test_reporting_and_targets_pages_render(upload_server, page):
    """填报情况 and 目标管理 open in a real browser without an exception."""
    for path, title in (("reporting", "填报情况"), ("targets", "目标管理")):
        goto(page, upload_server, path)
        assert_no_exception(page)
        page.get_by_role("heading", name=title).first.wait_for()
        screenshot(page, f"upload_{path}")


def test_a_file_over_the_limit_is_refused_in_the_browser(upload_server, page, tmp_path):
    """server.maxUploadSize = 10: the real uploader refuses an 11 MB file before our code sees it."""
    goto(page, upload_server)
    login(page, "econ_web", "econ-web-password")
    nav_to(page, "数据填报")
    big = tmp_path / "big.csv"
    big.write_bytes(b"metric,year,month,value\n" + b"0" * (11 * 1024 * 1024))
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(big))
    page.locator("[data-testid='stFileUploader']").get_by_text("File must be 10.0MB or smaller").wait_for(timeout=30_000)
    wait_for_app(page)
    shot = screenshot(page, "upload_too_large")
    assert shot.exists()
    uploader = page.locator("[data-testid='stFileUploader']").inner_text()
    assert "File must be 10.0MB or smaller" in uploader  # Streamlit's own words, next to the file chip
    assert page.get_by_text("单个文件不超过 10 MB").count() == 1  # the page states the limit in Chinese
    assert page.get_by_text("提交前预览").count() == 0
    assert_no_exception(page)


def download_template(tab, path) -> None:
    with tab.expect_download() as info:
        tab.get_by_role("button", name="下载 Excel 模板").click()
    info.value.save_as(path)


def test_an_unchanged_prefilled_template_uploaded_again_commits_nothing(upload_server, page, tmp_path):
    """The template comes prefilled with the month's current values (the month now due: December for 2023);
    uploading it back unchanged says so, offers no 确认提交 and writes nothing."""
    goto(page, upload_server)
    login(page, "econ_web", "econ-web-password")
    nav_to(page, "数据填报")
    path = tmp_path / "unchanged.xlsx"
    download_template(page, path)
    ws = openpyxl.load_workbook(path)["填报"]
    rows = [r for r in ws.iter_rows(min_row=template.HEADER_ROW + 1) if r[0].value]
    assert (rows[0][5].value, rows[0][6].value) == (2023, 12)
    assert any(r[9].value is not None and str(r[11].value).startswith(template.CURRENT_MARK) for r in rows)
    before = counts(upload_server.db_path)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.get_by_text("文件中的数值与系统现有数值完全相同").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "upload_unchanged_template")
    assert page.get_by_text("文件中没有与现有数值不同的行").count() == 1
    assert page.get_by_role("button", name="确认提交").count() == 0
    assert counts(upload_server.db_path) == before


def test_revert_shows_at_once_in_the_history_table(upload_server, page, monkeypatch):
    """撤销 on 上传记录: the success line and the table's 已撤销 come with the same click, no reload."""
    monkeypatch.setenv("TRACKER_DB", str(upload_server.db_path))
    staff = User("econ_web", "staff", "econ")
    data = make_csv([["new_industrial_above_scale", 2023, 11, 123, None, None]])
    batch = ingest.commit(data, "撤销刷新测试.csv", staff).batch_id
    goto(page, upload_server)
    login(page, "econ_web", "econ-web-password")
    goto(page, upload_server, "history")
    row = page.locator("[data-testid='stDataFrame'] table tr").filter(has_text="撤销刷新测试.csv")
    row.first.wait_for(state="attached", timeout=30_000)
    assert "有效" in row.first.inner_text()
    page.get_by_text("确认撤销这个批次").click()
    page.get_by_role("button", name="撤销", exact=True).click()
    page.get_by_text(f"已撤销批次 {batch}").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert "已撤销" in row.first.inner_text()
    screenshot(page, "history_reverted")


def test_a_new_years_targets_show_in_the_sidebar_with_the_same_click(upload_server, page):
    """目标管理 opens on the year being planned; saving its first target adds the year to the sidebar's 年度 at once."""
    goto(page, upload_server)
    login(page, "admin_web", "admin-web-password")
    goto(page, upload_server, "targets")
    with store.connect(upload_server.db_path) as con:
        year = ingest.planning_year(con)
    page.get_by_text(f"{year}年还没有录入目标").wait_for(timeout=30_000)
    sidebar_year = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    sidebar_year.click()
    assert page.get_by_role("option", name=str(year), exact=True).count() == 0
    page.keyboard.press("Escape")
    page.get_by_label("目标值").fill("320")
    page.get_by_role("button", name="保存目标").click()
    page.get_by_text("已保存（批次").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    sidebar_year.click()
    page.get_by_role("option", name=str(year), exact=True).wait_for(timeout=10_000)
    page.keyboard.press("Escape")
    screenshot(page, "targets_saved")

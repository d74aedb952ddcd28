"""Issue 14, points 5, 6 and 8 without a browser: the month now due, the prefilled template whose unchanged rows are
no new versions, the preview that lists changes first, 撤销 shown at once, 目标管理's year and the sidebar's years.
Real DuckDB files (the demo database), AppTest for the pages."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, TODAY, add_users, app_page, counts, current, make_csv
from tests.test_upload_pages import ADMIN, STAFF, all_text, frame_with, page
from tracker import auth, ingest, store, template
from tracker.auth import User


@pytest.fixture
def users(demo_db):
    """The accounts the app's login check finds in the store (``app_page`` runs app.py, which looks them up)."""
    add_users(demo_db, (STAFF.name, STAFF.role, STAFF.department), (ADMIN.name, ADMIN.role, None), ("wang", "staff", "water"))


def filled_template(department: str, year: int, month: int, change: dict[str, float] | None = None) -> bytes:
    """The department's template as downloaded, with the value of the rows of ``change`` (metric → value) changed."""
    with store.connect() as con:
        data = template.build_template(con, department, year, month)
    if not change:
        return data
    book = openpyxl.load_workbook(io.BytesIO(data))
    for row in book["填报"].iter_rows(min_row=template.HEADER_ROW + 1):
        if row[0].value in change:
            row[9].value = change[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ point 5a: the month now due


@pytest.mark.parametrize(
    ("year", "today", "month"),
    [(2023, date(2026, 11, 25), 12), (2026, date(2026, 11, 25), 10), (2026, date(2026, 1, 5), 1), (2027, date(2026, 11, 25), 1)],
)
def test_month_due_is_the_last_finished_month_within_the_year(year, today, month):
    assert ingest.month_due(year, today) == month


def test_period_due_crosses_the_year_in_january():
    assert ingest.period_due(date(2027, 1, 3)) == (2026, 12)
    assert ingest.period_due(date(2026, 11, 25)) == (2026, 10)


def test_template_command_defaults_to_the_month_due(demo_db, tmp_path, capsys):
    from tracker.cli import main

    out = tmp_path / "t.xlsx"
    assert main(["template", "--department", "econ", "-o", str(out)]) == 0
    year, month = ingest.period_due()
    assert f"{year}年{month}月" in capsys.readouterr().out
    assert f"{year}年{month}月" in openpyxl.load_workbook(out)["填报"]["A1"].value
    assert main(["template", "--department", "econ", "--year", "2023", "-o", str(out)]) == 0
    assert "2023年12月" in openpyxl.load_workbook(out)["填报"]["A1"].value  # a past year: its December


def test_upload_page_opens_on_the_month_due_of_the_sidebar_year(users):
    at = app_page("pages/upload.py", user=STAFF, query={"year": "2023", "month": "6"})
    assert at.selectbox(key="upload_year").value == 2023
    assert at.selectbox(key="upload_month_2023").value == 12  # due now, not the sidebar's June
    at.selectbox(key="upload_year").select(date.today().year).run()
    assert at.selectbox(key=f"upload_month_{date.today().year}").value == ingest.month_due(date.today().year)


# ------------------------------------------------------------------ point 5b: the prefilled template


def test_template_prefills_the_months_current_values_and_marks_them(demo_db):
    with store.connect() as con:
        book = openpyxl.load_workbook(io.BytesIO(template.build_template(con, "econ", 2023, 6)))
        reported = dict(
            con.execute(
                "select metric, value from figure_current f join metric m on m.code = f.metric "
                "where m.department = 'econ' and year = 2023 and month = 6 and place is null"
            ).fetchall()
        )
        empty = openpyxl.load_workbook(io.BytesIO(template.build_template(con, "econ", 2024, 1)))
    ws = book["填报"]
    assert ws.cell(template.HEADER_ROW, 12).value == "填报情况"
    rows = [r for r in ws.iter_rows(min_row=template.HEADER_ROW + 1) if r[0].value]
    assert reported and {r[0].value: r[9].value for r in rows if r[0].value in reported} == reported
    first = next(r for r in rows if r[0].value in reported)
    assert first[11].value == template.CURRENT_MARK + "（演示数据）"
    assert first[9].fill.fgColor.rgb.endswith("E3E6EA") and not first[9].protection.locked  # grey, still editable
    blank = [r for r in empty["填报"].iter_rows(min_row=template.HEADER_ROW + 1) if r[0].value]
    assert all(r[9].value is None and r[11].value is None for r in blank)
    assert blank[0][9].fill.fgColor.rgb.endswith("FFF7D6")  # yellow: to fill


def test_an_unchanged_prefilled_template_writes_nothing(demo_db):
    data = filled_template("econ", 2023, 12)
    report = ingest.prepare(data, "econ.xlsx", STAFF, today=TODAY)
    assert report.ok and len(report.preview) > 0 and not report.changes_anything
    before = counts()
    result = ingest.commit(data, "econ.xlsx", STAFF, today=TODAY)
    assert result.batch_id is None and counts() == before
    assert "完全相同" in result.message()


def test_one_changed_cell_of_a_prefilled_template_is_the_only_new_version(demo_db):
    old = current("new_industrial_above_scale", 2023, 12)
    data = filled_template("econ", 2023, 12, {"new_industrial_above_scale": old + 5})
    before = counts()
    result = ingest.commit(data, "econ.xlsx", STAFF, today=TODAY)
    assert result.batch_id and result.rows == 1 and result.unchanged == len(result.report.preview) - 1
    assert counts()[0] == before[0] + 1
    assert current("new_industrial_above_scale", 2023, 12) == old + 5
    assert "未改动" in result.message()


# ------------------------------------------------------------------ point 5c: the preview on the page


def test_preview_lists_changed_rows_then_the_unchanged_count(demo_db):
    old = current("new_industrial_above_scale", 2023, 12)
    data = filled_template("econ", 2023, 12, {"new_industrial_above_scale": old + 5})
    at = page("upload", STAFF)
    at.get("file_uploader")[0].set_value(("econ.xlsx", data, "application/octet-stream"))
    at.run()
    assert not at.exception
    preview = frame_with(at, "新数值")
    assert preview["原数值"].tolist() == [old] and preview["新数值"].tolist() == [old + 5]
    rows = len(ingest.prepare(data, "econ.xlsx", STAFF, today=TODAY).preview)
    assert f"另有 {rows - 1} 行与现有数值相同，不会改动" in all_text(at)
    assert [b for b in at.button if b.key == "commit"]


def test_an_upload_that_changes_nothing_says_so_and_offers_no_commit(demo_db):
    at = page("upload", STAFF)
    at.get("file_uploader")[0].set_value(("econ.xlsx", filled_template("econ", 2023, 12), "application/octet-stream"))
    at.run()
    assert not at.exception
    text = all_text(at)
    assert "完全相同" in text and "文件中没有与现有数值不同的行" in text
    assert "提交后处于" not in text  # no "after the commit" warning where nothing would be committed
    assert not [b for b in at.button if b.key == "commit"]


# ------------------------------------------------------------------ point 6: 撤销 shows at once


def test_history_shows_the_revert_in_the_same_click(demo_db):
    result = ingest.commit(make_csv([["new_industrial_above_scale", 2024, 1, 6, None, None]]), "a.csv", STAFF)
    at = page("history", ADMIN)
    row = frame_with(at, "状态").set_index("批次").loc[result.batch_id]
    assert row["状态"] == "有效"
    at.selectbox(key="revert_batch").select(result.batch_id)
    at.checkbox(key="revert_confirm").check()
    at.button[-1].click().run()
    assert not at.exception
    assert any(f"已撤销批次 {result.batch_id}" in s.value for s in at.success)
    row = frame_with(at, "状态").set_index("批次").loc[result.batch_id]
    assert row["状态"] == "已撤销" and row["撤销人"] == ADMIN.name
    offered = [o for box in at.selectbox if box.key == "revert_batch" for o in box.options]
    assert str(result.batch_id) not in offered


def test_history_shows_names_not_codes_and_no_none(demo_db):
    at = page("history", ADMIN)
    at.toggle(key="history_demo").set_value(True).run()
    frame = frame_with(at, "上传人")
    users = set(frame["上传人"])
    assert "系统初始数据" in users and not {u for u in users if u == "system" or u.startswith("演示-")}
    assert any(u.startswith("演示数据（") for u in users)
    assert "None" not in frame.astype(str).to_string().replace("NaT", "").replace("nan", "")
    assert frame["撤销人"].isna().all()  # shown as "—" (placeholder), never "None"


# ------------------------------------------------------------------ point 8: years


def test_planning_year_is_the_year_after_the_latest_targets_or_this_year(demo_db):
    with store.connect() as con:
        assert ingest.planning_year(con, date(2024, 3, 20)) == 2024
        assert ingest.planning_year(con, date(2026, 11, 25)) == 2026
    ingest.commit_targets([ingest.TargetRow("cultural_events", 2025, 300.0, ">=", None)], ADMIN)
    with store.connect() as con:
        assert ingest.planning_year(con, date(2025, 2, 1)) == 2026
        assert ingest.planning_year(con, date(2024, 3, 20)) == 2025  # never past next year


def test_targets_page_opens_on_the_planned_year_and_says_what_to_do_when_empty(demo_db):
    at = page("targets", ADMIN)
    with store.connect() as con:
        planned = ingest.planning_year(con)
    assert at.selectbox(key="targets_year").value == planned
    assert f"{planned}年还没有录入目标" in all_text(at)
    assert not [d for d in at.dataframe if "指标编码" in d.value.columns]


def test_new_years_targets_appear_in_the_sidebar_at_once(users):
    """Saving runs the app again (the sidebar is drawn before the page): the message comes from that second run,
    and the sidebar's cached year list is keyed on the data, so the new year is offered."""
    at = page("targets", ADMIN)
    year = at.selectbox(key="targets_year").value
    assert year not in (2022, 2023)
    at.selectbox(key="target_indicator").select("cultural_events")
    at.number_input(key="target_value").set_value(320.0)
    at.button[-1].click().run()
    assert not at.exception
    assert any("已保存" in s.value for s in at.success)
    assert frame_with(at, "目标值")["目标值"].tolist() == [320.0]
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert str(year) in app.selectbox(key="year").options


@pytest.mark.parametrize("year", ["2022", "2023"])
def test_overview_subtitle_names_the_selected_year(demo_db, year):
    at = app_page("pages/overview.py", query={"year": year, "month": "6"})
    other = {"2022": "2023", "2023": "2022"}[year]
    subtitle = next(c.value for c in at.caption if "月 ·" in c.value)
    assert subtitle.startswith(f"{year}年6月") and f"{year}年" in subtitle.split("·")[-1]
    assert f"{other}年" not in subtitle  # never another year's report


# ------------------------------------------------------------------ small things


def test_no_password_hash_is_computed_at_import():
    code = "import tracker.auth as a; print(a._dummy_hash.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"


@pytest.mark.parametrize("name", ["upload", "history", "targets", "extract"])
def test_writing_pages_use_the_routing_wrapper(name):
    """A direct link as a fresh server's first request must route through app.py (components.sidebar.routed)."""
    source = (ROOT / "pages" / f"{name}.py").read_text(encoding="utf-8")
    assert "routed()" in source.split("def main() -> None:")[1].split("\n")[1]


def test_login_line_names_the_department(users):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user"] = wang = User("wang", "staff", "water")
    at.session_state["auth_session"] = auth.start_session(wang)
    at.run()
    assert any("已登录：wang（填报员 · 水务局）" in c.value for c in at.caption)


def test_a_committed_targets_file_is_not_offered_again(demo_db):
    """After 确认提交目标 the page runs again with an empty uploader: the same file is not checked and offered twice."""
    at = page("targets", ADMIN)
    year = at.selectbox(key="targets_year").value
    data = make_csv([["cultural_events", year, 310, ">=", "试算"]], header=("指标编码", "年", "目标值", "比较", "备注"))
    at.get("file_uploader")[0].set_value(("t.csv", data, "text/csv"))
    at.run()
    assert [b for b in at.button if b.key == "targets_commit"]
    at.button(key="targets_commit").click().run()
    assert not at.exception
    assert any("已提交目标" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == "targets_commit"]
    assert frame_with(at, "目标值")["目标值"].tolist() == [310.0]

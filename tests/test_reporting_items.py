"""填报率 and the overdue list count the projects and tasks a department leads, and name the ones not reported."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.conftest import add_users, app_page
from tracker import ingest, store
from tracker.cli import main

TODAY = date(2024, 3, 1)  # every month of 2023 is past its due date


@pytest.fixture
def staff_db(demo_db):
    add_users(demo_db, ("liu", "staff", "social"), ("gao", "staff", "build"))
    return demo_db


def table() -> pd.DataFrame:
    with store.connect() as con:
        return ingest.reporting_status(con, 2023, today=TODAY)


def row(frame: pd.DataFrame, department: str, month: int):
    (found,) = frame[(frame["department"] == department) & (frame["month"] == month)].itertuples(index=False)
    return found


def led(department: str, year: int = 2023) -> tuple[int, int]:
    with store.connect() as con:
        projects = con.execute("select count(*) from project where department = ? and year = ?", [department, year]).fetchone()[0]
        tasks = con.execute("select count(*) from task where department = ? and year = ?", [department, year]).fetchone()[0]
    return int(projects), int(tasks)


def test_expected_reports_include_the_projects_and_tasks_a_department_leads(staff_db):
    frame = table()
    projects, tasks = led("social")
    assert projects and tasks
    june = row(frame, "social", 6)
    assert june.expected_figures == 0  # 社会事务局 reports no figure: it is in the table for its projects and tasks
    assert june.expected == june.expected_items == projects + tasks
    assert all(frame["expected"] == frame["expected_figures"] + frame["expected_items"])


def test_an_unreported_project_is_named_and_makes_the_month_overdue_until_reported(staff_db, tmp_path, capsys):
    june = row(table(), "social", 6)
    assert june.overdue
    missing = {(i.kind, i.code) for i in june.unreported}
    assert ("project", "P_CEMETERY") in missing
    assert june.reported == june.expected - len(june.unreported)
    path = tmp_path / "p.csv"
    path.write_text("项目编码,年,月,阶段,形象进度,进展情况\nP_CEMETERY,2023,6,前期,10,完成选址论证\n", encoding="utf-8")
    assert main(["import", str(path), "--user", "liu"]) == 0, capsys.readouterr().err
    after = row(table(), "social", 6)
    assert ("project", "P_CEMETERY") not in {(i.kind, i.code) for i in after.unreported}
    assert after.reported == june.reported + 1 and after.expected == june.expected
    assert after.overdue == bool(after.unreported)


def test_a_task_reported_done_is_no_longer_expected(staff_db, tmp_path, capsys):
    before = table()
    path = tmp_path / "t.csv"
    path.write_text("事项编码,年,月,进展情况,完成情况\nT_BUS,2023,6,新开通两条公交线路,已完成\n", encoding="utf-8")
    assert main(["import", str(path), "--user", "gao"]) == 0, capsys.readouterr().err
    after = table()
    assert row(after, "build", 6).expected == row(before, "build", 6).expected  # still expected in the month it is done
    assert "T_BUS" not in {i.code for i in row(after, "build", 6).unreported}
    for month in (7, 12):
        assert row(after, "build", month).expected == row(before, "build", month).expected - 1
        assert "T_BUS" not in {i.code for i in row(after, "build", month).unreported}


def test_reporting_page_names_overdue_projects_and_tasks(staff_db):
    at = app_page("pages/reporting.py", query={"year": "2023", "month": "12"})
    (items,) = [d.value for d in at.dataframe if "编码" in d.value.columns]
    assert list(items.columns) == ["部门", "月份", "类型", "编码", "名称"]
    assert set(items["类型"]) == {"项目", "重点工作"}
    cemetery = items[items["编码"] == "P_CEMETERY"].iloc[0]
    assert (cemetery["部门"], cemetery["月份"], cemetery["类型"], cemetery["名称"]) == ("社会事务局", "6月", "项目", "三乡镇公益性墓园")
    (overdue,) = [d.value for d in at.dataframe if "未报项目和重点工作" in d.value.columns]
    assert overdue["未报项目和重点工作"].sum() == len(items)

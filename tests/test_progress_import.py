"""Project and task progress reported by staff, through ``python -m tracker import``: every rule, all or nothing,
revert and audit; ``items`` and ``items set``; ``status --json`` with tasks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, add_users, run, write
from tracker import store

PROJECT_HEADER = "项目编码,年,月,阶段,形象进度,进展情况"
TASK_HEADER = "事项编码,年,月,进展情况,完成情况"


def strict_json(text: str):
    def refuse(name: str):
        raise ValueError(name)

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def staff_db(demo_db):
    add_users(demo_db, ("wang", "staff", "water"), ("li", "staff", "nature"), ("zhao", "staff", "env"), ("admin", "admin", None))
    return demo_db


def rows_in(table: str) -> int:
    with store.connect() as con:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])


def test_a_water_staff_reports_maowan_through_the_cli_and_status_shows_it(staff_db, tmp_path):
    """The issue's example, as a separate process: accepted for 水务局 and shown in status --json."""
    path = write(tmp_path, "p.csv", PROJECT_HEADER, "P_MAOWAN_1,2023,12,完工,100,主体完工")
    env = {**os.environ, "TRACKER_DB": str(staff_db)}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    result = cli("import", path, "--user", "wang")
    assert result.returncode == 0, result.stderr
    assert "已提交" in result.stdout
    report = strict_json(cli("status", "--year", "2023", "--month", "12", "--json").stdout)
    maowan = next(p for p in report["projects"] if p["code"] == "P_MAOWAN_1")
    assert (maowan["stage"], maowan["percent"], maowan["note"], maowan["status"]) == ("完工", 100.0, "主体完工", "已完成")
    assert maowan["support_departments"] == ["nature"] and maowan["leader"] == ""
    assert len(report["tasks"]) == 54
    assert {"code", "name", "department", "status", "progress", "self_assessment", "leader", "support_departments"} <= set(
        report["tasks"][0]
    )


def test_english_headers_and_a_task_file(staff_db, tmp_path, capsys):
    path = write(tmp_path, "t.csv", "task,year,month,progress,self_assessment", "T_AIR_QUALITY,2023,6,PM2.5 全市第一,正常推进")
    code, out, err = run(capsys, "import", path, "--user", "zhao")
    assert code == 0, err
    path = write(tmp_path, "p.csv", "project,year,month,stage,percent,progress", "P_WWTP,2023,6,在建,70,按计划")
    assert run(capsys, "import", path, "--user", "wang")[0] == 0
    code, out, _ = run(capsys, "status", "--year", "2023", "--month", "6", "--json")
    report = strict_json(out)
    task = next(t for t in report["tasks"] if t["code"] == "T_AIR_QUALITY")
    assert (task["status"], task["progress"], task["self_assessment"]) == ("正常", "PM2.5 全市第一", "正常推进")
    assert next(t for t in report["tasks"] if t["code"] == "T_GRAIN")["status"] in ("未填报", "正常", "滞后", "已完成")


@pytest.mark.parametrize(
    ("user", "header", "row", "message"),
    [
        ("wang", PROJECT_HEADER, "P_NOPE,2023,6,在建,50,x", "未知的项目编码“P_NOPE”"),
        ("wang", TASK_HEADER, "T_NOPE,2023,6,x,正常推进", "未知的事项编码“T_NOPE”"),
        (
            "li",
            PROJECT_HEADER,
            "P_MAOWAN_1,2023,6,在建,50,x",
            "是项目“茅湾涌防洪排涝整治工程一期”的配合单位，阶段和形象进度由牵头单位“水务局”填报",
        ),
        ("zhao", PROJECT_HEADER, "P_MAOWAN_1,2023,6,在建,50,x", "不能填报其他部门的项目"),
        ("wang", TASK_HEADER, "T_AIR_QUALITY,2023,6,x,正常推进", "不能填报其他部门的重点工作"),
        ("wang", PROJECT_HEADER, "P_MAOWAN_1,2023,6,施工中,50,x", "阶段“施工中”不在可选范围内（前期、在建、完工、投用）"),
        ("wang", PROJECT_HEADER, "P_MAOWAN_1,2023,6,在建,120,x", "E列（形象进度）：形象进度“120”应在 0 到 100 之间"),
        ("wang", PROJECT_HEADER, "P_MAOWAN_1,2023,6,在建,-5,x", "应在 0 到 100 之间"),
        ("wang", "项目编码,年,月,阶段,形象进度,进展情况,存在问题", "P_MAOWAN_1,2023,7,在建,5,推进中,", "低于之前（2023年6月为"),
        ("wang", PROJECT_HEADER, "P_MAOWAN_1,2023,7,前期,40,", "进展情况不能为空"),
        ("zhao", TASK_HEADER, "T_AIR_QUALITY,2023,6,,滞后", "完成情况为“滞后”时，进展情况不能为空"),
        ("zhao", TASK_HEADER, "T_AIR_QUALITY,2023,6,,已完成", "完成情况为“已完成”时，进展情况不能为空"),
        ("zhao", TASK_HEADER, "T_AIR_QUALITY,2023,6,x,差不多", "完成情况“差不多”不在可选范围内"),
        ("wang", PROJECT_HEADER, "P_MAOWAN_1,2099,6,在建,50,x", "年份“2099”不合理"),
    ],
)
def test_every_refusal_names_row_and_column_and_writes_nothing(staff_db, tmp_path, capsys, user, header, row, message):
    before = (rows_in("project_progress"), rows_in("task_progress"), rows_in("batch"))
    path = write(tmp_path, "bad.csv", header, row)
    code, _, err = run(capsys, "import", path, "--user", user)
    assert code == 1
    assert message in err and "第2行" in err and "未写入任何数据" in err
    assert (rows_in("project_progress"), rows_in("task_progress"), rows_in("batch")) == before


def test_a_falling_percent_with_a_note_is_accepted(staff_db, tmp_path, capsys):
    path = write(tmp_path, "p.csv", "项目编码,年,月,阶段,形象进度,进展情况,存在问题", "P_MAOWAN_1,2023,7,在建,5,返工,设计变更返工")
    code, _, err = run(capsys, "import", path, "--user", "wang")
    assert code == 0, err


def test_one_bad_row_refuses_the_whole_file_then_revert_and_audit(staff_db, tmp_path, capsys):
    before = (rows_in("project_progress"), rows_in("batch"))
    bad = write(tmp_path, "mixed.csv", PROJECT_HEADER, "P_WWTP,2023,6,在建,70,按计划", "P_FLOOD_LAKE,2023,6,建设,50,x")
    code, _, err = run(capsys, "import", bad, "--user", "wang")
    assert code == 1 and "第3行" in err
    assert (rows_in("project_progress"), rows_in("batch")) == before

    good = write(tmp_path, "good.csv", PROJECT_HEADER, "P_WWTP,2023,6,在建,70,按计划", "P_FLOOD_LAKE,2023,6,在建,60,推进")
    assert run(capsys, "import", good, "--user", "wang")[0] == 0
    with store.connect() as con:
        batch_id, kind, rows = con.execute("select id, kind, rows from batch order by id desc limit 1").fetchone()
        audit = con.execute("select action, detail from audit order by id desc limit 1").fetchone()
        assert con.execute("select percent from project_progress_latest where project = 'P_WWTP' and month = 6").fetchone()[0] == 70
    assert (kind, rows) == ("progress", 2)
    assert audit[0] == "progress.commit" and json.loads(audit[1])["batch"] == batch_id

    code, out, err = run(capsys, "revert", str(batch_id), "--user", "admin")
    assert code == 0, err
    with store.connect() as con:
        assert con.execute("select status from batch where id = ?", [batch_id]).fetchone()[0] == "reverted"
        assert con.execute("select percent from project_progress_latest where project = 'P_WWTP' and month = 6").fetchone()[0] != 70
        assert con.execute("select action from audit order by id desc limit 1").fetchone()[0] == "batch.revert"


def test_dry_run_writes_nothing(staff_db, tmp_path, capsys):
    before = rows_in("batch")
    path = write(tmp_path, "p.csv", PROJECT_HEADER, "P_WWTP,2023,6,在建,70,按计划")
    code, out, _ = run(capsys, "import", path, "--user", "wang", "--dry-run")
    assert code == 0 and "检查通过" in out
    assert rows_in("batch") == before


def test_items_json_is_strict_and_lists_every_item(staff_db, capsys):
    code, out, _ = run(capsys, "items", "--year", "2023", "--json")
    assert code == 0
    rows = strict_json(out)
    kinds = [r["kind"] for r in rows]
    assert (kinds.count("indicator"), kinds.count("project"), kinds.count("task")) == (21, 33, 54)
    fields = {"code", "kind", "name", "area", "lead_department", "support_departments", "leader", "deadline", "source"}
    assert all(fields <= set(r) for r in rows)
    assert all(r["leader"] == "" and r["lead_department"] for r in rows)
    assert next(r for r in rows if r["code"] == "P_YAGANG")["qualifier"] == "力争"


def test_items_set_is_admin_only_versioned_revertible_and_audited(staff_db, capsys):
    assert run(capsys, "items", "set", "T_AIR_QUALITY", "--leader", "分管副镇长", "--user", "zhao")[0] == 1
    code, out, err = run(capsys, "items", "set", "T_AIR_QUALITY", "--leader", "分管副镇长", "--support", "water,urban", "--user", "admin")
    assert code == 0, err
    rows = {r["code"]: r for r in strict_json(run(capsys, "items", "--json")[1])}
    assert rows["T_AIR_QUALITY"]["leader"] == "分管副镇长"
    assert rows["T_AIR_QUALITY"]["support_departments"] == ["water", "urban"]
    assert run(capsys, "items", "set", "T_AIR_QUALITY", "--support", "env", "--user", "admin")[0] == 1  # the lead itself
    assert run(capsys, "items", "set", "T_AIR_QUALITY", "--support", "nope", "--user", "admin")[0] == 1
    assert run(capsys, "items", "set", "X_NONE", "--leader", "x", "--user", "admin")[0] == 1
    with store.connect() as con:
        batch_id, kind = con.execute("select id, kind from batch order by id desc limit 1").fetchone()
        assert con.execute("select action from audit order by id desc limit 1").fetchone()[0] == "item.assign"
    assert kind == "items"
    assert run(capsys, "revert", str(batch_id), "--user", "admin")[0] == 0
    rows = {r["code"]: r for r in strict_json(run(capsys, "items", "--json")[1])}
    assert rows["T_AIR_QUALITY"]["leader"] == "" and rows["T_AIR_QUALITY"]["support_departments"] == []
    report = strict_json(run(capsys, "status", "--year", "2023", "--month", "6", "--json")[1])
    assert next(t for t in report["tasks"] if t["code"] == "T_AIR_QUALITY")["leader"] == ""


def test_task_verdicts():
    from tracker.progress import judge_task

    assert judge_task(None, None, False, False, True) == "未填报"
    assert judge_task("正常推进", "x", False, False, True) == "正常"
    assert judge_task("滞后", "x", False, False, True) == "滞后"
    assert judge_task("已完成", "专班已成立", False, False, False) == "已完成"
    assert judge_task("已完成", None, False, False, False) == "正常"  # never 已完成 without a 进展情况
    assert judge_task(None, None, True, False, False) == "已完成"  # done stays done
    assert judge_task("正常推进", "x", False, True, False) == "未完成"  # December: final
    assert judge_task("正常推进", "x", False, True, True) == "已完成"  # a level kept all year
    assert judge_task("滞后", "x", False, True, True) == "未完成"


def test_the_template_has_project_and_task_sheets_and_comes_back_through_import(staff_db, tmp_path, capsys):
    """A 水务局 staff member fills the 项目 sheet of the template; figures-only templates still go the figures way."""
    import openpyxl

    path = tmp_path / "水务局.xlsx"
    assert run(capsys, "template", "--department", "water", "--year", "2023", "--month", "7", "-o", str(path))[0] == 0
    book = openpyxl.load_workbook(path)
    assert {"填报", "情况说明", "项目", "任务"} <= set(book.sheetnames)
    projects = book["项目"]
    codes = [projects.cell(r, 1).value for r in range(4, projects.max_row + 1)]
    assert "P_MAOWAN_1" in codes and "P_PIGEON" not in codes  # only what the department leads
    row = 4 + codes.index("P_MAOWAN_1")
    assert projects.cell(row, 3).value == "在建"  # the planned stage, to see
    projects.cell(row, 8, "在建")
    projects.cell(row, 9, 62)
    projects.cell(row, 10, "主体结构施工中")
    tasks = book["任务"]
    task_code = tasks.cell(4, 1).value
    assert task_code.startswith("T_")
    tasks.cell(4, 7, "方案已印发")
    tasks.cell(4, 8, "已完成")
    book.save(path)
    code, out, err = run(capsys, "import", str(path), "--user", "wang")
    assert code == 0, err
    with store.connect() as con:
        assert con.execute("select stage, percent from project_progress_latest where project = 'P_MAOWAN_1' and month = 7").fetchone() == (
            "在建",
            62.0,
        )
        done = con.execute(
            "select self_assessment, progress from task_progress_latest where task = ? and month = 7", [task_code]
        ).fetchone()
        assert done == ("已完成", "方案已印发")

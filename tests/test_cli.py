"""``python -m tracker``: init and status, as a separate process against a real file."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def cli(*args, db_path, input_text=None):
    env = {**os.environ, "TRACKER_DB": str(db_path)}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], cwd=ROOT, env=env, capture_output=True, text=True, input=input_text, timeout=120
    )


def test_status_json_lists_every_target_with_the_reports_words(demo_db):
    result = cli("status", "--year", "2023", "--month", "6", "--json", db_path=demo_db)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= {"year", "month", "time_progress", "indicators", "projects"}
    assert report["time_progress"] == 0.5
    keys = {
        "code",
        "name",
        "area",
        "unit",
        "kind",
        "direction",
        "department",
        "target",
        "comparator",
        "value",
        "completion",
        "status",
        "forecast",
        "last_year",
        "source",
        "demo",
    }
    assert all(keys <= set(i) for i in report["indicators"])
    project_keys = {"code", "name", "area", "department", "planned_stage", "stage", "percent", "status", "source", "demo"}
    assert all(project_keys <= set(p) for p in report["projects"])
    by_code = {i["code"]: i for i in report["indicators"]}
    assert by_code["new_industrial_above_scale"]["target"] == 35
    assert "新增规模以上工业企业35家以上" in by_code["new_industrial_above_scale"]["source"]
    statuses = {i["status"] for i in report["indicators"]} | {p["status"] for p in report["projects"]}
    assert statuses >= {"已完成", "正常", "预警", "滞后", "未填报"}


def test_status_table_is_chinese_and_marks_demo_data(demo_db):
    result = cli("status", "--year", "2023", "--month", "6", "--area", "water", db_path=demo_db)
    assert result.returncode == 0, result.stderr
    assert "序时进度 50.0%" in result.stdout and "演示数据" in result.stdout
    assert "重点整治河涌截污工程完工" in result.stdout
    assert "市场主体总量" not in result.stdout


def test_status_refuses_a_month_outside_the_year(demo_db):
    result = cli("status", "--year", "2023", "--month", "13", db_path=demo_db)
    assert result.returncode == 2
    assert "月份" in result.stderr


def test_init_builds_then_keeps_then_rebuilds(tmp_path):
    path = tmp_path / "cli.duckdb"
    assert cli("init", db_path=path).returncode == 0
    assert path.exists()
    assert cli("init", "--force", "--no-demo", db_path=path).returncode == 0
    report = json.loads(cli("status", "--year", "2023", "--month", "1", "--json", db_path=path).stdout)
    assert {i["status"] for i in report["indicators"]} == {"未填报"}


def _strict(text: str):
    """``json.loads`` that refuses NaN and Infinity: what a strict JSON reader would do."""

    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_figures_json_is_strict_and_marks_demo_rows(demo_db):
    """Every row of ``figures --json`` says whether it is demo data; on the demo database every row is."""
    result = cli("figures", "--year", "2023", "--month", "6", "--json", db_path=demo_db)
    assert result.returncode == 0, result.stderr
    rows = _strict(result.stdout)
    assert rows and all(row["demo"] is True for row in rows)
    assert set(rows[0]) == {"metric", "place", "value", "batch", "demo"}


def test_figures_json_on_an_empty_database_is_an_empty_list(empty_db):
    result = cli("figures", "--year", "2023", "--month", "6", "--json", db_path=empty_db)
    assert result.returncode == 0, result.stderr
    assert _strict(result.stdout) == []

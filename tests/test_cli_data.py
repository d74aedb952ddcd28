"""``python -m tracker`` data commands: users, metrics, template, import (dry run, refusals), figures, batches,
revert, backup. Run as real subprocesses where stdin or the exit code matters."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import openpyxl
import pytest

from tests.conftest import ROOT, make_csv
from tracker import store
from tracker.cli import main


def cli(db_path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=ROOT,
        input=stdin,
        text=True,
        capture_output=True,
        env={**os.environ, "TRACKER_DB": str(db_path)},
        timeout=120,
    )


@pytest.fixture
def with_users(demo_db):
    for name, role, dept in [("admin1", "admin", None), ("econ1", "staff", "econ"), ("view1", "viewer", None)]:
        args = ["users", "add", name, "--role", role] + (["--department", dept] if dept else [])
        result = cli(demo_db, *args, stdin="a-long-password\n")
        assert result.returncode == 0, result.stderr
    return demo_db


def test_users_add_reads_the_password_from_stdin_and_list_disable(with_users):
    with store.connect() as con:
        stored = con.execute("select password_hash from users where name = 'admin1'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "a-long-password" not in stored
    listed = json.loads(cli(with_users, "users", "list", "--json").stdout)
    assert {u["name"]: u["role"] for u in listed} == {"admin1": "admin", "econ1": "staff", "view1": "viewer"}
    assert cli(with_users, "users", "disable", "view1").returncode == 0
    assert json.loads(cli(with_users, "users", "list", "--json").stdout)[2]["disabled"] is True
    short = cli(with_users, "users", "add", "x", "--role", "viewer", stdin="short\n")
    assert short.returncode == 1 and "密码至少" in short.stderr
    no_dept = cli(with_users, "users", "add", "y", "--role", "staff", stdin="a-long-password\n")
    assert no_dept.returncode == 1 and "部门" in no_dept.stderr


def test_metrics_json(demo_db, capsys):
    assert main(["metrics", "--json"]) == 0
    metrics = {m["code"]: m for m in json.loads(capsys.readouterr().out)}
    assert metrics["market_entities"] == {
        "code": "market_entities",
        "name": "市场主体总量",
        "unit": "家",
        "department": "market",
        "kind": "stock",
        "places": False,
    }
    assert metrics["river_interception_pct"]["places"] is True
    assert metrics["cultural_events"]["kind"] == "flow"


def test_template_command_writes_an_xlsx(demo_db, tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert main(["template", "--department", "water", "--year", "2023", "--month", "5", "-o", str(out)]) == 0
    assert openpyxl.load_workbook(out)["填报"]["A4"].value
    assert main(["template", "--department", "nope", "--year", "2023", "--month", "5", "-o", str(out)]) == 1
    assert "不存在" in capsys.readouterr().err


def test_import_dry_run_commit_refusals_figures_batches_revert(with_users, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(make_csv([["cultural_events", 2024, 1, 33, None, None]]))
    other = tmp_path / "other.csv"
    other.write_bytes(make_csv([["market_entities", 2024, 1, 30000, None, None]]))
    mine = tmp_path / "mine.csv"
    mine.write_bytes(make_csv([["new_industrial_above_scale", 2024, 1, 2, None, None]]))

    dry = cli(with_users, "import", str(good), "--user", "admin1", "--dry-run")
    assert dry.returncode == 0 and "未写入" in dry.stdout
    assert json.loads(cli(with_users, "figures", "--year", "2024", "--month", "1", "--json").stdout) == []

    refused = cli(with_users, "import", str(other), "--user", "econ1")
    assert refused.returncode == 1
    assert "第2行A列（指标编码）" in refused.stderr and "不能填报其他部门的指标" in refused.stderr
    viewer = cli(with_users, "import", str(good), "--user", "view1")
    assert viewer.returncode == 1 and "用户“view1”不存在或已停用" not in viewer.stderr
    assert "只有查看权限" in viewer.stderr
    assert cli(with_users, "import", str(good), "--user", "ghost").returncode == 1

    done = cli(with_users, "import", str(mine), "--user", "econ1")
    assert done.returncode == 0 and "已提交" in done.stdout, done.stderr
    again = cli(with_users, "import", str(mine), "--user", "econ1")
    assert again.returncode == 0 and "没有任何改动" in again.stdout

    figures = json.loads(cli(with_users, "figures", "--year", "2024", "--month", "1", "--json").stdout)
    assert figures[0]["metric"] == "new_industrial_above_scale" and figures[0]["value"] == 2
    assert set(figures[0]) == {"metric", "place", "value", "batch", "demo"}
    assert figures[0]["demo"] is False  # a department's upload, not demo data
    batches = json.loads(cli(with_users, "batches", "--json").stdout)
    newest = batches[0]
    assert newest["id"] == figures[0]["batch"] and newest["user_name"] == "econ1" and len(newest["sha256"]) == 64

    assert cli(with_users, "revert", str(newest["id"]), "--user", "view1").returncode == 1
    reverted = cli(with_users, "revert", str(newest["id"]), "--user", "econ1")
    assert reverted.returncode == 0, reverted.stderr
    assert json.loads(cli(with_users, "figures", "--year", "2024", "--month", "1", "--json").stdout) == []


def test_backup_is_a_consistent_copy(demo_db, capsys):
    assert main(["backup"]) == 0
    out = capsys.readouterr().out
    path = out.split("：", 1)[1].strip()
    assert path.startswith(str(demo_db.parent / "backups"))
    con = duckdb.connect(path, read_only=True)
    try:
        assert con.execute("select count(*) from figure").fetchone()[0] > 0
    finally:
        con.close()


def test_users_enable_reset_password_set_role_and_unlock(with_users):
    """Issue 14.7 on the command line: the new password comes from stdin, never from an argument."""
    from datetime import datetime

    from tracker import auth, config

    assert cli(with_users, "users", "disable", "econ1").returncode == 0
    assert cli(with_users, "users", "enable", "ECON1").returncode == 0
    reset = cli(with_users, "users", "reset-password", "econ1", stdin="a-new-econ-secret\n")
    assert reset.returncode == 0 and "a-new-econ-secret" not in reset.stdout + reset.stderr
    weak = cli(with_users, "users", "reset-password", "econ1", stdin="12345678\n")
    assert weak.returncode == 1 and "密码至少" in weak.stderr
    with store.connect() as con:
        assert auth.authenticate(con, "econ1", "a-new-econ-secret", "10.1.1.1").department == "econ"
    moved = cli(with_users, "users", "set-role", "econ1", "--role", "staff", "--department", "water")
    assert moved.returncode == 0 and "“econ1”（填报员，water）" in moved.stdout
    assert cli(with_users, "users", "set-role", "econ1", "--role", "staff").returncode == 1
    now = datetime.now()
    with store.connect() as con:
        for _ in range(config.settings().max_failed_logins):
            with pytest.raises(auth.LoginFailed):
                auth.authenticate(con, "econ1", "wrong-one-here", "10.1.1.1", now)
    listed = {u["name"]: u for u in json.loads(cli(with_users, "users", "list", "--json").stdout)}
    assert listed["econ1"]["locked"] is True and listed["econ1"]["department"] == "water"
    assert cli(with_users, "users", "unlock", "econ1").returncode == 0
    listed = {u["name"]: u for u in json.loads(cli(with_users, "users", "list", "--json").stdout)}
    assert listed["econ1"]["locked"] is False
    assert cli(with_users, "users", "enable", "ghost").returncode == 1

"""Issue 15, points 6, 7 and 11: a full disk, a damaged or foreign database file, backups and restore, and what the
command line records. Real files, real subprocesses where the exit code, stderr or a process limit matters."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, counts, make_csv
from tracker import auth, backups, store


def cli(db_path: Path, *args: str, stdin: str = "", limit_file_size: int | None = None) -> subprocess.CompletedProcess:
    """``python -m tracker`` in a subprocess; ``limit_file_size`` caps the size of any file it writes (ulimit -f),
    which makes a write fail with "File too large" as a full disk fails with "No space left on device"."""
    prefix: list[str] = []
    if limit_file_size is not None:
        prefix = ["-c", f"import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_FSIZE, ({limit_file_size}, {limit_file_size})); "
                  "sys.argv = ['tracker', *sys.argv[1:]]; runpy.run_module('tracker', run_name='__main__')"]  # fmt: skip
    command = [sys.executable, *(prefix or ["-m", "tracker"]), *args]
    env = {**os.environ, "TRACKER_DB": str(db_path)}
    return subprocess.run(command, cwd=ROOT, input=stdin, text=True, capture_output=True, env=env, timeout=180)


def damage(path: Path, kind: str) -> None:
    data = path.read_bytes()
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    if kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "zeroed header":
        path.write_bytes(bytes(4096) + data[4096:])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "sqlite":
        path.write_bytes(b"SQLite format 3\x00" + bytes(4080))
    elif kind == "text":
        path.write_bytes(b"not a database at all\n" * 100)
    elif kind == "zeroed block":
        path.write_bytes(data[:4096] + bytes(8192) + data[4096 + 8192 :])
    else:
        raise ValueError(kind)


KINDS = ["truncated", "zeroed header", "empty", "sqlite", "text", "zeroed block"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_or_foreign_file_gets_a_chinese_message_naming_it_and_the_fix(demo_db, kind):
    damage(demo_db, kind)
    for command in (["status", "--year", "2023", "--month", "6"], ["batches", "--json"], ["users", "list"]):
        run = cli(demo_db, *command)
        assert run.returncode == 1, run.stderr
        assert "Traceback" not in run.stderr
        assert f"数据库文件 {demo_db} 无法使用" in run.stderr and "python -m tracker restore" in run.stderr


def test_a_sqlite_file_is_refused_before_duckdb_touches_it(tmp_path, monkeypatch):
    """DuckDB would try to install its sqlite extension (from the internet) for a file with a SQLite header."""
    path = tmp_path / "tracker.duckdb"
    damage_target = path
    damage_target.write_bytes(b"SQLite format 3\x00" + bytes(4080))
    monkeypatch.setenv("TRACKER_DB", str(path))
    opened = []
    real = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: opened.append(a) or real(*a, **k))
    with pytest.raises(store.DatabaseDamaged, match="不是本系统的 DuckDB 数据库文件"):
        store.check()
    with pytest.raises(store.DatabaseDamaged):
        with store.connect():
            pass
    assert opened == []


def test_the_app_says_what_is_wrong_at_start_up_instead_of_a_traceback(demo_db):
    damage(demo_db, "zeroed header")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert any(f"数据库文件 {demo_db} 无法使用" in e.value and "restore" in e.value for e in at.error)


def test_backups_never_collide_are_private_and_kept_to_the_setting(demo_db, monkeypatch):
    made = [backups.backup(keep=3) for _ in range(5)]  # five in well under a second
    assert len(set(made)) == 5
    left = sorted((demo_db.parent / "backups").glob("*.duckdb"))
    assert left == sorted(made)[-3:]
    for path in left:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        con = duckdb.connect(str(path), read_only=True)
        assert con.execute("select count(*) from figure").fetchone()[0] > 0
        con.close()


def test_restore_checks_the_backup_keeps_the_broken_file_aside_and_handles_the_wal(demo_db):
    backup = backups.backup()
    before = counts()
    damage(demo_db, "zeroed block")
    demo_db.with_name(demo_db.name + ".wal").write_bytes(b"stale write-ahead log")
    run = cli(demo_db, "restore", str(backup))
    assert run.returncode == 0, run.stderr
    assert "已从" in run.stdout and "原文件已移到" in run.stdout
    kept = sorted((demo_db.parent / "replaced").iterdir())
    assert [p.name.rsplit(".", 1)[0] for p in kept] == ["tracker.duckdb", "tracker.duckdb.wal"]
    assert kept[1].read_bytes() == b"stale write-ahead log"  # moved aside with the broken file, not replayed
    assert counts() == before
    assert stat.S_IMODE(demo_db.stat().st_mode) == 0o600
    with store.connect() as con:
        restored = con.execute("select detail from audit where action = 'restore'").fetchone()
    assert json.loads(restored[0])["from"] == str(backup)


def test_restore_refuses_a_damaged_or_foreign_backup_and_changes_nothing(demo_db, tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(4080))
    before = demo_db.read_bytes()
    run = cli(demo_db, "restore", str(bad))
    assert run.returncode == 1 and "不能用于恢复" in run.stderr and "Traceback" not in run.stderr
    assert cli(demo_db, "restore", str(tmp_path / "missing.duckdb")).stderr.startswith("找不到备份文件")
    assert demo_db.read_bytes() == before


def test_a_full_disk_refuses_the_write_in_chinese_and_loses_nothing(demo_db, tmp_path):
    """The write fails with "File too large" (as with "No space left on device"): a Chinese line, no traceback, the
    database as it was. The limit (16 KiB) lets the command read the file but not write its log."""
    big = tmp_path / "big.csv"
    rows = [["cultural_events", 2000 + i // 12, 1 + i % 12, i, None, "x" * 200] for i in range(280)]
    big.write_bytes(make_csv(rows))
    assert cli(demo_db, "users", "add", "admin1", "--role", "admin", stdin="the-admin-password\n").returncode == 0
    shutil.copy(demo_db, tmp_path / "before.duckdb")
    before = counts()
    run = cli(demo_db, "import", str(big), "--user", "admin1", limit_file_size=16 * 1024)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "磁盘空间不足" in run.stderr and "原有数据完好" in run.stderr and "Traceback" not in run.stderr
    assert counts() == before


def test_a_full_disk_during_a_page_write_is_a_chinese_error(demo_db, monkeypatch):
    from tracker import ingest
    from tracker.auth import User

    def full(*args, **kwargs):
        raise duckdb.IOException('IO Error: Could not write file "tracker.duckdb.wal": No space left on device')

    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=120)
    admin = User("boss", "admin", None)
    at.session_state["user"] = admin
    at.session_state["auth_session"] = auth.start_session(admin)
    at.run()
    at.get("file_uploader")[0].set_value(("a.csv", make_csv([["cultural_events", 2024, 1, 3, None, None]]), "text/csv"))
    at.run()
    before = counts()
    monkeypatch.setattr(store, "new_batch", full)
    at.button(key="commit").click().run()
    assert not at.exception
    assert any("磁盘空间不足" in e.value for e in at.error)
    with pytest.raises(store.StorageFull, match="原有数据完好"):  # the preview's staging says the same
        ingest.prepare(make_csv([["cultural_events", 2024, 2, 3, None, None]]), "b.csv", admin)
    assert counts() == before


def test_command_line_writes_are_audited_with_the_os_user(demo_db, tmp_path):
    """Issue 15.11: --user names whose permissions are used; the audit row says it came from the command line."""
    assert cli(demo_db, "users", "add", "admin1", "--role", "admin", stdin="the-admin-password\n").returncode == 0
    path = tmp_path / "a.csv"
    path.write_bytes(make_csv([["cultural_events", 2024, 1, 3, None, None]]))
    assert cli(demo_db, "import", str(path), "--user", "admin1").returncode == 0
    with store.connect() as con:
        rows = con.execute("select user_name, action, detail from audit where action in ('user.add', 'figures.commit')").fetchall()
    import getpass

    for _name, action, detail in rows:
        origin = json.loads(detail)
        assert origin["via"] == "cli" and origin["os_user"] == getpass.getuser(), (action, detail)
    assert {r[0] for r in rows} == {"cli", "admin1"}


def test_a_database_of_the_previous_schema_is_brought_up_to_date_on_first_open(demo_db):
    """A deployed data/tracker.duckdb of schema 1 gets the login tables without losing anything."""
    from tracker import db, sessions

    before = counts()
    con = duckdb.connect(str(demo_db))
    con.execute("drop table session; drop sequence session_id_seq; drop table login_throttle")
    con.execute("update meta set value = '1' where key = 'schema_version'")
    con.close()
    store._READY.clear()
    with store.connect() as con:
        assert db.schema_version(con) == db.SCHEMA_VERSION == 5
        auth.create_user(con, "admin1", "admin", "the-admin-password")
    with store.writing() as con:
        ticket = sessions.begin(con, auth.User("admin1", "admin"), None, None)
        assert sessions.claim(con, ticket) is not None
    assert counts() == before

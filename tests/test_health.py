"""``python -m tracker health``: exit 0 and a Chinese line (or strict JSON) when the store opens, its schema is
current and a read works; exit 1 with the reason in Chinese when the PostgreSQL server does not answer, the
DuckDB file is damaged or missing, or the schema is older than the program. It never builds or upgrades."""

from __future__ import annotations

import json

import duckdb
import psycopg

from tests.conftest import free_port, run
from tracker import db


def test_healthy_on_both_stores(any_store, capsys):
    code, out, err = run(capsys, "health")
    assert code == 0, err
    assert out.startswith("正常：")
    assert f"结构版本 {db.SCHEMA_VERSION} 为最新" in out
    assert ("PostgreSQL" in out) == (any_store == "postgres")

    code, out, _ = run(capsys, "health", "--json")
    result = json.loads(out)
    assert code == 0
    assert result["ok"] is True
    assert result["store"] == {"duckdb": "duckdb", "postgres": "postgresql"}[any_store]
    assert result["schema_version"] == db.SCHEMA_VERSION
    assert result["problem"] is None
    assert result["checked_at"].endswith("+00:00")


def test_a_postgres_server_nobody_listens_on_is_unhealthy(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"postgresql://tracker:secret@127.0.0.1:{free_port()}/tracker")
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "unused.duckdb"))
    code, out, err = run(capsys, "health", "--timeout", "2")
    assert code == 1
    assert out == ""
    assert "异常：PostgreSQL 数据库" in err and "没有应答或拒绝连接" in err
    assert "secret" not in err  # the password is never printed

    code, out, _ = run(capsys, "health", "--json", "--timeout", "2")
    result = json.loads(out)
    assert code == 1
    assert result["ok"] is False and result["store"] == "postgresql" and result["schema_version"] is None
    assert "没有应答" in result["problem"]
    assert not (tmp_path / "unused.duckdb").exists()


def test_a_damaged_duckdb_file_is_unhealthy(demo_db, capsys):
    data = demo_db.read_bytes()
    demo_db.write_bytes(data[: len(data) // 3])  # DuckDB's magic bytes still there, the rest cut off
    code, out, err = run(capsys, "health")
    assert code == 1
    assert out == ""
    assert err.startswith("异常：DuckDB 数据库文件") and str(demo_db) in err

    demo_db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4096)  # not a DuckDB file at all
    code, out, _ = run(capsys, "health", "--json")
    result = json.loads(out)
    assert code == 1 and result["ok"] is False and result["store"] == "duckdb"
    assert "不是" in result["problem"] or "损坏" in result["problem"]


def test_a_missing_file_is_unhealthy_and_not_built(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.duckdb"))
    code, _, err = run(capsys, "health")
    assert code == 1 and "数据库文件不存在" in err
    assert not (tmp_path / "tracker.duckdb").exists()


def test_an_older_schema_is_unhealthy_and_left_as_it_is(any_store, capsys):
    from tracker import config

    url = config.database_url()
    if url:
        with psycopg.connect(url, autocommit=True) as pg:
            pg.execute("update meta set value = '1' where key = 'schema_version'")
    else:
        with duckdb.connect(str(config.db_path())) as con:
            con.execute("update meta set value = '1' where key = 'schema_version'")
    code, out, _ = run(capsys, "health", "--json")
    result = json.loads(out)
    assert code == 1 and result["schema_version"] == 1
    assert f"程序需要 {db.SCHEMA_VERSION}" in result["problem"] and "python -m tracker init" in result["problem"]
    code, out, _ = run(capsys, "health", "--json")
    assert json.loads(out)["schema_version"] == 1  # checking did not upgrade it

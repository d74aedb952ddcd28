"""``health``: is the store this installation uses usable right now? For a monitor (systemd timer, nginx's
upstream check script, a cron mail): exit 0 when healthy, 1 when not, one Chinese line or strict JSON.

Checked, in order, without writing anything (a missing store is not built, an old schema is not upgraded):

- **PostgreSQL** (``TRACKER_DATABASE_URL`` or ``database_url``): the server answers within ``--timeout``
  seconds, the store is built there, its schema version is the program's, and a trivial read of every table runs
  (in PostgreSQL itself, under a statement timeout; the in-memory copy is not filled).
- **DuckDB file**: the file exists, is a DuckDB file, opens (waiting up to ``--timeout`` seconds while another
  process holds it), its schema version is the program's, and every row reads back (the server's start-up
  check: a damaged block fails its checksum; ~0.1 s for a town's file).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import psycopg

from tracker import config, db, pgstore, store
from tracker.cli.output import err, print_json

STORE_NAMES = {"duckdb": "DuckDB 数据库文件", "postgresql": "PostgreSQL 数据库"}


class Unhealthy(Exception):
    """What is wrong, in Chinese, with the schema version when it could be read."""

    def __init__(self, problem: str, schema_version: int | None = None) -> None:
        super().__init__(problem)
        self.schema_version = schema_version


def _version_problem(version: int) -> str | None:
    if version < db.SCHEMA_VERSION:
        return f"数据库结构版本为 {version}，程序需要 {db.SCHEMA_VERSION}：请运行 python -m tracker init 升级。"
    if version > db.SCHEMA_VERSION:
        return f"数据库结构版本为 {version}，比程序的 {db.SCHEMA_VERSION} 新：请更新程序后再启动服务。"
    return None


def _tables() -> list[str]:
    return pgstore.tables_and_sequences(db.schema_sql())[0]


def check_postgres(url: str, timeout: float) -> int:
    """The schema version of a healthy PostgreSQL store; Unhealthy otherwise."""
    try:
        pg = psycopg.connect(url, connect_timeout=max(int(round(timeout)), 1), autocommit=True)
    except psycopg.Error as exc:
        raise Unhealthy(f"数据库服务器（PostgreSQL）在 {timeout:g} 秒内没有应答或拒绝连接：{_first_line(exc)}。") from exc
    try:
        pg.execute(f"set statement_timeout = {int(timeout * 1000)}")
        if pgstore.pg_stamp(pg) == "":
            raise Unhealthy("PostgreSQL 数据库里还没有本系统的数据表：请运行 python -m tracker init 建立。")
        row = pg.execute("select value from meta where key = 'schema_version'").fetchone()
        if row is None:
            raise Unhealthy("PostgreSQL 数据库里没有本系统的版本记录：请从备份恢复（python -m tracker restore）。")
        version = int(row[0])
        problem = _version_problem(version)
        if problem:
            raise Unhealthy(problem, version)
        for table in _tables():
            pg.execute(f"select count(*) from {table}").fetchone()  # noqa: S608 - names from our schema.sql
        return version
    except psycopg.Error as exc:
        raise Unhealthy(f"数据库服务器（PostgreSQL）读取出错：{_first_line(exc)}。") from exc
    finally:
        pg.close()


def check_duckdb(path: Path, timeout: float) -> int:
    """The schema version of a healthy DuckDB file; Unhealthy otherwise (the store's own Chinese messages)."""
    if not path.exists():
        raise Unhealthy(f"数据库文件不存在：{path}。请运行 python -m tracker init 建立。")
    try:
        con = store.open_file(path, timeout, read_only=True)
    except store.StoreError as exc:
        raise Unhealthy(str(exc)) from exc
    try:
        row = con.execute("select value from meta where key = 'schema_version'").fetchone()
        if row is None:
            raise Unhealthy(store.damaged_message(path, "文件里没有本系统的版本记录"))
        version = int(row[0])
        problem = _version_problem(version)
        if problem:
            raise Unhealthy(problem, version)
        store.read_everything(con)  # as the server's start-up check: a damaged block fails its checksum here
        return version
    except duckdb.CatalogException as exc:
        raise Unhealthy(store.damaged_message(path, "文件里没有本系统的数据表")) from exc
    except duckdb.Error as exc:
        raise Unhealthy(store.damaged_message(path, f"读取时出错（{_first_line(exc)}）")) from exc
    finally:
        con.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


def check(timeout: float = 5.0) -> dict[str, Any]:
    """The health of the store this installation (and ``--town``) uses, as the JSON the command prints."""
    url = config.database_url()
    kind = "postgresql" if url else "duckdb"
    started = time.perf_counter()
    version: int | None = None
    problem: str | None = None
    try:
        version = check_postgres(url, timeout) if url else check_duckdb(Path(config.db_path()), timeout)
    except Unhealthy as exc:
        problem, version = str(exc), exc.schema_version
    return {
        "ok": problem is None,
        "store": kind,
        "location": store.location(),
        "schema_version": version,
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
        "problem": problem,
    }


def cmd_health(args: argparse.Namespace) -> int:
    result = check(args.timeout)
    if args.json:
        print_json(result)
    elif result["ok"]:
        print(
            f"正常：{STORE_NAMES[result['store']]}（{result['location']}）可以打开，结构版本 {result['schema_version']} 为最新，"
            f"读取正常（{result['elapsed_ms']:.0f} 毫秒）。"
        )
    else:
        return err(f"异常：{STORE_NAMES[result['store']]}（{result['location']}）不可用。{result['problem']}")
    return 0 if result["ok"] else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("health", help="检查本系统所用数据库是否可用（正常退出码 0，异常 1）")
    p.add_argument("--timeout", type=float, default=5.0, help="等待数据库服务器应答或文件解锁的秒数（默认 5）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_health)

"""The one place that opens the store and runs transactions. Rules, pages and uploads never call duckdb.connect.

Connections are short-lived (one per operation) rather than one per process: DuckDB lets only one process
hold a file open for writing, and the Streamlit server must not lock out the CLI importer. Every connection
is read-write: inside one process DuckDB refuses a read-only connection to a file that is open read-write
(and the reverse), which would fail a page while an upload is being committed.

- ``connect()``: a connection for reading (a caller that only reads never writes: see ``tracker.indicators``).
- ``transaction(con)``: all or nothing on an open connection.
- ``writing()``: the write path: this process's write lock, a connection and a transaction in one.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tracker import config

Connection = duckdb.DuckDBPyConnection

# Serialises writes of threads in this process (DuckDB's file lock already serialises processes), so two
# sessions committing at once never hit a write-write conflict and duplicate checks stay exact.
WRITE_LOCK = threading.RLock()


class DatabaseBusy(RuntimeError):
    """Another process held the database file for longer than we were willing to wait."""


def _open(path: Path, wait_seconds: float) -> Connection:
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
        except duckdb.IOException as exc:
            locked = "lock" in str(exc).lower()
            if not locked:
                raise
            if time.monotonic() > deadline:
                raise DatabaseBusy("数据库正被其他程序占用，请稍后再试。") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def connect(path: Path | None = None, wait_seconds: float = 30.0) -> Iterator[Connection]:
    """Open the store for one operation; build it from ``data/`` first if the file is missing."""
    path = Path(path or config.db_path())
    if not path.exists():
        from tracker import db

        db.build(path)
    con = _open(path, wait_seconds)
    try:
        yield con
    finally:
        con.close()


def one(con: Connection, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> tuple[Any, ...]:
    """The single row a query must return (a count, an aggregate, a row known to exist)."""
    row = con.execute(sql, params).fetchone() if params is not None else con.execute(sql).fetchone()
    if row is None:
        raise LookupError(f"expected one row: {sql}")
    return tuple(row)


def rollback(con: Connection) -> None:
    """Roll back if a transaction is still open (a failed statement may already have ended it)."""
    try:
        con.execute("rollback")
    except duckdb.TransactionException:
        pass


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """All or nothing: commit when the block ends normally, roll back on any exception."""
    con.execute("begin")
    try:
        yield con
    except BaseException:
        rollback(con)
        raise
    con.execute("commit")


@contextmanager
def writing(path: Path | None = None) -> Iterator[Connection]:
    """The write path: the process write lock, a fresh connection and one transaction."""
    with WRITE_LOCK, connect(path) as con, transaction(con):
        yield con


def data_version(path: Path | None = None) -> tuple[str, float, int]:
    """A cheap fingerprint of the database file, for cache keys: changes whenever a write lands (and only then)."""
    path = Path(path or config.db_path())
    stats = [p.stat() for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
    return (str(path), max((s.st_mtime_ns for s in stats), default=0), sum(s.st_size for s in stats))


def insert_rows(con: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Bulk insert through a DataFrame: one statement instead of one per row."""
    if not rows:
        return
    frame = pd.DataFrame([list(r) for r in rows], columns=list(columns))
    con.register("_rows", frame)
    try:
        con.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(columns)} from _rows")
    finally:
        con.unregister("_rows")


def new_batch(
    con: Connection,
    kind: str,
    user: str,
    *,
    created_at: datetime | None = None,
    file_name: str | None = None,
    sha256: str | None = None,
    rows: int = 0,
    demo: bool = False,
) -> int:
    """A new batch row (the unit of versioning and of revert); returns its id."""
    row = con.execute(
        "insert into batch (kind, user_name, created_at, file_name, sha256, rows, demo) values (?, ?, ?, ?, ?, ?, ?) returning id",
        [kind, user, created_at or datetime.now(), file_name, sha256, rows, demo],
    ).fetchone()
    assert row is not None
    return int(row[0])


def audit(con: Connection, user: str, action: str, detail: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """One audit row; call it inside the transaction of the write it records."""
    con.execute(
        "insert into audit (created_at, user_name, action, detail) values (?, ?, ?, ?)",
        [at or datetime.now(), user, action, json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)],
    )


def backup(dest_dir: Path | None = None) -> Path:
    """A consistent copy: checkpoint, then copy the file while we hold it (no process can write meanwhile)."""
    source = config.db_path()
    dest_dir = Path(dest_dir or source.parent / "backups")
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / f"{source.stem}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.duckdb"
    with WRITE_LOCK, connect() as con:
        con.execute("checkpoint")
        shutil.copy2(source, target)
        audit(con, "cli", "backup", {"file": str(target)})
    return target

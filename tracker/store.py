"""The one place that opens the store and runs transactions. Rules, pages and uploads never call duckdb.connect.

Connections are short-lived (one per operation) rather than one per process: DuckDB lets only one process
hold a file open for writing, and the Streamlit server must not lock out the CLI importer. Every connection
is read-write: inside one process DuckDB refuses a read-only connection to a file that is open read-write
(and the reverse), which would fail a page while an upload is being committed.

- ``connect()``: a connection for reading (a caller that only reads never writes: see ``tracker.indicators``).
- ``transaction(con)``: all or nothing on an open connection.
- ``writing()``: the write path: this process's write lock, a connection and a transaction in one.
- ``check()``: is the file ours and readable (the start-up check); ``backup()`` and ``restore()``.

What can go wrong with the file is one of three ``StoreError``s, each with a Chinese message that says what to
do: ``DatabaseBusy`` (another process holds it), ``StorageFull`` (the disk or the file size limit is full:
the write is rolled back, nothing is lost) and ``DatabaseDamaged`` (not a DuckDB file of ours, or damaged).
A file that does not start with DuckDB's magic bytes is refused before DuckDB opens it (a SQLite header would
otherwise make DuckDB look for an extension), and extensions are never installed or loaded automatically.
The database file, its write-ahead log and backups are private to the server's OS user (mode 0600).

With ``TRACKER_DATABASE_URL`` (or ``database_url`` in settings) the store is a PostgreSQL database instead: the
same functions hand out ``tracker.pgstore.PgConnection``s, which callers use exactly as DuckDB connections
(writes under one advisory lock across processes; reads on an in-memory copy), and ``tracker.pgadmin`` builds,
upgrades, backs up and restores it.
"""

from __future__ import annotations

import contextvars
import errno
import json
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tracker import config, pgstore

Connection = duckdb.DuckDBPyConnection


class StoreLocks:
    """This process's write lock, one per store: writes of threads to one store go in turn (DuckDB's file lock and
    PostgreSQL's advisory lock already order processes), so two sessions committing at once never hit a write-write
    conflict and duplicate checks stay exact; writes to two towns' stores (two files, two databases) do not wait on
    each other. Used as ``with WRITE_LOCK:`` or acquire/release (``tracker.pgstore``): the lock is the store of the
    town being served when it is taken, and each release gives back the newest lock this thread took (re-entrant)."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()
        self._held = threading.local()

    def _taken(self) -> list[threading.RLock]:
        if not hasattr(self._held, "locks"):
            self._held.locks = []
        return self._held.locks

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        key = location()
        with self._guard:
            lock = self._locks.setdefault(key, threading.RLock())
        got = lock.acquire(blocking, timeout)
        if got:
            self._taken().append(lock)
        return got

    def release(self) -> None:
        self._taken().pop().release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


WRITE_LOCK = StoreLocks()

DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
PRIVATE = 0o600
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# What the operating system says when a write cannot grow a file: the disk is full, a quota or the process's
# file size limit (ulimit -f) is reached.
_FULL_WORDS = ("no space left on device", "file too large", "disk quota exceeded", "not enough space")
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


class StoreError(RuntimeError):
    """The store cannot do what was asked. The message is Chinese and says what to do; show it as it is."""


class DatabaseBusy(StoreError):
    """Another process held the database file for longer than we were willing to wait."""


class StorageFull(StoreError):
    """A write did not fit on the disk (or under the file size limit); it was rolled back, nothing is lost."""


class DatabaseDamaged(StoreError):
    """The database file is not a DuckDB file of ours, or it is damaged. The message names the file and the fix."""


def full_message() -> str:
    return "磁盘空间不足（或文件大小超出系统限制），本次写入没有完成，原有数据完好。请联系管理员清理磁盘空间后重试。"


def storage_full(exc: BaseException) -> StorageFull | None:
    """A ``StorageFull`` for an error that means the disk or the file size limit is full, else None."""
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return StorageFull(full_message())
    if isinstance(exc, duckdb.Error) and any(word in str(exc).lower() for word in _FULL_WORDS):
        return StorageFull(full_message())
    return None


def diagnose(exc: BaseException, path: Path | None = None) -> StoreError | None:
    """The StoreError a DuckDB error stands for when it is about the file (full disk, a damaged block met while
    reading), else None (a bug: let it be seen)."""
    full = storage_full(exc)
    if full:
        return full
    text = str(exc).lower()
    if isinstance(exc, (duckdb.IOException, duckdb.InternalException, duckdb.SerializationException)) or any(
        word in text for word in ("corrupt", "checksum")
    ):
        return DatabaseDamaged(damaged_message(Path(path or config.db_path()), f"读取时出错（{_short(exc)}）"))
    return None


def damaged_message(path: Path, reason: str) -> str:
    """What the user reads when the file cannot be used: the file, why, and the two ways back."""
    backups = sorted(backup_dir(path).glob(f"{path.stem}-*.duckdb"))
    newest = f"最近的备份是 {backups[-1]}。" if backups else "目前没有找到备份文件。"
    return (
        f"数据库文件 {path} 无法使用：{reason}。{newest}"
        f"处理办法：先停止本系统，再运行 python -m tracker restore 备份文件 从备份恢复（损坏的文件会被移到一旁保留）；"
        f"没有备份时可运行 python -m tracker init --force 从 data/ 重新建库（已上传的数据会丢失）。"
    )


def is_duckdb_file(path: Path) -> bool:
    """Whether the file starts like a DuckDB database (checked before DuckDB ever opens it)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return len(head) == 12 and head[8:12] == DUCKDB_MAGIC


def _refuse_foreign(path: Path) -> None:
    if not is_duckdb_file(path):
        size = path.stat().st_size if path.exists() else 0
        reason = "文件是空的" if size == 0 else "这不是本系统的 DuckDB 数据库文件（文件头不对）"
        raise DatabaseDamaged(damaged_message(path, reason))


def make_private(path: Path) -> None:
    """The database file, its write-ahead log and backups hold password hashes: owner read/write only."""
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            if p.exists() and p.stat().st_mode & 0o777 != PRIVATE:
                os.chmod(p, PRIVATE)
        except OSError:
            pass


def open_file(path: Path, wait_seconds: float, read_only: bool = False) -> Connection:
    """A connection, waiting (with backoff) while another process holds the file; Chinese StoreErrors otherwise."""
    _refuse_foreign(path)
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=dict(DUCKDB_CONFIG))
        except duckdb.Error as exc:
            if not is_lock_error(exc):
                full = storage_full(exc)
                if full:
                    raise full from exc
                raise DatabaseDamaged(damaged_message(path, f"打开时出错（{_short(exc)}）")) from exc
            if time.monotonic() > deadline:
                raise DatabaseBusy("数据库正被其他程序占用，请稍后再试。") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def is_lock_error(exc: BaseException) -> bool:
    """DuckDB's "Could not set lock on file ...: Conflicting lock is held in ..." (another process has it)."""
    text = str(exc).lower()
    return "could not set lock" in text or "conflicting lock" in text


def _short(exc: BaseException) -> str:
    """DuckDB's first line, for the operator (the Chinese sentence around it says what it means)."""
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


# Files this process has opened and upgraded, by identity: a restored or rebuilt file is a new inode.
_READY: set[tuple[str, int, int]] = set()


def _identity(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_dev, st.st_ino)


def ensure_ready(path: Path) -> None:
    """Once per file per process: refuse a foreign file, bring an older schema up to date, make it private."""
    key = _identity(path)
    if key in _READY:
        return
    with WRITE_LOCK:  # the same lock, in the same order, as writing(): no two locks to deadlock on
        if key in _READY:
            return
        from tracker import db

        make_private(path)
        con = open_file(path, 30.0)
        try:
            row = con.execute("select value from meta where key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version < db.SCHEMA_VERSION:
                with transaction(con):
                    db.upgrade(con)  # every statement is "if not exists" / "or replace", plus the rebuilt tables
                    con.execute("delete from meta where key = 'schema_version'")
                    con.execute("insert into meta values ('schema_version', ?)", [str(db.SCHEMA_VERSION)])
        except duckdb.CatalogException as exc:
            raise DatabaseDamaged(damaged_message(path, "文件里没有本系统的数据表")) from exc
        finally:
            con.close()
        make_private(path)
        _READY.add(key)


def server_message(exc: BaseException) -> StoreError:
    """The PostgreSQL server refused or could not be reached; another town than the home town is named first (its
    store is its own database: the other towns go on working)."""
    whose = ""
    if not config.is_home_town():
        from tracker import towns

        whose = f"{towns.name()}（{config.town_code()}）的"
    if isinstance(exc, pgstore.PgUnreachable):  # the server's own words (English) are for `health`, not for users
        return StoreError(
            f"{whose}数据库无法连接（PostgreSQL 服务器没有应答，或数据库地址、用户名、密码不对），没有读写任何数据。"
            f"请联系管理员（可运行 python -m tracker --town {config.town_code()} health 查看原因）。"
        )
    return StoreError(f"{whose}数据库服务器（PostgreSQL）出错，本次操作没有完成，原有数据完好：{_short(exc)}。请稍后重试或联系管理员。")


@contextmanager
def connect(path: Path | None = None, wait_seconds: float = 30.0) -> Iterator[Connection]:
    """Open the store for one operation; build it from ``data/`` first if the file is missing. With a
    PostgreSQL URL configured (``config.database_url()``), the store is that database and ``path`` is unused."""
    url = config.database_url()
    if url:
        from tracker import pgadmin

        with pgadmin.connect(url) as con:
            yield con
        return
    path = Path(path or config.db_path())
    if not path.exists():
        from tracker import db

        db.build(path)
    ensure_ready(path)
    con = open_file(path, wait_seconds)
    try:
        yield con
    finally:
        con.close()
        make_private(path)


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
    """All or nothing: commit when the block ends normally, roll back on any exception. A write the disk cannot
    hold becomes ``StorageFull`` (Chinese), whether it fails in a statement or at the commit."""
    con.execute("begin")
    try:
        yield con
    except BaseException as exc:
        rollback(con)
        full = storage_full(exc)
        if full:
            raise full from exc
        raise
    try:
        con.execute("commit")
    except duckdb.Error as exc:
        rollback(con)
        full = storage_full(exc)
        if full:
            raise full from exc
        raise


@contextmanager
def writing(path: Path | None = None) -> Iterator[Connection]:
    """The write path: the process write lock, a fresh connection and one transaction."""
    with WRITE_LOCK, connect(path) as con, transaction(con):
        yield con


def data_version(path: Path | None = None) -> tuple[str, float, int]:
    """A cheap fingerprint of the database file, for cache keys: changes whenever a write lands (and only then).
    On PostgreSQL: the data stamp every committed write bumps (one round trip)."""
    url = config.database_url()
    if url:
        try:
            return (location(), 0, int(pgstore.stamp(url) or 0))
        except pgstore.PgError as exc:
            raise server_message(exc) from exc
    path = Path(path or config.db_path())
    stats = [p.stat() for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
    return (str(path), max((s.st_mtime_ns for s in stats), default=0), sum(s.st_size for s in stats))


def insert_rows(con: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Bulk insert through a DataFrame: one statement instead of one per row."""
    if not rows:
        return
    frame = pd.DataFrame([list(r) for r in rows], columns=list(columns))
    if isinstance(con, pgstore.PgConnection):
        con.insert_rows(table, columns, frame)
        return
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


# Where the writes of this thread come from, added to every audit row it writes (the CLI says "command line,
# OS user x": its --user is whatever name the operator typed).
_ORIGIN: contextvars.ContextVar[tuple[tuple[str, Any], ...]] = contextvars.ContextVar("audit_origin", default=())


@contextmanager
def audit_origin(**fields: Any) -> Iterator[None]:
    """Add ``fields`` to every audit row written inside the block (in this thread or task)."""
    token = _ORIGIN.set(tuple({**dict(_ORIGIN.get()), **fields}.items()))
    try:
        yield
    finally:
        _ORIGIN.reset(token)


def audit(con: Connection, user: str, action: str, detail: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """One audit row; call it inside the transaction of the write it records."""
    con.execute(
        "insert into audit (created_at, user_name, action, detail) values (?, ?, ?, ?)",
        [
            at or datetime.now(),
            user,
            action,
            json.dumps({**(detail or {}), **dict(_ORIGIN.get())}, ensure_ascii=False, sort_keys=True, default=str),
        ],
    )


# ---------------------------------------------------------------- the file itself: check, backup, restore


def backup_dir(path: Path) -> Path:
    return path.parent / "backups"


def read_everything(con: Connection) -> None:
    """Read every row of every table: a damaged block fails its checksum here rather than on some later page."""
    tables = [r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = current_database()").fetchall()]
    for table in tables:
        con.execute(f'select count(*) from (select cast(t as varchar) as row_text from "{table}" t) where row_text is null').fetchone()


def verify(path: Path, *, read_only: bool) -> int:
    """Open a database file and read all of it; its schema version. Raises DatabaseDamaged."""
    con = open_file(path, 30.0, read_only=read_only)
    try:
        row = con.execute("select value from meta where key = 'schema_version'").fetchone()
        if row is None:
            raise DatabaseDamaged(damaged_message(path, "文件里没有本系统的版本记录"))
        read_everything(con)
        return int(row[0])
    except duckdb.CatalogException as exc:
        raise DatabaseDamaged(damaged_message(path, "文件里没有本系统的数据表")) from exc
    except duckdb.Error as exc:
        raise DatabaseDamaged(damaged_message(path, f"读取时出错（{_short(exc)}）")) from exc
    finally:
        con.close()


_CHECKED: set[tuple[str, int, int]] = set()


def check(path: Path | None = None) -> None:
    """The start-up check: the file is ours and every table reads back. Once per file per process (by inode, so
    a restored file is checked again). Builds a missing file; raises DatabaseDamaged (Chinese) otherwise.
    On PostgreSQL: builds or upgrades the database and reads every table once (through the mirror)."""
    if config.database_url():
        from tracker import db

        with connect() as con:
            for table in pgstore.tables_and_sequences(db.schema_sql())[0]:
                con.execute(f"select count(*) from {table}").fetchone()
        return
    path = Path(path or config.db_path())
    if not path.exists():
        from tracker import db

        db.build(path)
    key = _identity(path)
    if key in _CHECKED:
        return
    with WRITE_LOCK:
        verify(path, read_only=False)
        ensure_ready(path)
        _CHECKED.add(key)


def location() -> str:
    """Where the store is, for messages: the DuckDB file, or the PostgreSQL URL without its password."""
    url = config.database_url()
    return mask_url(url) if url else str(config.db_path())


def mask_url(url: str) -> str:
    """A PostgreSQL URL without its password, for messages."""
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)

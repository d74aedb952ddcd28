"""PostgreSQL as the store of record (``TRACKER_DATABASE_URL=postgresql://…``): ``tracker.store``'s other half.

Only ``tracker.store`` imports this module; every caller keeps writing what it writes for DuckDB (``?``
parameters, ``store.writing()``, ``store.transaction(con)``, ``.df()``) and gets a ``PgConnection``:

- **Writes** (insert, update, delete, DDL) run in a PostgreSQL transaction that first takes one advisory
  transaction lock (``pg_advisory_xact_lock``), so writes of every process on every machine are serialised as
  the DuckDB file lock serialises them today, and duplicate checks stay exact. The same statement also runs on
  this process's in-memory DuckDB copy, inside a DuckDB transaction, so the reads of the write (checks,
  previews, ``returning id``) see its own rows.
- **Reads** run on that in-memory DuckDB copy (the "mirror"): the indicator SQL files, the shared views and
  macros of ``queries/_shared/`` run unchanged. The copy is refilled from PostgreSQL when the data stamp
  (``meta.data_stamp``, bumped by every committed write) differs from the one it was filled at; each
  ``connect()`` costs one PostgreSQL round trip to read the stamp. Why this read path: see bench/RESULTS.md.
- What a write may say: portable SQL with ``?`` parameters (``on conflict``, ``returning`` and ``list_contains(?,
  col)`` are fine); column defaults constants or sequences (a time is passed from Python), since the copy and
  PostgreSQL each evaluate the statement. A new table in schema.sql (``create table if not exists``) and a new
  sequence are picked up by name; a store built earlier gets them when ``db.SCHEMA_VERSION`` is raised.
- PostgreSQL holds the tables and sequences of ``tracker/sql/schema.sql`` (``double`` written as ``double
  precision``); the views and macros are the read side and live in the mirror only. The mirror's sequences
  are advanced to PostgreSQL's under the lock, so ids returned by the mirror are the ids PostgreSQL stored.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import duckdb
import pandas as pd
import psycopg
from psycopg_pool import ConnectionPool

LOCK_KEY = 7_372_817_101  # the one advisory lock of the store (per database: a town on its own database has its own)
CONNECT_TIMEOUT = 5  # seconds to reach the server before a store is called unreachable
_DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_READ_WORDS = ("select", "with", "from", "pragma", "describe", "show", "explain", "summarize", "checkpoint", "set", "use")
_LOCAL_ONLY = re.compile(r"^\s*(create\s+(or\s+replace\s+)?(temp|temporary|view|macro)\b|drop\s+(view|macro)\b|.*\btemp\.)", re.I | re.S)


class WriteLock(Protocol):
    """This process's write lock of the store (``tracker.store.WRITE_LOCK``)."""

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool: ...

    def release(self) -> None: ...


class PgError(RuntimeError):
    """PostgreSQL refused or could not be reached; ``tracker.store`` turns it into a Chinese StoreError."""


class PgUnreachable(PgError):
    """No connection at all: the server is down or not where the URL says, or it refused the user or password."""


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def statements(sql: str) -> list[str]:
    """The statements of a script (schema.sql and the shared views): comments dropped, split on ``;``."""
    return [s.strip() for s in _strip_comments(sql).split(";") if s.strip()]


def _first_word(sql: str) -> str:
    match = re.match(r"\s*\(*\s*(\w+)", _strip_comments(sql))
    return match.group(1).lower() if match else ""


def is_local(sql: str) -> bool:
    """A read (or a temporary table, a view, a macro): the in-memory copy alone runs it. A ``with … insert`` is a
    write."""
    word = _first_word(sql)
    if word == "with" and re.search(r"\b(insert|update|delete)\b", _strip_comments(sql), re.I):
        return False
    return word in _READ_WORDS or bool(_LOCAL_ONLY.match(sql))


def pg_sql(sql: str, params: Any) -> str:
    """DuckDB's dialect as the callers write it, for PostgreSQL: ``?`` and ``$name`` placeholders, ``double``,
    ``list_contains(?, x)``. Text inside quotes is left alone."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part.replace("%", "%%") if params is not None else part)
            continue
        if params is not None:
            part = part.replace("%", "%%")
        part = re.sub(r"list_contains\(\s*\?\s*,\s*([\w.]+)\s*\)", r"\1 = any(?)", part)
        part = re.sub(r"\bdouble\b(?!\s+precision)", "double precision", part, flags=re.I)
        part = part.replace("?", "%s")
        part = re.sub(r"\$([A-Za-z_]\w*)", r"%(\1)s", part)
        out.append(part)
    return "".join(out)


def _plain(value: Any) -> Any:
    """numpy / pandas scalars as the Python values psycopg adapts."""
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None  # as DuckDB reads a frame's NaN: NULL
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def pg_params(params: Any) -> Any:
    if params is None:
        return None
    if isinstance(params, dict):
        return {k: _plain(v) for k, v in params.items()}
    return [_plain(v) for v in params]


# ---------------------------------------------------------------- pools and the mirror, one of each per URL

_POOLS: dict[str, ConnectionPool] = {}
_MIRRORS: dict[str, Mirror] = {}
_GLOBAL = threading.Lock()


def pool(url: str) -> ConnectionPool:
    with _GLOBAL:
        found = _POOLS.get(url)
        if found is None:
            _reachable(url)
            found = ConnectionPool(url, min_size=1, max_size=10, kwargs={"autocommit": True}, open=False, timeout=30)
            try:
                found.open(wait=True, timeout=15)
            except Exception as exc:  # noqa: BLE001 - any failure to reach the server is one message
                found.close()
                raise PgUnreachable(str(exc)) from exc
            _POOLS[url] = found
        return found


def _reachable(url: str) -> None:
    """One plain connection before a pool is made: a wrong password or a server that is down fails here at once
    (the pool would retry until its timeout, 15 s, on every call: the city's roll-up asks every town's store)."""
    try:
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT).close()
    except psycopg.Error as exc:
        raise PgUnreachable(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__) from exc


def close_all(url: str | None = None) -> None:
    """Close this process's pools (tests drop their databases; an operator's restore replaces one)."""
    with _GLOBAL:
        for key in [k for k in _POOLS if url in (None, k)]:
            _POOLS.pop(key).close()
            _MIRRORS.pop(key, None)


def mirror(url: str) -> Mirror:
    with _GLOBAL:
        return _MIRRORS.setdefault(url, Mirror())


def tables_and_sequences(schema: str) -> tuple[list[str], list[str]]:
    text = _strip_comments(schema)
    tables = re.findall(r"create\s+table\s+if\s+not\s+exists\s+(\w+)", text, re.I)
    sequences = re.findall(r"create\s+sequence\s+if\s+not\s+exists\s+(\w+)", text, re.I)
    return tables, sequences


def _pg_has(pg: psycopg.Connection, name: str) -> bool:
    row = pg.execute("select to_regclass(%s) is not null", [name]).fetchone()
    return bool(row and row[0])


def pg_stamp(pg: psycopg.Connection) -> str:
    """The data stamp PostgreSQL holds; "" before the store is built."""
    if not _pg_has(pg, "meta"):
        return ""
    row = pg.execute("select value from meta where key = 'data_stamp'").fetchone()
    return str(row[0]) if row else "0"


def _pg_sequence(pg: psycopg.Connection, name: str) -> int:
    """The last value PostgreSQL handed out (0 when none yet)."""
    if not _pg_has(pg, name):
        return 0
    row = pg.execute(f"select last_value, is_called from {name}").fetchone()
    assert row is not None
    return int(row[0]) if row[1] else int(row[0]) - 1


class Mirror:
    """This process's in-memory DuckDB copy of the PostgreSQL store, refilled when the data stamp moves."""

    def __init__(self) -> None:
        self.db: duckdb.DuckDBPyConnection | None = None
        self.stamp: str | None = None
        self.lock = threading.RLock()
        self.fills = 0  # how often this process copied the store (tests and the bench read it)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        assert self.db is not None
        return self.db.cursor()

    def fill(self, pg: psycopg.Connection, schema: str) -> None:
        """A new copy of every table PostgreSQL holds, in one snapshot (the caller's transaction)."""
        tables, sequences = tables_and_sequences(schema)
        new = duckdb.connect(":memory:", config=dict(_DUCKDB_CONFIG))
        for name in sequences:
            new.execute(f"create sequence {name} start {_pg_sequence(pg, name) + 1}")
        new.execute(schema)
        for table in tables:
            if not _pg_has(pg, table):
                continue
            cur = pg.execute(f"select * from {table}")
            rows = cur.fetchall()
            if not rows:
                continue
            columns = [d.name for d in cur.description or []]
            frame = pd.DataFrame(rows, columns=columns, dtype=object)
            new.register("_fill", frame)
            new.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(columns)} from _fill")
            new.unregister("_fill")
        self.db, self.stamp = new, pg_stamp(pg)
        self.fills += 1

    def align_sequences(self, pg: psycopg.Connection, schema: str, cur: duckdb.DuckDBPyConnection | None = None) -> bool:
        """Bring the copy's sequences to PostgreSQL's (a rolled-back write elsewhere burns ids there); False when
        the copy is ahead (it then needs a new fill)."""
        db = cur or self.db  # a caller's cursor sees the sequences its open transaction created
        assert db is not None
        _, sequences = tables_and_sequences(schema)
        for name in sequences:
            pg_last = _pg_sequence(pg, name)
            row = db.execute(
                "select coalesce(last_value, start_value - 1) from duckdb_sequences() where sequence_name = ?", [name]
            ).fetchone()
            mine = int(row[0]) if row else 0
            if mine > pg_last:
                return False
            if mine < pg_last:
                db.execute(f"select max(nextval('{name}')) from range({pg_last - mine})").fetchone()
        return True

    def ensure(self, pg: psycopg.Connection, schema: Callable[[], str], *, locked: bool) -> None:
        """Refill when PostgreSQL's stamp moved; under the write lock, also line the sequences up. Outside the
        lock the copy is read in one repeatable-read snapshot, so it never mixes states of two commits."""
        with self.lock:
            if locked:
                if self.db is None or self.stamp != pg_stamp(pg) or not self.align_sequences(pg, schema()):
                    self.fill(pg, schema())
                return
            if self.db is not None and self.stamp == pg_stamp(pg):
                return
            pg.execute("begin isolation level repeatable read read only")
            try:
                self.fill(pg, schema())
            finally:
                pg.execute("rollback")


# ---------------------------------------------------------------- the connection callers get


class PgConnection:
    """The subset of ``duckdb.DuckDBPyConnection`` the tracker uses, over PostgreSQL plus the mirror.

    ``execute`` returns the connection itself, as DuckDB's does; fetchone / fetchall / df / register and the
    rest are the mirror cursor's."""

    def __init__(self, url: str, pg: psycopg.Connection, schema: Callable[[], str], write_lock: WriteLock) -> None:
        self.url, self.pg, self._schema, self._write_lock = url, pg, schema, write_lock
        self.mirror = mirror(url)
        self.mirror.ensure(pg, schema, locked=False)
        self._cur = self.mirror.cursor()
        self._in_tx = False
        self._wrote = False
        self._new_stamp: str | None = None

    # -- transactions
    def begin(self) -> None:
        self._write_lock.acquire()
        try:
            self.pg.execute("begin")
            self.pg.execute("select pg_advisory_xact_lock(%s)", [LOCK_KEY])
            self.mirror.ensure(self.pg, self._schema, locked=True)
            self._cur = self.mirror.cursor()
            self._cur.execute("begin")
        except BaseException:
            self._safe_pg_rollback()
            self._write_lock.release()
            raise
        self._in_tx, self._wrote = True, False

    def commit(self) -> None:
        if not self._in_tx:
            return
        try:
            if self._wrote:
                self._both("update meta set value = cast(cast(value as bigint) + 1 as varchar) where key = 'data_stamp'", None)
                row = self._cur.execute("select value from meta where key = 'data_stamp'").fetchone()
                self._new_stamp = str(row[0]) if row else None
            self.pg.execute("commit")
        except BaseException:
            self._end(committed=False)
            raise
        self._end(committed=True)

    def rollback(self) -> None:
        if self._in_tx:
            self._end(committed=False)

    def _end(self, committed: bool) -> None:
        try:
            if not committed:
                self._safe_pg_rollback()
            try:
                self._cur.execute("commit" if committed else "rollback")
                if committed and self._wrote:
                    self.mirror.stamp = self._new_stamp
            except duckdb.Error:
                self.mirror.stamp = None  # refilled at the next use
        finally:
            self._in_tx = False
            self._write_lock.release()

    def _safe_pg_rollback(self) -> None:
        try:
            self.pg.execute("rollback")
        except psycopg.Error:
            pass

    # -- statements
    def execute(self, sql: str, params: Any = None) -> PgConnection:
        word = _first_word(sql)
        if word in ("begin", "start"):
            self.begin()
        elif word in ("commit", "end"):
            self.commit()
        elif word in ("rollback", "abort"):
            if not self._in_tx:
                raise duckdb.TransactionException("TransactionContext Error: cannot rollback - no transaction is active")
            self.rollback()
        elif is_local(sql):
            self._local(sql, params)
        else:
            self._write(lambda: self._both(sql, params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> PgConnection:
        def run() -> None:
            self._cur.executemany(sql, rows)
            self._pg(lambda cur: cur.executemany(pg_sql(sql, []), [pg_params(r) for r in rows]))

        self._write(run)
        return self

    def insert_rows(self, table: str, columns: Sequence[str], frame: pd.DataFrame) -> None:
        """A bulk insert: the mirror from the frame, PostgreSQL by COPY."""

        def run() -> None:
            self._cur.register("_rows", frame)
            try:
                self._cur.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(columns)} from _rows")
            finally:
                self._cur.unregister("_rows")

            def copy(cur: psycopg.Cursor) -> None:
                with cur.copy(f"copy {table} ({', '.join(columns)}) from stdin") as out:
                    for row in frame.itertuples(index=False):
                        out.write_row(pg_params(list(row)))

            self._pg(copy)

        self._write(run)

    def _local(self, sql: str, params: Any) -> None:
        if params is None:
            self._cur.execute(sql)
        else:
            self._cur.execute(sql, params)

    def _write(self, run: Callable[[], None]) -> None:
        implicit = not self._in_tx
        if implicit:
            self.begin()
        try:
            run()
            self._wrote = True
        except BaseException:
            if implicit:
                self.rollback()
            raise
        if implicit:
            self.commit()

    def _both(self, sql: str, params: Any) -> None:
        """The mirror first (its constraints and errors are the DuckDB ones callers know), then PostgreSQL."""
        for statement in statements(sql) if params is None else [sql]:
            self._local(statement, params)
            if _LOCAL_ONLY.match(statement):
                continue
            self._pg_execute(pg_sql(statement, params), pg_params(params))

    def _pg_execute(self, sql: str, params: Any = None) -> None:
        def run(cur: psycopg.Cursor) -> None:
            cur.execute(sql, params)

        self._pg(run)

    def _pg(self, run: Callable[[psycopg.Cursor], Any]) -> None:
        try:
            with self.pg.cursor() as cur:
                run(cur)
        except psycopg.Error as exc:
            raise PgError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc

    def close(self) -> None:
        if self._in_tx:
            self.rollback()
        self._cur.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


@contextmanager
def connect(url: str, schema: Callable[[], str], write_lock: WriteLock) -> Iterator[PgConnection]:
    """A pooled PostgreSQL connection wrapped for the callers; PgError when the server cannot be reached."""
    try:
        handle = pool(url).connection()
        pg = handle.__enter__()
    except psycopg.Error as exc:
        raise PgError(str(exc)) from exc
    failure: BaseException | None = None
    try:
        con = PgConnection(url, pg, schema, write_lock)
        try:
            yield con
        finally:
            con.close()
    except BaseException as exc:
        failure = exc
        raise
    finally:
        if failure is None:
            handle.__exit__(None, None, None)
        else:
            handle.__exit__(type(failure), failure, failure.__traceback__)


def drop_everything(con: PgConnection, schema: str) -> None:
    """``init --force``: every table and sequence of the schema goes, in PostgreSQL and in the mirror (the caller
    holds the write lock, inside its transaction)."""
    tables, sequences = tables_and_sequences(schema)
    for table in reversed(tables):
        con._pg_execute(f"drop table if exists {table} cascade")
    for name in sequences:
        con._pg_execute(f"drop sequence if exists {name} cascade")
    con._cur.execute("rollback")
    con.mirror.db = duckdb.connect(":memory:", config=dict(_DUCKDB_CONFIG))
    con.mirror.stamp = None
    con._cur = con.mirror.cursor()
    con._cur.execute("begin")
    con._wrote = True


def stamp(url: str) -> str:
    with pool(url).connection() as pg:
        return pg_stamp(pg)

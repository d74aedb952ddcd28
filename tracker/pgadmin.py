"""The PostgreSQL store's life: first build, schema upgrades, backup and restore (``tracker.store`` calls these
when ``config.database_url()`` is set; the statements themselves go through ``tracker.pgstore``).

A backup of a PostgreSQL store is a DuckDB database file, the same format as the DuckDB store's backups, written
from the in-memory copy while the write lock is held: ``restore`` takes either store's backup, so
``python -m tracker migrate-to URL`` is a backup of the file restored into PostgreSQL.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import duckdb
import psycopg

from tracker import backups, config, pgstore, store
from tracker.store import WRITE_LOCK, Connection, StoreError, server_message, transaction

_READY: set[str] = set()


def _schema() -> str:
    from tracker import db

    return db.schema_sql()


def ensure_ready(url: str) -> None:
    """Once per URL per process: build an empty database from ``data/`` (as a missing file is built), or bring
    an older schema up to date in one transaction (the same schema version in ``meta`` as the DuckDB file)."""
    if url in _READY:
        return
    from tracker import db

    with WRITE_LOCK:
        with pgstore.connect(url, _schema, WRITE_LOCK) as con:
            built = pgstore.pg_stamp(con.pg) != ""
        if not built:
            db.build()
        else:
            with pgstore.connect(url, _schema, WRITE_LOCK) as con, transaction(cast(Connection, con)):
                version = int(store.one(cast(Connection, con), "select value from meta where key = 'schema_version'")[0])
                if version < db.SCHEMA_VERSION:
                    con.execute(db.schema_sql())
                    _key_by_year(con)
                    con.execute("update meta set value = ? where key = 'schema_version'", [str(db.SCHEMA_VERSION)])
        _READY.add(url)


def _key_by_year(con: pgstore.PgConnection) -> None:
    """Schema 4 in PostgreSQL (inside the caller's transaction): project and task keyed by (code, year), their
    progress and plans referencing (code, year). PostgreSQL alters keys in place; the mirror is filled from
    schema.sql, so it has the new keys already."""
    one_column = con.pg.execute(
        "select c.conrelid::regclass::text, c.conname from pg_constraint c where c.contype = 'p' and array_length(c.conkey, 1) = 1 "
        "and c.conrelid in (to_regclass('project'), to_regclass('task'))"
    ).fetchall()
    for table in ("project", "task"):
        con._pg_execute(f"alter table {table} add column if not exists source_year integer")
    if not one_column:
        return
    for table, name in con.pg.execute(
        "select c.conrelid::regclass::text, c.conname from pg_constraint c where c.contype = 'f' "
        "and c.confrelid in (to_regclass('project'), to_regclass('task'))"
    ).fetchall():
        con._pg_execute(f'alter table {table} drop constraint "{name}"')
    for table, name in one_column:
        con._pg_execute(f'alter table {table} drop constraint "{name}", add primary key (code, year)')
    for child, column, parent in (("project_progress", "project", "project"), ("project_plan", "project", "project"),
                                  ("task_progress", "task", "task")):  # fmt: skip
        con._pg_execute(f"alter table {child} add foreign key ({column}, year) references {parent} (code, year)")


def forget(url: str) -> None:
    """Check the schema again at the next connect (a test that downgrades it; a restore)."""
    _READY.discard(url)


@contextmanager
def connect(url: str) -> Iterator[Connection]:
    try:
        ensure_ready(url)
        with pgstore.connect(url, _schema, WRITE_LOCK) as con:
            yield cast(Connection, con)
    except (pgstore.PgError, psycopg.Error) as exc:  # psycopg's own: a backend ended at begin or commit (bench/failover.py)
        raise server_message(exc) from exc


@contextmanager
def _locked(url: str) -> Iterator[pgstore.PgConnection]:
    """One transaction holding the write lock of every process, on a raw PgConnection."""
    try:
        with WRITE_LOCK, pgstore.connect(url, _schema, WRITE_LOCK) as con, transaction(cast(Connection, con)):
            yield con
    except pgstore.PgError as exc:
        raise server_message(exc) from exc


def build(fill: Callable[[Connection], None], force: bool) -> bool:
    """``db.build`` on PostgreSQL: ``fill(con)`` loads schema and seed in one locked transaction; False when the
    database already holds the store and ``force`` is not given."""
    url = config.database_url()
    with _locked(url) as con:
        if pgstore.pg_stamp(con.pg) != "":
            if not force:
                return False
            pgstore.drop_everything(con, _schema())
        fill(cast(Connection, con))
        con.execute("insert into meta values ('data_stamp', ?)", [str(time.time_ns())])
    _READY.add(url)
    return True


def sequence_owners(schema: str) -> dict[str, tuple[str, str]]:
    """Each sequence of the schema and the (table, column) whose default draws from it."""
    owners = {}
    for statement in pgstore.statements(schema):
        table = re.match(r"create\s+table\s+if\s+not\s+exists\s+(\w+)", statement, re.I)
        if table:
            for column, sequence in re.findall(r"(\w+)\s+\w+[^,(]*default\s+nextval\('(\w+)'\)", statement, re.I):
                owners[sequence] = (table.group(1), column)
    return owners


def row_counts() -> dict[str, int]:
    """Rows per table of the configured store (either kind): what a migration compares."""
    with store.connect() as con:
        return {t: int(store.one(con, f"select count(*) from {t}")[0]) for t in pgstore.tables_and_sequences(_schema())[0]}


def backup(dest_dir: Path | None = None, keep: int | None = None) -> Path:
    """A DuckDB file holding the whole store, written from the in-memory copy under the write lock (so it is one
    committed state), mode 0600, named like the file store's backups; the newest ``keep`` stay."""
    url = config.database_url()
    ensure_ready(url)
    # Beside the town's own files (another town's backups in the home town's folder would be pruned with its own).
    default = config.DATA_DIR / "backups" if config.is_home_town() else config.town_dir(config.town_code()) / "backups"
    dest_dir = Path(dest_dir or default)
    dest_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    keep = config.settings().backup_keep if keep is None else keep
    target = dest_dir / f"tracker-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S-%f')}.duckdb"
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with _locked(url) as con:
        with con.mirror.lock:
            root = con.mirror.db
            assert root is not None
            root.execute(f"attach '{tmp}' as backup_target")
            try:
                root.execute("copy from database memory to backup_target")
            finally:
                root.execute("detach backup_target")
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        store.audit(cast(Connection, con), "cli", "backup", {"file": str(target)})
    if keep:
        for old in sorted(dest_dir.glob("tracker-*.duckdb"))[:-keep]:
            old.unlink(missing_ok=True)
    return target


def restore(backup_file: Path) -> backups.Restored:
    """Replace the whole PostgreSQL store with a backup file (of either store), in one locked transaction: every
    table emptied and refilled, sequences set past the restored ids. Nothing is kept aside: take a backup first
    (``restore`` refuses a file that is not ours or from a newer version, before touching anything)."""
    from tracker import db

    url = config.database_url()
    if not backup_file.is_file():
        raise StoreError(f"找不到备份文件：{backup_file}")
    source = duckdb.connect(str(backup_file), read_only=True)
    try:
        row = source.execute("select value from meta where key = 'schema_version'").fetchone()
    except duckdb.Error as exc:
        source.close()
        raise store.DatabaseDamaged(f"备份文件 {backup_file} 不能用于恢复：它不是本系统的数据库文件，或已损坏。") from exc
    if row is None or int(row[0]) > db.SCHEMA_VERSION:
        source.close()
        raise StoreError(f"备份文件 {backup_file} 来自更新版本的程序（或没有版本记录），请先升级程序再恢复。")
    tables = pgstore.tables_and_sequences(_schema())[0]
    try:
        with _locked(url) as con:
            pgstore.drop_everything(con, _schema())
            con.execute(_schema())
            for table in tables:
                have = {
                    r[0]
                    for r in source.execute("select column_name from information_schema.columns where table_name = ?", [table]).fetchall()
                }
                if not have:
                    continue
                columns = [r[0] for r in con.execute(f"select * from {table} limit 0").description if r[0] in have]
                frame = source.execute(f"select {', '.join(columns)} from {table}").df()
                store.insert_rows(cast(Connection, con), table, columns, frame.astype(object).values.tolist())
            for name, (table, column) in sequence_owners(_schema()).items():
                top = store.one(cast(Connection, con), f"select coalesce(max({column}), 0) from {table}")[0]
                con._pg_execute(f"select setval('{name}', {int(top) + 1}, false)")
            con.mirror.align_sequences(con.pg, _schema(), cur=con._cur)
            con.execute("delete from meta where key = 'data_stamp'")
            con.execute("insert into meta values ('data_stamp', ?)", [str(time.time_ns())])
            store.audit(cast(Connection, con), "cli", "restore", {"from": str(backup_file)})
    finally:
        source.close()
    _READY.discard(url)
    return backups.Restored(backup_file, Path(store.location()), [])

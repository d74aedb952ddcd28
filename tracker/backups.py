"""Backups of the store and putting one back: a consistent private copy of the DuckDB file (or, on PostgreSQL, a
DuckDB file of one committed state through ``tracker.pgadmin``), and a checked, atomic restore that keeps the
replaced file aside. The connections, the write lock and the audit are ``tracker.store``'s."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tracker import config, store


def _private_copy(source: Path, target: Path) -> None:
    """Copy ``source`` to a new file ``target`` (mode 0600, never overwriting), through a temporary name so a
    crash or a full disk never leaves half a file under the final name."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, store.PRIVATE)
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, target)  # fails if the name exists: a backup is never overwritten
    except OSError as exc:
        full = store.storage_full(exc)
        if full:
            raise full from exc
        raise
    finally:
        tmp.unlink(missing_ok=True)


def _backup_name(source: Path, dest_dir: Path) -> Path:
    """A name that sorts by time and never collides: microseconds, then a counter if two land at once."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = dest_dir / f"{source.stem}-{stamp}.duckdb"
    n = 1
    while target.exists():
        target = dest_dir / f"{source.stem}-{stamp}-{n}.duckdb"
        n += 1
    return target


def backup(dest_dir: Path | None = None, keep: int | None = None) -> Path:
    """A consistent copy: checkpoint, then copy the file while we hold it (no process can write meanwhile).

    Names carry the time to the microsecond and are never reused; the newest ``keep`` backups (settings
    ``[backup] keep``, 0 keeps all) stay, older ones in the folder are removed after a successful copy.
    """
    if config.database_url():
        from tracker import pgadmin

        return pgadmin.backup(dest_dir, keep)
    source = config.db_path()
    dest_dir = Path(dest_dir or store.backup_dir(source))
    dest_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    keep = config.settings().backup_keep if keep is None else keep
    with store.WRITE_LOCK, store.connect() as con:
        con.execute("checkpoint")
        for _ in range(5):
            target = _backup_name(source, dest_dir)
            try:
                _private_copy(source, target)
                break
            except FileExistsError:
                continue
        else:
            raise store.StoreError("备份文件名冲突，请稍后再试。")
        with store.transaction(con):
            store.audit(con, "cli", "backup", {"file": str(target)})
    if keep:
        ours = sorted(dest_dir.glob(f"{source.stem}-*.duckdb"))
        for old in ours[:-keep]:
            old.unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class Restored:
    backup: Path
    database: Path
    kept_aside: list[Path]  # the replaced file and its write-ahead log, renamed, never deleted


def restore(backup_file: Path, path: Path | None = None) -> Restored:
    """Put a backup in place of the database file: the backup is checked first (ours, readable, not newer than
    this code), the current file and its write-ahead log are moved aside (a stale .wal beside a restored file
    would make it unopenable), and the copy is moved in atomically. Raises store.StoreError (Chinese)."""
    from tracker import db

    if config.database_url():
        from tracker import pgadmin

        return pgadmin.restore(Path(backup_file))
    path = Path(path or config.db_path())
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise store.StoreError(f"找不到备份文件：{backup_file}")
    if backup_file.resolve() == path.resolve():
        raise store.StoreError("备份文件就是当前的数据库文件，无需恢复。")
    try:
        version = store.verify(backup_file, read_only=True)
    except store.DatabaseDamaged as exc:
        raise store.DatabaseDamaged(f"备份文件 {backup_file} 不能用于恢复：它不是本系统的数据库文件，或已损坏。") from exc
    if version > db.SCHEMA_VERSION:
        raise store.StoreError(f"备份文件 {backup_file} 来自更新版本的程序（数据版本 {version}），请先升级程序再恢复。")
    with store.WRITE_LOCK:
        if path.exists() and store.is_duckdb_file(path):
            try:  # another process (a running server mid-operation) holding the file: do not pull it away
                duckdb.connect(str(path), config=dict(store.DUCKDB_CONFIG)).close()
            except duckdb.Error as exc:
                if store.is_lock_error(exc):
                    raise store.DatabaseBusy("数据库正被其他程序占用，请先停止本系统再恢复。") from exc
        aside_dir = path.parent / "replaced"
        aside_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        staged = path.with_name(f".{path.name}.restore.{os.getpid()}")
        staged.unlink(missing_ok=True)
        _private_copy(backup_file, staged)
        kept: list[Path] = []
        for current in (path, path.with_name(path.name + ".wal")):
            if current.exists():
                target = aside_dir / f"{current.name}.{stamp}"
                os.replace(current, target)
                kept.append(target)
        os.replace(staged, path)
        store.ensure_ready(path)
        with store.connect(path) as con, store.transaction(con):
            store.audit(con, "cli", "restore", {"from": str(backup_file), "kept_aside": [str(k) for k in kept]})
    return Restored(backup_file, path, kept)

"""Towns as tenants: one store per town, so a town's users, figures and history can only ever be its own.

The installation's own town (``[town] town_code`` in ``data/settings.toml``) keeps ``data/tracker.duckdb`` and
``data/``, exactly as a one-town installation. Each other town has a folder ``<towns>/<code>/`` with its store
(``tracker.duckdb``), the files it was built from (``data/``: the same formats as the home town's) and its own
indicator files (``queries/``, optional). ``tracker.config.use_town`` selects the town a command or a page serves;
every reader and writer goes through ``config.db_path()``, so no query needs a town filter and no town's rows can
leak into another's. Codes and names come from the official list of 中山市's towns and streets.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
import shutil
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import psycopg
from psycopg import conninfo

from tracker import config, db, indicators, pgstore, store
from tracker.auth import User, require_admin
from tracker.errors import Refusal
from tracker.extract import town_files

OFFICIAL_LIST = config.DATA_DIR / "source" / "zhongshan_towns_official_2022.csv"
REQUIRED_FILES = ("areas.csv", "departments.csv", "metrics.csv", "targets.csv")
OPTIONAL_FILES = ("projects.csv", "tasks.csv", "items.csv", "places.geojson", "settings.toml")
ONE_EACH = "请为每个镇街新建一个数据库（各镇街的数据不能放在同一个库中）。"
MAX_ZIP_BYTES = 20 * 1024 * 1024  # unpacked: a town's text files are kilobytes; its geometry a few megabytes


class TownError(Refusal, ValueError):
    """A town that cannot be added or served; the message is Chinese, for users."""


class _TakenMeanwhile(TownError):
    """Another ``towns add`` built the same empty database first: its store, not ours to drop."""


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    home: bool  # the installation's own town
    store: Path  # its DuckDB file (unused when ``database`` is set)
    has_geometry: bool
    database: str = ""  # its own PostgreSQL database, password hidden; empty: the DuckDB file


@lru_cache(maxsize=1)
def official() -> dict[str, str]:
    """Official code → name of every town and street of 中山市 (2022 list)."""
    with open(OFFICIAL_LIST, encoding="utf-8", newline="") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def name(code: str | None = None) -> str:
    """The official name of ``code`` (default: the town being served), e.g. 三乡镇."""
    code = code or config.town_code()
    return official().get(code, code)


def installed() -> list[Town]:
    """The home town first, then every town added, by official code."""
    codes = [config.home_town()]
    if config.towns_dir().is_dir():
        codes += sorted(p.name for p in config.towns_dir().iterdir() if p.name in official() and _has_store(p))
    out = []
    for code in dict.fromkeys(codes):
        with config.use_town(code):
            pg = store.location() if config.database_url() else ""
            out.append(Town(code, name(code), code == config.home_town(), config.db_path(), _has_geometry(), pg))
    return out


def _has_store(folder: Path) -> bool:
    """A town's folder in place: its DuckDB file, or its settings.toml naming its PostgreSQL database."""
    return (folder / "tracker.duckdb").exists() or bool(_settings_url(folder / "data"))


def _settings_url(data: Path) -> str:
    own = data / "settings.toml"
    return config.settings(own).database_url if own.is_file() else ""


def _has_geometry() -> bool:
    return (config.data_dir() / "places.geojson").exists()


def require_known(code: str) -> str:
    """``code`` if it is a town served here, else a refusal that names the towns that are."""
    served = {t.code: t for t in installed()}
    if code not in served:
        known = "、".join(f"{t.code}（{t.name}）" for t in served.values())
        raise TownError(f"镇街代码 {code} 不在本平台：已有 {known}。")
    return code


def add(
    code: str,
    data: Path,
    queries: Path | None = None,
    *,
    demo: bool = False,
    user: str | None = None,
    year: int | None = None,
    database_url: str | None = None,
) -> Town:
    """Add a town from its files (the formats of ``data/``), all or nothing: its folder appears complete or not at all.

    ``data`` may also be a reviewed draft folder from ``extract --out-dir`` (its ``indicators.csv``): it is made into
    the town's files first (``tracker.extract.town_files``), the report's year taken from ``year`` where the draft
    has none.

    ``queries`` holds the town's own indicator files (``<area>/<code>.sql``); the shared files whose metrics the
    town reports are tracked without copying. Refused with a Chinese message: a code not on the official list, a
    town already here, a missing or malformed file, an indicator file naming a metric the town does not report.

    ``database_url`` (or ``database_url`` in the town's own settings.toml) puts the town's store in a PostgreSQL
    database of its own instead of a DuckDB file: the URL is written to the town's settings.toml (mode 0600: it may
    hold a password) and the database is built there as ``init`` builds the home town's. The database must be
    empty and no other town's (the home town's least of all); if anything fails, what was created in it is
    dropped again, so a refusal leaves neither a folder nor a half-filled database.
    """
    if code not in official():
        raise TownError(f"镇街代码 {code} 不在中山市官方镇街名录中（{OFFICIAL_LIST.name}）。")
    if code == config.home_town() or _has_store(config.town_dir(code)):
        raise TownError(f"{name(code)}（{code}）已在本平台，不能重复添加。")
    data = Path(data)
    if town_files.is_draft_folder(data):
        made = config.towns_dir() / f".{code}.draft.{os.getpid()}"
        shutil.rmtree(made, ignore_errors=True)
        try:
            made_data, made_queries = town_files.town_files(data, made, year or town_files.draft_year(data) or date.today().year)
            return add(code, made_data, made_queries, demo=demo, user=user, database_url=database_url)
        finally:
            shutil.rmtree(made, ignore_errors=True)
    missing = [f for f in REQUIRED_FILES if not (data / f).is_file()]
    if missing:
        raise TownError(f"{data} 缺少文件：{'、'.join(missing)}（格式同 data/ 下的同名文件）。")
    given_settings = _read_settings(data)
    if database_url and any("database_url" in section for section in given_settings.values() if isinstance(section, dict)):
        raise TownError(f"{data / 'settings.toml'} 已写有 database_url，与 --database-url 重复：请只写在一处。")
    if database_url and "database" in given_settings:
        raise TownError(f"{data / 'settings.toml'} 已有 [database] 一节：请把数据库地址写在其中，不用 --database-url。")
    url = database_url or _settings_url(data)
    if url:
        _check_database(code, url)
    config.towns_dir().mkdir(parents=True, exist_ok=True)
    staging = config.towns_dir() / f".{code}.adding.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        (staging / "data").mkdir(parents=True)
        for f in (*REQUIRED_FILES, *OPTIONAL_FILES):
            if (data / f).is_file():
                shutil.copy2(data / f, staging / "data" / f)
        if demo and (data / "demo").is_dir():  # --demo: the folder's demo/ (db.build reads it beside the files)
            shutil.copytree(data / "demo", staging / "data" / "demo")
        if database_url:
            _write_database_url(staging / "data" / "settings.toml", database_url)
        if queries is not None:
            shutil.copytree(queries, staging / "queries", ignore=shutil.ignore_patterns("_*"))
        own_codes = _check_queries(staging, code)
        detail = {"town": code, "name": name(code), "from": str(data), "own_indicators": own_codes}
        if url:
            _build_database(code, url, staging, demo, user, detail)
        else:
            _build_file(staging, data, demo, user, detail)
        os.replace(staging, config.town_dir(code))
    except BaseException as exc:
        if url and not isinstance(exc, _TakenMeanwhile):
            _drop_created(url)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return next(t for t in installed() if t.code == code)


def _build_file(staging: Path, data: Path, demo: bool, user: str | None, detail: dict) -> None:
    try:
        db.build(staging / "tracker.duckdb", data_dir=staging / "data", demo=demo)
    except (KeyError, ValueError, duckdb.Error) as exc:
        raise TownError(f"按 {data} 的文件建库失败：{_reason(exc)}") from exc
    with store.writing(staging / "tracker.duckdb") as con:
        store.audit(con, user or f"命令行:{getpass.getuser()}", "town_add", detail)


def _build_database(code: str, url: str, staging: Path, demo: bool, user: str | None, detail: dict) -> None:
    """Schema and seed in one locked PostgreSQL transaction (``db.build``, as ``init``), then the audit row."""
    with config.use_town(code), config.building_database(url):
        try:
            db.build(staging / "tracker.duckdb", data_dir=staging / "data", demo=demo)
            with store.writing() as con:
                if store.one(con, "select count(*) from audit where action = 'town_add'")[0]:
                    raise _TakenMeanwhile(f"数据库 {store.mask_url(url)} 刚被另一个镇街占用（同时添加），{name(code)}没有添加。")
                store.audit(con, user or f"命令行:{getpass.getuser()}", "town_add", {**detail, "database": store.location()})
        except (KeyError, ValueError, duckdb.Error) as exc:
            raise TownError(f"按 {detail['from']} 的文件在数据库 {store.mask_url(url)} 建库失败：{_reason(exc)}") from exc


# ---------------------------------------------------------------- a town's own PostgreSQL database


def _read_settings(data: Path) -> dict:
    own = data / "settings.toml"
    try:
        return tomllib.loads(own.read_text(encoding="utf-8")) if own.is_file() else {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TownError(f"{own} 格式有误：{_reason(exc)}") from exc


def _write_database_url(path: Path, url: str) -> None:
    """The town's settings.toml (its own, if it came with one) plus ``[database] database_url``; owner-only."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    text += "\n[database]\n# This town's store: its own PostgreSQL database (towns add --database-url).\n"
    text += f"database_url = {json.dumps(url)}\n"
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    os.chmod(path, store.PRIVATE)


def _same_database(a: str, b: str) -> bool:
    """Whether two URLs name one database (host, port and database name; user and password aside)."""

    def key(url: str) -> tuple[str, str, str]:
        try:
            parts = conninfo.conninfo_to_dict(url)
        except psycopg.Error:
            return ("", "", url)
        host = str(parts.get("host") or "/var/run/postgresql")
        return (host, str(parts.get("port") or "5432"), str(parts.get("dbname") or parts.get("user") or ""))

    return a == b or key(a) == key(b)


def _check_database(code: str, url: str) -> None:
    """Refuse a URL that is not PostgreSQL's, names the home town's or another town's database, cannot be reached,
    or holds tables already (an empty database only: nothing of anyone's is ever overwritten)."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise TownError(f"数据库地址应以 postgresql:// 开头：{store.mask_url(url)}")
    with config.use_town(None):
        home = config.database_url()
    if home and _same_database(url, home):
        home_name = name(config.home_town())
        raise TownError(f"{store.mask_url(url)} 是{home_name}（平台所在镇街）的数据库，不能给{name(code)}使用：{ONE_EACH}")
    for town in installed():
        with config.use_town(town.code):
            theirs = config.database_url()
        if theirs and _same_database(url, theirs):
            raise TownError(f"{store.mask_url(url)} 已是{town.name}的数据库，不能给{name(code)}使用：{ONE_EACH}")
    try:
        with psycopg.connect(url, connect_timeout=pgstore.CONNECT_TIMEOUT) as pg:
            row = pg.execute(
                "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm', 'S')"
            ).fetchone()
    except psycopg.Error as exc:
        raise TownError(f"{name(code)}的数据库 {store.mask_url(url)} 无法连接：{_reason(exc)}") from exc
    if row and row[0]:
        raise TownError(
            f"{name(code)}的数据库 {store.mask_url(url)} 不是空的（已有 {row[0]} 个表或序列）："
            "请新建一个空数据库再添加，已有的数据不会被改动。"
        )


def _drop_created(url: str) -> None:
    """Undo a build that did not finish: every table and sequence of the schema goes (the database was checked
    empty before, so nothing else was there)."""
    from tracker import pgadmin

    pgstore.close_all(url)
    pgadmin.forget(url)
    tables, sequences = pgstore.tables_and_sequences(db.schema_sql())
    try:
        with psycopg.connect(url, connect_timeout=pgstore.CONNECT_TIMEOUT, autocommit=True) as pg:
            for table in reversed(tables):
                pg.execute(f"drop table if exists {table} cascade")
            for sequence in sequences:
                pg.execute(f"drop sequence if exists {sequence} cascade")
    except psycopg.Error:
        pass  # unreachable now: its one transaction was not committed there either


def _check_queries(folder: Path, code: str) -> list[str]:
    """The town's own indicator files, read and checked against the metrics it reports; their codes."""
    own = folder / "queries"
    if not own.is_dir():
        return []
    try:
        found = indicators._registry(own)
    except indicators.IndicatorFileError as exc:
        raise TownError(f"指标文件有误：{exc}") from exc
    metrics = indicators.town_metrics(folder / "data" / "metrics.csv")
    for ind in found.values():
        unknown = sorted(set(ind.metrics) - metrics)
        if unknown:
            raise TownError(f"{name(code)}的指标文件 {ind.path.name} 引用了 metrics.csv 中没有的填报项：{'、'.join(unknown)}。")
    return sorted(found)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"缺少列 {exc.args[0]}"
    return str(exc).splitlines()[0][:200]


def require_platform_admin(user: User | None) -> User:
    """Adding a town is for the city's administrators (``city-admin``) and for an administrator of the home town
    (the installation's owner, before the city has accounts)."""
    if user is not None and user.role == "city-admin":
        return user
    user = require_admin(user)
    if not config.is_home_town():
        raise TownError(f"只有市级管理员或{name(config.home_town())}（平台所在镇街）的管理员可以添加镇街。")
    return user


def summary(town: Town) -> dict[str, object]:
    """``towns list --json``'s row: code, name, items (indicators, projects and tasks of the town's newest year),
    users (its enabled accounts), home, geometry, database (its PostgreSQL database, password hidden, or ""), and
    error (why its store could not be read; then items and users are null, never 0)."""
    from tracker import items, status  # status imports this module's neighbours: keep the import light

    row: dict[str, object] = {"code": town.code, "name": town.name, "items": None, "users": None, "home": town.home,
                              "geometry": town.has_geometry, "database": town.database, "error": None}  # fmt: skip
    try:
        with config.use_town(town.code), store.connect() as con:
            years = status.years(con)
            row["items"] = len(items.list_items(con, years[-1])) if years else 0
            row["users"] = int(store.one(con, "select count(*) from users where not disabled")[0])
    except store.StoreError as exc:
        row["error"] = str(exc)
    return row


def add_from_zip(code: str, archive: bytes, user: User | None) -> Town:
    """``add`` from a zip of the town's files (or of a 报告提取 draft folder), as uploaded on 镇街管理. The files may
    sit at the top of the zip or in one folder; nothing outside the temporary folder is ever written."""
    admin = require_platform_admin(user)
    try:
        zf = zipfile.ZipFile(io.BytesIO(archive))
    except zipfile.BadZipFile as exc:
        raise TownError("上传的文件不是 zip 压缩包。") from exc
    with zf, tempfile.TemporaryDirectory() as tmp:
        if sum(i.file_size for i in zf.infolist()) > MAX_ZIP_BYTES:
            raise TownError(f"压缩包解压后超过 {MAX_ZIP_BYTES // 1024 // 1024} MB，请只放镇街的数据文件。")
        root = Path(tmp)
        for info in zf.infolist():
            target = (root / info.filename).resolve()
            if info.is_dir():
                continue
            if not target.is_relative_to(root.resolve()):
                raise TownError(f"压缩包中的路径不安全：{info.filename}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
        folder = _files_folder(root)
        queries = folder / "queries" if (folder / "queries").is_dir() else None
        return add(code, folder / "data" if (folder / "data").is_dir() else folder, queries, user=admin.name)


def _files_folder(root: Path) -> Path:
    """The folder holding the files: the zip's top, or its only folder."""
    entries = [p for p in root.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir() and not (root / "metrics.csv").exists():
        return entries[0]
    return root

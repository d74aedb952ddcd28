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
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb

from tracker import config, db, indicators, store
from tracker.auth import User, require_admin
from tracker.errors import Refusal
from tracker.extract import town_files

OFFICIAL_LIST = config.DATA_DIR / "source" / "zhongshan_towns_official_2022.csv"
REQUIRED_FILES = ("areas.csv", "departments.csv", "metrics.csv", "targets.csv")
OPTIONAL_FILES = ("projects.csv", "tasks.csv", "items.csv", "places.geojson", "settings.toml")
MAX_ZIP_BYTES = 20 * 1024 * 1024  # unpacked: a town's text files are kilobytes; its geometry a few megabytes


class TownError(Refusal, ValueError):
    """A town that cannot be added or served; the message is Chinese, for users."""


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    home: bool  # the installation's own town
    store: Path
    has_geometry: bool


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
        codes += sorted(p.name for p in config.towns_dir().iterdir() if (p / "tracker.duckdb").exists() and p.name in official())
    out = []
    for code in dict.fromkeys(codes):
        with config.use_town(code):
            out.append(Town(code, name(code), code == config.home_town(), config.db_path(), _has_geometry()))
    return out


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
    code: str, data: Path, queries: Path | None = None, *, demo: bool = False, user: str | None = None, year: int | None = None
) -> Town:
    """Add a town from its files (the formats of ``data/``), all or nothing: its folder appears complete or not at all.

    ``data`` may also be a reviewed draft folder from ``extract --out-dir`` (its ``indicators.csv``): it is made into
    the town's files first (``tracker.extract.town_files``), the report's year taken from ``year`` where the draft
    has none.

    ``queries`` holds the town's own indicator files (``<area>/<code>.sql``); the shared files whose metrics the
    town reports are tracked without copying. Refused with a Chinese message: a code not on the official list, a
    town already here, a missing or malformed file, an indicator file naming a metric the town does not report.
    """
    if code not in official():
        raise TownError(f"镇街代码 {code} 不在中山市官方镇街名录中（{OFFICIAL_LIST.name}）。")
    if code == config.home_town() or (config.town_dir(code) / "tracker.duckdb").exists():
        raise TownError(f"{name(code)}（{code}）已在本平台，不能重复添加。")
    data = Path(data)
    if town_files.is_draft_folder(data):
        made = config.towns_dir() / f".{code}.draft.{os.getpid()}"
        shutil.rmtree(made, ignore_errors=True)
        try:
            made_data, made_queries = town_files.town_files(data, made, year or town_files.draft_year(data) or date.today().year)
            return add(code, made_data, made_queries, demo=demo, user=user)
        finally:
            shutil.rmtree(made, ignore_errors=True)
    missing = [f for f in REQUIRED_FILES if not (data / f).is_file()]
    if missing:
        raise TownError(f"{data} 缺少文件：{'、'.join(missing)}（格式同 data/ 下的同名文件）。")
    config.towns_dir().mkdir(parents=True, exist_ok=True)
    staging = config.towns_dir() / f".{code}.adding.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        (staging / "data").mkdir(parents=True)
        for f in (*REQUIRED_FILES, *OPTIONAL_FILES):
            if (data / f).is_file():
                shutil.copy2(data / f, staging / "data" / f)
        if queries is not None:
            shutil.copytree(queries, staging / "queries", ignore=shutil.ignore_patterns("_*"))
        own_codes = _check_queries(staging, code)
        try:
            db.build(staging / "tracker.duckdb", data_dir=staging / "data", demo=demo)
        except (KeyError, ValueError, duckdb.Error) as exc:
            raise TownError(f"按 {data} 的文件建库失败：{_reason(exc)}") from exc
        with store.writing(staging / "tracker.duckdb") as con:
            store.audit(con, user or f"命令行:{getpass.getuser()}", "town_add",
                        {"town": code, "name": name(code), "from": str(data), "own_indicators": own_codes})  # fmt: skip
        os.replace(staging, config.town_dir(code))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return next(t for t in installed() if t.code == code)


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
    users (its enabled accounts), home, geometry."""
    from tracker import items, status  # status imports this module's neighbours: keep the import light

    with config.use_town(town.code), store.connect() as con:
        years = status.years(con)
        count = len(items.list_items(con, years[-1])) if years else 0
        users = store.one(con, "select count(*) from users where not disabled")[0]
    return {"code": town.code, "name": town.name, "items": count, "users": int(users), "home": town.home, "geometry": town.has_geometry}


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

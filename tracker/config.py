"""Paths and tunable settings, read from ``data/settings.toml``."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
SETTINGS_FILE = DATA_DIR / "settings.toml"

# The town being served: a command's --town, a page's town switch. Unset means the installation's own town
# (``[town] code`` in data/settings.toml), whose files are exactly those of a one-town installation.
_TOWN: ContextVar[str | None] = ContextVar("tracker_town", default=None)


def home_town() -> str:
    """The installation's own town (official code): ``data/settings.toml`` [town] code."""
    return settings(SETTINGS_FILE).town_code


def town_code() -> str:
    """The town being served now."""
    return _TOWN.get() or home_town()


def is_home_town() -> bool:
    return town_code() == home_town()


def city_code() -> str:
    """The city whose 督查室 follows the towns (official code, ``[town] city_code``): its accounts (city roles) live
    in a store of their own, served as the tenant of this code, which holds users and logins and no items."""
    return settings(SETTINGS_FILE).city_code


def city_name() -> str:
    return settings(SETTINGS_FILE).city_name


def is_city() -> bool:
    """Whether the tenant being served is the city's accounts store (``use_town(city_code())``)."""
    return town_code() == city_code()


@contextmanager
def use_town(code: str | None) -> Iterator[None]:
    """Serve ``code`` inside the block (None: the home town): its store, its data files, its own indicator files."""
    token = _TOWN.set(code)
    try:
        yield
    finally:
        _TOWN.reset(token)


# A store being built for a town not yet in place (``tracker.towns.add`` with a PostgreSQL database): its URL, until
# the town's folder, whose settings.toml names it, is moved into place.
_BUILDING_URL: ContextVar[str | None] = ContextVar("tracker_building_url", default=None)


@contextmanager
def building_database(url: str) -> Iterator[None]:
    """Inside the block the store is the PostgreSQL database ``url`` (a town being added, before its folder exists)."""
    token = _BUILDING_URL.set(url)
    try:
        yield
    finally:
        _BUILDING_URL.reset(token)


def set_town(code: str | None) -> None:
    """Serve ``code`` from now on in this thread's context (a page run sets it once, at its start)."""
    _TOWN.set(code)


def _home_db_path() -> Path:
    return Path(os.environ.get("TRACKER_DB", DATA_DIR / "tracker.duckdb"))


def towns_dir() -> Path:
    """Where the other towns live, one folder each: ``$TRACKER_TOWNS``, else ``towns/`` beside the home store."""
    return Path(os.environ.get("TRACKER_TOWNS", _home_db_path().parent / "towns"))


def town_dir(code: str) -> Path:
    return towns_dir() / code


def db_path() -> Path:
    """The store of the town being served: the home town's ``$TRACKER_DB`` (tests, benchmarks) or
    ``data/tracker.duckdb``; another town's ``<towns>/<code>/tracker.duckdb``."""
    return _home_db_path() if is_home_town() else town_dir(town_code()) / "tracker.duckdb"


def data_dir() -> Path:
    """The text files the town's store was built from: ``data/`` for the home town, its own copy for another."""
    return DATA_DIR if is_home_town() else town_dir(town_code()) / "data"


def town_queries_dir() -> Path | None:
    """A town's own indicator files (beside the shared ones); None for the home town, which uses ``queries/``."""
    return None if is_home_town() else town_dir(town_code()) / "queries"


def database_url() -> str:
    """PostgreSQL as the store of record: ``$TRACKER_DATABASE_URL`` if set, else ``database_url`` in
    ``data/settings.toml``; empty means the DuckDB file of ``db_path()`` (the default, one machine)."""
    building = _BUILDING_URL.get()
    if building:
        return building
    if is_home_town():
        return os.environ.get("TRACKER_DATABASE_URL") or settings().database_url
    # Another town: only its own settings.toml may name a PostgreSQL database (never the home town's: one database
    # shared by two towns would mix their rows); without one, its own DuckDB file.
    own = data_dir() / "settings.toml"
    return _settings(own).database_url if own.exists() else ""


def queries_dir() -> Path:
    """The indicator SQL files: ``$TRACKER_QUERIES`` if set (benchmarks at larger scales), else ``queries/``."""
    return Path(os.environ.get("TRACKER_QUERIES", QUERIES_DIR))


@dataclass(frozen=True)
class Settings:
    amber_margin_pp: float = 10.0
    on_track_tolerance_pp: float = 2.0
    approx_tolerance_pct: float = 5.0
    growth_margin_pp: float = 2.0
    anonymous_view: bool = True
    session_seconds: int = 8 * 3600
    max_failed_logins: int = 5
    lock_seconds: int = 60
    max_failed_per_address: int = 20
    cookie_secure: bool = True
    backup_keep: int = 30
    jump_warning_factor: float = 3.0
    tile_url: str = ""
    tile_datum: str = "wgs84"
    map_box: tuple[float, ...] = ()  # lng_min, lat_min, lng_max, lat_max around the town; empty: 三乡镇's
    doc_number_prefix: str = "三乡督"
    recipients: str = "各村（社区）、镇属各部门"
    issuer: str = "三乡镇人民政府督查室"
    rectify_days: int = 10
    town_code: str = "442000114"
    city_code: str = "442000"
    city_name: str = "中山市"
    lock_day: int = 10  # not before tracker.ingest.DUE_DAY
    auto_lock_from: str = ""
    # [escalation] steps: (consecutive months of 滞后, the step's name), ascending; the highest reached applies.
    escalation_steps: tuple[tuple[int, str], ...] = ((2, "督办单"), (3, "约谈"))
    database_url: str = ""


def settings(path: Path | None = None) -> Settings:
    """The settings of the town being served: its own ``settings.toml`` where it has one (its 通报's issuer and
    文号), else the installation's."""
    if path is None:
        own = data_dir() / "settings.toml" if not is_home_town() else SETTINGS_FILE
        path = own if own.exists() else SETTINGS_FILE
    return _settings(path)


@lru_cache(maxsize=32)
def _settings(path: Path) -> Settings:
    raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    flat = {k: v for section in raw.values() if isinstance(section, dict) for k, v in section.items()}
    known = {k: v for k, v in flat.items() if k in Settings.__dataclass_fields__}
    steps = raw.get("escalation", {}).get("steps")
    if steps is not None:
        known["escalation_steps"] = tuple(sorted((int(months), str(name)) for months, name in steps))
    return Settings(**known)

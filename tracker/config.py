"""Paths and tunable settings, read from ``data/settings.toml``."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
SETTINGS_FILE = DATA_DIR / "settings.toml"


def db_path() -> Path:
    """The DuckDB file: ``$TRACKER_DB`` if set (tests, benchmarks), else ``data/tracker.duckdb``."""
    return Path(os.environ.get("TRACKER_DB", DATA_DIR / "tracker.duckdb"))


def database_url() -> str:
    """PostgreSQL as the store of record: ``$TRACKER_DATABASE_URL`` if set, else ``database_url`` in
    ``data/settings.toml``; empty means the DuckDB file of ``db_path()`` (the default, one machine)."""
    return os.environ.get("TRACKER_DATABASE_URL") or settings().database_url


def queries_dir() -> Path:
    """The indicator SQL files: ``$TRACKER_QUERIES`` if set (benchmarks at larger scales), else ``queries/``."""
    return Path(os.environ.get("TRACKER_QUERIES", QUERIES_DIR))


@dataclass(frozen=True)
class Settings:
    amber_margin_pp: float = 10.0
    on_track_tolerance_pp: float = 2.0
    approx_tolerance_pct: float = 5.0
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
    doc_number_prefix: str = "三乡督"
    recipients: str = "各村（社区）、镇属各部门"
    issuer: str = "三乡镇人民政府督查室"
    rectify_days: int = 10
    database_url: str = ""


@lru_cache(maxsize=4)
def settings(path: Path = SETTINGS_FILE) -> Settings:
    raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    flat = {k: v for section in raw.values() if isinstance(section, dict) for k, v in section.items()}
    known = {k: v for k, v in flat.items() if k in Settings.__dataclass_fields__}
    return Settings(**known)

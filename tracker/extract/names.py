"""The Chinese names of areas and departments (``data/areas.csv``, ``data/departments.csv``), so a reviewer reads
"水务局", not "water", and may type either."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from tracker import config


def _read(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["code"]: r["name"] for r in csv.DictReader(fh)}


@lru_cache(maxsize=2)
def area_names(data_dir: Path | None = None) -> dict[str, str]:
    return _read((data_dir or config.DATA_DIR) / "areas.csv")


@lru_cache(maxsize=2)
def department_names(data_dir: Path | None = None) -> dict[str, str]:
    return _read((data_dir or config.DATA_DIR) / "departments.csv")


def to_code(value: object, names: dict[str, str]) -> str:
    """A code from a code or a Chinese name ("水务局" → "water"); unknown text stays as typed."""
    text = "" if value is None else str(value).strip()
    if text in names:
        return text
    return next((code for code, name in names.items() if name == text), text)

"""Cached loaders between the pages and ``tracker``.

Every loader is keyed on the database file's fingerprint, so a committed upload shows on the next
rerun while repeated reruns (changing month, area, page) read from memory.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker import status, store


def _version() -> tuple[str, float, int]:
    return store.data_version()


@st.cache_data(show_spinner=False, max_entries=128)
def _status(year: int, month: int, area: str | None, version: tuple[str, float, int]) -> dict:
    with store.connect() as con:
        return status.build_status(con, year, month, area)


def load_status(year: int, month: int, area: str | None = None) -> dict:
    """``tracker.status.build_status`` for the month, from cache when nothing changed."""
    return _status(year, month, area, _version())


@st.cache_data(show_spinner=False, max_entries=16)
def _periods(version: tuple[str, float, int]) -> dict:
    with store.connect() as con:
        return {
            "years": status.years(con),
            "latest": status.latest_period(con),
            "areas": status.areas(con),
            "departments": status.departments(con),
        }


def load_periods() -> dict:
    """Years with targets or figures, the latest reported (year, month), the areas and departments."""
    return _periods(_version())


@st.cache_data(show_spinner=False, max_entries=256)
def _history(code: str, year: int, version: tuple[str, float, int]) -> pd.DataFrame:
    with store.connect() as con:
        return status.indicator_history(con, code, year)


def load_history(code: str, year: int) -> pd.DataFrame:
    return _history(code, year, _version())


@st.cache_data(show_spinner=False, max_entries=256)
def _lineage(code: str, year: int, version: tuple[str, float, int]) -> pd.DataFrame:
    with store.connect() as con:
        return status.indicator_lineage(con, code, year)


def load_lineage(code: str, year: int) -> pd.DataFrame:
    return _lineage(code, year, _version())

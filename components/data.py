"""Cached loaders between the pages and ``tracker``.

Every loader is keyed on the database file's fingerprint, so a committed upload shows on the next
rerun while repeated reruns (changing month, area, page) read from memory.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker import city, drilldown, geo, status, store
from tracker.model import MonthStatus


def _version() -> tuple[str, float, int]:
    return store.data_version()


@st.cache_data(show_spinner=False, max_entries=128)
def _status(year: int, month: int, area: str | None, version: tuple[str, float, int]) -> MonthStatus:
    with store.connect() as con:
        return status.build_status(con, year, month, area)


def load_status(year: int, month: int, area: str | None = None) -> MonthStatus:
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
        return drilldown.indicator_history(con, code, year)


def load_history(code: str, year: int) -> pd.DataFrame:
    return _history(code, year, _version())


@st.cache_data(show_spinner=False, max_entries=256)
def _lineage(code: str, year: int, version: tuple[str, float, int]) -> pd.DataFrame:
    with store.connect() as con:
        return drilldown.indicator_lineage(con, code, year)


def load_lineage(code: str, year: int) -> pd.DataFrame:
    return _lineage(code, year, _version())


@st.cache_data(show_spinner=False, max_entries=64)
def _map_places(year: int, month: int, version: tuple[str, float, int]) -> list[geo.MapPlace]:
    with store.connect() as con:
        return geo.map_places(con, year, month)


def load_map_places(year: int, month: int) -> list[geo.MapPlace]:
    """``tracker.geo.map_places`` for the month: every place with its status, stage and tooltip text."""
    return _map_places(year, month, _version())


@st.cache_data(show_spinner=False, max_entries=64)
def _place_figures(code: str, year: int, version: tuple[str, float, int]) -> pd.DataFrame:
    with store.connect() as con:
        return geo.place_figures(con, code, year)


def load_place_figures(code: str, year: int) -> pd.DataFrame:
    """Month by month for one place: its per-place figures and the projects at it."""
    return _place_figures(code, year, _version())


@st.cache_data(show_spinner=False, max_entries=32)
def _map_demo(year: int, month: int, version: tuple[str, float, int]) -> bool:
    with store.connect() as con:
        return geo.shows_demo(con, year, month)


def load_map_demo(year: int, month: int) -> bool:
    """Whether the map's colours for the month rest on any demo figure."""
    return _map_demo(year, month, _version())


@st.cache_data(show_spinner=False, max_entries=4)
def _places_geojson(version: tuple[str, float, int]) -> str:
    with store.connect() as con:
        return geo.export_geojson(con)


def load_places_geojson() -> str:
    """The place table as GeoJSON, for an administrator to download, edit and upload again."""
    return _places_geojson(_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _city(year: int, month: int, versions: tuple[tuple[str, tuple], ...]) -> tuple[list[city.TownRow], pd.DataFrame]:
    reports = city.town_statuses(year, month)
    return city.rollup(reports, city.open_actions(year, month)), city.shared_indicators(reports)


def city_versions() -> tuple:
    """Every town's store fingerprint (``tracker.city.versions``): the key of anything cached over the whole city."""
    return city.versions()


def load_city(year: int, month: int) -> tuple[list[city.TownRow], pd.DataFrame]:
    """``tracker.city``'s roll-up of every town for the month, and the indicators towns share; keyed on every store."""
    return _city(year, month, city_versions())  # a town whose store is unreachable has its own key and row

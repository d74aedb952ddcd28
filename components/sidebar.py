"""The shared sidebar: year, month and area, bound to the URL so a copied link opens the same view."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from components.data import load_periods
from tracker import config, towns
from tracker.labels import DEMO_NOTICE


@dataclass(frozen=True)
class Filters:
    year: int
    month: int
    area: str | None  # None: every area
    area_names: dict[str, str]


def render_town() -> list[towns.Town]:
    """The town switch (镇街), bound to ``?town=``, shown only where the platform serves more than one town; every
    read and write of this run goes to the chosen town's store. Returns the towns served."""
    served = towns.installed()
    code = None
    if len(served) > 1:
        names = {t.code: t.name for t in served}
        with st.sidebar:
            code = st.selectbox("镇街", list(names), key="town", bind="query-params", format_func=names.__getitem__)
    config.set_town(code)
    return served


def render_filters() -> Filters:
    periods = load_periods()
    latest_year, latest_month = periods["latest"] or (max(periods["years"], default=2023), 12)
    years = periods["years"] or [latest_year]
    area_names = {a.code: a.name for a in periods["areas"]}
    with st.sidebar:
        # No format_func on year and month: a bound widget writes its formatted label into the URL, and
        # leaders' links should read ?year=2023&month=6.
        year = st.selectbox("年度", years, index=years.index(latest_year) if latest_year in years else 0, key="year", bind="query-params")
        default_month = latest_month if year == latest_year else 12
        month = st.selectbox(
            "月份", list(range(1, 13)), index=default_month - 1, key="month", bind="query-params", help="默认为最近一个有填报数据的月份"
        )
        area = st.selectbox(
            "领域", ["all", *area_names], index=0, key="area", bind="query-params", format_func=lambda a: area_names.get(a, "全部领域")
        )
    return Filters(int(year), int(month), None if area == "all" else area, area_names)


def routed() -> None:
    """Make sure ``app.py`` routed this run; call it first on a page that does not read ``current_filters``.

    A direct link (e.g. /upload) as the first request to a fresh server runs the page without app.py:
    Streamlit keeps its legacy pages/-folder mode, with English file names as the navigation, until
    st.navigation has run once in the process. Leave that mode and rerun, so app.py routes the same URL.
    (A page run on its own, as AppTest does with ``from_file("pages/…")``, is not in that mode and runs on.)
    """
    if "_filters" not in st.session_state and PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def current_filters() -> Filters:
    """The filters the sidebar set on this run (``app.py`` renders the sidebar before the page)."""
    routed()
    return st.session_state["_filters"]


def demo_banner(is_demo: bool) -> None:
    """Say so wherever demo actuals are shown."""
    if is_demo:
        st.warning(DEMO_NOTICE, icon=":material/science:")

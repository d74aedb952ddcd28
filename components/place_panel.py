"""The map page's side panel: pick a place, then see its status, facts and figures month by month."""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd
import streamlit as st

from components.data import load_place_figures
from components.maps import selected_code
from tracker.geo import MapPlace
from tracker.labels import SCHEMATIC_NOTICE, status_color, status_label


def choose_place(places: list[MapPlace], event: Any) -> str | None:
    """The place picked on the map (``event`` of ``st.pydeck_chart``), else the one chosen in the 查找地点 box."""
    tracked = [p for p in places if p.status or p.kind in ("village", "community")]
    names = {p.code: f"{p.name}（{p.kind_name}）" for p in tracked}
    picked = selected_code(event)
    chosen = st.selectbox(
        "查找地点",
        list(names),
        index=None,
        format_func=lambda code: names.get(code, code),
        key="map_place",
        placeholder="在地图上点选，或在此选择",
        disabled=picked is not None,
        help="地图上已有选中要素时，以地图为准；点击地图空白处取消选择。",
    )
    return picked or chosen


def _figure_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Items down, months across: the place's figures month by month."""
    table = figures.pivot_table(index="item", columns="month", values="value", aggfunc="last")
    table = table.reindex(columns=range(1, 13))
    table.columns = [f"{m}月" for m in table.columns]
    table.index.name = "填报项"
    return table


def render_place_details(places: list[MapPlace], code: str, year: int, month: int) -> None:
    """One place: its status chip, kind and code, what it shows this month, and its figures month by month."""
    by_code = {p.code: p for p in places}
    place = by_code.get(code)
    if place is None:
        st.info("所选地点已不在地点表中。")
        return
    status = place.status
    color = status_color(status) if status else "#8C8C8C"
    # Names and codes can come from an uploaded GeoJSON: escape everything that goes into HTML.
    st.html(
        f"<h3>{escape(place.name)}</h3>"
        f'<div style="font-size:1.05rem"><span style="background:{color};color:white;padding:2px 10px;'
        f'border-radius:4px">{escape(status_label(status) if status else "无跟踪事项")}</span>'
        f"&nbsp; {escape(place.kind_name)} · 编码 {escape(place.code)}</div>"
    )
    parent = by_code.get(place.parent or "")
    facts = [f"{year}年{month}月：" + place.detail.replace("\n", "；")]
    if parent:
        facts.append(f"所属：{parent.name}")
    facts.append(f"几何：{SCHEMATIC_NOTICE if place.schematic else '测绘数据'}（第 {place.version} 版）")
    st.html("<ul>" + "".join(f"<li>{escape(f)}</li>" for f in facts) + "</ul>")
    figures = load_place_figures(code, year)
    if figures.empty:
        st.caption(f"{year}年该地点没有按月填报的数据。")
        return
    st.markdown(f"**{year}年逐月数据**（%）")
    st.caption("“—”：该月未填报")
    st.dataframe(_figure_table(figures), width="stretch", placeholder="—")


def render_place_overview(places: list[MapPlace], year: int, month: int) -> None:
    """Channels and blackspots per status, when no place is picked."""
    counts: dict[str, dict[str, int]] = {}
    for p in places:
        if p.kind in ("channel", "blackspot") and p.status:
            counts.setdefault(p.kind_name, {}).setdefault(p.status, 0)
            counts[p.kind_name][p.status] += 1
    st.markdown(f"**{year}年{month}月概况**")
    for kind_name, by_status in counts.items():
        parts = "，".join(f"{status_label(s)} {n}" for s, n in by_status.items())
        st.markdown(f"- {kind_name}：{parts}")
    st.caption(SCHEMATIC_NOTICE)

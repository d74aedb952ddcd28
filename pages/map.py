"""地图: where the work is: villages, river channels, flood blackspots and heritage sites by status."""

from __future__ import annotations

import streamlit as st

from components.data import load_map_demo, load_map_places
from components.maps import LAYER_NAMES, build_deck, map_frame, render_legend
from components.place_panel import choose_place, render_place_details, render_place_overview
from components.places_upload import render_places_upload
from components.sidebar import current_filters, demo_banner
from tracker import towns

TOGGLES = ("villages", "rivers", "channels", "blackspots", "heritage", "facilities", "labels")
MAP_HEIGHT = 680


def main() -> None:
    st.title("地图")
    st.caption("各村（社区）、重点整治河涌、水浸黑点和文物古迹的进度；颜色与图表用同一份数据。点选地图上的要素查看逐月数据。")
    filters = current_filters()
    year, month = filters.year, filters.month
    demo_banner(load_map_demo(year, month))
    places = load_map_places(year, month)
    if not places:
        st.info(f"{towns.name()}尚无地理数据，地图暂不显示：请管理员上传地理数据。")
        render_places_upload()
        return

    with st.container(horizontal=True, gap="small"):  # wraps onto more rows on a phone
        shown = [name for name in TOGGLES if st.toggle(LAYER_NAMES[name], value=name != "facilities", key=f"map_layer_{name}")]
    left, right = st.columns([2.6, 1], gap="medium")
    with left:
        frame = map_frame(MAP_HEIGHT)
        deck = build_deck(places, ["town", *shown], village_status=True, width=frame.width, height=frame.height)
        event = st.pydeck_chart(
            deck,
            height=frame.height,
            on_select="rerun",
            selection_mode="single-object",
            key="place_map",
            alt=f"{towns.name()}{year}年{month}月进度示意地图",
        )
        render_legend("村（社区）按美丽宜居村、生活污水治理的最差状态着色；河涌线与黑点按进度对照序时进度着色（100% 为完工）。")
    with right:
        code = choose_place(places, event)
        if code:
            render_place_details(places, code, year, month)
        else:
            render_place_overview(places, year, month)
    render_places_upload()


main()

"""地图: where the work is: villages, river channels, flood blackspots and heritage sites by status."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from components.auth import current_user
from components.maps import LAYER_NAMES, build_deck, load_places, render_legend, selected_code
from components.sidebar import current_filters, demo_banner
from tracker import geo, store
from tracker.auth import PermissionDenied
from tracker.labels import SCHEMATIC_NOTICE, status_color, status_label

TOGGLES = ("villages", "rivers", "channels", "blackspots", "heritage", "facilities", "labels")
MAP_HEIGHT = 680


@st.cache_data(show_spinner=False, max_entries=64)
def _figures(code: str, year: int, version: tuple[str, float, int]) -> pd.DataFrame:
    with store.connect() as con:
        return geo.place_figures(con, code, year)


@st.cache_data(show_spinner=False, max_entries=32)
def _demo(year: int, month: int, version: tuple[str, float, int]) -> bool:
    with store.connect() as con:
        return geo.shows_demo(con, year, month)


def _figure_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Items down, months across: the place's figures month by month."""
    table = figures.pivot_table(index="item", columns="month", values="value", aggfunc="last")
    table = table.reindex(columns=range(1, 13))
    table.columns = [f"{m}月" for m in table.columns]
    return table


def _details(places: list[dict], code: str, year: int, month: int) -> None:
    by_code = {p["code"]: p for p in places}
    place = by_code.get(code)
    if place is None:
        st.info("所选地点已不在地点表中。")
        return
    status = place["status"]
    color = status_color(status) if status else "#8C8C8C"
    # Names and codes can come from an uploaded GeoJSON: escape everything that goes into HTML.
    st.html(
        f"<h3>{escape(place['name'])}</h3>"
        f'<div style="font-size:1.05rem"><span style="background:{color};color:white;padding:2px 10px;'
        f'border-radius:4px">{escape(status_label(status) if status else "无跟踪事项")}</span>'
        f"&nbsp; {escape(place['kind_name'])} · 编码 {escape(place['code'])}</div>"
    )
    parent = by_code.get(place["parent"] or "")
    facts = [f"{year}年{month}月：" + place["detail"].replace("\n", "；")]
    if parent:
        facts.append(f"所属：{parent['name']}")
    facts.append(f"几何：{'示意位置，非测绘成果' if place['schematic'] else '测绘数据'}（第 {place['version']} 版）")
    st.html("<ul>" + "".join(f"<li>{escape(f)}</li>" for f in facts) + "</ul>")
    figures = _figures(code, year, store.data_version())
    if figures.empty:
        st.caption(f"{year}年该地点没有按月填报的数据。")
        return
    st.markdown(f"**{year}年逐月数据**（%）")
    st.dataframe(_figure_table(figures), width="stretch")


def _upload_section() -> None:
    """Administrators replace the geometry: upload → check → preview → confirm; nothing changes on error."""
    user = current_user()
    if user is None or not user.is_admin:
        return
    with st.expander("替换地理数据", icon=":material/upload_file:"):
        st.markdown(
            "上传 WGS-84 坐标的 GeoJSON（属性含 code、name、kind，可选 parent、schematic），"
            "或 CSV（列 code,name,kind,lng,lat，可选 parent）。按编码替换对应地点的几何，未列出的地点保持不变；"
            "旧版本保留在历史表中。高德、腾讯地图拾取的坐标为 GCJ-02，须先转换为 WGS-84。"
        )
        with store.connect() as con:
            current = geo.export_geojson(con)
        st.download_button(
            "下载当前地理数据（GeoJSON）", current, file_name="places.geojson", mime="application/geo+json", key="place_download"
        )
        upload = st.file_uploader("地理数据文件", type=["geojson", "json", "csv"], key="place_file")
        if upload is None:
            return
        data = upload.getvalue()
        try:
            with store.connect() as con:
                parsed = geo.parse_place_file(data, upload.name, con)
        except geo.PlaceFileError as exc:
            st.error(
                f"文件“{upload.name}”未通过检查，没有做任何修改：\n\n"
                + "\n".join(f"- {e}" for e in exc.errors[:30])
                + (f"\n- ……另有 {len(exc.errors) - 30} 处问题" if len(exc.errors) > 30 else "")
            )
            return
        st.success(
            f"检查通过：{len(parsed.features)} 个地点（替换 {len(parsed.changed_codes)} 个，"
            f"新增 {len(parsed.new_codes)} 个）。确认前不会写入。"
        )
        for warning in parsed.warnings:
            st.warning(warning)
        preview = [
            {
                **f["properties"],
                "kind_name": geo.PLACE_KIND_NAMES[f["properties"]["kind"]],
                "geometry": f["geometry"],
                "status": None,
                "detail": "上传预览",
            }
            for f in parsed.features
        ]
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "编码": p["code"],
                        "名称": p["name"],
                        "类别": p["kind_name"],
                        "几何": p["geometry"]["type"],
                        "上级": p["parent"] or "",
                        "示意": "是" if p["schematic"] else "否",
                    }
                    for p in preview
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        st.pydeck_chart(build_deck(preview, village_status=False, height=420), height=420, key="place_preview_map")
        if st.button("确认替换", type="primary", key="place_confirm"):
            try:
                with store.connect() as con:
                    result = geo.replace_places(con, user, parsed)
            except PermissionDenied as exc:
                st.error(str(exc))
                return
            except store.DatabaseBusy as exc:
                st.error(str(exc))
                return
            st.success(f"已替换 {result['replaced']} 个、新增 {result['added']} 个地点（批次 {result['batch']}）。旧版本已存入历史表。")


def main() -> None:
    st.title("地图")
    st.caption("各村（社区）、重点整治河涌、水浸黑点和文物古迹的进度；颜色与图表用同一份数据。点选地图上的要素查看逐月数据。")
    filters = current_filters()
    year, month = filters.year, filters.month
    demo_banner(_demo(year, month, store.data_version()))
    places = load_places(year, month)
    if not places:
        st.info("地点表为空：请管理员上传地理数据。")
        _upload_section()
        return

    cols = st.columns(len(TOGGLES))
    shown = [
        name
        for col, name in zip(cols, TOGGLES, strict=True)
        if col.toggle(LAYER_NAMES[name], value=name != "facilities", key=f"map_layer_{name}")
    ]
    left, right = st.columns([2.6, 1], gap="medium")
    with left:
        deck = build_deck(places, ["town", *shown], village_status=True, width=1300, height=MAP_HEIGHT)
        event = st.pydeck_chart(
            deck,
            height=MAP_HEIGHT,
            on_select="rerun",
            selection_mode="single-object",
            key="place_map",
            alt=f"三乡镇{year}年{month}月进度示意地图",
        )
        render_legend("村（社区）按美丽宜居村、生活污水治理的最差状态着色；河涌线与黑点按进度对照序时进度着色（100% 为完工）。")
    with right:
        tracked = [p for p in places if p["status"] or p["kind"] in ("village", "community")]
        options = [p["code"] for p in tracked]
        names = {p["code"]: f"{p['name']}（{p['kind_name']}）" for p in tracked}
        picked = selected_code(event)
        chosen = st.selectbox(
            "查找地点",
            options,
            index=None,
            format_func=names.get,
            key="map_place",
            placeholder="在地图上点选，或在此选择",
            disabled=picked is not None,
            help="地图上已有选中要素时，以地图为准；点击地图空白处取消选择。",
        )
        code = picked or chosen
        if code:
            _details(places, code, year, month)
        else:
            counts = {}
            for p in places:
                if p["kind"] in ("channel", "blackspot") and p["status"]:
                    counts.setdefault(p["kind_name"], {}).setdefault(p["status"], 0)
                    counts[p["kind_name"]][p["status"]] += 1
            st.markdown(f"**{year}年{month}月概况**")
            for kind_name, by_status in counts.items():
                parts = "，".join(f"{status_label(s)} {n}" for s, n in by_status.items())
                st.markdown(f"- {kind_name}：{parts}")
            st.caption(SCHEMATIC_NOTICE)
    _upload_section()


main()

"""Administrators replace the map's geometry: download → edit → upload → check → preview → confirm.

Nothing is written until 确认替换, and then all or nothing (``tracker.geo.replace_places``). Codes, names
and file names shown back come from the upload, so they are escaped for markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.auth import current_user
from components.cards import md_escape
from components.data import load_places_geojson
from components.maps import build_deck
from tracker import geo, store
from tracker.auth import PermissionDenied, User

MAX_ERRORS = 30
HELP = (
    "上传 WGS-84 坐标的 GeoJSON（属性含 code、name、kind，可选 parent、schematic），"
    "或 CSV（列 code,name,kind,lng,lat，可选 parent）。按编码替换对应地点的几何，未列出的地点保持不变；"
    "旧版本保留在历史表中。高德、腾讯地图拾取的坐标为 GCJ-02，须先转换为 WGS-84。"
)


def _refusal(file_name: str, errors: list[str]) -> str:
    more = f"\n- ……另有 {len(errors) - MAX_ERRORS} 处问题" if len(errors) > MAX_ERRORS else ""
    listed = "\n".join(f"- {md_escape(e)}" for e in errors[:MAX_ERRORS])
    return f"文件“{md_escape(file_name)}”未通过检查，没有做任何修改：\n\n{listed}{more}"


def _preview_table(upload: geo.PlaceUpload) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "编码": p.code,
                "名称": p.name,
                "类别": p.kind_name,
                "几何": (p.geometry or {}).get("type"),
                "上级": p.parent or "",
                "示意": "是" if p.schematic else "否",
            }
            for p in geo.preview_places(upload)
        ]
    )


def _check(data: bytes, file_name: str) -> geo.PlaceUpload | None:
    """The checked upload, or None after showing every problem."""
    try:
        with store.connect() as con:
            return geo.parse_place_file(data, file_name, con)
    except geo.PlaceFileError as exc:
        st.error(_refusal(file_name, exc.errors))
        return None


def _confirm(user: User, upload: geo.PlaceUpload) -> None:
    if not st.button("确认替换", type="primary", key="place_confirm"):
        return
    try:
        with store.connect() as con:
            result = geo.replace_places(con, user, upload)
    except (PermissionDenied, store.DatabaseBusy) as exc:
        st.error(str(exc))
        return
    st.success(f"已替换 {result.replaced} 个、新增 {result.added} 个地点（批次 {result.batch}）。旧版本已存入历史表。")


def render_places_upload() -> None:
    """The 替换地理数据 section, for administrators only (nothing at all for anyone else)."""
    user = current_user()
    if user is None or not user.is_admin:
        return
    with st.expander("替换地理数据", icon=":material/upload_file:"):
        st.markdown(HELP)
        st.download_button(
            "下载当前地理数据（GeoJSON）",
            load_places_geojson(),
            file_name="places.geojson",
            mime="application/geo+json",
            key="place_download",
        )
        file = st.file_uploader("地理数据文件", type=["geojson", "json", "csv"], key="place_file")
        if file is None:
            return
        upload = _check(file.getvalue(), file.name)
        if upload is None:
            return
        changed, new = len(upload.changed_codes), len(upload.new_codes)
        st.success(f"检查通过：{len(upload.features)} 个地点（替换 {changed} 个，新增 {new} 个）。确认前不会写入。")
        for warning in upload.warnings:
            st.warning(md_escape(warning))
        st.dataframe(_preview_table(upload), hide_index=True, width="stretch")
        preview = build_deck(geo.preview_places(upload), village_status=False, height=420)
        st.pydeck_chart(preview, height=420, key="place_preview_map")
        _confirm(user, upload)

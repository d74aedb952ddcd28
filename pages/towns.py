"""镇街管理: the towns this platform serves, and adding one from its files (or from a 报告提取 draft)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.auth import current_user
from components.sidebar import routed
from tracker import auth, store, towns

_FLASH = "towns_flash"


def _table(served: list[towns.Town]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"代码": t.code, "镇街": t.name, "说明": "平台所在镇街" if t.home else "—", "地图": "有" if t.has_geometry else "无地理数据"}
            for t in served
        ],
        columns=["代码", "镇街", "说明", "地图"],
    )


def render() -> None:
    routed()
    st.title("镇街管理")
    st.caption("每个镇街有独立的数据库、账号和上传记录；镇街之间互不可见。")
    if message := st.session_state.pop(_FLASH, None):
        st.success(message, icon=":material/check_circle:")
    served = towns.installed()
    st.dataframe(_table(served), hide_index=True, key="towns_table")
    user = current_user()
    try:
        towns.require_platform_admin(user)
    except (auth.PermissionDenied, towns.TownError) as exc:
        st.info(f"{exc}（只能查看）", icon=":material/lock:")
        return
    st.subheader("添加镇街")
    here = {t.code for t in served}
    choices = [code for code in towns.official() if code not in here]
    with st.form("add_town"):
        code = st.selectbox("镇街（中山市官方代码）", choices, format_func=lambda c: f"{towns.name(c)}（{c}）")
        archive = st.file_uploader(
            "该镇街的数据文件（zip）",
            type=["zip"],
            help="与本系统 data/ 文件夹同格式的 areas.csv、departments.csv、metrics.csv、targets.csv 等（可含 queries/ 指标文件），"
            "或“报告提取”页下载的草稿文件夹",
        )
        submitted = st.form_submit_button("添加", type="primary")
    if submitted:
        if archive is None:
            st.error("请先选择 zip 文件。", icon=":material/error:")
            return
        try:
            with st.spinner("正在建库……"):
                town = towns.add_from_zip(code, archive.getvalue(), user)
        except (towns.TownError, auth.PermissionDenied, store.StoreError) as exc:
            st.error(str(exc), icon=":material/error:")
            return
        st.session_state[_FLASH] = f"已添加{town.name}（{town.code}）：在左侧“镇街”中切换即可查看和填报。"
        st.rerun()


render()

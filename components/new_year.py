"""开始新年度 (admins, on 目标管理): pick the new year and the year to copy from, see what will be copied, confirm.
The copy itself is ``tracker.years.start_year`` (one batch, audited, revertible)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from tracker import auth, store, years
from tracker.auth import User

DONE_KEY = "new_year_done"


def _counts_frame(source: years.YearCounts, target: years.YearCounts) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "内容": ["重点项目", "重点工作", "责任分工（配合单位、责任领导）", "指标目标"],
            f"{source.year}年现有": [source.projects, source.tasks, source.assignments, source.indicators],
            f"{target.year}年将有": [
                f"{source.projects}个（同编码，原文标注“沿用{source.year}年”待核对）",
                f"{source.tasks}项（同上）",
                f"{source.assignments}项（沿用）",
                f"{source.indicators}项（目标值留空，显示“目标待录入”；“不低于上年”等规则沿用）",
            ],
        }
    )


def render(user: User | None) -> None:
    """The section; nothing for a non-admin (the page says who may enter targets)."""
    if user is None or not user.is_admin:
        return
    st.subheader("开始新年度")
    st.caption(
        "由上一年度的事项开始新年度：复制重点项目、重点工作和责任分工，指标目标留空待按新年度政府工作报告录入"
        "（不沿用上年目标值）。上一年度的数据不受影响；新年度尚无填报时可在“上传记录”中撤销该批次。"
    )
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    with store.connect() as con:
        held = {y.year: y for y in years.list_years(con)}
    with_items = sorted(y for y, c in held.items() if c.items)
    if not with_items:
        st.info("还没有任何年度的事项可以复制。", icon=":material/info:")
        return
    last = with_items[-1]
    choices = [y for y in range(last + 1, max(last + 1, date.today().year + 1) + 1) if not (held.get(y) and held[y].items)]
    left, right = st.columns(2)
    year = left.selectbox("新年度", choices, key="new_year", format_func=lambda y: f"{y}年")
    source = right.selectbox("复制自", list(reversed(with_items)), key="new_year_source", format_func=lambda y: f"{y}年")
    had, now = years.preview(int(year), int(source))
    st.dataframe(_counts_frame(had, now), hide_index=True, width="stretch", key="new_year_preview")
    agreed = st.checkbox(f"我已了解：{year}年的指标目标需按{year}年政府工作报告逐项录入", key="new_year_agree")
    if st.button(f"开始{year}年", type="primary", disabled=not agreed, key="new_year_start"):
        try:
            started = years.start_year(int(year), user, source=int(source))
        except (auth.PermissionDenied, years.YearError, store.StoreError) as exc:
            st.error(str(exc))
            return
        c = started.counts
        st.session_state[DONE_KEY] = (
            f"已开始{started.year}年（批次 {started.batch_id}）：重点项目{c.projects}个、重点工作{c.tasks}项、责任分工{c.assignments}项；"
            f"{c.targets_pending}项指标目标待录入。左侧“年度”已可选择{started.year}年。"
        )
        st.session_state.pop("new_year_agree", None)  # the next year is confirmed afresh
        st.rerun()

"""填报情况: which departments have reported which months (填报率), what is overdue, and lagging
indicators still without a 情况说明."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components import actions as action_ui
from components import tables
from components.data import load_periods, load_status
from components.sidebar import demo_banner, routed
from tracker import ingest, review, store
from tracker.items import ITEM_KIND_NAMES
from tracker.labels import status_label


@st.cache_data(show_spinner=False, max_entries=32)
def _load(year: int, month: int, today: date, version: tuple) -> tuple[pd.DataFrame, list[review.NoteNeeded]]:
    with store.connect() as con:
        return ingest.reporting_status(con, year, today), review.notes_not_accepted(con, year, month)


def main() -> None:
    st.title("填报情况")
    st.caption(
        "各部门每月的填报率：已填报数 ÷ 应填报数（数据指标·地点数＋牵头的重点项目和重点工作数；重点工作报送“已完成”后不再要求填报）。"
        f"每月数据和进展应在次月 {ingest.DUE_DAY} 日前填报。"
    )
    routed()
    filters = st.session_state.get("_filters")  # absent when the page runs on its own (AppTest)
    year = filters.year if filters else max(load_periods()["years"] or [date.today().year])
    month = filters.month if filters else 12
    today = date.today()
    table, missing = _load(year, month, today, store.data_version())
    demo = load_status(year, 12).demo  # any demo figure in the year (December's status reads every month up to it)
    demo_banner(demo)
    rates = table.pivot(index="department_name", columns="month", values="rate")
    rates.columns = [f"{m}月" for m in rates.columns]
    rates.index.name = "部门"
    st.subheader(f"{year}年 填报率")
    st.dataframe(
        rates,
        width="stretch",
        key="reporting_rates",
        placeholder="—",
        # Narrow month columns: the whole year fits a 1920 screen without scrolling sideways.
        column_config={
            c: st.column_config.ProgressColumn(c, min_value=0, max_value=1, format="percent", width="small") for c in rates.columns
        },
    )
    overdue = table[table["overdue"]]
    st.subheader("逾期未报齐（演示数据）" if demo else "逾期未报齐")
    if demo and not overdue.empty:
        st.caption("下列缺报来自演示数据中有意留出的空缺（用于演示未填报的显示），并非各部门真实逾期。")
    if overdue.empty:
        st.success("没有逾期未报齐的月份。")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "部门": overdue["department_name"],
                    "月份": overdue["month"].map(lambda m: f"{m}月"),
                    "已填": overdue["reported"],
                    "应填": overdue["expected"],
                    "未报项目和重点工作": overdue["unreported"].map(len),
                    "截止日期": overdue["due"].astype(str),
                }
            ),
            hide_index=True,
            width="stretch",
            key="reporting_overdue",
            placeholder="—",
        )
        items = [(r.department_name, item) for r in overdue.itertuples(index=False) for item in r.unreported]
        if items:
            st.caption("逾期未报的重点项目和重点工作")
            st.dataframe(
                pd.DataFrame(
                    {
                        "部门": [d for d, _ in items],
                        "月份": [f"{i.month}月" for _, i in items],
                        "类型": [ITEM_KIND_NAMES[i.kind] for _, i in items],
                        "编码": [i.code for _, i in items],
                        "名称": [i.name for _, i in items],
                    }
                ),
                hide_index=True,
                width="stretch",
                key="reporting_overdue_items",
                placeholder="—",
            )
    st.subheader(f"{year}年{month}月 催报通知")
    st.caption("按部门生成催报通知（Word）：未填报的事项、未报送情况说明的滞后事项、逾期未办结的督办事项。")
    action_ui.notice_download(year, month, load_periods()["departments"])
    st.subheader(f"{year}年{month}月 滞后、预警或未完成但情况说明未通过审核的指标")
    if not missing:
        st.success("所有滞后、预警指标的情况说明都已通过督查室审核。")
    else:
        frame = pd.DataFrame(
            [
                {"指标": m.name, tables.STATUS_COL: status_label(m.status), "责任部门": m.department_name, "情况说明": m.note}
                for m in missing
            ]
        )
        tables.show(frame, {}, key="reporting_missing")
        st.caption(
            "情况说明可在“数据填报”页面补填，或随下次上传的文件一并提交；缺少情况说明不影响数值。"
            "“待审核”“已退回”的情况说明由督查室在“审核与锁定”页面审核。"
        )


main()

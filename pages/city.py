"""全市总览: every town's own verdicts side by side, the city's totals, and the indicators towns share."""

import pandas as pd
import streamlit as st

from components import charts, city_downloads, tables
from components.auth import current_user
from components.data import load_city
from components.sidebar import current_filters, demo_banner
from tracker import city, city_users
from tracker.labels import fmt_number, fmt_pct, fmt_target, status_label
from tracker.meeting import verdicts

COLUMNS = {
    "镇街": st.column_config.TextColumn("镇街", help="点“进入”查看该镇街自己的各页面"),
    "进入": st.column_config.LinkColumn("进入", display_text="进入该镇街", help="打开该镇街的总览（同一年月）"),
    "事项": st.column_config.NumberColumn("事项", help="本月评定的指标、项目和重点工作"),
    "填报率": st.column_config.NumberColumn("填报率", format="%.1f%%", help="本月已填报的事项占比"),
    "升级督办": st.column_config.NumberColumn("升级督办", help="连续滞后达到升级督办（督办单、约谈）的事项数"),
    "办理中的督办事项": st.column_config.NumberColumn("办理中的督办事项", help="截至本月已发起、尚未销号的督办事项"),
}


def town_frame(rows: list[city.TownRow], year: int, month: int, statuses: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "镇街": r.name + (f"（{r.error}）" if r.error else "（演示数据）" if r.demo else ""),
                "进入": f"./?town={r.name}&year={year}&month={month}",  # a bound select box reads its label
                "事项": r.items,
                **{status_label(s): r.counts[s] for s in statuses},
                "填报率": None if r.report_rate is None else round(r.report_rate * 100, 1),
                "升级督办": r.escalated,
                "办理中的督办事项": r.open_actions,
            }
            for r in rows
        ]
    )


def render() -> None:
    if not city_users.can_view_city(current_user()):
        st.title("全市总览")
        st.info("全市总览对比各镇街的数据，需用市级账号登录（左侧“登录”，账号所属选“市级账号”）。", icon=":material/lock:")
        return
    filters = current_filters()
    year, month = filters.year, filters.month
    rows, shared = load_city(year, month)
    st.title("全市总览")
    st.caption(f"{year}年{month}月 · 各镇街按本镇街政府工作报告目标、用同一套规则自行评定；全市合计为各镇街之和")
    demo_banner(any(r.demo for r in rows))
    final = month == 12
    statuses = list(verdicts(final))
    totals = city.totals(rows)
    st.subheader("全市合计")
    cols = st.columns(len(statuses))
    for col, s in zip(cols, statuses, strict=True):
        col.metric(status_label(s), f"{totals[s]}项", border=True)
    st.subheader("各镇街事项状态")
    tables.show(town_frame(rows, year, month, statuses), COLUMNS, key="city_towns")
    per_town = {r.name: r.counts for r in rows}
    counts = charts.status_count_chart(
        per_town, "各镇街事项状态", f"{year}年{month}月", statuses=statuses, axis_title="事项数（指标＋项目＋重点工作）"
    )
    charts.show(
        counts,
        charts.chart_filename(year, month, "全市", "各镇街状态"),
        key="city_counts",
        demo=any(r.demo for r in rows),
    )
    st.subheader("下载全市汇报材料")
    city_downloads.render_downloads(year, month)
    st.subheader("各镇街共有的指标")
    if shared.empty:
        st.info("各镇街之间暂无共有的指标。")
        return
    charts.show(charts.town_share_chart(shared, year, month), charts.chart_filename(year, month, "全市", "共有指标"), key="city_shared")
    table = shared.assign(
        状态=shared["status"].map(status_label),
        完成值=[fmt_number(v, u) for v, u in zip(shared["value"], shared["unit"], strict=True)],
        目标=[fmt_target(t, c, u) for t, c, u in zip(shared["target"], shared["comparator"], shared["unit"], strict=True)],
        完成率=shared["completion"].map(fmt_pct),
    )
    table = table.rename(columns={"name": "指标", "town_name": "镇街"})[["指标", "镇街", "状态", "完成值", "目标", "完成率"]]
    tables.show(table, {}, key="city_shared_table")


render()

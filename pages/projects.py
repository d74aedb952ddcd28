"""重点项目: every named project of the report, planned against reported stage, by area and status."""

import streamlit as st

from components import actions as action_ui
from components import cards, charts, items, tables
from components.auth import current_user
from components.data import load_status
from components.sidebar import current_filters, demo_banner
from tracker.labels import status_label
from tracker.model import ALL_STATUSES, SEVERITY, stage_legend
from tracker.status import status_counts


def render() -> None:
    filters = current_filters()
    year, month = filters.year, filters.month
    status = load_status(year, month)
    projects = status.projects

    st.title("重点项目")
    st.caption(f"{year}年{month}月 · 政府工作报告点名的重点项目：计划应达节点（◆）与实际填报节点（条形）对照")
    demo_banner(status.demo)

    areas = list(filters.area_names)
    left, right = st.columns(2)
    chosen_areas = left.multiselect(
        "领域",
        areas,
        default=[filters.area] if filters.area else [],
        format_func=filters.area_names.get,
        key="project_areas",
        placeholder="全部领域",
    )
    order = sorted(ALL_STATUSES, key=lambda s: SEVERITY[s])
    chosen_status = right.multiselect("状态", order, format_func=status_label, key="project_status", placeholder="全部状态")
    shown = [p for p in projects if (not chosen_areas or p.area in chosen_areas) and (not chosen_status or p.status in chosen_status)]

    st.markdown(f"共 {len(shown)} 个项目：" + (cards.status_chips(status_counts(shown)) or "—"), unsafe_allow_html=True)
    if not shown:
        st.info("没有符合筛选条件的项目。")
        return
    scope = "、".join(filters.area_names[a] for a in chosen_areas) or "全部领域"
    charts.show(
        charts.project_timeline(shown, "重点项目节点", f"{scope} · {year}年{month}月 · 条形实际，◆计划"),
        charts.chart_filename(year, month, scope, "重点项目"),
        key="project_timeline",
        demo=status.demo,
    )
    st.caption("节点：" + stage_legend() + "。◆计划应达节点按镇里安排的开工、完工月份推算，报告原文未写明月份。")
    st.subheader("项目明细")
    tables.show(tables.project_frame(shown), tables.PROJECT_COLUMNS, key="project_table")
    st.subheader("责任分工与最新进展")
    tables.show(items.assignment_frame(shown), items.ASSIGNMENT_COLUMNS, key="project_assignments")
    names = {p.code: p.name for p in shown}
    code = st.selectbox("督办：选择项目", list(names), format_func=names.get, key="project_duban_pick")
    action_ui.item_panel(next(p for p in shown if p.code == code), year, month, current_user(), key="project_duban")


render()

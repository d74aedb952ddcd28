"""重点工作: the report's commitments without a number, judged from what their lead departments report."""

import streamlit as st

from components import actions as action_ui
from components import cards, items, tables
from components.auth import current_user
from components.data import load_status
from components.sidebar import current_filters, demo_banner
from tracker.labels import status_label
from tracker.model import ALL_STATUSES, SEVERITY, by_severity
from tracker.status import status_counts
from tracker.wording import source_text


def render() -> None:
    filters = current_filters()
    year, month = filters.year, filters.month
    status = load_status(year, month)
    tasks = status.tasks

    st.title("重点工作")
    st.caption(f"{year}年{month}月 · 政府工作报告中没有量化目标的工作：牵头单位每月填报进展情况和完成情况（已完成 / 正常推进 / 滞后）")
    demo_banner(any(t.demo for t in tasks))

    left, right = st.columns(2)
    chosen_areas = left.multiselect(
        "领域",
        list(filters.area_names),
        default=[filters.area] if filters.area else [],
        format_func=filters.area_names.get,
        key="task_areas",
        placeholder="全部领域",
    )
    order = sorted(ALL_STATUSES, key=lambda s: SEVERITY[s])
    chosen_status = right.multiselect("状态", order, format_func=status_label, key="task_status", placeholder="全部状态")
    shown = by_severity(
        [t for t in tasks if (not chosen_areas or t.area in chosen_areas) and (not chosen_status or t.status in chosen_status)]
    )

    st.markdown(f"共 {len(shown)} 项重点工作：" + (cards.status_chips(status_counts(shown)) or "—"), unsafe_allow_html=True)
    if not shown:
        st.info("没有符合筛选条件的重点工作。")
        return
    tables.show(items.task_frame(shown), items.TASK_COLUMNS, key="task_table")

    st.subheader("重点工作详情")
    names = {t.code: t.name for t in shown}
    code = st.selectbox("选择重点工作", list(names), format_func=names.get, key="task_detail")
    task = next(t for t in shown if t.code == code)
    support = items.support_text(task.support_department_names)
    leader = task.leader or items.NO_LEADER
    st.text(f"状态：{status_label(task.status)}　牵头单位：{task.department_name}　配合单位：{support}　责任领导：{leader}")
    st.caption("报告原文")
    st.text(source_text(task))
    st.caption(f"最新进展情况（{task.reported_month}月）" if task.reported_month else "最新进展情况")
    st.text(task.progress or "尚未填报")
    if task.problem:
        st.caption("存在问题")
        st.text(task.problem)
    action_ui.item_panel(task, year, month, current_user(), key="task_duban")


render()

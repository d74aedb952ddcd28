"""总览: what is on track, what lags and by how much, and which department answers for it."""

import streamlit as st

from components import actions as action_ui
from components import cards, charts, tables
from components.data import load_status
from components.sidebar import current_filters, demo_banner
from tracker.meeting import verdicts
from tracker.model import TARGET_PENDING
from tracker.status import status_counts


def render() -> None:
    filters = current_filters()
    year, month, area = filters.year, filters.month, filters.area
    status = load_status(year, month, area)
    scope = filters.area_names.get(area, "全部领域") if area else "全部领域"

    # A year with figures but no targets yet (a new year before its report is entered, or last year's baseline).
    has_targets = bool(status.projects) or any(i.target is not None for i in status.indicators)
    st.title("总览")
    how = "年终评定：已完成或未完成" if status.final else "按序时进度判断各项工作进展"
    against = f"对照{year}年政府工作报告目标，{how}" if has_targets else f"{year}年尚未录入政府工作报告目标，只有填报数据"
    st.caption(f"{year}年{month}月 · {scope} · {against}")
    demo_banner(status.demo)
    cards.headline(year, month, status.time_progress, status_counts(status.indicators), status_counts(status.projects), final=status.final)
    cards.status_legend(final=status.final)
    pending = sum(i.status == TARGET_PENDING for i in status.indicators)
    if pending:
        st.info(
            f"{pending}项指标{TARGET_PENDING}：{year}年由上一年度的事项开始，目标值须按{year}年政府工作报告在“目标管理”录入，录入前不作判定。",
            icon=":material/edit_note:",
        )

    st.subheader("需关注事项：未完成" if status.final else "需关注事项：滞后与预警")
    attention = tables.attention_frame(status)
    if not has_targets:
        st.info(f"{year}年尚未录入目标，无法判断进度。管理员可在“目标管理”录入；各指标的填报数据见各领域页面。")
    elif attention.empty:
        st.success("本年度没有未完成的指标和项目。" if status.final else "本月没有滞后或预警的指标和项目。")
    else:
        # A wide table on a screen, one card per item on a phone (components.styles switches them).
        with st.container(key="wide-attention"):
            tables.show(attention, tables.ATTENTION_COLUMNS, key="attention")
        with st.container(key="phone-attention"):
            st.html(cards.attention_cards_html(attention))

    open_actions = [a for a in action_ui.load_actions(year) if a.is_open]
    st.subheader(f"办理中的督办事项（{len(open_actions)}项）")
    if open_actions:
        action_ui.show_table(open_actions, key="overview_actions")
    else:
        st.caption("暂无办理中的督办事项。督查室可在“督办事项”页或各事项详情页发起督办。")

    st.subheader("各领域进展")
    area_codes = [area] if area else list(filters.area_names)
    per_area = {}
    for n, code in enumerate(area_codes):
        if n % 3 == 0:
            columns = st.columns(3)  # one row of cards at a time, so a phone stacks them in reading order
        name = filters.area_names.get(code, code)
        ind = status_counts([i for i in status.indicators if i.area == code])
        ind |= {TARGET_PENDING: n} if (n := sum(i.area == code and i.status == TARGET_PENDING for i in status.indicators)) else {}
        proj = status_counts([p for p in status.projects if p.area == code])
        per_area[name] = {s: ind[s] + proj[s] for s in proj}
        with columns[n % 3]:
            cards.area_card(name, ind, proj)
    charts.show(
        charts.status_count_chart(per_area, "各领域事项状态", f"{scope} · {year}年{month}月", statuses=verdicts(status.final)),
        charts.chart_filename(year, month, scope, "状态分布"),
        key="overview_counts",
        demo=status.demo,
    )

    st.subheader("责任部门进度正常率排名")
    st.caption("已完成与正常的事项占该部门全部事项（指标＋重点项目）的比例")
    tables.show(tables.department_ranking(status), tables.DEPARTMENT_COLUMNS, key="departments")


render()

"""督办事项: every action item (open first, overdue flagged), 发起督办 from a lagging item, progress and 销号 forms,
and the 督办台账 download."""

import streamlit as st

from components import actions as action_ui
from components.auth import current_user
from components.data import load_status
from components.sidebar import current_filters, demo_banner
from tracker import escalation


def render() -> None:
    filters = current_filters()
    year, month = filters.year, filters.month
    user = current_user()
    status = load_status(year, month)
    st.title("督办事项")
    st.caption(f"{year}年 · 督查室对滞后事项发起督办，责任单位按月报送进展，办结后由督查室销号。逾期：办理中且已过办结时限。")
    demo_banner(status.demo)
    listed = action_ui.load_actions(year)
    open_count = sum(a.is_open for a in listed)
    st.markdown(f"办理中 **{open_count}** 项 · 已销号 **{len(listed) - open_count}** 项")
    action_ui.show_table(listed, key="actions_table")
    action_ui.ledger_download(year, month)

    action_ui.progress_form(listed, user)
    action_ui.close_form(listed, user)
    if action_ui.is_supervisor(user):
        st.subheader(f"从{month}月的滞后事项发起督办")
        lagging = escalation.escalated_first([i for i in status.all_items if i.status in action_ui.ATTENTION_STATES])
        if not lagging:
            st.info("本月没有滞后、预警或未完成的事项。")
            return
        by_code = {i.code: i for i in lagging}
        code = st.selectbox(
            "事项",
            list(by_code),
            key="action_item",
            format_func=lambda c: (
                f"{by_code[c].name}（{by_code[c].status}" + (f"，{by_code[c].escalation}" if by_code[c].escalation else "") + "）"
            ),
        )
        action_ui.create_form(by_code[code], year, month, user, key="page_create")
    elif user is None:
        st.caption("督查室登录后可发起督办和销号；责任单位的填报员登录后可报送进展。")


render()

"""督办 UI pieces: the action table, an item's 督办 panel (its open actions, the 督办单 download and, for the 督查室,
the 发起督办 form), and the progress and 销号 forms. Rules and permissions live in ``tracker.actions``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from tracker import actions, duban_doc, ledger, store, supervision
from tracker.actions import Action
from tracker.auth import PermissionDenied, User
from tracker.escalation import escalated_first
from tracker.model import LAGGING, NOT_DONE, WARNING, AnyItem, MonthStatus

ATTENTION_STATES = (LAGGING, NOT_DONE, WARNING)
TABLE_COLUMNS = {
    "督办要求": st.column_config.TextColumn("督办要求", width="large"),
    "最新进展": st.column_config.TextColumn("最新进展", width="large"),
}


def _version() -> tuple[str, float, int]:
    return store.data_version()


@st.cache_data(show_spinner=False, max_entries=32)
def _actions(year: int | None, today: date, version: tuple[str, float, int]) -> list[Action]:
    with store.connect() as con:
        return actions.list_actions(con, year=year, today=today)


def load_actions(year: int | None = None) -> list[Action]:
    """Every action of the year, open first, overdue first (``overdue`` as of today)."""
    return _actions(year, date.today(), _version())


@st.cache_data(show_spinner=False, max_entries=64)
def _duban(code: str, year: int, month: int, today: date, version: tuple[str, float, int]) -> bytes:
    with store.connect() as con:
        return duban_doc.duban_for_item(con, code, year, month, today)


@st.cache_data(show_spinner=False, max_entries=16)
def _ledger(year: int, month: int, today: date, version: tuple[str, float, int]) -> bytes:
    with store.connect() as con:
        return ledger.ledger_for_month(con, year, month, today)


@st.cache_data(show_spinner=False, max_entries=64)
def _notice(code: str, year: int, month: int, today: date, version: tuple[str, float, int]) -> bytes:
    with store.connect() as con:
        return duban_doc.notice_for_department(con, code, year, month, today)


def is_supervisor(user: User | None) -> bool:
    return user is not None and user.can_review


def state_text(action: Action) -> str:
    return f"{action.status}（{actions.OVERDUE}）" if action.overdue else action.status


def frame(listed: Sequence[Action]) -> pd.DataFrame:
    rows = [
        {
            "编号": a.id,
            "事项": a.item_name,
            "督办要求": a.text,
            "责任单位": a.department_name,
            "责任领导": a.leader or supervision.NO_LEADER,
            "办结时限": a.due.isoformat(),
            "状态": state_text(a),
            "最新进展": supervision.latest_progress(a) if a.is_open else f"销号依据：{a.evidence}",
        }
        for a in listed
    ]
    return pd.DataFrame(rows, columns=["编号", "事项", "督办要求", "责任单位", "责任领导", "办结时限", "状态", "最新进展"])


def show_table(listed: Sequence[Action], key: str) -> None:
    if not listed:
        st.info("暂无督办事项。")
        return
    overdue = sum(a.overdue for a in listed)
    if overdue:
        st.error(f"{overdue} 项督办事项已逾期未办结。", icon=":material/alarm:")
    st.dataframe(frame(listed), hide_index=True, width="stretch", key=key, column_config=TABLE_COLUMNS, placeholder="—")


def create_form(item: AnyItem, year: int, month: int, user: User | None, key: str) -> None:
    """发起督办 on one item (the 督查室 and admins only; the check is in ``tracker.actions`` too)."""
    if not is_supervisor(user):
        return
    with st.form(f"{key}_form", clear_on_submit=True, border=True):
        st.markdown(f"**发起督办：{item.name}**")
        text = st.text_area("督办要求", key=f"{key}_text", placeholder="要做什么，达到什么标准", max_chars=actions.MAX_TEXT)
        due = st.date_input("办结时限", value=date(year, month, 1) + timedelta(days=45), key=f"{key}_due", format="YYYY-MM-DD")
        st.caption(f"责任单位：{item.department_name}（牵头单位）；责任领导：{supervision.leader_text(item.leader)}")
        if st.form_submit_button("发起督办", type="primary"):
            try:
                action_id = actions.create_action(item.code, year, month, text, due, user)
            except (PermissionDenied, actions.ActionError) as exc:
                st.error(str(exc))
            else:
                st.success(f"已发起督办事项 {action_id}。")


def item_panel(item: AnyItem, year: int, month: int, user: User | None, key: str) -> None:
    """An item's 督办: escalation, its open actions, the 督办单 download, and 发起督办 for the 督查室."""
    mine = [a for a in load_actions(year) if a.item == item.code and a.is_open]
    st.subheader("督办")
    if item.escalation:
        st.warning(supervision.escalation_line(item) + "。", icon=":material/priority_high:")
    if mine:
        show_table(mine, key=f"{key}_table")
    else:
        st.caption("该事项暂无办理中的督办事项。")
    if is_supervisor(user) or item.escalation or mine:
        data = lambda: _duban(item.code, year, month, date.today(), _version())  # noqa: E731  (built when clicked)
        st.download_button("下载督办单（Word）", data, duban_doc.duban_file_name(item.name, year, month), key=f"{key}_duban",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")  # fmt: skip
    create_form(item, year, month, user, key)


def _label(listed: Sequence[Action]):
    names = {a.id: f"{a.id}．{a.item_name}：{a.text[:30]}" for a in listed}
    return lambda action_id: names.get(action_id, str(action_id))


def progress_form(listed: Sequence[Action], user: User | None) -> None:
    """Staff report progress on their department's open actions."""
    mine = [a for a in listed if a.is_open and actions.can_report(user, a.department)]
    if not mine or user is None:
        return
    with st.form("action_progress_form", clear_on_submit=True):
        st.markdown("**报送督办事项进展**")
        chosen = st.selectbox("督办事项", [a.id for a in mine], key="progress_action", format_func=_label(mine))
        text = st.text_area("进展情况", key="progress_text", max_chars=actions.MAX_TEXT)
        if st.form_submit_button("报送进展", type="primary"):
            try:
                actions.add_progress(int(chosen), text, user)
            except (PermissionDenied, actions.ActionError) as exc:
                st.error(str(exc))
            else:
                st.success(f"已报送督办事项 {chosen} 的进展。")


def close_form(listed: Sequence[Action], user: User | None) -> None:
    """销号 by the 督查室, with the evidence it was done."""
    open_ones = [a for a in listed if a.is_open]
    if not is_supervisor(user) or not open_ones:
        return
    with st.form("action_close_form", clear_on_submit=True):
        st.markdown("**销号**")
        chosen = st.selectbox("督办事项", [a.id for a in open_ones], key="close_action", format_func=_label(open_ones))
        evidence = st.text_area(
            "销号依据", key="close_evidence", placeholder="办结的证明：文件、验收、现场核查等", max_chars=actions.MAX_TEXT
        )
        if st.form_submit_button("销号", type="primary"):
            try:
                actions.close_action(int(chosen), evidence, user)
            except (PermissionDenied, actions.ActionError) as exc:
                st.error(str(exc))
            else:
                st.success(f"督办事项 {chosen} 已销号。")


def ledger_download(year: int, month: int) -> None:
    # Built when clicked, from the store as it is then: a 销号 made on this run is in it.
    data = lambda: _ledger(year, month, date.today(), _version())  # noqa: E731
    st.download_button("下载督办台账（Excel）", data, ledger.ledger_file_name(year, month), key="ledger_download",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


def notice_download(year: int, month: int, departments: dict[str, str]) -> None:
    """催报通知 of one department for the month."""
    code = st.selectbox("部门", list(departments), format_func=departments.get, key="notice_department")
    data = lambda: _notice(code, year, month, date.today(), _version())  # noqa: E731  (built when clicked)
    st.download_button("下载催报通知（Word）", data, duban_doc.notice_file_name(departments[code], year, month), key="notice_download",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")  # fmt: skip


def meeting_panel(report: MonthStatus, user: User | None) -> None:
    """会议模式: the month's open actions, and 发起督办 on an item the meeting decides on (the 督查室 only)."""
    listed = [a for a in load_actions(report.year) if a.open_in(report.year, report.month)]
    with st.expander(f"督办事项（办理中 {len(listed)} 项）", expanded=False):
        show_table(listed, key="meeting_actions")
        if not is_supervisor(user):
            return
        lagging = escalated_first([i for i in report.all_items if i.status in ATTENTION_STATES])
        if not lagging:
            st.caption("本月没有滞后、预警或未完成的事项。")
            return
        by_code = {i.code: i for i in lagging}
        code = st.selectbox("会上决定督办的事项", list(by_code), key="meeting_action_item",
                            format_func=lambda c: f"{by_code[c].name}（{by_code[c].status}）")  # fmt: skip
        create_form(by_code[code], report.year, report.month, user, key="meeting_create")

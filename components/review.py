"""The 督查室's pieces: the month's lock banner, submissions and 情况说明 with their review state, the review and lock
controls, the lock history, and the returned comments a department sees on the upload page. Rules are in
``tracker.review`` and ``tracker.locks``; this module only lays them out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import streamlit as st

from components import tables
from components.data import load_status
from components.sidebar import demo_banner
from tracker import locks, review, store
from tracker.auth import PermissionDenied, User
from tracker.indicators import registry
from tracker.review import Submission

DONE_KEY = "review_done"


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else "—"


def lock_banner(state: locks.LockState) -> None:
    if state.locked:
        st.warning(state.message(), icon=":material/lock:")
    else:
        st.info(f"{state.year}年{state.month}月未锁定：各部门仍可填报和修改。", icon=":material/lock_open:")


def submissions_frame(rows: Sequence[Submission], explanations: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "部门": s.department_name,
                **({"指标": s.item_name or "—"} if explanations else {}),
                "审核状态": s.state or "未提交",
                "提交时间": _when(s.submitted_at),
                "审核人": s.reviewed_by or "—",
                "审核时间": _when(s.reviewed_at),
                "意见": s.comment or "—",
            }
            for s in rows
        ],
        columns=["部门", *(["指标"] if explanations else []), "审核状态", "提交时间", "审核人", "审核时间", "意见"],
    )
    return frame


def _done() -> None:
    message = st.session_state.pop(DONE_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def review_controls(user: User, rows: Sequence[Submission], year: int, month: int, prefix: str) -> None:
    """Accept, or return with a comment, one submission (``prefix`` "review": departments; "note": 情况说明)."""
    waiting = [s for s in rows if s.state is not None]
    if not waiting:
        st.caption("本月还没有可审核的内容。")
        return
    labels = {n: f"{s.department_name}{' · ' + (s.item_name or '') if s.item else ''}（{s.state}）" for n, s in enumerate(waiting)}
    pending = next((n for n, s in enumerate(waiting) if s.state == review.PENDING), 0)
    chosen = st.selectbox("审核对象", list(labels), index=pending, format_func=lambda n: labels[n], key=f"{prefix}_target")
    decision = st.radio("审核结果", ["通过", "退回"], horizontal=True, key=f"{prefix}_decision")
    comment = st.text_area("意见（退回时必填，部门在填报页面看到）", key=f"{prefix}_comment", max_chars=review.MAX_COMMENT)
    if st.button("提交审核结果", type="primary", key=f"{prefix}_submit", icon=":material/fact_check:"):
        target = waiting[int(chosen)]
        try:
            done = review.review(year, month, target.department, user, accept=decision == "通过", comment=comment or "", item=target.item)
        except (PermissionDenied, review.ReviewError, store.StoreError) as exc:
            st.error(str(exc))
            return
        what = f"“{done.item_name}”的情况说明" if done.item else "填报"
        st.session_state[DONE_KEY] = f"{done.department_name}{year}年{month}月{what}：{done.state}。"
        st.rerun()


def lock_controls(user: User, state: locks.LockState) -> None:
    """Lock the month (督查室 and admins); unlock it with a reason (admins only)."""
    if not state.locked:
        st.caption("锁定后，该月的数值、进展、情况说明和审核都不能再修改，撤销该月的批次也会被拒绝；管理员可写明原因解锁。")
        if st.button(f"锁定{state.year}年{state.month}月", key="lock_month", icon=":material/lock:"):
            try:
                locks.lock_month(state.year, state.month, user)
            except (PermissionDenied, store.StoreError) as exc:
                st.error(str(exc))
                return
            st.session_state[DONE_KEY] = f"已锁定{state.year}年{state.month}月。"
            st.rerun()
        return
    if not user.is_admin:
        st.caption("解锁需要管理员账号，并写明原因。")
        return
    reason = st.text_input("解锁原因（必填，记入审计日志）", key="unlock_reason")
    if st.button(f"解锁{state.year}年{state.month}月", key="unlock_month", icon=":material/lock_open:"):
        try:
            locks.unlock_month(state.year, state.month, user, reason or "")
        except (PermissionDenied, store.StoreError) as exc:
            st.error(str(exc))
            return
        st.session_state[DONE_KEY] = f"已解锁{state.year}年{state.month}月。"
        st.rerun()


def lock_history_frame(rows: Sequence[locks.LockState]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "月份": f"{s.year}年{s.month}月",
                "锁定人": s.locked_by or "—",
                "锁定时间": _when(s.locked_at),
                "解锁人": s.unlocked_by or "—",
                "解锁时间": _when(s.unlocked_at),
                "解锁原因": s.reason or "—",
                "现状": "已锁定" if s.locked else "已解锁",
            }
            for s in rows
        ],
        columns=["月份", "锁定人", "锁定时间", "解锁人", "解锁时间", "解锁原因", "现状"],
    )
    return frame


def lock_history() -> None:
    """Every lock and unlock (the 审核与锁定 and 上传记录 pages)."""
    with store.connect() as con:
        rows = locks.history(con)
    if not rows:
        st.caption("还没有锁定过任何月份。")
        return
    tables.show(lock_history_frame(rows), {}, key="lock_history")


def review_history() -> None:
    """Every review, newest first (the 上传记录 page)."""
    with store.connect() as con:
        events = review.history(con)
    if not events:
        st.caption("还没有审核记录。")
        return
    indicators = registry()
    frame = pd.DataFrame(
        [
            {
                "月份": f"{e.year}年{e.month}月",
                "部门": e.department_name,
                "审核内容": f"情况说明：{indicators[e.item].name}" if e.item and e.item in indicators else "填报",
                "结果": e.state,
                "意见": e.comment or "—",
                "审核人": e.user,
                "审核时间": _when(e.at),
            }
            for e in events
        ]
    )
    tables.show(frame, {}, key="review_history")


def returned_notice(user: User, year: int, month: int) -> None:
    """On the upload page: whatever the 督查室 returned to this department in the year (any month, not only the one
    selected: the page opens on the month now due), with its comment; and the selected month's lock."""
    department = user.department if user.role == "staff" else None
    with store.connect() as con:
        returned = [(m, s) for m in range(1, 13) for s in review.returned_for(con, department, year, m)]
        state = locks.lock_state(con, year, month)
    for m, s in returned:
        what = f"“{s.item_name}”的情况说明" if s.item else f"{s.department_name}的填报"
        st.warning(
            f"督查室退回了{year}年{m}月{what}（{s.reviewed_by}，{_when(s.reviewed_at)}）：{s.comment or '—'}。请修改后重新提交。",
            icon=":material/undo:",
        )
    if state.locked:
        st.error(state.message(), icon=":material/lock:")


def render_page(user: User | None, year: int, month: int) -> None:
    """The body of the 审核与锁定 page."""
    _done()
    with store.connect() as con:
        state = locks.lock_state(con, year, month)
        rows = review.submissions(con, year, month)
        notes = review.explanations(con, year, month)
    lock_banner(state)
    demo_banner(load_status(year, month).demo)
    can_review = user is not None and user.can_review
    st.subheader("各部门填报")
    tables.show(submissions_frame(rows), {}, key="review_submissions")
    if can_review and user is not None and not state.locked:
        review_controls(user, rows, year, month, "review")
    st.subheader("情况说明")
    if notes:
        tables.show(submissions_frame(notes, explanations=True), {}, key="review_notes")
        if can_review and user is not None and not state.locked:
            review_controls(user, notes, year, month, "note")
    else:
        st.caption("本月还没有提交情况说明。")
    st.subheader("锁定本月")
    if can_review and user is not None:
        lock_controls(user, state)
    else:
        st.caption("审核和锁定需要督查室或管理员账号登录（左侧“登录”）。")
    st.subheader("锁定与解锁记录")
    lock_history()

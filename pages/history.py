"""上传记录: every batch (who, when, file, hash, rows, status) and revert, which restores the previous values."""

from __future__ import annotations

import streamlit as st

from components import review
from components.auth import current_user
from components.data import load_periods
from components.sidebar import routed
from components.tables import EMPTY_CELL, uploader_name
from tracker import ingest, store
from tracker.auth import PermissionDenied
from tracker.export import safe_frame


def main() -> None:
    routed()
    st.title("上传记录")
    st.caption("每次上传都是一个批次，数据从不删除：撤销批次后，之前的数值重新生效，记录仍然保留。")
    show_demo = st.toggle("显示演示数据批次", value=False, key="history_demo")
    with store.connect() as con:
        frame = ingest.batches(con)
    if not show_demo:
        frame = frame[~frame["demo"]]
    departments = load_periods()["departments"]
    view = frame.assign(
        kind=frame["kind"].map(lambda k: ingest.BATCH_KIND_NAMES.get(k, k)),
        user_name=frame["user_name"].map(lambda u: uploader_name(u, departments)),
        status=frame["status"].map({"committed": "有效", "reverted": "已撤销"}),
        sha256=frame["sha256"].map(lambda h: h[:12] if isinstance(h, str) and h else None),
        reverted_by=frame["reverted_by"].map(lambda u: uploader_name(u, departments) if isinstance(u, str) and u else None),
    )[["id", "status", "kind", "user_name", "created_at", "file_name", "sha256", "rows", "reverted_by", "reverted_at"]]
    # 状态 right after the batch: on a phone the first columns are what is seen without scrolling sideways.
    view.columns = ["批次", "状态", "类型", "上传人", "上传时间", "文件名", "SHA-256（前12位）", "行数", "撤销人", "撤销时间"]
    done = st.session_state.pop("history_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")
    st.dataframe(
        safe_frame(view),
        hide_index=True,
        width="stretch",
        key="history_batches",
        placeholder=EMPTY_CELL,
        column_config={
            "SHA-256（前12位）": st.column_config.TextColumn(help="上传文件的指纹；页面填写和初始数据没有文件，显示“—”"),
            "撤销人": st.column_config.TextColumn(help="“—”：未撤销"),
            "撤销时间": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss", help="“—”：未撤销"),
        },
    )
    st.subheader("锁定与解锁记录")
    review.lock_history()
    st.subheader("审核记录")
    review.review_history()
    user = current_user()
    if user is None or not user.can_write:
        st.caption("撤销批次需要登录：管理员可撤销任何批次，上传人可在上传当月撤销自己的批次。")
        return
    st.subheader("撤销批次")
    st.caption("管理员可撤销任何批次；上传人可在上传当月撤销自己的批次。")
    # Only what revert can undo (figures, targets, 情况说明); geometry and seed batches are kept as history.
    committed = frame[(frame["status"] == "committed") & frame["kind"].isin(ingest.REVERTIBLE)]["id"].tolist()
    if not committed:
        return
    with st.form("revert_form"):
        batch = st.selectbox("批次", committed, key="revert_batch")
        sure = st.checkbox("确认撤销这个批次", key="revert_confirm")
        submitted = st.form_submit_button("撤销", type="primary")
    if submitted:
        if not sure:
            st.warning("请先勾选“确认撤销这个批次”。")
            return
        try:
            ingest.revert(int(batch), user)
        except (PermissionDenied, ingest.IngestError, store.StoreError) as exc:
            st.error(str(exc))
            return
        # The table above and the sidebar were drawn before the revert: run again so they show it at once.
        st.session_state["history_done"] = f"已撤销批次 {batch}，之前的数值已恢复显示。"
        st.rerun()


main()

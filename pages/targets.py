"""目标管理: the targets per indicator and year; an admin enters or uploads next year's, with the same checks."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components import new_year
from components.auth import current_user
from components.sidebar import routed
from components.tables import EMPTY_CELL
from components.upload import escape_md, render_issues, too_large, upload_limit_mb
from tracker import ingest, store
from tracker.auth import PermissionDenied
from tracker.export import safe_frame
from tracker.indicators import registry
from tracker.labels import COMPARATOR_NAMES


def _current(year: int) -> pd.DataFrame:
    with store.connect() as con:
        rows = ingest.targets_for_year(con, year)
    names = {c: i.name for c, i in registry().items()}
    return pd.DataFrame(
        {
            "指标编码": rows["indicator"],
            "指标": rows["indicator"].map(lambda c: names.get(c, c)),
            "比较": rows["comparator"].map(lambda c: COMPARATOR_NAMES.get(c, c)),
            "目标值": rows["value"],
            "规则": rows["rule"].map({"fixed": "固定值", "last_year": "不低于/不高于上年"}),
            "备注": rows["note"],
            "批次": rows["batch_id"],
        }
    )


def _show(frame: pd.DataFrame) -> None:
    st.dataframe(
        safe_frame(frame).rename(
            columns={"name": "指标", "year": "年", "old_value": "原目标", "value": "新目标", "comparator": "比较", "note": "备注"}
        )[["指标", "年", "原目标", "新目标", "比较", "备注"]],
        hide_index=True,
        width="stretch",
    )


def _saved(message: str) -> None:
    """Run again after a write: the sidebar's years (drawn before this page) and the table above show it at once."""
    st.session_state["targets_done"] = message
    # A new uploader key empties it: the committed file is not checked and offered for commit a second time.
    st.session_state["targets_upload_round"] = st.session_state.get("targets_upload_round", 0) + 1
    st.rerun()


def main() -> None:
    routed()
    st.title("目标管理")
    st.caption("每个指标每年一个目标；修改目标是新增一个版本，历史版本保留。")
    this_year = date.today().year
    with store.connect() as con:
        planned = ingest.planning_year(con)
    years = list(range(2023, this_year + 2))
    year = st.selectbox(
        "年度",
        years,
        index=years.index(planned) if planned in years else len(years) - 1,
        key="targets_year",
        format_func=lambda y: f"{y}年",
        help="默认打开正在制定目标的年度：已有目标的最近一年的下一年（不早于今年）",
    )
    done = st.session_state.pop("targets_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")
    current = _current(year)
    if current.empty:
        st.info(
            f"{year}年还没有录入目标。管理员登录后可在本页上传目标文件或逐项录入；录入后该年度即出现在左侧“年度”中。",
            icon=":material/flag:",
        )
    else:
        st.dataframe(safe_frame(current), hide_index=True, width="stretch", key="targets_table", placeholder=EMPTY_CELL)
    user = current_user()
    if user is None or not user.is_admin:
        st.caption("录入或上传目标需要管理员账号。")
        return
    new_year.render(user)
    new_year.render_sentences(user, int(year))
    st.subheader("上传目标文件")
    st.caption(f"列：指标编码、年、目标值，可选 比较（>=、<=、=）和 备注；.xlsx 或 .csv，不超过 {upload_limit_mb()} MB。")
    uploaded = st.file_uploader("选择目标文件", type=["xlsx", "csv"], key=f"targets_file_{st.session_state.get('targets_upload_round', 0)}")
    if uploaded is not None:
        data = uploaded.getvalue()
        message = too_large(len(data))
        if message:
            st.error(message)
        else:
            try:
                rows, issues = ingest.parse_targets(data, uploaded.name)
                with store.connect() as con:
                    frame, issues = ingest.check_targets(con, rows, user, issues)
            except (ingest.IngestError, PermissionDenied, store.StoreError) as exc:
                st.error(str(exc))
            else:
                st.caption(f"文件：{escape_md(uploaded.name)}")
                render_issues(issues)
                if not any(i.level == "error" for i in issues) and not frame.empty:
                    _show(frame)
                    if st.button("确认提交目标", type="primary", key="targets_commit"):
                        try:
                            batch = ingest.commit_targets(rows, user, issues, uploaded.name)
                            _saved(f"已提交目标（批次 {batch}）。")
                        except ingest.ValidationFailed as exc:
                            render_issues(exc.report.issues)
                        except store.StoreError as exc:
                            st.error(str(exc))
    st.subheader("逐项录入")
    names = {c: i.name for c, i in registry().items()}
    # The indicator is chosen outside the form so the comparator can default to its direction
    # (劣V类河涌 should fall: "不高于"); the comparator widget is keyed per indicator for that default to apply.
    code = st.selectbox("指标", list(names), format_func=lambda c: names[c], key="target_indicator")
    choices = [">=", "<=", "="]
    with st.form("target_form"):
        value = st.number_input("目标值", min_value=0.0, value=0.0, key="target_value")
        comparator = st.selectbox(
            "比较",
            choices,
            index=choices.index(ingest.default_comparator(code)),
            format_func=lambda c: COMPARATOR_NAMES[c],
            key=f"target_comparator_{code}",
        )
        note = st.text_input("备注（如：原文摘录）", key="target_note")
        submitted = st.form_submit_button("保存目标")
    if submitted:
        row = ingest.TargetRow(code, year, float(value), comparator, note)
        try:
            batch = ingest.commit_targets([row], user)
            _saved(f"已保存（批次 {batch}）。")
        except ingest.ValidationFailed as exc:
            render_issues(exc.report.issues)
        except (PermissionDenied, store.StoreError) as exc:
            st.error(str(exc))


main()

"""The upload page for a file with project or task progress: issues, the old → new preview, commit (all or nothing)."""

from __future__ import annotations

import streamlit as st

from components.upload import file_key, render_issues, render_preview
from tracker.auth import PermissionDenied, User
from tracker.ingest import IngestError, submit


def render(user: User, name: str, data: bytes) -> None:
    key = file_key(user, name, data)
    cached = st.session_state.get("progress_report")
    if not cached or cached[0] != key:
        try:
            with st.spinner("正在检查文件……"):
                report = submit.prepare_file(data, name, user)
        except (IngestError, PermissionDenied) as exc:
            st.error(str(exc), icon=":material/error:")
            return
        st.session_state["progress_report"] = (key, report)
    report = st.session_state["progress_report"][1]
    render_issues(report.issues)
    if not report.ok:
        return
    st.subheader("提交前预览：项目和重点工作进展")
    changed = report.progress.changed
    st.caption(f"{len(report.progress.preview)} 条进展，其中新增或修改 {len(changed)} 条。")
    st.dataframe(report.progress.preview, hide_index=True, width="stretch", key="progress_preview")
    if report.figures is not None:
        render_preview(report.figures)
    nothing = changed.empty and (report.figures is None or report.figures.changed.empty)
    if nothing:
        st.info("文件中的内容与系统现有内容完全相同，无需提交。")
        return
    if st.button("确认提交", type="primary", key="commit_progress", icon=":material/cloud_upload:"):
        try:
            result = submit.commit_file(data, name, user)
        except (IngestError, PermissionDenied) as exc:
            st.error(str(exc))
            return
        except submit.ProgressRefused as exc:
            st.error(str(exc))
            render_issues(exc.issues)
            return
        st.session_state.pop("progress_report", None)
        st.session_state["upload_done"] = result.message()
        st.rerun()

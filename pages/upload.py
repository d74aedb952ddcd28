"""数据填报: download the month's template, upload it (or any long-form file), preview, commit."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components import progress_upload, review
from components.auth import current_user
from components.sidebar import routed
from components.upload import (
    escape_md,
    file_key,
    render_issues,
    render_preview,
    template_bytes,
    too_large,
    upload_limit_mb,
)
from tracker import ingest, status, store
from tracker.auth import PermissionDenied, User
from tracker.indicators import registry
from tracker.ingest import submit


def _period() -> tuple[int, int]:
    """The sidebar's year and, by default, the month now due in it (``tracker.ingest.month_due``)."""
    today = date.today()
    filters = st.session_state.get("_filters")
    year = filters.year if filters else ingest.period_due(today)[0]
    c1, c2, _ = st.columns([1, 1, 3])
    years = list(range(min(year, today.year) - 3, today.year + 1))
    year = c1.selectbox(
        "填报年度", years, index=years.index(year) if year in years else len(years) - 1, key="upload_year", format_func=lambda y: f"{y}年"
    )
    month = c2.selectbox(
        "填报月份",
        list(range(1, 13)),
        index=ingest.month_due(int(year), today) - 1,
        key=f"upload_month_{year}",  # per year: another year opens on its own month due
        format_func=lambda m: f"{m}月",
        help="默认为现在应填报的月份：今天之前最近一个已结束的月份",
    )
    return int(year), int(month)


def _departments(user: User) -> dict[str, str]:
    with store.connect() as con:
        names = status.departments(con)
    return {user.department: names.get(user.department, user.department)} if user.role == "staff" else names


def _template_section(user: User, year: int, month: int) -> None:
    depts = _departments(user)
    st.subheader("第一步：下载本月填报模板")
    dept = st.selectbox("部门", list(depts), format_func=lambda d: depts[d], key="upload_department", disabled=user.role == "staff")
    st.download_button(
        "下载 Excel 模板",
        template_bytes(dept, year, month),
        key="download_template",
        file_name=f"填报模板-{dept}-{year}-{month:02d}.xlsx",
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _upload_section(user: User) -> None:
    st.subheader("第二步：上传填好的文件")
    st.caption(
        f"支持本系统模板，或任意含“指标编码、年、月、数值”（可选“地点、备注、情况说明”）列的 .xlsx / .csv 文件；"
        f"CSV 可为 UTF-8 或 GBK 编码。单个文件不超过 {upload_limit_mb()} MB。"
    )
    uploaded = st.file_uploader("选择文件", type=["xlsx", "csv"], key="upload_file")
    done = st.session_state.pop("upload_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")
    if uploaded is None:
        return
    data = uploaded.getvalue()
    message = too_large(len(data))
    if message:
        st.error(message)
        return
    if submit.has_progress(data, uploaded.name):  # project or task progress: tracker.ingest.submit
        progress_upload.render(user, uploaded.name, data)
        return
    key = file_key(user, uploaded.name, data)
    cached = st.session_state.get("upload_report")
    if not cached or cached[0] != key:
        try:
            with st.spinner("正在检查文件……"):
                report = ingest.prepare(data, uploaded.name, user)
        except (ingest.IngestError, PermissionDenied, store.StoreError) as exc:
            st.error(str(exc), icon=":material/error:")
            return
        st.session_state["upload_report"] = (key, report)
    report = st.session_state["upload_report"][1]
    st.caption(f"文件：{escape_md(uploaded.name)}（SHA-256 {report.parsed.sha256[:12]}…）")
    render_issues(report.issues)
    if not report.ok:
        return
    if report.duplicate_of is not None:
        st.info(f"此文件与已提交的批次 {report.duplicate_of} 完全相同，再次提交不会有任何改动。", icon=":material/content_copy:")
        return
    if report.same_file_as is not None:
        st.info(
            f"此文件与已提交的批次 {report.same_file_as} 相同，但其中有数值之后被修改过：提交将恢复为文件中的数值（见下方预览）。",
            icon=":material/history:",
        )
    render_preview(report)
    if not report.changes_anything:
        st.info("文件中的数值与系统现有数值完全相同，无需提交。")
        return
    if st.button("确认提交", type="primary", key="commit", icon=":material/cloud_upload:"):
        try:
            result = ingest.commit(data, uploaded.name, user)
        except (ingest.IngestError, PermissionDenied, store.StoreError) as exc:
            st.error(str(exc))
            return
        except ingest.ValidationFailed as exc:
            st.error(str(exc))
            render_issues(exc.report.issues)
            return
        st.session_state.pop("upload_report", None)
        st.session_state["upload_done"] = result.message()
        st.rerun()


def _explanation_section(user: User, year: int, month: int) -> None:
    st.subheader("补填情况说明")
    st.caption("指标处于“滞后”或“预警”时，请写明原因和下一步措施。情况说明不影响数值提交。")
    mine = {c: i.name for c, i in registry().items() if user.is_admin or i.department == user.department}
    if not mine:
        st.caption("本部门没有需要填写情况说明的指标。")
        return
    with st.form("explanation_form", clear_on_submit=True):
        code = st.selectbox("指标", list(mine), format_func=lambda c: mine[c], key="explain_indicator")
        text = st.text_area("情况说明（原因和下一步措施）", key="explain_text", max_chars=ingest.MAX_TEXT)
        submitted = st.form_submit_button(f"保存 {year}年{month}月 的情况说明")
    if submitted:
        try:
            batch = ingest.add_explanation(code, year, month, text, user)
        except (ingest.IngestError, PermissionDenied, store.StoreError) as exc:
            st.error(str(exc))
            return
        st.success(f"已保存（批次 {batch}）。")


def main() -> None:
    routed()
    st.title("数据填报")
    st.caption("各部门每月填报实际数值：下载模板 → 填写 → 上传检查 → 预览 → 确认提交。")
    user = current_user()
    if user is None or not user.can_write:
        who = ("督查室账号负责审核和锁定，不能填报" if user.can_review else "当前账号只有查看权限") if user else "尚未登录"
        st.info(f"{who}：填报需要用填报员或管理员账号登录（左侧“登录”）。", icon=":material/lock:")
        st.caption(f"上传文件大小上限：{upload_limit_mb()} MB。")
        return
    year, month = _period()
    review.returned_notice(user, year, month)
    _template_section(user, year, month)
    _upload_section(user)
    _explanation_section(user, year, month)


main()

"""报告提取: an admin pastes or uploads a 政府工作报告 and gets draft indicators, projects and tasks to review."""

from __future__ import annotations

import streamlit as st

from components.auth import current_user
from components.extract import (
    cached_draft,
    render_downloads,
    render_editor,
    render_source,
    render_targets,
    render_text,
    render_year,
    reviewed_items,
)
from components.sidebar import routed
from tracker.extract.records import ITEM_KIND_NAMES


def main() -> None:
    routed()
    st.title("报告提取")
    st.caption("粘贴或上传政府工作报告，读出其中的指标、项目和任务草稿；逐条核对后写入目标，或下载为新事项文件夹。")
    user = current_user()
    if user is None or not user.is_admin:
        st.info("报告提取需要管理员账号，请在左侧登录。", icon=":material/lock:")
        return
    report = render_source()
    if report is None:
        return
    year = render_year(report)
    items = cached_draft(report.text, year)
    counts = "，".join(f"{name} {sum(1 for i in items if i.kind == kind)} 条" for kind, name in ITEM_KIND_NAMES.items())
    st.subheader(f"草稿：{len(items)} 条（{counts}）")
    st.caption("可直接修改表格；取消“采纳”或删除行即剔除，在表格末尾可补充漏掉的条目。置信度低于 0.5 的条目默认不采纳。")
    left, right = st.columns([2, 1], gap="medium")
    with left:
        edited = render_editor(items, key=f"extract_editor_{report.digest}_{year}")
    with right:
        render_text(report, items)
    accepted = reviewed_items(edited, items, year)
    st.subheader(f"采纳：{len(accepted)} 条")
    st.markdown("**已有指标的目标**（与“目标管理”上传相同的检查，写入后有记录、可撤销）")
    render_targets(accepted, user)
    st.markdown("**新事项**")
    render_downloads(accepted, year)


main()

"""Upload widgets shared by the 数据填报 and 目标管理 pages: size limit, issue lists, the old → new preview.

User text (file names, notes, cell contents in messages) is only ever shown through st.dataframe, st.text,
st.error/st.warning with plain strings, or markdown-escaped captions, never through unsafe_allow_html. Tables are
shown neutralised (``tracker.export.safe_frame``): their CSV download never holds a live formula.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from tracker import ingest, store, template
from tracker.auth import User
from tracker.export import safe_frame


def upload_limit_mb() -> int:
    return int(st.get_option("server.maxUploadSize"))


def escape_md(text: str) -> str:
    """Markdown-escape user text for captions and labels (no HTML is ever rendered from it)."""
    out = []
    for ch in str(text):
        out.append("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~$:" else ch)
    return "".join(out)


def too_large(size: int) -> str | None:
    limit = upload_limit_mb()
    if size > limit * 1024 * 1024:
        return f"文件大小为 {size / 1024 / 1024:.1f} MB，超过上限 {limit} MB，请拆分后分批上传。"
    return None


@st.cache_data(show_spinner=False, max_entries=32)
def _template(department: str, year: int, month: int, version: tuple) -> bytes:
    with store.connect() as con:
        return template.build_template(con, department, year, month)


def template_bytes(department: str, year: int, month: int) -> bytes:
    return _template(department, year, month, store.data_version())


def issues_frame(issues: list[ingest.Issue]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"工作表": i.sheet or "", "行": i.row, "列": i.column or "", "说明": i.message} for i in issues],
        columns=["工作表", "行", "列", "说明"],
    )


def render_issues(issues: list[ingest.Issue]) -> None:
    errors = [i for i in issues if i.level == "error"]
    warnings = [i for i in issues if i.level == "warning"]
    if errors:
        st.error(f"发现 {len(errors)} 处错误，整个文件未写入任何数据。请按下表修改后重新上传。", icon=":material/error:")
        st.dataframe(safe_frame(issues_frame(errors)), hide_index=True, width="stretch", key="upload_errors")
    if warnings:
        st.warning(f"{len(warnings)} 处提醒（不影响提交，请核实）：", icon=":material/warning:")
        st.dataframe(safe_frame(issues_frame(warnings)), hide_index=True, width="stretch", key="upload_warnings")


PREVIEW_COLUMNS = ["指标", "原数值", "新数值", "变化", "单位", "地点", "年", "月", "备注"]  # old → new first: a phone sees it


def preview_frame(report: ingest.Report) -> pd.DataFrame:
    p = report.preview
    if p.empty:
        return pd.DataFrame(columns=PREVIEW_COLUMNS)
    return pd.DataFrame(
        {
            "指标": p["metric_name"],
            "原数值": p["old_value"],
            "新数值": p["value"],
            "变化": p["change"],
            "单位": p["unit"],
            "地点": p["place_name"].map(lambda n: n if isinstance(n, str) and n else None),  # shown as "—"
            "年": p["year"],
            "月": p["month"],
            "备注": p["note"].fillna("") if "note" in p else "",
        }
    )[PREVIEW_COLUMNS]


def render_preview(report: ingest.Report) -> None:
    """The rows that change something first (old → new), then how many rows equal the current values."""
    frame = preview_frame(report)
    changed = frame[frame["变化"] != "不变"]
    same = len(frame) - len(changed)
    st.subheader("提交前预览：原数值 → 新数值")
    if changed.empty:
        st.caption("文件中没有与现有数值不同的行。")
    else:
        counts = changed["变化"].value_counts().to_dict()
        st.caption(f"新增 {counts.get('新增', 0)} 个，修改 {counts.get('修改', 0)} 个（原数值为“—”的是本月尚未填报的）：")
        st.dataframe(
            safe_frame(changed),
            hide_index=True,
            width="stretch",
            key="upload_preview",
            placeholder="—",
            column_config={
                "原数值": st.column_config.NumberColumn(format="%.2f", help="系统中的当前值；“—”为尚未填报"),
                "新数值": st.column_config.NumberColumn(format="%.2f"),
                "地点": st.column_config.TextColumn(help="“—”：全镇一个数，不分地点"),
                "年": st.column_config.NumberColumn(format="%d"),
            },
        )
    if same:
        st.caption(f"另有 {same} 行与现有数值相同，不会改动。")
    if report.explanations:
        st.caption(f"文件中包含 {len(report.explanations)} 条情况说明：")
        st.dataframe(
            safe_frame(pd.DataFrame([{"指标": e.name, "年": e.year, "月": e.month, "情况说明": e.text} for e in report.explanations])),
            hide_index=True,
            width="stretch",
        )
    if report.notes_needed and report.changes_anything:  # "提交后" only when a commit would write something
        st.warning(
            "以下指标提交后处于“滞后”或“预警”，还需要填写情况说明（原因和下一步措施）。可以先提交数值，稍后在本页下方补填：",
            icon=":material/edit_note:",
        )
        st.dataframe(
            pd.DataFrame([{"指标": n.name, "年": n.year, "月": n.month, "状态": n.status} for n in report.notes_needed]),
            hide_index=True,
            width="stretch",
        )


def file_key(user: User, name: str, data: bytes) -> str:
    return hashlib.sha256(f"{user.name}\0{name}\0".encode() + data).hexdigest()

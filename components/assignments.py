"""The 责任分工 table: every item of a year with its 牵头单位, 配合单位 and 责任领导, shown read-only or edited by an
admin; the edits come back as ``tracker.items.AssignmentChange`` rows for one batch."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st

from components.upload import too_large, upload_limit_mb
from tracker import auth, items, store
from tracker.auth import User
from tracker.export import safe_frame
from tracker.items import ITEM_KIND_NAMES, AssignmentChange, ItemRecord
from tracker.wording import NO_LEADER

COLUMNS = ["序号", "code", "事项", "类型", "牵头单位", "配合单位", "责任领导"]


def frame(items: Sequence[ItemRecord], departments: dict[str, str]) -> pd.DataFrame:
    """One row per item; 配合单位 as a list of department names, 责任领导 None until set."""
    rows = [
        {
            "序号": index,
            "code": i.code,
            "事项": i.name,
            "类型": ITEM_KIND_NAMES[i.kind],
            "牵头单位": departments.get(i.lead_department, i.lead_department),
            "配合单位": [departments.get(d, d) for d in i.support_departments],
            "责任领导": i.leader or None,  # None shows the editor's placeholder, 未设置
        }
        for index, i in enumerate(items, start=1)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def show(table: pd.DataFrame) -> None:
    """Read-only: 配合单位 joined with 、, an unset leader as 未设置."""
    view = table.assign(
        配合单位=table["配合单位"].map(lambda names: "、".join(names) or "—"),
        责任领导=table["责任领导"].map(lambda leader: leader or NO_LEADER),
    )
    st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        key="assignments_table",
        column_config={
            "code": None,
            "序号": st.column_config.NumberColumn("序号", width="small"),
            "事项": st.column_config.TextColumn("事项", width="medium", pinned=True),  # stays in view on a phone
        },
    )


def edit(table: pd.DataFrame, department_names: Sequence[str]) -> pd.DataFrame:
    """The editable table: 配合单位 picked from the departments, 责任领导 typed (empty = 未设置); the rest read-only."""
    return st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        height=640,
        placeholder=NO_LEADER,  # only 责任领导 has empty (None) cells
        key="assignments_editor",
        disabled=["序号", "code", "事项", "类型", "牵头单位"],
        column_config={
            "code": None,
            "序号": st.column_config.NumberColumn("序号", width="small"),
            "事项": st.column_config.TextColumn("事项", width="large", pinned=True),
            "配合单位": st.column_config.MultiselectColumn("配合单位", options=list(department_names), width="large"),
            "责任领导": st.column_config.TextColumn("责任领导", help="领导姓名或职务；留空即“未设置”", max_chars=60),
        },
    )


def _names(value: object) -> list[str]:
    """A 配合单位 cell as a list of names: the editor gives a list (or None); a pasted cell may be ``水务局、城建局``."""
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[、，,;；]", value) if v.strip()]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def changes(before: pd.DataFrame, after: pd.DataFrame) -> list[AssignmentChange]:
    """The rows whose 配合单位 or 责任领导 differ, as changes numbered by 序号."""
    out = []
    for old, new in zip(before.itertuples(index=False), after.itertuples(index=False), strict=True):
        leader = "" if new.责任领导 is None or pd.isna(new.责任领导) else str(new.责任领导).strip()
        support = _names(new.配合单位)
        if leader != (old.责任领导 or "") or support != list(old.配合单位):
            out.append(AssignmentChange(str(old.code), leader, support, row=int(old.序号)))
    return out


def list_csv(table: pd.DataFrame) -> bytes:
    """The table as the upload expects it (事项编码, 事项, 类型, 牵头单位, 配合单位, 责任领导), UTF-8 with BOM for Excel."""
    out = table.assign(配合单位=table["配合单位"].map("、".join), 责任领导=table["责任领导"].fillna(""))
    out = out.rename(columns={"code": "事项编码"})[["事项编码", "事项", "类型", "牵头单位", "配合单位", "责任领导"]]
    return safe_frame(out).to_csv(index=False).encode("utf-8-sig")


def render_upload(table: pd.DataFrame, year: int, user: User) -> None:
    """Download the list, edit it in Excel, upload it: the same checks and the same one batch as the table."""
    st.subheader("上传事项清单")
    st.caption(
        "列：事项编码，以及 配合单位 和/或 责任领导（其他列不读）；配合单位写部门名称，多个用“、”分隔；单元格留空即清除。"
        f".xlsx 或 .csv，不超过 {upload_limit_mb()} MB。"
    )
    st.download_button(
        "下载当前事项清单（CSV）", list_csv(table), file_name=f"事项清单_{year}.csv", mime="text/csv", key="assignments_list"
    )
    uploaded = st.file_uploader("选择事项清单文件", type=["xlsx", "csv"], key="assignments_file")
    if uploaded is None:
        return
    data = uploaded.getvalue()
    if message := too_large(len(data)):
        st.error(message)
        return
    if not st.button(f"按文件“{uploaded.name}”更新责任分工", type="primary", key="assignments_file_save"):
        return
    try:
        changes = items.parse_assignment_file(data, uploaded.name)
        batch = items.set_assignments(year, user, changes, file_name=uploaded.name, only_changed=True)
    except (items.ItemError, auth.PermissionDenied, store.StoreError) as exc:
        st.error("文件未导入，请修改后重新上传：\n\n" + "\n".join(f"- {line}" for line in str(exc).splitlines()))
        return
    if batch is None:
        st.info("文件中的责任分工与当前相同，没有修改。")
    else:
        st.success(f"已按文件更新责任分工（批次 {batch}，可在“上传记录”页撤销）。")

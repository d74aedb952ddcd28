"""Who answers for an item and what it last reported: the 重点工作 table and the 责任分工 table of 重点项目."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components.tables import REVIEW_COL, REVIEW_HELP
from tracker import review
from tracker.labels import status_label
from tracker.model import ProjectStatus, TaskStatus
from tracker.wording import NO_LEADER, source_text

__all__ = ["NO_LEADER"]

TASK_COLUMNS = {
    "code": None,
    "重点工作": st.column_config.TextColumn("重点工作", width="medium", pinned=True),
    "最新进展情况": st.column_config.TextColumn("最新进展情况", width="large"),
    "报告原文": st.column_config.TextColumn("报告原文", width="large", help="双击单元格可查看全文"),
    REVIEW_COL: st.column_config.TextColumn(REVIEW_COL, help=REVIEW_HELP),
}
ASSIGNMENT_COLUMNS = {
    "code": None,
    "项目": st.column_config.TextColumn("项目", width="medium", pinned=True),
    "最新进展情况": st.column_config.TextColumn("最新进展情况", width="large"),
    REVIEW_COL: st.column_config.TextColumn(REVIEW_COL, help=REVIEW_HELP),
}


def support_text(names: Sequence[str]) -> str:
    return "、".join(names) or "—"


def task_frame(tasks: Sequence[TaskStatus]) -> pd.DataFrame:
    rows = [
        {
            "code": t.code,
            "重点工作": t.name,
            "领域": t.area_name,
            "状态": status_label(t.status),
            "完成情况": t.self_assessment or "未填报",
            "牵头单位": t.department_name,
            "配合单位": support_text(t.support_department_names),
            "责任领导": t.leader or NO_LEADER,
            "最新进展情况": t.progress or "",
            "存在问题": t.problem or "",
            REVIEW_COL: review.mark(t.review),
            "报告原文": source_text(t),
        }
        for t in tasks
    ]
    columns = ["code", "重点工作", "领域", "状态", "完成情况", "牵头单位", "配合单位", "责任领导", "最新进展情况", "存在问题", REVIEW_COL,
               "报告原文"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def assignment_frame(projects: Sequence[ProjectStatus]) -> pd.DataFrame:
    """Lead and supporting departments, the leader in charge and the month's 进展情况 / 存在问题 of each project."""
    rows = [
        {
            "code": p.code,
            "项目": p.name,
            "牵头单位": p.department_name,
            "配合单位": support_text(p.support_department_names),
            "责任领导": p.leader or NO_LEADER,
            "最新进展情况": p.note or "",
            "存在问题": p.problem or "",
            REVIEW_COL: review.mark(p.review),
        }
        for p in projects
    ]
    return pd.DataFrame(rows, columns=["code", "项目", "牵头单位", "配合单位", "责任领导", "最新进展情况", "存在问题", REVIEW_COL])

"""Tables: plain DataFrames (easy to test) plus their ``column_config``, shown with ``st.dataframe``.

``st.dataframe`` renders cell text as text, so notes and names that came from uploads are safe here.
Status cells are coloured with a pandas Styler from the one palette and always carry symbol + text.

Downloads: Streamlit's table toolbar offers "Download as CSV" (and copy) of exactly what the grid holds, for
anonymous visitors too, and writes a note such as ``=cmd|' /C calc'!A0`` as a live formula. So every table is shown
neutralised (``tracker.export.safe_frame``): text starting with ``= + - @``, tab or CR gets a leading ``'``, as OWASP
advises, on screen and in the download; number and date columns stay numbers and dates. (Turning Streamlit's
export off, ``client.disableDataExport``, would also drop the grid's accessible copy that screen readers read.)
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from tracker.export import safe_frame
from tracker.labels import fmt_number, fmt_target, status_color, status_label, text_on_status
from tracker.model import DONE, LAGGING, NO_DATA, ON_TRACK, WARNING
from tracker.status import attention_items
from tracker.status import department_ranking as tracker_department_ranking

STATUS_COL = "状态"


def _when(text: str | None) -> str:
    # tracker.status renders a missing project timestamp as the string "NaT"; show it as no update.
    return "—" if not text or text == "NaT" else text


def _pct(value: float | None) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def indicator_frame(indicators: Sequence[dict], trends: dict[str, list[float]] | None = None) -> pd.DataFrame:
    """One row per indicator, columns in Chinese; numbers kept numeric so the columns sort correctly."""
    trends = trends or {}
    rows = [
        {
            "code": i.code,
            "指标": i.name,
            "目标": fmt_target(i.target, i.comparator, i.unit),
            "完成值": fmt_number(i.value, i.unit),
            "完成率": _pct(i.completion),
            "序时进度": _pct(i.time_progress),
            "差距": i.gap_pp,
            STATUS_COL: status_label(i.status),
            "预计全年": _pct(i.forecast),
            "责任部门": i.department_name,
            "走势": trends.get(i.code, []),
            "更新时间": _when(i.last_update),
        }
        for i in indicators
    ]
    # Status and completion right after the name: on a 1366-px laptop they must not scroll out of sight.
    columns = ["code", "指标", STATUS_COL, "完成率", "序时进度", "差距", "目标", "完成值", "预计全年", "责任部门", "走势", "更新时间"]
    return pd.DataFrame(rows, columns=columns)


INDICATOR_COLUMNS = {
    "code": None,
    "指标": st.column_config.TextColumn("指标", width="medium", pinned=True),
    "目标": st.column_config.TextColumn("全年目标"),
    "完成值": st.column_config.TextColumn("完成值", help="累计类指标为年初至今累计，其余为最近一期数值"),
    "完成率": st.column_config.ProgressColumn("完成率", format="%.1f%%", min_value=0, max_value=100),
    "序时进度": st.column_config.NumberColumn("序时进度", format="%.1f%%"),
    "差距": st.column_config.NumberColumn("落后序时（百分点）", format="%.1f", help="序时进度减完成率，正数表示落后"),
    STATUS_COL: st.column_config.TextColumn("状态"),
    "预计全年": st.column_config.NumberColumn("预计全年", format="%.1f%%", help="按当前进度推算的全年完成率"),
    "责任部门": st.column_config.TextColumn("责任部门"),
    "走势": st.column_config.LineChartColumn("走势", width="small", help="年初至今逐月累计值（水平类指标为逐月数值）"),
    "更新时间": st.column_config.TextColumn("更新时间"),
}


def _status_css(text: str) -> str:
    for status in (DONE, ON_TRACK, WARNING, LAGGING, NO_DATA):
        if isinstance(text, str) and text.endswith(status):
            fg = text_on_status(status)
            bg = "#E6E6E6" if status == NO_DATA else status_color(status)
            return f"background-color: {bg}; color: {fg}; font-weight: 600"
    return ""


def styled(frame: pd.DataFrame, column: str = STATUS_COL):
    """Colour the status column with the shared palette (the symbol and text stay)."""
    if column not in frame.columns or frame.empty:
        return frame
    return frame.style.map(_status_css, subset=[column])


def project_frame(projects: Sequence[dict]) -> pd.DataFrame:
    rows = [
        {
            "code": p.code,
            "项目": p.name,
            "领域": p.area_name,
            "年度节点": p.milestone,
            "计划节点": p.planned_stage,
            "实际节点": p.stage or "未填报",
            "完成百分比": p.percent,
            STATUS_COL: status_label(p.status),
            "责任部门": p.department_name,
            "更新时间": _when(p.last_update),
            "进展说明": p.note or "",
            "报告原文": p.source,
        }
        for p in projects
    ]
    columns = [
        "code",
        "项目",
        "领域",
        "年度节点",
        "计划节点",
        "实际节点",
        "完成百分比",
        STATUS_COL,
        "责任部门",
        "更新时间",
        "进展说明",
        "报告原文",
    ]
    return pd.DataFrame(rows, columns=columns)


PROJECT_COLUMNS = {
    "code": None,
    "项目": st.column_config.TextColumn("项目", width="medium", pinned=True),
    "完成百分比": st.column_config.ProgressColumn("完成", format="%.0f%%", min_value=0, max_value=100),
    "进展说明": st.column_config.TextColumn("进展说明", width="medium"),
    "报告原文": st.column_config.TextColumn("报告原文", width="large", help="双击单元格可查看全文"),
}


def attention_frame(status: dict, statuses: tuple[str, ...] = (LAGGING, WARNING)) -> pd.DataFrame:
    """Indicators and projects at 滞后 or 预警, in the order ``tracker.status.attention_items`` gives."""
    rows = [
        {
            "类型": "指标" if item.item_type == "indicator" else "项目",
            "事项": item.name,
            "领域": item.area_name,
            STATUS_COL: status_label(item.status),
            "落后序时": item.gap_pp,
            "责任部门": item.department_name,
            "更新时间": _when(item.last_update),
        }
        for item in attention_items(status, statuses)
    ]
    return pd.DataFrame(rows, columns=["类型", "事项", "领域", STATUS_COL, "落后序时", "责任部门", "更新时间"])


ATTENTION_COLUMNS = {
    "事项": st.column_config.TextColumn("事项", width="large"),
    "落后序时": st.column_config.NumberColumn("落后序时（百分点）", format="%.1f", help="序时进度减完成率；项目为计划完成百分比减实际"),
}


def department_ranking(status: dict) -> pd.DataFrame:
    """Departments ranked by share of items on track (``tracker.status.department_ranking``)."""
    rows = [
        {
            "责任部门": r["department"],
            "事项数": r["items"],
            "正常或已完成": r["on_track"],
            "预警": r[WARNING],
            "滞后": r[LAGGING],
            "未填报": r[NO_DATA],
            "正常率": round(r["share"] * 100, 1),
        }
        for r in tracker_department_ranking(status)
    ]
    frame = pd.DataFrame(rows, columns=["责任部门", "事项数", "正常或已完成", "预警", "滞后", "未填报", "正常率"])
    frame.insert(0, "排名", range(1, len(frame) + 1))
    return frame


DEPARTMENT_COLUMNS = {
    "排名": st.column_config.NumberColumn("排名", width="small"),
    "正常率": st.column_config.ProgressColumn("进度正常率", format="%.0f%%", min_value=0, max_value=100),
    "预警": st.column_config.NumberColumn("▲ 预警"),
    "滞后": st.column_config.NumberColumn("✖ 滞后"),
    "未填报": st.column_config.NumberColumn("○ 未填报"),
}


def lineage_frame(lineage: pd.DataFrame) -> pd.DataFrame:
    """Where each month's figure came from, in Chinese columns (text shown as text, never as HTML)."""
    frame = pd.DataFrame(
        {
            "月份": [f"{int(m)}月" for m in lineage["month"]],
            "填报项": lineage["metric_name"],
            "地点": lineage["place_name"].fillna("—") if "place_name" in lineage else "—",
            "数值": lineage["value"],
            "备注": lineage["note"].fillna(""),
            "批次": lineage["batch_id"],
            "填报人": lineage["user_name"],
            "填报时间": lineage["created_at"],
            "演示数据": ["是" if d else "否" for d in lineage["demo"]],
        }
    )
    return frame


LINEAGE_COLUMNS = {
    "数值": st.column_config.NumberColumn("数值", format="localized"),
    "批次": st.column_config.NumberColumn("批次号", format="%d"),
    "填报时间": st.column_config.DatetimeColumn("填报时间", format="YYYY-MM-DD HH:mm"),
    "备注": st.column_config.TextColumn("备注", width="large"),
}


def fit_height(frame: pd.DataFrame, row_height: int = 38, most: int = 40) -> int:
    """A height showing every row (up to ``most``) without an inner scrollbar: a projector cannot scroll."""
    return (min(len(frame), most) + 1) * row_height + 3


def show(frame: pd.DataFrame, column_config: dict, key: str, *, row_height: int = 38, **kwargs):
    """``st.dataframe`` with text neutralised for its CSV download, the status column coloured, no index, and every
    row visible."""
    return st.dataframe(
        styled(safe_frame(frame)),
        hide_index=True,
        column_config=column_config,
        key=key,
        row_height=row_height,
        height=fit_height(frame, row_height),
        **kwargs,
    )

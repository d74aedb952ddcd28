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

from tracker import review, wording
from tracker.escalation import escalated_first
from tracker.export import safe_frame
from tracker.labels import fmt_number, status_color, status_label, text_on_status
from tracker.model import DONE, LAGGING, NO_DATA, NOT_DONE, ON_TRACK, WARNING, IndicatorStatus, Item, MonthStatus, attention_items
from tracker.model import department_ranking as tracker_department_ranking

STATUS_COL = "状态"
REVIEW_COL = "审核"
REVIEW_HELP = "督查室对该部门本月填报的审核：未审核的数值照常显示；已退回表示部门正在修改；“—”：本月尚未填报"


def when_text(text: str | None) -> str:
    # tracker.status renders a missing project timestamp as the string "NaT"; show it as no update.
    return "—" if not text or text == "NaT" else text


def _pct(value: float | None) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def indicator_frame(indicators: Sequence[IndicatorStatus], month: int, trends: dict[str, list[float]] | None = None) -> pd.DataFrame:
    """One row per indicator, columns in Chinese; numbers kept numeric so the columns sort correctly."""
    trends = trends or {}
    rows = [
        {
            "code": i.code,
            "指标": i.name,
            "目标": wording.target_text(i),
            "完成值": wording.value_text(i, month),
            "上年末": fmt_number(i.base, i.unit) if i.kind != "cumulative" else "—",
            "上年同期": fmt_number(i.last_year, i.unit),
            "口径": i.measure,
            "完成率": _pct(i.completion),
            "序时进度": _pct(i.time_progress),
            "差距": i.gap_pp,
            STATUS_COL: status_label(i.status),
            "预计全年": _pct(i.forecast),
            "责任部门": i.department_name,
            "走势": trends.get(i.code, []),
            "更新时间": when_text(i.last_update),
            REVIEW_COL: review.mark(i.review),
            "报告原文": i.source,
        }
        for i in indicators
    ]
    # Status and completion right after the name: on a 1366-px laptop they must not scroll out of sight.
    columns = ["code", "指标", STATUS_COL, "完成率", "口径", "序时进度", "差距", "目标", "完成值", "上年末", "上年同期", "预计全年",
               "责任部门", "走势", "更新时间", REVIEW_COL, "报告原文"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


INDICATOR_COLUMNS = {
    "code": None,
    "指标": st.column_config.TextColumn("指标", width="medium", pinned=True),
    "目标": st.column_config.TextColumn("全年目标", help="括号内为报告原文的措辞：力争、确保、约（约数按目标的95%计为完成）"),
    "完成值": st.column_config.TextColumn("完成值", help="累计类指标为年初至今累计，其余为最近一期数值；非本月的数值注明月份"),
    "上年末": st.column_config.TextColumn("上年末", help="时点指标上年12月的数值，较上年末进度由此起算；累计类指标不适用（—）"),
    "上年同期": st.column_config.TextColumn("上年同期", help="上年同月的数值（累计类指标为上年1月至同月累计）；“—”表示上年未填报"),
    "口径": st.column_config.TextColumn(
        "完成率口径", help="完成率：累计值÷目标；较上年末进度：（当前值−上年末）÷（目标−上年末）；对照目标值：须每月保持的指标"
    ),
    "完成率": st.column_config.ProgressColumn(
        "完成率", format="%.1f%%", min_value=0, max_value=100, help="“—”：尚无填报数据，或未设目标值"
    ),
    "序时进度": st.column_config.NumberColumn("序时进度", format="%.1f%%", help="“—”：须每月保持的指标不按序时进度考核"),
    "差距": st.column_config.NumberColumn(
        "差距（百分点）",
        format="%.1f",
        help="正数表示落后：按序时进度考核的指标为序时进度减完成率，须每月保持的指标为目标值减当前值；“—”：尚无数据，无法比较",
    ),
    STATUS_COL: st.column_config.TextColumn("状态"),
    "预计全年": st.column_config.NumberColumn(
        "预计全年",
        format="%.1f%%",
        help="按当前进度推算的全年完成率；“—”：尚无数据、时点指标未满3个月，或须每月保持的指标（不推算）",
    ),
    "责任部门": st.column_config.TextColumn("责任部门"),
    "走势": st.column_config.LineChartColumn("走势", width="small", help="年初至今逐月累计值（时点指标为逐月数值）"),
    "更新时间": st.column_config.TextColumn("更新时间", help="最近一次填报的时间；“—”：尚未填报"),
    REVIEW_COL: st.column_config.TextColumn("审核", help=REVIEW_HELP),
    "报告原文": st.column_config.TextColumn("报告原文", width="large", help="政府工作报告中的原句"),
}


def tracked_frame(tracked: Sequence[IndicatorStatus], month: int) -> pd.DataFrame:
    """Multi-year goals and commitments without a number: value, change on last year, and why they are apart."""
    rows = [
        {
            "code": i.code,
            "指标": i.name,
            STATUS_COL: status_label(i.status),
            "目标": wording.target_text(i),
            "完成值": wording.value_text(i, month),
            "上年同期": fmt_number(i.last_year, i.unit),
            "责任部门": i.department_name,
            "报告原文": i.source,
        }
        for i in tracked
    ]
    return pd.DataFrame(rows, columns=["code", "指标", STATUS_COL, "目标", "完成值", "上年同期", "责任部门", "报告原文"])


TRACKED_COLUMNS = {
    "code": None,
    "指标": st.column_config.TextColumn("指标", width="medium", pinned=True),
    STATUS_COL: st.column_config.TextColumn("状态", help="正常：不低于上年同期；预警：低于上年同期"),
    "目标": st.column_config.TextColumn("目标"),
    "完成值": st.column_config.TextColumn("当前值"),
    "上年同期": st.column_config.TextColumn("上年同期"),
    "责任部门": st.column_config.TextColumn("责任部门"),
    "报告原文": st.column_config.TextColumn("报告原文", width="large"),
}


def _status_css(text: str) -> str:
    for status in (DONE, ON_TRACK, WARNING, LAGGING, NOT_DONE, NO_DATA):
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
            "更新时间": when_text(p.last_update),
            "进展说明": p.note or "",
            "报告原文": wording.source_text(p),
        }
        for p in projects
    ]
    # Status right after the name, as in the indicator table: on a phone the first columns are what is seen.
    columns = [
        "code",
        "项目",
        STATUS_COL,
        "领域",
        "年度节点",
        "计划节点",
        "实际节点",
        "完成百分比",
        "责任部门",
        "更新时间",
        "进展说明",
        "报告原文",
    ]
    return pd.DataFrame(rows, columns=columns)


PROJECT_COLUMNS = {
    "code": None,
    "项目": st.column_config.TextColumn("项目", width="medium", pinned=True),
    "完成百分比": st.column_config.ProgressColumn(
        "完成", format="%.0f%%", min_value=0, max_value=100, help="形象进度；“—”：未填报，或前期工作不按百分比计"
    ),
    "更新时间": st.column_config.TextColumn("更新时间", help="最近一次填报的时间；“—”：尚未填报"),
    "进展说明": st.column_config.TextColumn("进展说明", width="medium"),
    "报告原文": st.column_config.TextColumn("报告原文", width="large", help="双击单元格可查看全文"),
}


def attention_frame(status: MonthStatus) -> pd.DataFrame:
    """未完成, 滞后 and 预警 items, in the order ``tracker.model.attention_items`` gives, with the gap in words."""
    rows = [
        {
            "类型": "指标" if item.item_type == "indicator" else "项目",
            "事项": item.name,
            "领域": item.area_name,
            STATUS_COL: status_label(item.status),
            "差距": _gap_words(item),
            "责任部门": item.department_name,
            "更新时间": when_text(item.last_update),
            REVIEW_COL: review.mark(item.review),
            "报告原文": wording.source_text(item),
        }
        | {"升级督办": f"{item.escalation}（连续{item.consecutive_lagging}个月滞后）" if item.escalation else "—"}
        for item in escalated_first(attention_items(status))
    ]
    columns = ["类型", "事项", "领域", STATUS_COL, "升级督办", "差距", "责任部门", "更新时间", REVIEW_COL, "报告原文"]
    return pd.DataFrame(rows, columns=columns)


def _gap_words(item: Item) -> str:
    if isinstance(item, IndicatorStatus):
        return wording.gap_text(item) or wording.progress_text(item)
    if item.gap_pp is None:
        return f"计划{item.planned_stage}，实际{item.stage or '未填报'}"
    return f"低于计划进度{item.gap_pp:.1f}个百分点" if item.gap_pp > 0 else f"计划{item.planned_stage}，实际{item.stage or '未填报'}"


ATTENTION_COLUMNS = {
    "事项": st.column_config.TextColumn("事项", width="large"),
    "升级督办": st.column_config.TextColumn("升级督办", help="连续滞后月数达到升级条件（设置：连续2个月督办单、3个月约谈），排在最前"),
    "差距": st.column_config.TextColumn("差距", help="指标：对照序时进度或目标值；项目：对照计划节点和计划进度"),
    "更新时间": st.column_config.TextColumn("更新时间", help="最近一次填报的时间；“—”：尚未填报"),
    REVIEW_COL: st.column_config.TextColumn("审核", help=REVIEW_HELP),
    "报告原文": st.column_config.TextColumn("报告原文", width="large", help="政府工作报告中的原句；双击单元格可查看全文"),
}


def department_ranking(status: MonthStatus) -> pd.DataFrame:
    """Departments ranked by share of items on track (``tracker.model.department_ranking``)."""
    rows = [
        {
            "责任部门": r["department"],
            "事项数": r["items"],
            "正常或已完成": r["on_track"],
            "预警": r[WARNING],
            "滞后": r[LAGGING],
            "未完成": r[NOT_DONE],
            "未填报": r[NO_DATA],
            "正常率": round(r["share"] * 100, 1),
        }
        for r in tracker_department_ranking(status)
    ]
    # The share the ranking is by right after the name: on a phone the first columns are what is seen.
    columns = ["责任部门", "正常率", "事项数", "正常或已完成", "预警", "滞后", "未完成", "未填报"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.drop(columns=[c for c in ("预警", "滞后", "未完成") if not frame[c].any()]) if not frame.empty else frame
    frame.insert(0, "排名", range(1, len(frame) + 1))
    return frame


DEPARTMENT_COLUMNS = {
    "排名": st.column_config.NumberColumn("排名", width="small"),
    "正常率": st.column_config.ProgressColumn("进度正常率", format="%.0f%%", min_value=0, max_value=100, width="small"),
    "预警": st.column_config.NumberColumn("▲ 预警"),
    "滞后": st.column_config.NumberColumn("✖ 滞后"),
    "未完成": st.column_config.NumberColumn("✘ 未完成"),
    "未填报": st.column_config.NumberColumn("○ 未填报"),
}


DEMO_USER_PREFIX = "演示-"  # the demo batches' user: 演示-<department code> (tracker.db)
SYSTEM_USER = "system"  # the seed batch (targets from the report)


def uploader_name(user: str | None, departments: dict[str, str] | None = None) -> str:
    """A batch's user as a reader says it: ``演示-econ`` is 演示数据（经济发展和科技统计局）, ``system`` is 系统初始数据."""
    if not user:
        return "—"
    if user.startswith(DEMO_USER_PREFIX):
        code = user.removeprefix(DEMO_USER_PREFIX)
        return f"演示数据（{(departments or {}).get(code, code)}）"
    return "系统初始数据" if user == SYSTEM_USER else user


def lineage_frame(lineage: pd.DataFrame, departments: dict[str, str] | None = None) -> pd.DataFrame:
    """Where each month's figure came from, in Chinese columns (text shown as text, never as HTML)."""
    frame = pd.DataFrame(
        {
            "月份": [f"{int(m)}月" for m in lineage["month"]],
            "填报项": lineage["metric_name"],
            "地点": lineage["place_name"].fillna("—") if "place_name" in lineage else "—",
            "数值": lineage["value"],
            "备注": lineage["note"].fillna(""),
            "批次": lineage["batch_id"],
            "填报人": [uploader_name(u, departments) for u in lineage["user_name"]],
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


EMPTY_CELL = "—"  # what an empty cell shows (Streamlit's default is "None"); each column's help says what it means


def show(frame: pd.DataFrame, column_config: dict, key: str, *, row_height: int = 38, **kwargs):
    """``st.dataframe`` with text neutralised for its CSV download, the status column coloured, no index, every row
    visible and "—" in empty cells. A table without rows is a line of text instead (Streamlit would draw an empty
    grid saying "empty")."""
    if frame.empty:
        st.caption("暂无数据。")
        return None
    return st.dataframe(
        styled(safe_frame(frame)),
        hide_index=True,
        column_config=column_config,
        key=key,
        row_height=row_height,
        height=fit_height(frame, row_height),
        placeholder=EMPTY_CELL,
        **kwargs,
    )

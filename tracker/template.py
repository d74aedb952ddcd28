"""The monthly Excel template for one department and month: what staff download, fill and upload again.

Sheet 填报: one row per metric (and per place for per-place metrics) with code, name, unit, place, last
month's value and the year's target; the value and note cells are the only unlocked cells (sheet protection
without a password: it prevents accidents, not intent), and the value cells only take numbers. Where the month
already has a current figure, its value and note are prefilled on a grey fill and column 填报情况 says
"已填报的当前值": a filled template uploaded again changes only what staff changed (equal rows are no new version).
Sheet 情况说明: one row per indicator of the department, for the cause and next steps where it lags.
Sheet 项目: the department's projects (it leads them) with the planned stage and last month's report to see; to fill:
阶段, 形象进度, 进展情况, 存在问题. Sheet 任务: its tasks; to fill: 进展情况, 完成情况, 存在问题
(``tracker.ingest.progress`` reads both).
"""

from __future__ import annotations

import io
from datetime import datetime

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from tracker import towns
from tracker.errors import Refusal
from tracker.indicators import registry
from tracker.ingest import place_kinds
from tracker.labels import COMPARATOR_NAMES
from tracker.model import SELF_ASSESSMENTS, STAGES

HEADERS = ["指标编码", "指标名称", "单位", "地点编码", "地点名称", "年", "月", "上月数值", "全年目标", "数值", "备注", "填报情况"]
VALUE_COL, NOTE_COL, STATE_COL = "J", "K", "L"
CURRENT_MARK = "已填报的当前值"  # column 填报情况 of a prefilled row
NOTE_HEADERS = ["指标编码", "指标名称", "年", "月", "上月状态", "情况说明"]
HEADER_ROW = 3
_HEAD_FILL = PatternFill("solid", fgColor="0F4C81")
_INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
_CURRENT_FILL = PatternFill("solid", fgColor="E3E6EA")  # a value already reported for the month (still editable)


class TemplateError(Refusal, ValueError):
    """Unknown department or a bad month (message in Chinese)."""


def _targets(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, str]:
    """Metric code → the target text of the indicator(s) built on it."""
    rows = con.execute("select indicator, value, comparator from target_current where year = ?", [year]).fetchall()
    by_indicator = {i: (v, c) for i, v, c in rows}
    out: dict[str, list[str]] = {}
    for code, ind in registry().items():
        if code not in by_indicator:
            continue
        value, comparator = by_indicator[code]
        text = "按上年水平" if value is None else f"{COMPARATOR_NAMES.get(comparator, comparator)}{value:g}{ind.unit}"
        for metric in ind.metrics:
            out.setdefault(metric, []).append(text if len(ind.metrics) == 1 else f"{ind.name}：{text}")
    return {m: "；".join(t) for m, t in out.items()}


def build_template(con: duckdb.DuckDBPyConnection, department: str, year: int, month: int) -> bytes:
    dept = con.execute("select name from department where code = ?", [department]).fetchone()
    if dept is None:
        raise TemplateError(f"部门编码“{department}”不存在。")
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise TemplateError("年份或月份不正确（月份为 1 到 12）。")
    metrics = con.execute(
        "select code, name, unit, per_place, place_kind, min_value from metric where department = ? order by code", [department]
    ).fetchall()
    places = con.execute("select code, name, kind from place order by code").fetchall()
    prev_year, prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    last = {
        (m, p): v
        for m, p, v in con.execute(
            "select metric, place, value from figure_current where year = ? and month = ?", [prev_year, prev_month]
        ).fetchall()
    }
    current = {
        (m, p): (v, n, bool(d))
        for m, p, v, n, d in con.execute(
            "select metric, place, value, note, demo from figure_current where year = ? and month = ?", [year, month]
        ).fetchall()
    }
    targets = _targets(con, year)

    book = Workbook()
    ws = book.active
    ws.title = "填报"
    ws["A1"] = f"{towns.name()} {year}年{month}月 月度数据填报表 —— {dept[0]}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "只填“数值”和“备注”两列（黄色为待填，灰色为本月已填报的当前值，需要更正时直接改写），其他列请勿修改；"
        f"未发生的填 0，没有数据的留空。未改动的行上传后不会重复记录。生成于 {datetime.now():%Y-%m-%d %H:%M}"
    )
    ws["A2"].font = Font(color="666666")
    for col, name in enumerate(HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, col, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
    row = HEADER_ROW + 1
    for code, name, unit, per_place, place_kind, _min in metrics:
        targets_text = targets.get(code, "")
        kinds = place_kinds(place_kind)
        for place, place_name in [(p, n) for p, n, k in places if k in kinds] if per_place else [(None, "")]:
            value, note, demo = current.get((code, place), (None, None, False))
            state = (CURRENT_MARK + ("（演示数据）" if demo else "")) if value is not None else None
            values = [code, name, unit, place or "", place_name, year, month, last.get((code, place)), targets_text, value, note, state]
            for col, cell_value in enumerate(values, start=1):
                ws.cell(row, col, cell_value)
            for letter in (VALUE_COL, NOTE_COL):
                ws[f"{letter}{row}"].protection = Protection(locked=False)
                ws[f"{letter}{row}"].fill = _CURRENT_FILL if value is not None else _INPUT_FILL
            if value is not None:
                ws[f"{STATE_COL}{row}"].font = Font(color="666666")
            row += 1
    last_row = max(row - 1, HEADER_ROW + 1)
    check = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1E+15",
        formula2="1E+15",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="只能填数字",
        error="“数值”列只能填写数字（不要带单位或文字），没有数据请留空。",
    )
    check.add(f"{VALUE_COL}{HEADER_ROW + 1}:{VALUE_COL}{last_row}")
    ws.add_data_validation(check)
    for letter, width in zip("ABCDEFGHIJKL", (26, 34, 7, 14, 18, 7, 5, 11, 22, 12, 30, 24), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True  # locked cells stay locked; value and note cells were unlocked above
    ws.protection.formatColumns = False  # staff may still widen columns

    notes = book.create_sheet("情况说明")
    notes["A1"] = "指标处于“滞后”或“预警”时，请写明原因和下一步措施（可以稍后在系统页面补填，不影响数值提交）。"
    notes["A1"].font = Font(color="666666")
    for col, name in enumerate(NOTE_HEADERS, start=1):
        cell = notes.cell(HEADER_ROW, col, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD_FILL
    status_by_code = _last_status(con, prev_year, prev_month)
    r = HEADER_ROW + 1
    for code, ind in sorted(registry().items()):
        if ind.department != department:
            continue
        for col, value in enumerate([code, ind.name, year, month, status_by_code.get(code, ""), None], start=1):
            notes.cell(r, col, value)
        notes[f"F{r}"].protection = Protection(locked=False)
        notes[f"F{r}"].fill = _INPUT_FILL
        notes[f"F{r}"].alignment = Alignment(wrap_text=True)
        r += 1
    for letter, width in zip("ABCDEF", (26, 30, 7, 5, 10, 70), strict=True):
        notes.column_dimensions[letter].width = width
    notes.protection.sheet = True
    _project_sheet(book, con, department, year, month, prev_year, prev_month)
    _task_sheet(book, con, department, year, month, prev_year, prev_month)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _last_status(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[str, str]:
    from tracker import status

    try:
        return {i.code: i.status or "" for i in status.indicator_status(con, year, month)}
    except duckdb.Error:
        return {}


PROJECT_HEADERS = [
    "项目编码",
    "项目名称",
    "本月计划阶段",
    "上月阶段",
    "上月形象进度",
    "年",
    "月",
    "阶段",
    "形象进度（%）",
    "进展情况",
    "存在问题",
]
TASK_HEADERS = ["事项编码", "事项名称", "上月完成情况", "上月进展情况", "年", "月", "进展情况", "完成情况", "存在问题"]


def _heading(ws, headers: list[str], hint: str) -> None:  # noqa: ANN001 - an openpyxl worksheet
    ws["A1"] = hint
    ws["A1"].font = Font(color="666666")
    for col, name in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, col, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD_FILL


def _unlock(ws, row: int, letters: str) -> None:  # noqa: ANN001
    for letter in letters:
        ws[f"{letter}{row}"].protection = Protection(locked=False)
        ws[f"{letter}{row}"].fill = _INPUT_FILL


def _project_sheet(book: Workbook, con: duckdb.DuckDBPyConnection, department: str, year: int, month: int, prev_year: int,
                   prev_month: int) -> None:  # fmt: skip
    from tracker.progress import planned_stage

    rows = con.execute(
        "select p.code, p.name, p.target_stage, c.start_month, c.finish_month, l.stage, l.percent from project p "
        "join project_plan_current c on c.project = p.code and c.year = p.year "
        "left join project_progress_latest l on l.project = p.code and l.year = ? and l.month = ? "
        "where p.department = ? and p.year = ? order by p.code",
        [prev_year, prev_month, department, year],
    ).fetchall()
    ws = book.create_sheet("项目")
    _heading(
        ws,
        PROJECT_HEADERS,
        "本部门牵头的重点项目：只填黄色的阶段、形象进度、进展情况、存在问题；形象进度低于上月时请在“存在问题”中说明原因。",
    )
    for r, (code, name, target, start, finish, stage, percent) in enumerate(rows, start=HEADER_ROW + 1):
        values = [code, name, planned_stage(month, target, start, finish), stage, percent, year, month]
        for col, value in enumerate(values, start=1):
            ws.cell(r, col, value)
        _unlock(ws, r, "HIJK")
    last = max(HEADER_ROW + len(rows), HEADER_ROW + 1)
    stages = DataValidation(type="list", formula1='"' + ",".join(STAGES) + '"', allow_blank=True, showErrorMessage=True,
                            errorTitle="阶段", error="请从下拉列表选择阶段。")  # fmt: skip
    stages.add(f"H{HEADER_ROW + 1}:H{last}")
    percent_check = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                                   showErrorMessage=True, errorTitle="形象进度", error="形象进度填 0 到 100 之间的数字。")  # fmt: skip
    percent_check.add(f"I{HEADER_ROW + 1}:I{last}")
    ws.add_data_validation(stages)
    ws.add_data_validation(percent_check)
    for letter, width in zip("ABCDEFGHIJK", (18, 34, 12, 9, 12, 7, 5, 9, 12, 40, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True


def _task_sheet(book: Workbook, con: duckdb.DuckDBPyConnection, department: str, year: int, month: int, prev_year: int,
                prev_month: int) -> None:  # fmt: skip
    rows = con.execute(
        "select t.code, t.name, l.self_assessment, l.progress from task t "
        "left join task_progress_latest l on l.task = t.code and l.year = ? and l.month = ? "
        "where t.department = ? and t.year = ? order by t.code",
        [prev_year, prev_month, department, year],
    ).fetchall()
    ws = book.create_sheet("任务")
    _heading(ws, TASK_HEADERS, "本部门牵头的重点工作：只填黄色的进展情况、完成情况、存在问题；“已完成”或“滞后”时进展情况必填。")
    for r, (code, name, assessment, progress_text) in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate([code, name, assessment, progress_text, year, month], start=1):
            ws.cell(r, col, value)
        _unlock(ws, r, "GHI")
    last = max(HEADER_ROW + len(rows), HEADER_ROW + 1)
    choice = DataValidation(type="list", formula1='"' + ",".join(SELF_ASSESSMENTS) + '"', allow_blank=True, showErrorMessage=True,
                            errorTitle="完成情况", error="请从下拉列表选择：已完成、正常推进、滞后。")  # fmt: skip
    choice.add(f"H{HEADER_ROW + 1}:H{last}")
    ws.add_data_validation(choice)
    for letter, width in zip("ABCDEFGHI", (22, 40, 12, 30, 7, 5, 40, 10, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True

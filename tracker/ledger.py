"""督办台账: one row per item (indicators, projects, tasks, tracked goals) with who answers for it, its progress,
its status, its 督办事项 and whether they are closed (销号), as an .xlsx for printing (openpyxl, no streamlit).

Formula-like text stays text (``tracker.export.write_text``); 责任领导 not set reads 未设置, never a guessed name.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tracker import actions, store, supervision, towns
from tracker import status as status_mod
from tracker.actions import Action
from tracker.export import write_text
from tracker.labels import DEMO_NOTICE, status_color, status_label, text_on_status
from tracker.model import NO_DATA, AnyItem, MonthStatus, ProjectStatus, TaskStatus

HEADER = ("序号", "任务", "责任领导", "牵头单位", "配合单位", "时限", "进展情况", "状态", "督办事项", "是否销号")
WIDTHS = (6, 36, 12, 14, 18, 12, 50, 16, 44, 10)
CLOSED, NOT_CLOSED, NONE = "已销号", "未销号", "—"
HEADER_FILL = "0F4C81"
_THIN = Side(style="thin", color="B0B8C1")
_BOX = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)


def deadline_text(item: AnyItem, year: int) -> str:
    month = item.deadline_month if isinstance(item, (TaskStatus, ProjectStatus)) else 12
    return f"{year}年{month}月底"


def state_text(item: AnyItem) -> str:
    """``滞后`` / ``滞后（连续3个月，约谈）``."""
    label = status_label(item.status)
    return f"{label}（连续{item.consecutive_lagging}个月，{item.escalation}）" if item.escalation else label


def actions_text(listed: Sequence[Action]) -> str:
    return "\n".join(f"{n}. {a.text}（时限{a.due.isoformat()}，{a.status}）" for n, a in enumerate(listed, start=1)) or NONE


def closed_text(listed: Sequence[Action]) -> str:
    if not listed:
        return NONE
    return CLOSED if all(not a.is_open for a in listed) else NOT_CLOSED


def rows(report: MonthStatus, listed: Sequence[Action]) -> list[list[object]]:
    """The 台账's rows: every item of the month, the actions that arose up to the month (in their state now)."""
    upto = [a for a in listed if (a.year, a.month) <= (report.year, report.month)]
    out: list[list[object]] = []
    for number, item in enumerate([*report.all_items, *report.tracked], start=1):
        mine = [a for a in upto if a.item == item.code]
        notes = [f"{a.progress[-1].text}（{a.progress[-1].at:%m-%d}）" for a in mine if a.progress]
        facts = supervision.item_facts(item, report.month)
        out.append([
            number, f"【{supervision.kind_name(item)}】{item.name}", supervision.leader_text(item.leader), item.department_name,
            "、".join(item.support_department_names) or NONE, deadline_text(item, report.year),
            "\n".join([facts, *(f"督办进展：{n}" for n in notes)]), state_text(item), actions_text(mine), closed_text(mine),
        ])  # fmt: skip
    return out


def ledger_xlsx(report: MonthStatus, listed: Sequence[Action]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{report.year}年{report.month}月督办台账"[:31]
    last = get_column_letter(len(HEADER))
    ws.append([f"{towns.name()}{report.year}年政府工作报告重点任务督办台账　截至{report.year}年{report.month}月"])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(size=16, bold=True)
    ws.row_dimensions[1].height = 28
    if report.demo:
        ws.append([f"【{DEMO_NOTICE}】"])
        ws.merge_cells(f"A2:{last}2")
        ws["A2"].font = Font(color="B3261E", bold=True)
    ws.append(list(HEADER))
    header_row = ws.max_row
    for col, width in enumerate(WIDTHS, start=1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
        ws.column_dimensions[get_column_letter(col)].width = width
    items = [*report.all_items, *report.tracked]
    for values, item in zip(rows(report, listed), items, strict=True):
        ws.append(values)
        r = ws.max_row
        for col in range(1, len(HEADER) + 1):
            cell = ws.cell(row=r, column=col)
            write_text(cell)
            cell.border = _BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True, horizontal="center" if col in (1, 10) else None)
        state = ws.cell(row=r, column=8)
        if item.status and item.status != NO_DATA and item.status in ("滞后", "未完成", "预警", "正常", "已完成"):
            state.fill = PatternFill("solid", fgColor=status_color(item.status).lstrip("#"))
            state.font = Font(bold=True, color=text_on_status(item.status).lstrip("#"))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    ws.auto_filter.ref = f"A{header_row}:{last}{ws.max_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def ledger_for_month(con: store.Connection, year: int, month: int, today: date | None = None) -> bytes:
    report = status_mod.build_status(con, year, month)
    return ledger_xlsx(report, actions.list_actions(con, year=year, today=today))


def timed_ledger_for_month(con: store.Connection, year: int, month: int) -> tuple[bytes, float]:
    started = time.perf_counter()
    data = ledger_for_month(con, year, month)
    return data, time.perf_counter() - started


def ledger_file_name(year: int, month: int) -> str:
    return f"{year}年{month}月督办台账.xlsx"

"""Exports: the Excel file of an indicator table, formatted for printing and forwarding, and any table as CSV
(openpyxl and pandas, no streamlit).

Every export neutralises formula injection (OWASP's rule): a text cell starting with ``= + - @``, a tab or a
carriage return would be run by Excel as a formula (``=cmd|' /C calc'!A0``, ``=HYPERLINK(...)``). In CSV, and in the
tables pages show (whose CSV download and copy are Streamlit's own), it gets a leading apostrophe (``safe_text``,
``safe_frame``); in .xlsx it stays as written but is stored as text with Excel's quote prefix (``write_text``), so it
shows and prints as typed and never runs. Numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tracker import towns, wording
from tracker.labels import DEMO_NOTICE, status_color, status_label, text_on_status
from tracker.model import NO_DATA, UNJUDGED, IndicatorStatus

# (header, width, number format, getter)
COLUMNS: list[tuple[str, float, str | None, Callable[[IndicatorStatus, int], object]]] = [
    ("指标", 42, None, lambda i, m: i.name),
    ("领域", 12, None, lambda i, m: i.area_name),
    ("全年目标", 18, None, lambda i, m: wording.target_text(i)),
    ("完成值", 14, "#,##0.##", lambda i, m: i.value),
    ("单位", 8, None, lambda i, m: i.unit),
    ("上年末", 12, "#,##0.##", lambda i, m: i.base),
    ("完成率口径", 14, None, lambda i, m: i.measure),
    ("完成率", 11, "0.0%", lambda i, m: i.completion),
    ("序时进度", 11, "0.0%", lambda i, m: i.time_progress),
    ("差距", 24, None, lambda i, m: wording.gap_text(i) or "—"),
    ("状态", 12, None, lambda i, m: status_label(i.status)),
    ("预计全年完成率", 14, "0.0%", lambda i, m: i.forecast),
    ("责任部门", 24, None, lambda i, m: i.department_name),
    ("数据月份", 10, None, lambda i, m: f"{i.value_month}月" if i.value_month else "—"),
    ("缺报月份", 14, None, lambda i, m: wording.missing_text(i) or "—"),
    ("更新时间", 18, None, lambda i, m: i.last_update),
    ("报告原文", 60, None, lambda i, m: i.source),
]
STATUS_COLUMN = [c[0] for c in COLUMNS].index("状态") + 1
HEADER_FILL = "0F4C81"
_THIN = Side(style="thin", color="B0B8C1")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_text(value: object) -> object:
    """A CSV cell that no spreadsheet runs: text starting like a formula gets a leading apostrophe; numbers,
    dates and other text are returned as they are."""
    return "'" + value if is_formula_like(value) else value  # type: ignore[operator]


def write_text(cell: Cell) -> None:
    """An .xlsx cell holding formula-like text stays text (openpyxl would store "=..." as a formula)."""
    if is_formula_like(cell.value) or cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose text cells are neutralised (``safe_text``); number, date and bool columns untouched.
    What a page shows through ``st.dataframe`` is what Streamlit's own CSV download and copy write out."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            risky = values.map(is_formula_like).astype(bool)
            if risky.any():  # only then: a column left alone keeps its dtype (and the grid renders it as before)
                safe[column] = values.mask(risky, values[risky].map(safe_text))
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV for Excel (UTF-8 with BOM), every text cell neutralised, numbers kept as numbers."""
    safe = safe_frame(frame)
    safe.columns = [safe_text(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")  # CR or LF in a cell: quoted


def title_text(year: int, month: int, scope: str, demo: bool) -> str:
    text = f"{towns.name()}{year}年政府工作报告目标完成情况（{scope}）　截至{year}年{month}月"
    return f"{text}　【演示数据】" if demo else text


def indicators_xlsx(indicators: Sequence[IndicatorStatus], year: int, month: int, scope: str = "全部领域", demo: bool = False) -> bytes:
    """An .xlsx of the indicator table: title row, formatted header, widths, number formats, status colours."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年{month}月"[:31]
    last_col = get_column_letter(len(COLUMNS))

    ws.append([title_text(year, month, scope, demo)])
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"].font = Font(size=16, bold=True)
    ws.row_dimensions[1].height = 28
    row = 2
    if demo:
        ws.append([DEMO_NOTICE])
        ws.merge_cells(f"A2:{last_col}2")
        ws["A2"].font = Font(color="D55E00", bold=True)
        row = 3

    ws.append([c[0] for c in COLUMNS])
    for col, (_, width, _, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=row, column=col)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
        ws.column_dimensions[get_column_letter(col)].width = width
    header_row = row

    for item in indicators:
        ws.append([getter(item, month) for *_, getter in COLUMNS])
        row += 1
        for col, (_, _, number_format, _) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=row, column=col)
            write_text(cell)
            cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
            cell.alignment = Alignment(vertical="top", wrap_text=col in (1, len(COLUMNS)))
            if number_format:
                cell.number_format = number_format
        status = item.status
        cell = ws.cell(row=row, column=STATUS_COLUMN)
        if status in UNJUDGED:  # no verdict: no status colour
            cell.font = Font(italic=True)
        elif status and status != NO_DATA:
            cell.fill = PatternFill("solid", fgColor=status_color(status).lstrip("#"))
            cell.font = Font(bold=True, color=text_on_status(status).lstrip("#"))
        elif status == NO_DATA:
            cell.fill = PatternFill("solid", fgColor="E6E6E6")

    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    ws.auto_filter.ref = f"A{header_row}:{last_col}{max(row, header_row)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{header_row}:{header_row}"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def export_filename(year: int, month: int, scope: str) -> str:
    return f"{year}年{month}月_{scope}_指标完成情况.xlsx"

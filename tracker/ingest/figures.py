"""A monthly figures file read into rows: the figure rows of every sheet (or of the CSV) and the 情况说明 of
the sheet so named. ``parse`` needs no database; every check that does is in ``checks``."""

from __future__ import annotations

import hashlib

from tracker.ingest.cells import UNSAVED_MESSAGE, CellError, Table, cell_at, is_blank, parse_number, read_tables
from tracker.ingest.headers import (
    EXPLANATION_COLUMNS,
    EXPLANATION_REQUIRED,
    FIGURE_COLUMNS,
    FIGURE_REQUIRED,
    Columns,
    column_label,
    find_header,
    norm_header,
    read_int,
    read_text,
)
from tracker.ingest.limits import MAX_ROWS
from tracker.ingest.model import UNEXPECTED_PARSE_ERROR, IngestError, Issue, Parsed, RawExplanation, RawRow
from tracker.ingest.progress import is_progress_table

EXPLANATION_SHEET = "情况说明"


def parse(data: bytes, file_name: str) -> Parsed:
    """Read figures (and 情况说明) from an uploaded file. Any unreadable input raises IngestError, never
    another exception: whatever bytes arrive, the user gets a sentence, not a traceback."""
    try:
        return _parse(data, file_name)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise above; the cause stays chained for logs
        raise IngestError(UNEXPECTED_PARSE_ERROR.format(type(exc).__name__)) from exc


def _parse(data: bytes, file_name: str) -> Parsed:
    parsed = Parsed(file_name=file_name or "", sha256=hashlib.sha256(data or b"").hexdigest())
    found_data = False
    for table in read_tables(data, file_name):
        if is_progress_table(table):
            continue  # project and task progress: tracker.ingest.progress reads it
        parsed.issues += table.problems
        if table.sheet is not None and norm_header(table.sheet) == norm_header(EXPLANATION_SHEET):
            found = find_header(table, EXPLANATION_COLUMNS, EXPLANATION_REQUIRED)
            if found:
                _parse_explanation_table(table, found[0], found[1], parsed)
            continue
        found = find_header(table, FIGURE_COLUMNS, FIGURE_REQUIRED)
        if found:
            found_data = True
            _parse_figure_table(table, found[0], found[1], parsed)
    if not found_data and not parsed.explanations:
        raise IngestError("没有找到表头：文件需要包含 指标编码、年、月、数值 四列（中文或英文列名均可）。")
    if not parsed.rows and not parsed.explanations and not parsed.issues:
        raise IngestError("文件中没有填写任何数值。")
    return parsed


def _parse_figure_table(table: Table, header: int, cols: Columns, parsed: Parsed) -> None:
    for r in range(header + 1, len(table.rows)):
        row = table.rows[r]
        line = r + 1
        if all(is_blank(c) for c in row):
            continue
        metric = read_text(row, cols, "metric")
        value_cell = cell_at(row, cols["value"])
        explanation = read_text(row, cols, "explanation") if "explanation" in cols else ""
        if is_blank(value_cell) and not explanation:
            continue  # a template row left empty: not reported, not an error
        if not metric:
            parsed.issues.append(Issue("error", "指标编码不能为空", table.sheet, line, column_label(cols["metric"], "metric")))
            continue
        year = read_int(row, cols, "year", "年", parsed.issues, table.sheet, line)
        month = read_int(row, cols, "month", "月", parsed.issues, table.sheet, line)
        value, percent = None, False
        if value_cell.unsaved:
            parsed.issues.append(Issue("error", UNSAVED_MESSAGE, table.sheet, line, column_label(cols["value"], "value")))
        elif not is_blank(value_cell):
            try:
                value, percent = parse_number(value_cell)
            except CellError as exc:
                parsed.issues.append(Issue("error", str(exc), table.sheet, line, column_label(cols["value"], "value")))
        place, note = read_text(row, cols, "place"), read_text(row, cols, "note")
        parsed.rows.append(RawRow(table.sheet, line, cols, metric, year, month, place, value, percent, note, explanation))
        if len(parsed.rows) > MAX_ROWS:
            raise IngestError(f"数据超过 {MAX_ROWS:,} 行，请拆分后分批上传。")


def _parse_explanation_table(table: Table, header: int, cols: Columns, parsed: Parsed) -> None:
    for r in range(header + 1, len(table.rows)):
        row = table.rows[r]
        line = r + 1
        text = read_text(row, cols, "explanation")
        if not text:
            continue
        indicator = read_text(row, cols, "indicator")
        if not indicator:
            parsed.issues.append(Issue("error", "指标编码不能为空", table.sheet, line, column_label(cols["indicator"], "indicator")))
            continue
        year = read_int(row, cols, "year", "年", parsed.issues, table.sheet, line)
        month = read_int(row, cols, "month", "月", parsed.issues, table.sheet, line)
        parsed.explanations.append(RawExplanation(table.sheet, line, cols, indicator, year, month, text))

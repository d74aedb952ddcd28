"""Which row is the header and which column holds which field, under Chinese or English names, past title rows
above it; then one field of a data row read by its key, each problem naming its column ("D列（数值）")."""

from __future__ import annotations

import re

from tracker.ingest.cells import UNSAVED_MESSAGE, Cell, CellError, Table, cell_at, column_letter, is_blank, norm_text, parse_int
from tracker.ingest.model import IngestError, Issue

MAX_TEXT = 2000

Columns = dict[str, int]  # field key → 0-based column index
Aliases = dict[str, tuple[str, ...]]  # field key → the header names that mean it

FIGURE_COLUMNS: Aliases = {
    "metric": ("指标编码", "指标代码", "编码", "metric", "metriccode", "code"),
    "year": ("年", "年份", "年度", "year"),
    "month": ("月", "月份", "month"),
    "value": ("数值", "本月数值", "填报值", "值", "value"),
    "place": ("地点编码", "地点", "place", "placecode"),
    "note": ("备注", "note", "remark", "remarks"),
    "explanation": ("情况说明", "explanation"),
}
FIGURE_REQUIRED = ("metric", "year", "month", "value")
EXPLANATION_COLUMNS: Aliases = {
    "indicator": ("指标编码", "指标代码", "编码", "indicator", "code"),
    "year": FIGURE_COLUMNS["year"],
    "month": FIGURE_COLUMNS["month"],
    "explanation": ("情况说明", "说明", "explanation", "text"),
}
EXPLANATION_REQUIRED = ("indicator", "year", "month", "explanation")
TARGET_COLUMNS: Aliases = {
    "indicator": ("指标编码", "指标代码", "编码", "indicator", "code"),
    "year": FIGURE_COLUMNS["year"],
    "target": ("目标值", "目标", "target", "数值", "value"),
    "comparator": ("比较", "比较方式", "comparator"),
    "note": ("备注", "note", "remark"),
}
TARGET_REQUIRED = ("indicator", "year", "target")
COLUMN_NAMES = {
    "metric": "指标编码",
    "year": "年",
    "month": "月",
    "value": "数值",
    "place": "地点",
    "note": "备注",
    "explanation": "情况说明",
    "indicator": "指标编码",
    "comparator": "比较",
    "target": "目标值",
}


def norm_header(value: object) -> str:
    """A header cell reduced to what names it: "数值（必填）" → "数值", " Metric_Code " → "metriccode"."""
    text = norm_text(value).lower()
    text = re.sub(r"[(\[【（].*?[)\]】）]", "", text)
    return re.sub(r"[\s_*:：]", "", text)


def find_header(table: Table, columns: Aliases, required: tuple[str, ...], scan: int = 30) -> tuple[int, Columns] | None:
    """The header row (0-based) and column index per field, looking past title rows above it. None when no
    row looks like a header; IngestError when one does but lacks a required column."""
    lookup = {norm_header(alias): key for key, aliases in columns.items() for alias in aliases}
    best: tuple[int, int, Columns] | None = None
    for r, row in enumerate(table.rows[:scan]):
        found: Columns = {}
        for c, cell in enumerate(row):
            key = lookup.get(norm_header(cell.value))
            if key and key not in found:
                found[key] = c
        hits = sum(1 for k in required if k in found)
        if hits == len(required):
            return r, found
        if hits >= 2 and (best is None or hits > best[0]):
            best = (hits, r, found)
    if best:
        missing = "、".join(COLUMN_NAMES[k] for k in required if k not in best[2])
        where = f"工作表“{table.sheet}”" if table.sheet else "文件"
        raise IngestError(f"{where}第{best[1] + 1}行像是表头，但缺少列：{missing}。")
    return None


def column_label(index: int, key: str) -> str:
    """How an issue names a column: "D列（数值）"."""
    return f"{column_letter(index)}列（{COLUMN_NAMES.get(key, key)}）"


def read_int(row: list[Cell], cols: Columns, key: str, suffix: str, issues: list[Issue], sheet: str | None, line: int) -> int | None:
    """A required whole-number field (年, 月); None with an issue appended when it is blank or not a number."""
    cell = cell_at(row, cols.get(key))
    if is_blank(cell):
        issues.append(Issue("error", f"{COLUMN_NAMES[key]}不能为空", sheet, line, column_label(cols[key], key)))
        return None
    if cell.unsaved:
        issues.append(Issue("error", UNSAVED_MESSAGE, sheet, line, column_label(cols[key], key)))
        return None
    try:
        return parse_int(cell, suffix)
    except CellError as exc:
        issues.append(Issue("error", str(exc), sheet, line, column_label(cols[key], key)))
        return None


def free_text(value: object) -> str:
    """Notes keep their Chinese punctuation (no NFKC); only outer and non-breaking spaces go."""
    return "" if value is None else str(value).replace("\u00a0", " ").strip()[:MAX_TEXT]


def read_text(row: list[Cell], cols: Columns, key: str) -> str:
    """A text field: codes and names normalised, notes and 情况说明 as written; "" when the column is absent."""
    cell = cell_at(row, cols.get(key))
    if cell.unsaved:
        return ""
    if isinstance(cell.value, float) and cell.value.is_integer():
        return str(int(cell.value))
    if key in ("note", "explanation"):
        return free_text(cell.value)
    return norm_text(cell.value)[:MAX_TEXT]

"""An .xlsx read as tables of cells without trusting it: the zip's directory is checked before anything is unpacked
(entries, sizes, compression ratio, encryption), the workbook, styles, shared strings and sheets are streamed
through the XML parser with budgets (``limits``), and a cell that cannot be read becomes a problem with its sheet,
row and column instead of an exception. openpyxl is not used for reading: it loads every shared string, trusts the
declared sheet size, and its errors and warnings (English, on stderr) carry no cell address.

Formulas count by the result Excel saved with them; a formula without one is ``UNSAVED_FORMULA``.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.ingest.cells import EMPTY, UNSAVED_FORMULA, Cell, Table, column_letter
from tracker.ingest.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_SHARED_CHARS,
    MAX_SHARED_STRINGS,
    MAX_SHEET_ROWS,
    MAX_SHEETS,
)
from tracker.ingest.model import IngestError, Issue
from tracker.ingest.package import BROKEN, Budget, local, open_zip, part_info, records, relationships, too_many, walk

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_INTEGER = re.compile(r"^[+-]?\d{1,15}$")
# Excel's built-in number formats that matter here: percentages, and the date and time formats (14-22 and 45-47
# everywhere, 27-36 and 50-58 in Chinese, Japanese and Korean Excel).
_BUILTIN_PERCENT = {9: "0%", 10: "0.00%"}
_BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_DATE_TOKENS = re.compile(r"[dmyhs]", re.IGNORECASE)
_NOT_FORMAT = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_EPOCH_1904 = datetime(1904, 1, 1)
_MAX_SERIAL = 2_958_465  # 9999-12-31


# ---------------------------------------------------------------- workbook, styles, shared strings


@dataclass(frozen=True)
class _Style:
    number_format: str
    is_date: bool


def _is_date_format(code: str) -> bool:
    return bool(_DATE_TOKENS.search(_NOT_FORMAT.sub("", code)))


def _styles(archive: zipfile.ZipFile, part: str | None, budget: Budget) -> list[_Style]:
    """The number format of every cell style (``cellXfs``), by index: is it a percentage, a date."""
    custom: dict[int, str] = {}
    ids: list[int] = []
    in_cell_xfs = False
    for event, depth, element in _walk_part(archive, part, "样式表", budget, 3):
        name = local(element.tag)
        if depth == 2 and name == "cellXfs":
            in_cell_xfs = event == "start"
        if event != "end" or depth != 3:
            continue
        try:
            fmt_id = int(element.get("numFmtId") or 0)
        except ValueError:
            fmt_id = 0
        if name == "numFmt":
            custom[fmt_id] = (element.get("formatCode") or "")[:200]
        elif name == "xf" and in_cell_xfs:
            ids.append(fmt_id)
    styles = []
    for fmt_id in ids:
        if fmt_id in custom:
            styles.append(_Style(custom[fmt_id], _is_date_format(custom[fmt_id])))
        elif fmt_id in _BUILTIN_PERCENT:
            styles.append(_Style(_BUILTIN_PERCENT[fmt_id], False))
        else:
            styles.append(_Style("yyyy-mm-dd" if fmt_id in _BUILTIN_DATES else "General", fmt_id in _BUILTIN_DATES))
    return styles


def _walk_part(
    archive: zipfile.ZipFile, part: str | None, label: str, budget: Budget, record_depth: int
) -> Iterator[tuple[str, int, ET.Element]]:
    info = part_info(archive, part, label) if part else None
    if info is not None:
        yield from walk(archive, info, label, budget, record_depth)


class _TooLong(str):
    """A shared string longer than a cell may be (kept as its length only)."""


def _text_of(element: ET.Element) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>, never the phonetic <rPh> guide."""
    parts: list[str] = []
    for child in element:
        name = local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts += [t.text or "" for t in child if local(t.tag) == "t"]
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile, part: str | None, budget: Budget) -> list[str]:
    strings: list[str] = []
    chars = 0
    for event, depth, element in _walk_part(archive, part, "共享字符串表", budget, 2):
        if event == "start":
            if depth == 1:
                declared = element.get("uniqueCount") or element.get("count") or "0"
                if declared.isdigit() and int(declared) > MAX_SHARED_STRINGS:
                    raise too_many("共享字符串", MAX_SHARED_STRINGS)
            continue
        if depth != 2 or local(element.tag) != "si":
            continue
        text = _text_of(element)
        chars += len(text)
        if chars > MAX_SHARED_CHARS:
            raise too_many("共享字符串的总字数", MAX_SHARED_CHARS, "字")
        strings.append(_TooLong(str(len(text))) if len(text) > MAX_CELL_CHARS else text)
        if len(strings) > MAX_SHARED_STRINGS:
            raise too_many("共享字符串", MAX_SHARED_STRINGS)
    return strings


@dataclass(frozen=True)
class _Sheet:
    name: str
    part: str


def _workbook(archive: zipfile.ZipFile, budget: Budget) -> tuple[list[_Sheet], str | None, str | None, bool]:
    """The worksheets in order, the styles and shared-strings parts, and whether dates count from 1904."""
    start = "xl/workbook.xml"
    for kind, target in relationships(archive, "_rels/.rels", budget).values():
        if kind == "officeDocument":
            start = target
    if part_info(archive, start, "工作簿") is None:
        raise IngestError(BROKEN)
    rels = relationships(archive, start, budget)
    sheets: list[_Sheet] = []
    date1904 = False
    for element in records(archive, start, "工作簿", budget, 3):
        name = local(element.tag)
        if name == "workbookPr":
            date1904 = (element.get("date1904") or "").lower() in ("1", "true")
        elif name == "sheet":
            rid = next((v for k, v in element.attrib.items() if local(k) == "id"), "")
            kind, target = rels.get(rid, ("", ""))
            if kind == "worksheet":
                sheets.append(_Sheet((element.get("name") or "")[:31], target))
    if len(sheets) > MAX_SHEETS:
        raise too_many("工作表", MAX_SHEETS)
    by_kind = {kind: target for kind, target in rels.values()}
    return sheets, by_kind.get("styles"), by_kind.get("sharedStrings"), date1904


# ---------------------------------------------------------------- sheets


class _SheetReader:
    """One worksheet streamed into a Table: rows kept dense up to the last row with a value."""

    def __init__(self, sheet: _Sheet, strings: list[str], styles: list[_Style], date1904: bool, budget: Budget):
        self.sheet, self.strings, self.styles, self.budget = sheet, strings, styles, budget
        self.epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH
        self.table = Table(sheet.name, [])
        self.row_number = 0
        self.column = -1

    def problem(self, row: int, column: int, message: str) -> None:
        self.table.problems.append(Issue("error", message, self.sheet.name, row, f"{column_letter(column)}列"))

    def where(self, row: int, column: int) -> str:
        return f"工作表“{self.sheet.name}”{column_letter(column)}{row}单元格"

    def read(self, archive: zipfile.ZipFile) -> Table:
        label = f"工作表“{self.sheet.name}”"
        if part_info(archive, self.sheet.part, label) is None:
            raise IngestError(f"{BROKEN}（缺少{label}的内容）")
        # worksheet (1) > sheetData (2) > row (3, a record) > c (4) > v, f, is (5)
        for event, depth, element in _walk_part(archive, self.sheet.part, label, self.budget, 3):
            name = local(element.tag)
            if depth == 3 and name == "row":
                if event == "start":
                    self.start_row(element)
                else:
                    self.end_row()
            elif event == "end" and depth == 4 and name == "c":
                self.cell(element)
        return self.table

    def start_row(self, element: ET.Element) -> None:
        number = element.get("r")
        self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
        self.column = -1

    def end_row(self) -> None:
        self.column = -1

    def cell(self, element: ET.Element) -> None:
        ref = element.get("r")
        match = _REF.match(ref) if ref else None
        row = self.row_number
        if match:
            column = _column_index(match.group(1))
        else:
            column = self.column + 1
        self.column = column
        value = self.value(element, row, column)
        if value is None:
            return
        if column >= MAX_COLUMNS:
            last = column_letter(MAX_COLUMNS - 1)
            raise IngestError(
                f"{self.where(row, column)}有内容，超出了本系统读取的范围（最多 {MAX_COLUMNS} 列，即 A–{last} 列）："
                "请删去右侧多余的内容后再上传。"
            )
        if row > MAX_SHEET_ROWS or row < 1:
            raise IngestError(
                f"{self.where(row, column)}有内容，超出了本系统读取的范围（每个工作表最多 {MAX_SHEET_ROWS:,} 行）：请拆分后分批上传。"
            )
        self.budget.cell()
        self.place(row, column, value)

    def place(self, row: int, column: int, cell: Cell) -> None:
        rows = self.table.rows
        while len(rows) < row:
            rows.append([])
        line = rows[row - 1]
        if len(line) <= column:
            line.extend([EMPTY] * (column + 1 - len(line)))
        line[column] = cell

    def value(self, element: ET.Element, row: int, column: int) -> Cell | None:
        """The cell's value as the file saved it, or None for an empty (formatted only) cell; a value that cannot
        be read becomes a problem with its address (and counts as empty)."""
        kind = element.get("t") or "n"
        raw: str | None = None
        formula = False
        inline: str | None = None
        for child in element:
            name = local(child.tag)
            if name == "v":
                raw = child.text or ""
            elif name == "f":
                formula = True
            elif name == "is":
                inline = _text_of(child)
        style = self.style(element.get("s"))
        if kind == "inlineStr":
            return self.text(inline, row, column, style)
        if raw is None or not raw.strip():
            return Cell(UNSAVED_FORMULA) if formula else None
        if kind == "s":
            try:
                text = self.strings[int(raw)]
            except (ValueError, IndexError):
                self.problem(row, column, f"单元格引用了不存在的共享字符串（编号“{raw[:20]}”），文件可能已损坏，请在 Excel 中另存后再上传")
                return None
            return self.text(text, row, column, style)
        if kind in ("str", "e"):
            return self.text(raw, row, column, style)
        if kind == "b":
            if raw.strip().lower() not in ("0", "1", "true", "false"):
                self.problem(row, column, f"逻辑值“{raw[:20]}”无法识别")
                return None
            return Cell(raw.strip().lower() in ("1", "true"), style.number_format)
        if kind == "d":
            try:
                return Cell(datetime.fromisoformat(raw.strip()), style.number_format)
            except ValueError:
                self.problem(row, column, f"日期“{raw[:30]}”无效")
                return None
        return self.number(raw, row, column, style)

    def number(self, raw: str, row: int, column: int, style: _Style) -> Cell | None:
        text = raw.strip()
        try:
            number: int | float = int(text) if _INTEGER.match(text) else float(text)
        except ValueError:
            self.problem(row, column, f"数值“{raw[:30]}”无法识别，文件可能已损坏")
            return None
        if not style.is_date:
            return Cell(number, style.number_format)
        if not math.isfinite(number) or not 0 <= number <= _MAX_SERIAL:
            self.problem(row, column, f"日期无效（日期格式的单元格里是 {raw[:30]}，超出了日期的范围）")
            return None
        return Cell(self.epoch + timedelta(days=float(number)), style.number_format)

    def text(self, text: str | None, row: int, column: int, style: _Style) -> Cell | None:
        if text is None:
            return None
        if isinstance(text, _TooLong) or len(text) > MAX_CELL_CHARS:
            self.problem(row, column, f"单元格文字超过 {MAX_CELL_CHARS:,} 个字符（Excel 单元格的上限），请删减")
            return None
        return Cell(text, style.number_format)

    def style(self, index: str | None) -> _Style:
        if index and index.isdigit() and int(index) < len(self.styles):
            return self.styles[int(index)]
        return _GENERAL


_GENERAL = _Style("General", False)


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def read_xlsx(data: bytes) -> list[Table]:
    """Every worksheet of a workbook as cells, in the workbook's order. Raises IngestError (Chinese, naming the
    limit or the part) for a file that is not readable or costs more than the limits allow."""
    budget = Budget()
    with open_zip(data) as archive:
        try:
            sheets, styles_part, strings_part, date1904 = _workbook(archive, budget)
            styles = _styles(archive, styles_part, budget)
            strings = _shared_strings(archive, strings_part, budget)
            return [_SheetReader(sheet, strings, styles, date1904, budget).read(archive) for sheet in sheets]
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise IngestError(BROKEN) from exc

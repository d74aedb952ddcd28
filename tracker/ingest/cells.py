"""Bytes in, tables of cells out: CSV (UTF-8, UTF-8 with BOM, GBK) and ``.xlsx`` sheets, formulas without a
saved result marked, and a cell read as a number or an integer with a Chinese reason when it is not one."""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from tracker.ingest.model import IngestError

MAX_ROWS = 100_000
UNSAVED_MESSAGE = "公式没有保存的计算结果，请在 Excel 中打开文件、保存后再上传"


class UnsavedFormula:
    """The value of a formula cell with no stored result (written by a program, never opened in Excel)."""

    def __repr__(self) -> str:
        return "UNSAVED_FORMULA"


UNSAVED_FORMULA = UnsavedFormula()


@dataclass(frozen=True)
class Cell:
    value: object
    number_format: str = "General"

    @property
    def unsaved(self) -> bool:
        return isinstance(self.value, UnsavedFormula)


@dataclass
class Table:
    sheet: str | None  # None for CSV
    rows: list[list[Cell]]


class CellError(ValueError):
    """A cell that is not what its column needs; the message is Chinese, for users."""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, as Excel names columns."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def norm_text(value: object) -> str:
    """Full-width forms folded (NFKC), non-breaking and ideographic spaces made plain, outer spaces gone."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u00a0", " ").replace("\u3000", " ").strip()


def cell_at(row: list[Cell], index: int | None) -> Cell:
    """The cell at ``index``, or an empty cell past the end of a short row."""
    if index is None or index >= len(row):
        return Cell(None)
    return row[index]


def is_blank(cell: Cell) -> bool:
    return cell.value is None or (isinstance(cell.value, str) and not norm_text(cell.value))


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([e][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(cell: Cell) -> tuple[float, bool]:
    """A cell as a number and whether it was written as a percentage. Raises CellError (Chinese)."""
    raw = cell.value
    if isinstance(raw, bool):
        raise CellError("应为数字，不能是 TRUE/FALSE")
    if isinstance(raw, (datetime, date, time)):
        raise CellError("应为数字，这里是日期或时间")
    if isinstance(raw, (int, float)):
        value = float(raw)
        if not math.isfinite(value):
            raise CellError("数值无效")
        if "%" in (cell.number_format or ""):  # Excel keeps 85% as 0.85 in a percent-formatted cell
            if not math.isfinite(value * 100):
                raise CellError("数值超出范围")
            return value * 100, True
        return value, False
    text = norm_text(raw).replace(" ", "").lower()
    shown = norm_text(raw)[:30]
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if "," in text:
        if not _THOUSANDS.match(text):
            raise CellError(f"“{shown}”不是有效数字（千位分隔符位置不对）")
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        if text.startswith("#"):
            raise CellError(f"“{shown}”是 Excel 公式错误，请先修正公式")
        raise CellError(f"“{shown}”不是数字")
    value = float(text)
    if not math.isfinite(value):
        raise CellError(f"“{shown}”超出范围")
    return value, percent


def parse_int(cell: Cell, suffix: str) -> int:
    """A cell as a whole number; ``suffix`` (年, 月) may follow it, as in "2024年". Raises CellError (Chinese)."""
    raw = cell.value
    if isinstance(raw, bool) or isinstance(raw, (datetime, date, time)):
        raise CellError("应为整数")
    if isinstance(raw, (int, float)):
        if not math.isfinite(float(raw)) or float(raw) != int(raw):
            raise CellError(f"“{raw}”不是整数")
        return int(raw)
    text = norm_text(raw).replace(" ", "").removesuffix(suffix)
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"[+-]?\d{1,6}", text):
        raise CellError(f"“{norm_text(raw)[:20]}”不是整数")
    return int(text)


def decode_text(data: bytes) -> str:
    """Text from the bytes of a file saved in China: UTF-8 (with or without BOM) or GBK, read as gb18030 (its
    superset, as Excel writes it). Raises UnicodeDecodeError when it is neither; callers word the message."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _read_csv(data: bytes) -> list[Table]:
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise IngestError("无法识别文件编码：CSV 文件请保存为 UTF-8 或 GBK 编码。") from None
    if "\x00" in text:
        raise IngestError("CSV 文件中含有无法识别的二进制内容，请确认上传的是 CSV 文本文件。")
    sample = text[:4096]
    delimiter = max((",", "\t", ";"), key=lambda d: sample.count(d)) if sample else ","
    rows = []
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append([Cell(v) for v in record])
        if len(rows) > MAX_ROWS + 50:
            raise IngestError(f"文件超过 {MAX_ROWS:,} 行，请拆分后分批上传。")
    return [Table(None, rows)]


def _read_xlsx(data: bytes) -> list[Table]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip, xml, openpyxl errors: the file is not a readable workbook
        raise IngestError("无法打开 Excel 文件：文件可能已损坏，或不是 .xlsx 格式。") from exc
    tables = []
    try:
        for ws in book.worksheets:
            ws.reset_dimensions()  # some tools write a wrong sheet size; read every row there is
            rows = []
            for record in ws.iter_rows():
                rows.append([Cell(getattr(c, "value", None), getattr(c, "number_format", "General") or "General") for c in record])
                if len(rows) > MAX_ROWS + 50:
                    raise IngestError(f"工作表“{ws.title}”超过 {MAX_ROWS:,} 行，请拆分后分批上传。")
            tables.append(Table(ws.title, rows))
    finally:
        book.close()
    _mark_unsaved_formulas(data, tables)
    return tables


def _mark_unsaved_formulas(data: bytes, tables: list[Table]) -> None:
    """Formulas count by their stored value; a formula without one is marked so checks can say so."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if not any(b"<f" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")):
            return
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for ws, table in zip(book.worksheets, tables, strict=False):
            ws.reset_dimensions()
            for r, record in enumerate(ws.iter_rows(values_only=True)):
                if r >= len(table.rows):
                    break
                for c, value in enumerate(record):
                    if isinstance(value, str) and value.startswith("=") and c < len(table.rows[r]) and table.rows[r][c].value is None:
                        table.rows[r][c] = Cell(UNSAVED_FORMULA)
    finally:
        book.close()


def read_tables(data: bytes, file_name: str) -> list[Table]:
    """Every sheet of a workbook, or the one table of a CSV, as cells. Raises IngestError."""
    if not data:
        raise IngestError("文件是空的。")
    name = (file_name or "").lower()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise IngestError("不支持旧版 .xls 文件：请在 Excel 中“另存为” .xlsx 后再上传。")
    if name.endswith(".xlsx"):
        raise IngestError("无法打开 Excel 文件：文件可能已损坏，或不是 .xlsx 格式。")
    return _read_csv(data)

"""Bytes in, tables of cells out: CSV (UTF-8, UTF-8 with BOM, GBK) here and ``.xlsx`` sheets in ``xlsx``, both
within ``limits``; formulas without a saved result marked, and a cell read as a number or an integer with a
Chinese reason when it is not one. A cell that cannot be read at all is a problem of its table (sheet, row,
column), never an exception."""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from tracker.ingest.limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_SHEET_ROWS
from tracker.ingest.model import IngestError, Issue

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


EMPTY = Cell(None)


@dataclass
class Table:
    sheet: str | None  # None for CSV
    rows: list[list[Cell]]
    problems: list[Issue] = field(default_factory=list)  # cells that could not be read, with where they are


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
            raise CellError("不是有效数字（NaN 或无穷大）")
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
    # The csv module builds a whole record before we can count its fields: bound them all first (every row full).
    if text.count(delimiter) > MAX_SHEET_ROWS * MAX_COLUMNS:
        raise IngestError(
            f"文件过大或结构异常：分隔符（{delimiter!r}）超过 {MAX_SHEET_ROWS * MAX_COLUMNS:,} 个，"
            f"即超过 {MAX_SHEET_ROWS:,} 行 × {MAX_COLUMNS} 列（本系统的上限）。请拆分后分批上传。"
        )
    table = Table(None, [])
    cells = 0
    reader = csv.reader(_lines(text), delimiter=delimiter)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise IngestError(_csv_error(exc, reader.line_num)) from None
        line = len(table.rows) + 1
        while record and not record[-1].strip():
            record.pop()  # trailing empty fields (a spreadsheet's "Save as CSV" writes them)
        if len(record) > MAX_COLUMNS:
            raise IngestError(
                f"CSV 文件第{line}行有 {len(record):,} 列，超过本系统读取的上限（{MAX_COLUMNS} 列）：请删去多余的列后再上传。"
            )
        cells += sum(1 for v in record if v)
        if cells > MAX_CELLS or line > MAX_SHEET_ROWS:
            raise IngestError(f"文件过大：超过 {MAX_SHEET_ROWS:,} 行或 {MAX_CELLS:,} 个有内容的单元格（本系统的上限），请拆分后分批上传。")
        row = []
        for c, value in enumerate(record):
            if len(value) > MAX_CELL_CHARS:
                message = f"单元格文字超过 {MAX_CELL_CHARS:,} 个字符，请删减"
                table.problems.append(Issue("error", message, None, line, f"{column_letter(c)}列"))
                row.append(EMPTY)
            else:
                row.append(Cell(value) if value else EMPTY)
        table.rows.append(row)
    return [table]


def _lines(text: str) -> Iterator[str]:
    """The lines of a text with their endings, one at a time (no second copy of a 10 MB file in memory)."""
    end_of_line = "\n" if "\n" in text or "\r" not in text else "\r"
    start = 0
    while start < len(text):
        end = text.find(end_of_line, start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _csv_error(exc: csv.Error, line: int) -> str:
    reason = str(exc)
    if "field larger than field limit" in reason:
        return (
            f'CSV 文件第{line}行起有一个单元格超过 {csv.field_size_limit():,} 个字符：多半是某个引号（"）没有成对，'
            "使后面的内容都连成了一格。请检查该行后再上传。"
        )
    return f"CSV 文件第{line}行格式有误，无法读取（{reason}）。请用 Excel 打开后另存为 CSV（UTF-8）再上传。"


def read_tables(data: bytes, file_name: str) -> list[Table]:
    """Every sheet of a workbook, or the one table of a CSV, as cells. Raises IngestError."""
    from tracker.ingest.xlsx import read_xlsx

    if not data:
        raise IngestError("文件是空的。")
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"文件大小为 {len(data) / 1024 / 1024:.1f} MB，超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后分批上传。")
    name = (file_name or "").lower()
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError(
            "不支持这个文件：它是旧版 .xls 文件，或设置了打开密码的 Excel 文件。请在 Excel 中取消密码，“另存为” .xlsx 后再上传。"
        )
    if name.endswith(".xls"):
        raise IngestError("不支持旧版 .xls 文件：请在 Excel 中“另存为” .xlsx 后再上传。")
    if name.endswith(".xlsx"):
        raise IngestError("无法打开 Excel 文件：文件可能已损坏，或不是 .xlsx 格式。")
    return _read_csv(data)

"""Monthly figures in: read a file, check every cell, preview old → new, commit all-or-nothing, revert.

Rules, decided here and shown to users in Chinese:

- A file is the app's template or any long-form table (columns 指标编码/metric, 年/year, 月/month, 数值/value,
  optional 地点/place, 备注/note, 情况说明/explanation) as ``.xlsx`` or ``.csv`` (UTF-8, UTF-8 with BOM, GBK).
  An ``.xlsx`` sheet named 情况说明 holds notes per indicator (指标编码, 年, 月, 情况说明).
- Every problem is reported with sheet, row and column; any error refuses the whole file and nothing is written.
  A value far from last month's (factor ``[upload] jump_warning_factor``) is only a warning.
- Running totals that cannot fall: the per-place completion percentages (截污、农污、黑点) and the number of units
  that have built pre-treatment (``NON_DECREASING``). Other stocks may fall and are not checked: market
  entities close, firms drop below 1 亿, worse-than-V rivers should fall, patrol counts are per month.
- A commit is one transaction and one new batch. A file that changes nothing writes nothing; a file that changes
  something writes all its rows, the unchanged ones too, so reverting an earlier batch never takes back a value
  this file also reported. The same file (same sha256) as a committed batch is a duplicate:
  nothing is written the second time, even when a later batch changed those values (revert that batch instead).
- Nothing is deleted: a correction is a new batch whose rows win; a revert flips the batch's status. Only batches
  whose rows are versioned can be reverted (``REVERTIBLE``): figures, targets, 情况说明.
- Running totals are checked against the month before and the month after (the file's rows and the current ones).
- A metric for villages (place kind ``village``) is reported for villages and communities alike (村（社区）).
- Missing 情况说明 never block figures: the preview lists the indicators at 滞后/预警 still without one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import threading
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import duckdb
import pandas as pd

from tracker import config, model, store
from tracker.auth import PermissionDenied, User, require_admin, require_writer
from tracker.indicators import registry

NON_DECREASING = frozenset({"river_interception_pct", "village_sewage_pct", "blackspot_pct", "pretreat_covered"})
MAX_ROWS = 100_000
MAX_TEXT = 2000
DUE_DAY = 10  # a month's figures are due by the 10th of the following month
NOTE_STATUSES = (model.LAGGING, model.WARNING)
NOTE_MONTHS = 3  # the preview judges the newest three months of a file for missing 情况说明
EXPLANATION_SHEET = "情况说明"
# The message of an IngestError that wraps an unexpected exception (a bug, not a bad file); tests check it never shows.
UNEXPECTED_PARSE_ERROR = "文件无法解析（{}），请使用系统模板或按说明整理后再上传。"
REVERTIBLE = frozenset({"figures", "targets", "explanations"})
BATCH_KIND_NAMES = {
    "figures": "数值",
    "targets": "目标",
    "explanations": "情况说明",
    "places": "地点",
    "projects": "项目",
    "seed": "初始数据",
}
PLACE_KINDS = {"village": ("village", "community")}  # a metric's place kind → the place kinds that report it

# Serialises writes of threads in this process (DuckDB's file lock already serialises processes), so two
# sessions committing at once never hit a write-write conflict and the duplicate check stays exact.
_WRITE_LOCK = threading.RLock()


class IngestError(ValueError):
    """The file cannot be read at all (format, encoding, no header). The message is Chinese, for users."""


class ValidationFailed(ValueError):
    """The file was read but has errors; nothing was written. ``report`` holds every issue."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"文件有 {len(report.errors)} 处错误，未写入任何数据。")


@dataclass(frozen=True)
class Issue:
    level: str  # error | warning
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # e.g. "D列（数值）"

    def text(self) -> str:
        where = ""
        if self.sheet:
            where += f"工作表“{self.sheet}”"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += self.column
        return f"{where}：{self.message}" if where else self.message


# ---------------------------------------------------------------- reading cells


@dataclass(frozen=True)
class Cell:
    value: object
    number_format: str = "General"


@dataclass
class Table:
    sheet: str | None  # None for CSV
    rows: list[list[Cell]]


class CellError(ValueError):
    pass


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _norm_text(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u00a0", " ").replace("\u3000", " ").strip()


def _norm_header(value: object) -> str:
    text = _norm_text(value).lower()
    text = re.sub(r"[(\[【（].*?[)\]】）]", "", text)  # "数值（必填）" → "数值"
    return re.sub(r"[\s_*:：]", "", text)


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
    text = _norm_text(raw).replace(" ", "").lower()
    shown = _norm_text(raw)[:30]
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
    raw = cell.value
    if isinstance(raw, bool) or isinstance(raw, (datetime, date, time)):
        raise CellError("应为整数")
    if isinstance(raw, (int, float)):
        if not math.isfinite(float(raw)) or float(raw) != int(raw):
            raise CellError(f"“{raw}”不是整数")
        return int(raw)
    text = _norm_text(raw).replace(" ", "").removesuffix(suffix)
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"[+-]?\d{1,6}", text):
        raise CellError(f"“{_norm_text(raw)[:20]}”不是整数")
    return int(text)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # gb18030 is a superset of GBK, as Excel in China writes it
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError("无法识别文件编码：CSV 文件请保存为 UTF-8 或 GBK 编码。")


def _read_csv(data: bytes) -> list[Table]:
    text = _decode(data)
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


@dataclass(frozen=True)
class _Unsaved:
    """A formula cell with no stored result (written by a program, never opened in Excel)."""

    formula: str


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
                        table.rows[r][c] = Cell(_Unsaved(value))
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


# ---------------------------------------------------------------- headers

FIGURE_COLUMNS = {
    "metric": ("指标编码", "指标代码", "编码", "metric", "metriccode", "code"),
    "year": ("年", "年份", "年度", "year"),
    "month": ("月", "月份", "month"),
    "value": ("数值", "本月数值", "填报值", "值", "value"),
    "place": ("地点编码", "地点", "place", "placecode"),
    "note": ("备注", "note", "remark", "remarks"),
    "explanation": ("情况说明", "explanation"),
}
FIGURE_REQUIRED = ("metric", "year", "month", "value")
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
EXPLANATION_COLUMNS = {
    "indicator": ("指标编码", "指标代码", "编码", "indicator", "code"),
    "year": FIGURE_COLUMNS["year"],
    "month": FIGURE_COLUMNS["month"],
    "explanation": ("情况说明", "说明", "explanation", "text"),
}
EXPLANATION_REQUIRED = ("indicator", "year", "month", "explanation")
TARGET_COLUMNS = {
    "indicator": ("指标编码", "指标代码", "编码", "indicator", "code"),
    "year": FIGURE_COLUMNS["year"],
    "target": ("目标值", "目标", "target", "数值", "value"),
    "comparator": ("比较", "比较方式", "comparator"),
    "note": ("备注", "note", "remark"),
}
TARGET_REQUIRED = ("indicator", "year", "target")


def _find_header(
    table: Table, columns: dict[str, tuple[str, ...]], required: tuple[str, ...], scan: int = 30
) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and column index per field, looking past title rows above it."""
    lookup = {_norm_header(alias): key for key, aliases in columns.items() for alias in aliases}
    best: tuple[int, int, dict[str, int]] | None = None
    for r, row in enumerate(table.rows[:scan]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            key = lookup.get(_norm_header(cell.value))
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


def _cell(row: list[Cell], index: int | None) -> Cell:
    if index is None or index >= len(row):
        return Cell(None)
    return row[index]


def _blank(cell: Cell) -> bool:
    return cell.value is None or (isinstance(cell.value, str) and not _norm_text(cell.value))


def _col(index: int, key: str) -> str:
    return f"{_letter(index)}列（{COLUMN_NAMES.get(key, key)}）"


# ---------------------------------------------------------------- parsing figures


@dataclass
class RawRow:
    sheet: str | None
    row: int  # 1-based, as Excel shows it
    cols: dict[str, int]
    metric: str
    year: int | None
    month: int | None
    place: str
    value: float | None
    percent: bool
    note: str
    explanation: str


@dataclass
class RawExplanation:
    sheet: str | None
    row: int
    cols: dict[str, int]
    indicator: str
    year: int | None
    month: int | None
    text: str


@dataclass
class Parsed:
    file_name: str
    sha256: str
    rows: list[RawRow] = field(default_factory=list)
    explanations: list[RawExplanation] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _read_int(
    row: list[Cell], cols: dict[str, int], key: str, suffix: str, issues: list[Issue], sheet: str | None, line: int
) -> int | None:
    cell = _cell(row, cols.get(key))
    if _blank(cell):
        issues.append(Issue("error", f"{COLUMN_NAMES[key]}不能为空", sheet, line, _col(cols[key], key)))
        return None
    if isinstance(cell.value, _Unsaved):
        issues.append(Issue("error", "公式没有保存的计算结果，请在 Excel 中打开文件、保存后再上传", sheet, line, _col(cols[key], key)))
        return None
    try:
        return parse_int(cell, suffix)
    except CellError as exc:
        issues.append(Issue("error", str(exc), sheet, line, _col(cols[key], key)))
        return None


def _free_text(value: object) -> str:
    """Notes keep their Chinese punctuation (no NFKC); only outer and non-breaking spaces go."""
    return "" if value is None else str(value).replace("\u00a0", " ").strip()[:MAX_TEXT]


def _text(row: list[Cell], cols: dict[str, int], key: str) -> str:
    cell = _cell(row, cols.get(key))
    if isinstance(cell.value, _Unsaved):
        return ""
    if isinstance(cell.value, float) and cell.value.is_integer():
        return str(int(cell.value))
    if key in ("note", "explanation"):
        return _free_text(cell.value)
    return _norm_text(cell.value)[:MAX_TEXT]


def _parse_figure_table(table: Table, header: int, cols: dict[str, int], parsed: Parsed) -> None:
    for r in range(header + 1, len(table.rows)):
        row = table.rows[r]
        line = r + 1
        if all(_blank(c) for c in row):
            continue
        metric = _text(row, cols, "metric")
        value_cell = _cell(row, cols["value"])
        explanation = _text(row, cols, "explanation") if "explanation" in cols else ""
        if _blank(value_cell) and not explanation:
            continue  # a template row left empty: not reported, not an error
        if not metric:
            parsed.issues.append(Issue("error", "指标编码不能为空", table.sheet, line, _col(cols["metric"], "metric")))
            continue
        year = _read_int(row, cols, "year", "年", parsed.issues, table.sheet, line)
        month = _read_int(row, cols, "month", "月", parsed.issues, table.sheet, line)
        value, percent = None, False
        if isinstance(value_cell.value, _Unsaved):
            parsed.issues.append(
                Issue(
                    "error", "公式没有保存的计算结果，请在 Excel 中打开文件、保存后再上传", table.sheet, line, _col(cols["value"], "value")
                )
            )
        elif not _blank(value_cell):
            try:
                value, percent = parse_number(value_cell)
            except CellError as exc:
                parsed.issues.append(Issue("error", str(exc), table.sheet, line, _col(cols["value"], "value")))
        parsed.rows.append(
            RawRow(
                table.sheet,
                line,
                cols,
                metric,
                year,
                month,
                _text(row, cols, "place"),
                value,
                percent,
                _text(row, cols, "note"),
                explanation,
            )
        )
        if len(parsed.rows) > MAX_ROWS:
            raise IngestError(f"数据超过 {MAX_ROWS:,} 行，请拆分后分批上传。")


def _parse_explanation_table(table: Table, header: int, cols: dict[str, int], parsed: Parsed) -> None:
    for r in range(header + 1, len(table.rows)):
        row = table.rows[r]
        line = r + 1
        text = _text(row, cols, "explanation")
        if not text:
            continue
        indicator = _text(row, cols, "indicator")
        if not indicator:
            parsed.issues.append(Issue("error", "指标编码不能为空", table.sheet, line, _col(cols["indicator"], "indicator")))
            continue
        year = _read_int(row, cols, "year", "年", parsed.issues, table.sheet, line)
        month = _read_int(row, cols, "month", "月", parsed.issues, table.sheet, line)
        parsed.explanations.append(RawExplanation(table.sheet, line, cols, indicator, year, month, text))


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
    tables = read_tables(data, file_name)
    found_data = False
    for table in tables:
        if table.sheet is not None and _norm_header(table.sheet) == _norm_header(EXPLANATION_SHEET):
            found = _find_header(table, EXPLANATION_COLUMNS, EXPLANATION_REQUIRED)
            if found:
                _parse_explanation_table(table, found[0], found[1], parsed)
            continue
        found = _find_header(table, FIGURE_COLUMNS, FIGURE_REQUIRED)
        if found:
            found_data = True
            _parse_figure_table(table, found[0], found[1], parsed)
    if not found_data and not parsed.explanations:
        raise IngestError("没有找到表头：文件需要包含 指标编码、年、月、数值 四列（中文或英文列名均可）。")
    if not parsed.rows and not parsed.explanations and not parsed.issues:
        raise IngestError("文件中没有填写任何数值。")
    return parsed


# ---------------------------------------------------------------- checking


@dataclass
class Report:
    parsed: Parsed
    user: User
    issues: list[Issue] = field(default_factory=list)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    explanations: list[dict] = field(default_factory=list)
    notes_needed: list[dict] = field(default_factory=list)
    duplicate_of: int | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> pd.DataFrame:
        if self.preview.empty:
            return self.preview
        return self.preview[self.preview["change"] != "不变"]


def _metrics(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    frame = con.execute("select m.*, d.name as department_name from metric m join department d on d.code = m.department").df()
    return {r["code"]: r for r in frame.to_dict("records")}


def _places(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], str]]:
    rows = con.execute("select code, name, kind from place").fetchall()
    by_code = {code: (name, kind) for code, name, kind in rows}
    by_name = {(_norm_text(name), kind): code for code, name, kind in rows}
    return by_code, by_name


def place_kinds(place_kind: str | None) -> tuple[str, ...]:
    """The place kinds that may report a per-place metric of ``place_kind``: 村 metrics are for 村（社区）."""
    if not place_kind:
        return ()
    return PLACE_KINDS.get(place_kind, (place_kind,))


def _dept_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("select code, name from department").fetchall())


def _period_issue(year: int | None, month: int | None, today: date) -> tuple[str, str] | None:
    """(column key, message) when the period cannot be reported, else None."""
    if year is None or month is None:
        return None
    if not 1 <= month <= 12:
        return "month", f"月份“{month}”不在 1 到 12 之间"
    if not 2000 <= year <= today.year:
        return "year", f"年份“{year}”不合理（应在 2000 到 {today.year} 之间）"
    if (year, month) > (today.year, today.month):
        return "month", f"{year}年{month}月还没有到，不能填报未来月份"
    return None


def _fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def validate(con: duckdb.DuckDBPyConnection, parsed: Parsed, user: User | None, today: date | None = None) -> Report:
    """Every check that needs the database; reads only. The caller decides whether to write."""
    require_writer(user)
    today = today or date.today()
    report = Report(parsed=parsed, user=user, issues=list(parsed.issues))
    metrics = _metrics(con)
    by_name = {_norm_text(m["name"]): code for code, m in metrics.items()}
    places, places_by_name = _places(con)
    depts = _dept_names(con)
    indicators = registry()
    factor = config.settings().jump_warning_factor
    issues = report.issues
    good: list[dict] = []
    from_rows: list[RawExplanation] = []  # 情况说明 given in a column of the data rows
    seen: dict[tuple, int] = {}
    for raw in parsed.rows:
        sheet, line, cols = raw.sheet, raw.row, raw.cols
        code = raw.metric.strip().lower() if raw.metric.strip().lower() in metrics else by_name.get(raw.metric)
        if code is None:
            issues.append(
                Issue(
                    "error",
                    f"未知的指标编码“{raw.metric[:40]}”（可在模板或“指标”清单中查看编码）",
                    sheet,
                    line,
                    _col(cols["metric"], "metric"),
                )
            )
            continue
        m = metrics[code]
        if user.role == "staff" and m["department"] != user.department:
            issues.append(
                Issue(
                    "error",
                    f"指标“{m['name']}”（{code}）属于“{m['department_name']}”，账号“{user.name}”"
                    f"属于“{depts.get(user.department, user.department)}”，不能填报其他部门的指标",
                    sheet,
                    line,
                    _col(cols["metric"], "metric"),
                )
            )
            continue
        problem = _period_issue(raw.year, raw.month, today)
        if problem:
            issues.append(Issue("error", problem[1], sheet, line, _col(cols[problem[0]], problem[0])))
            continue
        if raw.year is None or raw.month is None:
            continue
        place = None
        if m["per_place"]:
            if not raw.place:
                col = _col(cols["place"], "place") if "place" in cols else "地点列"
                issues.append(Issue("error", f"指标“{m['name']}”按地点填报，地点不能为空", sheet, line, col))
                continue
            kinds = place_kinds(m["place_kind"])
            if raw.place in places and places[raw.place][1] in kinds:
                place = raw.place
            else:
                place = next((places_by_name[(raw.place, k)] for k in kinds if (raw.place, k) in places_by_name), None)
            if place is None:
                issues.append(
                    Issue("error", f"地点“{raw.place[:40]}”不是指标“{m['name']}”可填报的地点", sheet, line, _col(cols["place"], "place"))
                )
                continue
        elif raw.place:
            issues.append(Issue("error", f"指标“{m['name']}”不分地点，地点应留空", sheet, line, _col(cols["place"], "place")))
            continue
        key = (code, place, raw.year, raw.month)
        value = raw.value
        if value is not None:
            if raw.percent and m["unit"] != "%":
                issues.append(
                    Issue("error", f"指标“{m['name']}”的单位是“{m['unit']}”，不能填写百分数", sheet, line, _col(cols["value"], "value"))
                )
                continue
            low, high = m["min_value"], m["max_value"]
            if low is not None and not pd.isna(low) and value < low:
                message = "不能为负数" if low == 0 else f"不能小于 {_fmt(low)}"
                issues.append(Issue("error", f"“{_fmt(value)}”{message}（{m['name']}）", sheet, line, _col(cols["value"], "value")))
                continue
            if high is not None and not pd.isna(high) and value > high:
                issues.append(
                    Issue("error", f"“{_fmt(value)}”不能大于 {_fmt(high)}（{m['name']}）", sheet, line, _col(cols["value"], "value"))
                )
                continue
        elif raw.explanation:
            pass  # a row carrying only a 情况说明
        else:
            continue
        if value is not None:
            if key in seen:
                issues.append(
                    Issue("error", f"与第{seen[key]}行重复：同一指标、地点、月份只能填一次", sheet, line, _col(cols["metric"], "metric"))
                )
                continue
            seen[key] = line
            good.append(
                {
                    "idx": len(good),
                    "metric": code,
                    "place": place,
                    "year": raw.year,
                    "month": raw.month,
                    "value": float(value),
                    "note": raw.note or None,
                    "sheet": sheet or "",
                    "row": line,
                    "column": _col(cols["value"], "value"),
                }
            )
        if raw.explanation:
            for ind in indicators.values():
                if code in ind.metrics:
                    from_rows.append(
                        RawExplanation(sheet, line, {**cols, "indicator": cols["metric"]}, ind.code, raw.year, raw.month, raw.explanation)
                    )
    report.preview = _compare(con, good, metrics, places, factor, issues)
    report.explanations = _check_explanations(parsed.explanations + from_rows, user, today, issues, depts)
    (dup,) = con.execute("select min(id) from batch where sha256 = ? and status = 'committed'", [parsed.sha256]).fetchone()
    report.duplicate_of = dup
    if not good and not report.explanations and not report.errors:
        issues.append(Issue("error", "文件中没有可写入的数值。"))
    return report


def _compare(
    con: duckdb.DuckDBPyConnection, good: list[dict], metrics: dict, places: dict, factor: float, issues: list[Issue]
) -> pd.DataFrame:
    """Old value, previous period's value, change kind; running totals and jumps checked here."""
    columns = ["idx", "metric", "place", "year", "month", "value", "note", "sheet", "row", "column"]
    new = pd.DataFrame(good, columns=columns)
    if new.empty:
        return pd.DataFrame(columns=columns + ["old_value", "old_note", "prev_value", "prev_ym", "next_value", "next_ym", "change"])
    new = new.astype({"idx": "int64", "year": "int64", "month": "int64", "value": "float64", "row": "int64"})
    con.register("_new", new)
    try:
        frame = con.execute(
            """
            with cur as (
                select metric, place, year, month, value, note from figure_current
                where metric in (select distinct metric from _new)
            ),
            joined as (
                select n.*, c.value as old_value, c.note as old_note
                from _new n left join cur c
                  on c.metric = n.metric and c.place is not distinct from n.place
                 and c.year = n.year and c.month = n.month
            ),
            timeline as (
                select idx, metric, place, year * 12 + month - 1 as ym, value from _new
                union all
                select null, c.metric, c.place, c.year * 12 + c.month - 1, c.value from cur c
                where not exists (select 1 from _new n where n.metric = c.metric
                                  and n.place is not distinct from c.place and n.year = c.year and n.month = c.month)
            ),
            prev as (
                select idx, lag(value) over w as prev_value, lag(ym) over w as prev_ym,
                       lead(value) over w as next_value, lead(ym) over w as next_ym
                from timeline
                window w as (partition by metric, place order by ym)
            )
            select j.*, p.prev_value, p.prev_ym, p.next_value, p.next_ym
            from joined j join prev p on p.idx = j.idx
            order by j.idx
            """
        ).df()
    finally:
        con.unregister("_new")
    changes = []
    for r in frame.itertuples(index=False):
        m = metrics[r.metric]
        old = None if pd.isna(r.old_value) else float(r.old_value)
        note = r.note if isinstance(r.note, str) and r.note else None
        note_changed = note is not None and note != (r.old_note if isinstance(r.old_note, str) else None)
        changes.append("新增" if old is None else ("修改" if old != r.value or note_changed else "不变"))
        after = None if pd.isna(r.next_value) else float(r.next_value)
        if r.metric in NON_DECREASING and after is not None and r.value > after:
            next_year, next_month = divmod(int(r.next_ym), 12)
            issues.append(
                Issue(
                    "error",
                    f"“{m['name']}”是累计数，不能高于之后（{next_year}年{next_month + 1}月为 "
                    f"{_fmt(after)}）；如需更正之后的数据，请在同一文件中一并填写更正后的数值",
                    r.sheet or None,
                    int(r.row),
                    r.column,
                )
            )
        prev = None if pd.isna(r.prev_value) else float(r.prev_value)
        if prev is None:
            continue
        ym = r.year * 12 + r.month - 1
        prev_year, prev_month = divmod(int(r.prev_ym), 12)
        where = f"{prev_year}年{prev_month + 1}月"
        if r.metric in NON_DECREASING and r.value < prev:
            issues.append(
                Issue(
                    "error",
                    f"“{m['name']}”是累计数，不能低于之前（{where}为 {_fmt(prev)}）；"
                    f"如需更正之前的数据，请在同一文件中一并填写更正后的数值",
                    r.sheet or None,
                    int(r.row),
                    r.column,
                )
            )
        elif int(r.prev_ym) == ym - 1 and prev > 0 and r.value > 0 and factor > 1:
            ratio = max(r.value / prev, prev / r.value)
            if ratio >= factor:
                issues.append(
                    Issue(
                        "warning",
                        f"“{m['name']}”为 {_fmt(r.value)}，与上月（{_fmt(prev)}）相差 {ratio:.1f} 倍，请核实（不影响提交）",
                        r.sheet or None,
                        int(r.row),
                        r.column,
                    )
                )
    frame["change"] = changes
    frame["metric_name"] = [metrics[c]["name"] for c in frame["metric"]]
    frame["unit"] = [metrics[c]["unit"] for c in frame["metric"]]
    frame["place_name"] = [places.get(p, ("", ""))[0] if isinstance(p, str) else "" for p in frame["place"]]
    return frame


def _check_explanations(raws: list[RawExplanation], user: User, today: date, issues: list[Issue], depts: dict[str, str]) -> list[dict]:
    indicators = registry()
    by_name = {_norm_text(i.name): c for c, i in indicators.items()}
    out: dict[tuple[str, int, int], dict] = {}
    for raw in raws:
        col = _col(raw.cols["indicator"], "indicator") if "indicator" in raw.cols else None
        code = raw.indicator.strip().lower() if raw.indicator.strip().lower() in indicators else by_name.get(raw.indicator)
        if code is None:
            issues.append(Issue("error", f"未知的指标编码“{raw.indicator[:40]}”", raw.sheet, raw.row, col))
            continue
        ind = indicators[code]
        if user.role == "staff" and ind.department != user.department:
            if raw.cols.get("indicator") == raw.cols.get("metric"):
                continue  # a data row's note attaches only to the user's own indicators
            issues.append(
                Issue(
                    "error",
                    f"指标“{ind.name}”属于“{depts.get(ind.department, ind.department)}”，不能为其他部门的指标填写情况说明",
                    raw.sheet,
                    raw.row,
                    col,
                )
            )
            continue
        problem = _period_issue(raw.year, raw.month, today)
        if problem:
            issues.append(Issue("error", problem[1], raw.sheet, raw.row, _col(raw.cols[problem[0]], problem[0])))
            continue
        if raw.year is None or raw.month is None:
            continue
        key = (code, raw.year, raw.month)
        if key in out:
            if raw.text not in out[key]["text"]:
                out[key]["text"] += "；" + raw.text
            continue
        out[key] = {"indicator": code, "name": ind.name, "year": raw.year, "month": raw.month, "text": raw.text}
    return list(out.values())


# ---------------------------------------------------------------- writing


def _write_figures(con: duckdb.DuckDBPyConnection, report: Report, created_at: datetime | None = None) -> int | None:
    """A new batch with every row of the file when any of them changes something (else None, nothing written).

    The unchanged rows are written too (keeping their current note): the batch then stands for all the file
    reported, and reverting an earlier batch cannot take back a value this one repeated.
    """
    changed = report.changed
    if changed.empty and not report.explanations:
        return None
    rows_in = report.preview
    if not rows_in.empty:
        same = rows_in["change"] == "不变"
        rows_in = rows_in.assign(note=rows_in["note"].where(~same | rows_in["note"].notna(), rows_in["old_note"]))
    batch_id = store.new_batch(
        con,
        "figures",
        report.user.name,
        created_at=created_at,
        file_name=report.parsed.file_name[:200],
        sha256=report.parsed.sha256,
        rows=len(rows_in) + len(report.explanations),
    )
    cols = ["metric", "year", "month", "place", "value", "note"]
    rows = [[*r, batch_id] for r in rows_in[cols].itertuples(index=False, name=None)] if not rows_in.empty else []
    rows = [
        [m, int(y), int(mo), None if not isinstance(p, str) else p, float(v), None if not isinstance(n, str) else n, b]
        for m, y, mo, p, v, n, b in rows
    ]
    store.insert_rows(con, "figure", cols + ["batch_id"], rows)
    store.insert_rows(
        con,
        "explanation",
        ["indicator", "year", "month", "text", "batch_id"],
        [[e["indicator"], e["year"], e["month"], e["text"], batch_id] for e in report.explanations],
    )
    return batch_id


def _notes_needed(con: duckdb.DuckDBPyConnection, report: Report, staged: int | None = None) -> list[dict]:
    """Indicators touched by the file that are at 滞后/预警 after it and have no 情况说明 for that month.

    ``staged``: the id of a batch staged in an open transaction (preview). tracker.indicators' value cache opens
    transactions of its own and, when it cannot, rolls back, which ends ours; the staging is then redone before
    the next month is judged, so every month sees the file's rows.
    """
    from tracker import status

    touched = set(report.preview["metric"]) if not report.preview.empty else set()
    if not touched:
        return []
    months = zip(report.preview["year"], report.preview["month"], strict=True)
    periods = sorted({(int(y), int(m)) for y, m in months})[-NOTE_MONTHS:]
    in_file = {(e["indicator"], e["year"], e["month"]) for e in report.explanations}
    out = []
    for year, month in periods:
        if staged is not None and not con.execute("select 1 from batch where id = ?", [staged]).fetchone():
            _rollback(con)
            con.execute("begin")
            staged = _write_figures(con, report)
        for item in status.indicator_status(con, year, month):
            ind = registry()[item.code]
            if not touched.intersection(ind.metrics) or item.status not in NOTE_STATUSES:
                continue
            if item.explanation or (item.code, year, month) in in_file:
                continue
            if report.user.role == "staff" and ind.department != report.user.department:
                continue
            out.append(
                {
                    "indicator": item.code,
                    "name": item.name,
                    "year": year,
                    "month": month,
                    "status": item.status,
                    "department": item.department,
                }
            )
    return out


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (a failed statement may already have ended it)."""
    try:
        con.execute("rollback")
    except duckdb.TransactionException:
        pass


def _transaction(con: duckdb.DuckDBPyConnection):
    class _Tx:
        def __enter__(self):
            con.execute("begin")
            return con

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None:
                con.execute("commit")
            else:
                _rollback(con)
            return False

    return _Tx()


def prepare(data: bytes, file_name: str, user: User | None, today: date | None = None, with_notes: bool = True) -> Report:
    """Parse and check a file and show what a commit would do; writes nothing (the staging is rolled back)."""
    require_writer(user)
    import time as _time

    started = _time.perf_counter()
    parsed = parse(data, file_name)
    parsed_at = _time.perf_counter()
    with _WRITE_LOCK, store.connect() as con:
        con.execute("begin")
        try:
            report = validate(con, parsed, user, today)
            checked_at = _time.perf_counter()
            if report.ok and with_notes:
                # Stage the rows to judge the statuses they lead to; rolled back below. Inside this
                # transaction the indicator cache computes without storing (tracker.indicators._store).
                staged = _write_figures(con, report)
                report.notes_needed = _notes_needed(con, report, staged)
        finally:
            _rollback(con)
    report.timings = {"parse": parsed_at - started, "check": checked_at - parsed_at, "notes": _time.perf_counter() - checked_at}
    return report


@dataclass
class CommitResult:
    batch_id: int | None
    rows: int
    unchanged: int
    explanations: int
    duplicate_of: int | None
    report: Report

    def message(self) -> str:
        if self.duplicate_of is not None:
            return f"此文件与已提交的批次 {self.duplicate_of} 完全相同，本次没有任何改动。"
        if self.batch_id is None:
            return "文件中的数值与系统现有数值完全相同，本次没有任何改动。"
        text = f"已提交：批次 {self.batch_id}，写入 {self.rows} 个数值"
        if self.unchanged:
            text += f"（另有 {self.unchanged} 个与现有数值相同，一并记入本批次）"
        if self.explanations:
            text += f"，{self.explanations} 条情况说明"
        return text + "。"


def commit(data: bytes, file_name: str, user: User | None, today: date | None = None, created_at: datetime | None = None) -> CommitResult:
    """Check again inside one write transaction and write a new batch, or nothing at all.

    Raises PermissionDenied, IngestError or ValidationFailed; on any of them the database is unchanged.
    """
    require_writer(user)
    parsed = parse(data, file_name)
    with _WRITE_LOCK, store.connect() as con:
        with _transaction(con):
            report = validate(con, parsed, user, today)
            if not report.ok:
                raise ValidationFailed(report)
            if report.duplicate_of is not None:
                store.audit(
                    con, user.name, "figures.duplicate", {"file": parsed.file_name, "sha256": parsed.sha256, "batch": report.duplicate_of}
                )
                return CommitResult(None, 0, len(report.preview), 0, report.duplicate_of, report)
            batch_id = _write_figures(con, report, created_at)
            changed = len(report.changed)
            store.audit(
                con,
                user.name,
                "figures.commit" if batch_id else "figures.unchanged",
                {
                    "batch": batch_id,
                    "file": parsed.file_name,
                    "sha256": parsed.sha256,
                    "rows": changed,
                    "explanations": len(report.explanations),
                },
            )
        # After the commit: tracker.status may run (and cache) in transactions of its own.
        report.notes_needed = _notes_needed(con, report) if batch_id else []
    return CommitResult(batch_id, changed, len(report.preview) - changed, len(report.explanations), None, report)


def add_explanation(indicator: str, year: int, month: int, text: str, user: User | None, today: date | None = None) -> int:
    """A 情况说明 entered on the page: a batch of its own, same checks as one in a file."""
    require_writer(user)
    ind = registry().get(indicator)
    if ind is None:
        raise IngestError(f"未知的指标编码“{indicator}”。")
    require_writer(user, ind.department)
    text = _free_text(text)
    if not text:
        raise IngestError("情况说明不能为空。")
    problem = _period_issue(year, month, today or date.today())
    if problem:
        raise IngestError(problem[1] + "。")
    with _WRITE_LOCK, store.connect() as con, _transaction(con):
        batch_id = store.new_batch(con, "explanations", user.name, file_name="页面填写", rows=1)
        con.execute("insert into explanation values (?, ?, ?, ?, ?)", [indicator, year, month, text, batch_id])
        store.audit(con, user.name, "explanation.add", {"batch": batch_id, "indicator": indicator, "year": year, "month": month})
    return batch_id


def revert(batch_id: int, user: User | None, now: datetime | None = None) -> None:
    """Flip a batch to reverted: its rows stay, the previous values show again. Admin, or the uploader in the
    calendar month of the upload."""
    require_writer(user)
    now = now or datetime.now()
    with _WRITE_LOCK, store.connect() as con, _transaction(con):
        row = con.execute("select kind, user_name, created_at, status from batch where id = ?", [batch_id]).fetchone()
        if row is None:
            raise IngestError(f"批次 {batch_id} 不存在。")
        kind, owner, created, state = row
        if kind == "seed":
            raise PermissionDenied("初始数据批次不能撤销。")
        if kind not in REVERTIBLE:
            raise IngestError(
                f"批次 {batch_id} 是“{BATCH_KIND_NAMES.get(kind, kind)}”批次，撤销无法恢复它之前的内容，不能撤销；请重新上传正确的文件。"
            )
        if state == "reverted":
            raise IngestError(f"批次 {batch_id} 已经撤销过了。")
        if not user.is_admin:
            if owner != user.name:
                raise PermissionDenied(f"只有管理员或上传人“{owner}”本人可以撤销批次 {batch_id}。")
            if (created.year, created.month) != (now.year, now.month):
                raise PermissionDenied(f"批次 {batch_id} 上传于 {created:%Y年%m月}，上传人只能在当月撤销，请联系管理员。")
        con.execute("update batch set status = 'reverted', reverted_at = ?, reverted_by = ? where id = ?", [now, user.name, batch_id])
        store.audit(con, user.name, "batch.revert", {"batch": batch_id, "kind": kind})


# ---------------------------------------------------------------- targets

COMPARATORS = {">=": ">=", "≥": ">=", "不低于": ">=", "<=": "<=", "≤": "<=", "不高于": "<=", "=": "=", "等于": "=", "==": "="}


# A target's comparator must point the way the indicator should move: "<=" on a "more is better" indicator (or
# ">=" on "less is better", e.g. 劣V类河涌) would make the wrong change look good. "=" fits both.
WRONG_COMPARATOR = {"up": "<=", "down": ">="}
DIRECTION_NAMES = {"up": "越多越好", "down": "越少越好"}


def default_comparator(indicator: str) -> str:
    """The comparator a new target of ``indicator`` gets when none is given: from the indicator's direction."""
    ind = registry().get(indicator)
    return "<=" if ind is not None and ind.direction == "down" else ">="


@dataclass
class TargetRow:
    indicator: str
    year: int | None
    value: float | None
    comparator: str
    note: str
    sheet: str | None = None
    row: int | None = None
    cols: dict[str, int] = field(default_factory=dict)


def parse_targets(data: bytes, file_name: str) -> tuple[list[TargetRow], list[Issue]]:
    try:
        tables = read_tables(data, file_name)
        rows: list[TargetRow] = []
        issues: list[Issue] = []
        for table in tables:
            found = _find_header(table, TARGET_COLUMNS, TARGET_REQUIRED)
            if not found:
                continue
            header, cols = found
            for r in range(header + 1, len(table.rows)):
                row = table.rows[r]
                if all(_blank(c) for c in row):
                    continue
                line = r + 1
                year = _read_int(row, cols, "year", "年", issues, table.sheet, line)
                value = None
                cell = _cell(row, cols["target"])
                if _blank(cell):
                    issues.append(Issue("error", "目标值不能为空", table.sheet, line, _col(cols["target"], "target")))
                else:
                    try:
                        value, _ = parse_number(cell)
                    except CellError as exc:
                        issues.append(Issue("error", str(exc), table.sheet, line, _col(cols["target"], "target")))
                rows.append(
                    TargetRow(
                        _text(row, cols, "indicator"),
                        year,
                        value,
                        _text(row, cols, "comparator"),
                        _text(row, cols, "note"),
                        table.sheet,
                        line,
                        cols,
                    )
                )
        if not rows and not issues:
            raise IngestError("没有找到表头：目标文件需要包含 指标编码、年、目标值 三列。")
        return rows, issues
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - same promise as parse()
        raise IngestError(UNEXPECTED_PARSE_ERROR.format(type(exc).__name__)) from exc


def check_targets(
    con: duckdb.DuckDBPyConnection, rows: list[TargetRow], user: User | None, issues: list[Issue] | None = None, today: date | None = None
) -> tuple[pd.DataFrame, list[Issue]]:
    require_admin(user)
    today = today or date.today()
    issues = list(issues or [])
    indicators = registry()
    current = {(i, y): (v, c) for i, y, v, c in con.execute("select indicator, year, value, comparator from target_current").fetchall()}
    good, seen = [], {}
    for t in rows:

        def col(k: str, t: TargetRow = t) -> str:
            return _col(t.cols[k], k) if k in t.cols else COLUMN_NAMES[k]

        code = t.indicator.strip().lower()
        if code not in indicators:
            issues.append(Issue("error", f"未知的指标编码“{t.indicator[:40]}”", t.sheet, t.row, col("indicator")))
            continue
        if t.year is None or t.value is None:
            continue
        if not 2000 <= t.year <= today.year + 1:
            issues.append(Issue("error", f"年份“{t.year}”不合理（目标只能录入到 {today.year + 1} 年）", t.sheet, t.row, col("year")))
            continue
        ind = indicators[code]
        if t.comparator:
            comparator = COMPARATORS.get(t.comparator.replace(" ", ""))
        else:  # keep the current target's comparator when it fits the direction, else follow the direction
            comparator = current.get((code, t.year), (None, None))[1]
            if comparator is None or comparator == WRONG_COMPARATOR.get(ind.direction):
                comparator = default_comparator(code)
        if comparator is None:
            issues.append(Issue("error", f"比较方式“{t.comparator[:10]}”无效，应为 >=、<= 或 =", t.sheet, t.row, col("comparator")))
            continue
        if comparator == WRONG_COMPARATOR.get(ind.direction):
            right = "<=" if ind.direction == "down" else ">="
            issues.append(
                Issue(
                    "error",
                    f"指标“{ind.name}”{DIRECTION_NAMES[ind.direction]}，比较方式不能是“{comparator}”，应为“{right}”或“=”",
                    t.sheet,
                    t.row,
                    col("comparator"),
                )
            )
            continue
        if t.value < 0:
            issues.append(Issue("error", "目标值不能为负数", t.sheet, t.row, col("target")))
            continue
        if ind.unit == "%" and t.value > 100:
            issues.append(Issue("error", "百分比目标不能大于 100", t.sheet, t.row, col("target")))
            continue
        key = (code, t.year)
        if key in seen:
            issues.append(Issue("error", f"与第{seen[key]}行重复：同一指标同一年只能有一个目标", t.sheet, t.row, col("indicator")))
            continue
        seen[key] = t.row
        if t.year < today.year:
            issues.append(Issue("warning", f"{t.year}年已过去，确认要修改往年目标吗（不影响提交）", t.sheet, t.row, col("year")))
        old = current.get(key, (None, None))
        good.append(
            {
                "indicator": code,
                "name": ind.name,
                "unit": ind.unit,
                "year": t.year,
                "old_value": old[0],
                "old_comparator": old[1],
                "value": t.value,
                "comparator": comparator,
                "note": t.note or None,
            }
        )
    return pd.DataFrame(
        good, columns=["indicator", "name", "unit", "year", "old_value", "old_comparator", "value", "comparator", "note"]
    ), issues


def commit_targets(
    rows: list[TargetRow], user: User | None, issues: list[Issue] | None = None, file_name: str | None = None, sha256: str | None = None
) -> int:
    """Write the targets as a new batch (all or nothing); the previous targets stay in the history."""
    require_admin(user)
    with _WRITE_LOCK, store.connect() as con, _transaction(con):
        frame, found = check_targets(con, rows, user, issues)
        errors = [i for i in found if i.level == "error"]
        if errors or frame.empty:
            report = Report(parsed=Parsed(file_name or "", sha256 or ""), user=user, issues=found or [Issue("error", "没有可写入的目标。")])
            raise ValidationFailed(report)
        batch_id = store.new_batch(con, "targets", user.name, file_name=file_name or "页面填写", sha256=sha256, rows=len(frame))
        store.insert_rows(
            con,
            "target",
            ["indicator", "year", "value", "comparator", "rule", "note", "batch_id"],
            [[r.indicator, int(r.year), float(r.value), r.comparator, "fixed", r.note, batch_id] for r in frame.itertuples(index=False)],
        )
        store.audit(con, user.name, "targets.commit", {"batch": batch_id, "rows": len(frame), "file": file_name})
    return batch_id


# ---------------------------------------------------------------- reading back (pages and CLI)


def targets_for_year(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The current target of every indicator for ``year`` (the 目标管理 page's table)."""
    return con.execute(
        "select indicator, value, comparator, rule, note, batch_id from target_current where year = ? order by indicator", [year]
    ).df()


def current_figures(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[dict]:
    rows = con.execute(
        "select metric, place, value, batch_id from figure_current where year = ? and month = ? order by metric, place", [year, month]
    ).fetchall()
    return [{"metric": m, "place": p, "value": v, "batch": b} for m, p, v, b in rows]


def batches(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> pd.DataFrame:
    sql = (
        "select id, kind, user_name, created_at, file_name, sha256, rows, status, demo, reverted_at, reverted_by "
        "from batch order by id desc"
    )
    return con.execute(sql + (f" limit {int(limit)}" if limit else "")).df()


def metrics_list(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute("select code, name, unit, department, kind, per_place from metric order by department, code")
    return [{"code": c, "name": n, "unit": u, "department": d, "kind": k, "places": bool(p)} for c, n, u, d, k, p in rows.fetchall()]


def due_date(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, DUE_DAY)


def _expected_places(con: duckdb.DuckDBPyConnection, metric: str, place_kind: str | None) -> int:
    """How many places are expected to report a per-place metric each month: those that have reported it before
    (any year; e.g. the 9 村（社区） of the sewage project), or, before any report, every place of its kinds."""
    (reported,) = con.execute(
        "select count(distinct place) from figure_current where metric = ? and place is not null", [metric]
    ).fetchone()
    if reported:
        return int(reported)
    kinds = list(place_kinds(place_kind))
    if not kinds:
        return 0
    (count,) = con.execute("select count(*) from place where list_contains(?, kind)", [kinds]).fetchone()
    return int(count)


def _expected_per_department(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    rows: dict[str, dict] = {}
    for code, department, name, per_place, place_kind in con.execute(
        "select m.code, m.department, d.name, m.per_place, m.place_kind from metric m "
        "join department d on d.code = m.department order by m.department, m.code"
    ).fetchall():
        row = rows.setdefault(department, {"department": department, "department_name": name, "expected": 0})
        row["expected"] += _expected_places(con, code, place_kind) if per_place else 1
    return pd.DataFrame(list(rows.values()), columns=["department", "department_name", "expected"])


def reporting_status(con: duckdb.DuckDBPyConnection, year: int, today: date | None = None) -> pd.DataFrame:
    """填报率 per department and month: reported metric-places / expected; overdue after the due date."""
    today = today or date.today()
    expected = _expected_per_department(con)
    got = con.execute(
        """
        select m.department, f.month, count(distinct (f.metric, coalesce(f.place, ''))) as reported
        from figure_current f join metric m on m.code = f.metric
        where f.year = ? and f.value is not null
        group by all
        """,
        [year],
    ).df()
    rows = []
    for r in expected.itertuples(index=False):
        for month in range(1, 13):
            hit = got[(got["department"] == r.department) & (got["month"] == month)]
            reported = int(hit["reported"].iloc[0]) if len(hit) else 0
            due = due_date(year, month)
            started = (year, month) <= (today.year, today.month)
            rows.append(
                {
                    "department": r.department,
                    "department_name": r.department_name,
                    "month": month,
                    "expected": int(r.expected),
                    "reported": reported,
                    "rate": min(reported / r.expected, 1.0) if r.expected else None,
                    "due": due,
                    "overdue": bool(started and today > due and reported < r.expected),
                }
            )
    return pd.DataFrame(rows)


def missing_explanations(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[dict]:
    from tracker import status

    return [
        {
            "indicator": i.code,
            "name": i.name,
            "status": i.status,
            "department": i.department,
            "department_name": i.department_name,
            "year": year,
            "month": month,
        }
        for i in status.indicator_status(con, year, month)
        if i.status in NOTE_STATUSES and not i.explanation
    ]


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")

"""The records that cross this package's modules and reach the pages and the CLI: where a problem is
(``Issue``), what a file held (``Parsed``), what a check found (``Report``), and the two errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from tracker.auth import User
from tracker.errors import Refusal

IssueLevel = Literal["error", "warning"]

# The message of an IngestError that wraps an unexpected exception (a bug, not a bad file); tests check it never shows.
UNEXPECTED_PARSE_ERROR = "文件无法解析（{}），请使用系统模板或按说明整理后再上传。"


class IngestError(Refusal, ValueError):
    """The file cannot be read at all (format, encoding, no header). The message is Chinese, for users."""


@dataclass(frozen=True)
class Issue:
    level: IssueLevel
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


@dataclass
class RawRow:
    """A figure row as read, before any check that needs the database."""

    sheet: str | None
    row: int  # 1-based, as Excel shows it
    cols: dict[str, int]  # field key → 0-based column index
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
    """A 情况说明 as read: from the 情况说明 sheet, or from the 情况说明 column of a figure row."""

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


@dataclass(frozen=True)
class Explanation:
    """A checked 情况说明, ready to be written."""

    indicator: str
    name: str
    year: int
    month: int
    text: str


@dataclass(frozen=True)
class MissingExplanation:
    """An indicator at 滞后 or 预警 in a month that has no 情况说明 yet."""

    indicator: str
    name: str
    status: str
    department: str
    department_name: str
    year: int
    month: int


@dataclass(frozen=True)
class TargetMove:
    """A target set by rule (``last_year``: the year before's December value) that the file's figures move."""

    indicator: str
    name: str
    year: int
    old: float | None
    new: float | None

    def text(self) -> str:
        def shown(v: float | None) -> str:
            return "—" if v is None else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")

        return f"“{self.name}”{self.year}年的目标（按上年末数值确定）将从 {shown(self.old)} 变为 {shown(self.new)}"


class Checked:
    """What a checked file says about itself: its errors, and whether it may be written (``issues`` is its field)."""

    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Report(Checked):
    """What the checks found in a file and what a commit would change. ``preview`` has one row per figure:
    old and new value, the neighbouring months and ``change`` (新增 / 修改 / 不变).

    ``same_file_as``: a committed batch with the same bytes; ``duplicate_of`` is set only when the file would also
    change nothing (re-uploading an older file whose values were changed since restores them)."""

    parsed: Parsed
    user: User
    issues: list[Issue] = field(default_factory=list)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    explanations: list[Explanation] = field(default_factory=list)
    explanations_changed: bool = False
    notes_needed: list[MissingExplanation] = field(default_factory=list)
    target_moves: list[TargetMove] = field(default_factory=list)
    same_file_as: int | None = None
    duplicate_of: int | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def changes_anything(self) -> bool:
        """Whether committing would change a figure or a 情况说明 (otherwise nothing is written)."""
        return not self.changed.empty or self.explanations_changed

    @property
    def changed(self) -> pd.DataFrame:
        if self.preview.empty:
            return self.preview
        return self.preview[self.preview["change"] != "不变"]


class ValidationFailed(ValueError):
    """The file was read but has errors; nothing was written. ``report`` holds every issue."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"文件有 {len(report.errors)} 处错误，未写入任何数据。")

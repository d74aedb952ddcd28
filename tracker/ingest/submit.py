"""A file with project or task progress (alone, or the template's 项目/任务 sheets beside its 填报 sheet): checked
as a whole and written all or nothing, in one transaction (a figures batch and a progress batch, each revertible).

Files without project or task tables keep going through ``tracker.ingest.batch`` unchanged (``has_progress`` tells
the CLI and the upload page which way a file goes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tracker import store
from tracker.auth import User, require_writer
from tracker.ingest import batch, figures
from tracker.ingest.checks import validate
from tracker.ingest.model import IngestError, Issue, Parsed, Report
from tracker.ingest.progress import ProgressReport, check_progress, parse_progress, write_progress

# What figures.parse says of a file with no figures at all: not an error when the file holds progress.
_NO_FIGURES = ("没有找到表头", "文件中没有填写任何数值")


class ProgressRefused(ValueError):
    """The file was read but has errors; nothing was written. ``issues`` holds every one."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__(f"文件有 {sum(1 for i in issues if i.level == 'error')} 处错误，未写入任何数据。")


@dataclass
class FileReport:
    progress: ProgressReport
    figures: Report | None  # None when the file has no figures

    @property
    def issues(self) -> list[Issue]:
        return self.progress.issues + (self.figures.issues if self.figures else [])

    @property
    def ok(self) -> bool:
        return not any(i.level == "error" for i in self.issues)


@dataclass
class FileResult:
    progress_batch: int | None
    figures_batch: int | None
    progress_rows: int
    figure_rows: int
    report: FileReport

    def message(self) -> str:
        if self.progress_batch is None and self.figures_batch is None:
            return "文件中的内容与系统现有内容完全相同，本次没有任何改动。"
        parts = []
        if self.progress_batch is not None:
            parts.append(f"项目和重点工作进展 {self.progress_rows} 条（批次 {self.progress_batch}）")
        if self.figures_batch is not None:
            parts.append(f"数值 {self.figure_rows} 个（批次 {self.figures_batch}）")
        return "已提交：" + "，".join(parts) + "。"


def has_progress(data: bytes, file_name: str) -> bool:
    """Whether a file reports project or task progress (then ``prepare_file`` / ``commit_file`` take it): a long-form
    progress table, or a template whose 项目/任务 sheet has a filled row. A template with figures only goes the
    figures way (``tracker.ingest.batch``)."""
    try:
        parsed = parse_progress(data, file_name)
    except IngestError:
        return False
    return parsed.tables > 0 and (bool(parsed.rows or parsed.issues) or not file_name.lower().endswith(".xlsx"))


def _figures(data: bytes, file_name: str) -> Parsed | None:
    try:
        return figures.parse(data, file_name)
    except IngestError as exc:
        if str(exc).startswith(_NO_FIGURES):
            return None
        raise


def _check(con: store.Connection, data: bytes, file_name: str, user: User, today: date | None) -> FileReport:
    parsed = parse_progress(data, file_name)
    if parsed.tables == 0:
        raise IngestError("没有找到项目或重点工作的表头：需要 项目编码、年、月、阶段 或 事项编码、年、月、完成情况 等列。")
    report = FileReport(check_progress(con, parsed, user, today), None)
    raw_figures = _figures(data, file_name)
    if raw_figures is not None and (raw_figures.rows or raw_figures.explanations or raw_figures.issues):
        report.figures = validate(con, raw_figures, user, today)
    if not report.progress.rows and report.figures is None and report.ok:
        report.progress.issues.append(Issue("error", "文件中没有填写任何项目或重点工作的进展。"))
    return report


def prepare_file(data: bytes, file_name: str, user: User | None, today: date | None = None) -> FileReport:
    """Check a file and show what a commit would change; writes nothing."""
    user = require_writer(user)
    with store.connect() as con:
        return _check(con, data, file_name, user, today)


def commit_file(
    data: bytes, file_name: str, user: User | None, today: date | None = None, created_at: datetime | None = None
) -> FileResult:
    """Check again inside one write transaction and write everything, or nothing (raises ProgressRefused)."""
    user = require_writer(user)
    with store.writing() as con:
        report = _check(con, data, file_name, user, today)
        if not report.ok:
            raise ProgressRefused(report.issues)
        progress_batch = write_progress(con, report.progress, created_at)
        write_figures = report.figures is not None and report.figures.duplicate_of is None  # the same file again: nothing new
        figures_batch = batch._write_figures(con, report.figures, created_at) if write_figures and report.figures else None
        store.audit(
            con,
            user.name,
            "progress.commit" if progress_batch or figures_batch else "progress.unchanged",
            {
                "batch": progress_batch,
                "figures_batch": figures_batch,
                "file": file_name,
                "sha256": report.progress.parsed.sha256,
                "rows": len(report.progress.changed),
            },
        )
    figure_rows = len(report.figures.changed) if report.figures is not None and figures_batch else 0
    return FileResult(progress_batch, figures_batch, len(report.progress.rows) if progress_batch else 0, figure_rows, report)

"""Project and task progress as staff report it: the 项目 and 任务 sheets of the template, or long-form tables
(``项目编码,年,月,阶段,形象进度,进展情况[,存在问题]`` / ``project,year,month,stage,percent,progress[,problem]`` and
``事项编码,年,月,进展情况,完成情况[,存在问题]`` / ``task,year,month,progress,self_assessment[,problem]``).

``parse_progress`` reads (no database); ``check_progress`` runs every check that needs one and builds the old → new
preview; ``write_progress`` writes one batch of kind ``progress``. Rules (Chinese messages by sheet, row and column,
like figures): an unknown code; another department's item (the lead department reports; a supporting department
is told so); a stage outside ``tracker.model.STAGES``; a 形象进度 outside 0–100, or below an earlier month without a
存在问题; an empty 进展情况 when the project lags or the task is 已完成 / 滞后; the same item and month twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import duckdb
import pandas as pd

from tracker import locks, model, progress, store
from tracker.auth import User, require_writer
from tracker.ingest.cells import UNSAVED_MESSAGE, CellError, Table, cell_at, column_letter, is_blank, parse_number, read_tables
from tracker.ingest.checks import period_issue
from tracker.ingest.headers import Aliases, Columns, find_header, free_text, norm_header, read_int, read_text
from tracker.ingest.model import Checked, IngestError, Issue

ProgressKind = Literal["project", "task"]
PROJECT_SHEET, TASK_SHEET = "项目", "任务"
YEAR_MONTH: Aliases = {"year": ("年", "年份", "年度", "year"), "month": ("月", "月份", "month")}
PROJECT_COLUMNS: Aliases = {
    "project": ("项目编码", "项目代码", "project", "projectcode"),
    **YEAR_MONTH,
    "stage": ("阶段", "本月阶段", "stage"),
    "percent": ("形象进度", "形象进度%", "percent"),
    "progress": ("进展情况", "progress"),
    "problem": ("存在问题", "problem", "problems"),
}
TASK_COLUMNS: Aliases = {
    "task": ("事项编码", "任务编码", "task", "taskcode"),
    **YEAR_MONTH,
    "progress": ("进展情况", "progress"),
    "self_assessment": ("完成情况", "selfassessment", "self_assessment"),
    "problem": ("存在问题", "problem", "problems"),
}
PROJECT_REQUIRED = ("project", "year", "month", "stage")
TASK_REQUIRED = ("task", "year", "month", "self_assessment")
COLUMN_NAMES = {
    "project": "项目编码",
    "task": "事项编码",
    "year": "年",
    "month": "月",
    "stage": "阶段",
    "percent": "形象进度",
    "progress": "进展情况",
    "problem": "存在问题",
    "self_assessment": "完成情况",
}
KIND_NAMES = {"project": "项目", "task": "重点工作"}


@dataclass
class ProgressRow:
    """One row as read, before any check that needs the database."""

    kind: ProgressKind
    sheet: str | None
    row: int
    cols: Columns
    code: str
    year: int | None
    month: int | None
    stage: str = ""
    percent: float | None = None
    progress: str = ""
    self_assessment: str = ""
    problem: str = ""


@dataclass
class ProgressParsed:
    file_name: str
    sha256: str
    rows: list[ProgressRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    tables: int = 0  # tables with a project or task header


@dataclass
class ProgressReport(Checked):
    """What the checks found and what a commit would change: one preview row per item and month."""

    parsed: ProgressParsed
    user: User
    issues: list[Issue] = field(default_factory=list)
    rows: list[ProgressRow] = field(default_factory=list)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    duplicate_of: int | None = None

    @property
    def changed(self) -> pd.DataFrame:
        return self.preview if self.preview.empty else self.preview[self.preview["变化"] != "不变"]


def label(cols: Columns, key: str) -> str:
    """How an issue names a column: "D列（阶段）"."""
    return f"{column_letter(cols[key])}列（{COLUMN_NAMES.get(key, key)}）" if key in cols else f"{COLUMN_NAMES.get(key, key)}列"


def _locate(table: Table, columns: Aliases, required: tuple[str, ...], key: str) -> tuple[int, Columns] | None:
    """The header of a project or task table, looked for only where its code column is named (so a figures table
    with 年 and 月 is never mistaken for a project table missing columns)."""
    names = {norm_header(a) for a in columns[key]}
    if not any(norm_header(c.value) in names for row in table.rows[:30] for c in row):
        return None
    return find_header(table, columns, required)


def progress_kind(table: Table) -> tuple[ProgressKind, int, Columns] | None:
    """Whether a table holds project or task progress, with its header row and columns."""
    found = _locate(table, PROJECT_COLUMNS, PROJECT_REQUIRED, "project")
    if found:
        return "project", found[0], found[1]
    found = _locate(table, TASK_COLUMNS, TASK_REQUIRED, "task")
    if found:
        return "task", found[0], found[1]
    return None


def is_progress_table(table: Table) -> bool:
    """A sheet named 项目/任务 or a table whose header names 项目编码/事项编码: not a figures table."""
    if table.sheet is not None and norm_header(table.sheet) in (PROJECT_SHEET, TASK_SHEET):
        return True
    try:
        return progress_kind(table) is not None
    except IngestError:
        return True  # a progress header with a column missing: the progress reader reports it


def parse_progress(data: bytes, file_name: str) -> ProgressParsed:
    """The project and task rows of a file (none when it has no such table). Raises IngestError (Chinese)."""
    parsed = ProgressParsed(file_name=file_name or "", sha256=hashlib.sha256(data or b"").hexdigest())
    for table in read_tables(data, file_name):
        found = progress_kind(table)
        if found is None:
            continue
        parsed.tables += 1
        kind, header, cols = found
        for r in range(header + 1, len(table.rows)):
            _read_row(table, r, kind, cols, parsed)
    return parsed


def _read_row(table: Table, r: int, kind: ProgressKind, cols: Columns, parsed: ProgressParsed) -> None:
    row, line, sheet = table.rows[r], r + 1, table.sheet
    fields = ("stage", "percent", "progress", "problem") if kind == "project" else ("progress", "self_assessment", "problem")
    if all(is_blank(cell_at(row, cols.get(k))) for k in fields):
        return  # a template row left empty: not reported, not an error
    code = read_text(row, cols, kind).upper()
    if not code:
        parsed.issues.append(Issue("error", f"{COLUMN_NAMES[kind]}不能为空", sheet, line, label(cols, kind)))
        return
    issues: list[Issue] = []
    year = read_int(row, cols, "year", "年", issues, sheet, line)
    month = read_int(row, cols, "month", "月", issues, sheet, line)
    for issue in issues:  # read_int names columns by the figures' names, which are the same for 年 and 月
        parsed.issues.append(issue)
    item = ProgressRow(kind, sheet, line, cols, code, year, month)
    item.progress = free_text(cell_at(row, cols.get("progress")).value) if "progress" in cols else ""
    item.problem = free_text(cell_at(row, cols.get("problem")).value) if "problem" in cols else ""
    if kind == "project":
        item.stage = read_text(row, cols, "stage")
        cell = cell_at(row, cols.get("percent"))
        if cell.unsaved:
            parsed.issues.append(Issue("error", UNSAVED_MESSAGE, sheet, line, label(cols, "percent")))
        elif not is_blank(cell):
            try:
                item.percent = parse_number(cell)[0]
            except CellError as exc:
                parsed.issues.append(Issue("error", str(exc), sheet, line, label(cols, "percent")))
    else:
        item.self_assessment = read_text(row, cols, "self_assessment")
    parsed.rows.append(item)


# ---------------------------------------------------------------- checks that need the database


@dataclass(frozen=True)
class _Item:
    kind: ProgressKind
    code: str
    name: str
    year: int
    department: str
    target_stage: str = ""
    start_month: int | None = None
    finish_month: int | None = None
    ongoing: bool = False


def _items(con: duckdb.DuckDBPyConnection) -> dict[tuple[ProgressKind, str, int], _Item]:
    """Every project and task by (kind, code, year): a year started from last year's holds the same codes."""
    out: dict[tuple[ProgressKind, str, int], _Item] = {}
    for code, name, year, dept, target, start, finish, ongoing in con.execute(
        "select p.code, p.name, p.year, p.department, p.target_stage, c.start_month, c.finish_month, p.ongoing "
        "from project p join project_plan_current c on c.project = p.code and c.year = p.year"
    ).fetchall():
        out[("project", code, int(year))] = _Item("project", code, name, int(year), dept, target, start, finish, bool(ongoing))
    for code, name, year, dept in con.execute("select code, name, year, department from task").fetchall():
        out[("task", code, int(year))] = _Item("task", code, name, int(year), dept)
    return out


def _supports(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], set[str]]:
    rows = con.execute("select item, year, support_departments from item_assignment_current").fetchall()
    return {(item, int(year)): {d for d in (s or "").split(",") if d} for item, year, s in rows}


def _issue(raw: ProgressRow, key: str, message: str) -> Issue:
    return Issue("error", message, raw.sheet, raw.row, label(raw.cols, key))


def check_progress(con: duckdb.DuckDBPyConnection, parsed: ProgressParsed, user: User | None, today: date | None = None) -> ProgressReport:
    """Every check that needs the database; reads only."""
    user = require_writer(user)
    today = today or date.today()
    report = ProgressReport(parsed=parsed, user=user, issues=list(parsed.issues))
    items = _items(con)
    newest_last = sorted(items.values(), key=lambda i: i.year)  # a code or name of several years: the row's year, else the newest
    by_code = {(i.kind, i.name): i for i in newest_last} | {(i.kind, i.code): i for i in newest_last}
    supports = _supports(con)
    departments = dict(con.execute("select code, name from department").fetchall())
    rules = progress.Rules.from_settings()
    gate = locks.Gate(con, today)
    seen: dict[tuple[str, str, int, int], int] = {}
    accepted: list[tuple[ProgressRow, _Item]] = []
    for raw in parsed.rows:
        item = by_code.get((raw.kind, raw.code))
        if item is not None and raw.year is not None:
            item = items.get((raw.kind, item.code, raw.year), item)
        if item is None:
            where = "“项目”工作表" if raw.kind == "project" else "“任务”工作表"
            report.issues.append(_issue(raw, raw.kind, f"未知的{COLUMN_NAMES[raw.kind]}“{raw.code[:40]}”（可在模板{where}中查看编码）"))
            continue
        raw.code = item.code
        problem = _department_issue(raw, item, user, departments, supports.get((item.code, item.year), set()))
        if problem is None and raw.year is not None and raw.month is not None:
            period = period_issue(raw.year, raw.month, today)
            locked = gate.refusal(raw.year, raw.month, user)
            if period:
                problem = _issue(raw, period[0], period[1])
            elif locked:
                problem = _issue(raw, "month", locked)
            elif raw.year != item.year:
                problem = _issue(raw, "year", f"“{item.name}”是{item.year}年的{KIND_NAMES[raw.kind]}，不能填报{raw.year}年")
        if problem:
            report.issues.append(problem)
            continue
        if raw.year is None or raw.month is None:
            continue  # the cell was reported when the file was read
        key = (raw.kind, item.code, raw.year, raw.month)
        if key in seen:
            report.issues.append(_issue(raw, raw.kind, f"与第{seen[key]}行重复：同一{KIND_NAMES[raw.kind]}、同一月份只能填一次"))
            continue
        seen[key] = raw.row
        accepted.append((raw, item))
    earlier = _stored_percents(con)
    in_file = {(raw.code, raw.year, raw.month): raw.percent for raw, _ in accepted if raw.kind == "project" and raw.percent is not None}
    for raw, item in accepted:
        issue = _project_issue(raw, item, rules, earlier, in_file) if raw.kind == "project" else _task_issue(raw, item)
        if issue:
            report.issues.append(issue)
        else:
            report.rows.append(raw)
    report.issues.sort(key=lambda i: (i.sheet or "", i.row or 0))
    report.preview = _preview(con, report.rows, items)
    row = con.execute(
        "select min(id) from batch where sha256 = ? and status = 'committed' and kind = 'progress'", [parsed.sha256]
    ).fetchone()
    report.duplicate_of = row[0] if row else None
    return report


def _department_issue(raw: ProgressRow, item: _Item, user: User, departments: dict[str, str], support: set[str]) -> Issue | None:
    if user.role != "staff" or item.department == user.department:
        return None
    mine = departments.get(user.department or "", user.department or "")
    lead = departments.get(item.department, item.department)
    what = "阶段和形象进度" if raw.kind == "project" else "进展情况和完成情况"
    if user.department in support:
        message = f"“{mine}”是{KIND_NAMES[raw.kind]}“{item.name}”的配合单位，{what}由牵头单位“{lead}”填报（配合单位的进展请报牵头单位汇总）"
    else:
        kind = KIND_NAMES[raw.kind]
        message = f"{kind}“{item.name}”（{item.code}）由“{lead}”牵头，账号“{user.name}”属于“{mine}”，不能填报其他部门的{kind}"
    return _issue(raw, raw.kind, message)


def _stored_percents(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[int, float]]]:
    """Project → [(year*12+month, percent)] of the current reports."""
    out: dict[str, list[tuple[int, float]]] = {}
    for project, year, month, percent in con.execute(
        "select project, year, month, percent from project_progress_latest where percent is not null"
    ).fetchall():
        out.setdefault(project, []).append((int(year) * 12 + int(month), float(percent)))
    return out


def _project_issue(raw: ProgressRow, item: _Item, rules: progress.Rules, stored: dict[str, list[tuple[int, float]]],
                   in_file: dict[tuple[str, int | None, int | None], float]) -> Issue | None:  # fmt: skip
    assert raw.year is not None and raw.month is not None
    choices = "、".join(model.STAGES)
    if not raw.stage:
        return _issue(raw, "stage", f"阶段不能为空（可选：{choices}）")
    if raw.stage not in model.STAGES:
        return _issue(raw, "stage", f"阶段“{raw.stage[:20]}”不在可选范围内（{choices}）")
    if raw.percent is not None:
        if not 0 <= raw.percent <= 100:
            return _issue(raw, "percent", f"形象进度“{raw.percent:g}”应在 0 到 100 之间（单位：%）")
        ym = raw.year * 12 + raw.month
        before = [(m, p) for m, p in stored.get(item.code, []) if m < ym]
        before += [
            (y * 12 + mo, p)
            for (c, y, mo), p in in_file.items()
            if c == item.code and y is not None and mo is not None and y * 12 + mo < ym
        ]
        if before:
            m, p = max(before)
            note_key = "problem" if "problem" in raw.cols else "progress"  # the long form may have no 存在问题 column
            if raw.percent < p and not getattr(raw, note_key):
                year, month = divmod(m - 1, 12)
                where = COLUMN_NAMES[note_key]
                return _issue(
                    raw, "percent", f"形象进度 {raw.percent:g}% 低于之前（{year}年{month + 1}月为 {p:g}%），请在“{where}”中说明原因"
                )
    verdict = progress.judge_milestone(raw.stage, raw.percent, raw.month, item.target_stage, item.start_month, item.finish_month,
                                       rules, ongoing=item.ongoing)  # fmt: skip
    if verdict.status in (model.LAGGING, model.NOT_DONE) and not raw.progress:
        return _issue(raw, "progress", f"项目按本次填报为“{verdict.status}”，进展情况不能为空（请写明进展、原因和下一步措施）")
    return None


def _task_issue(raw: ProgressRow, item: _Item) -> Issue | None:
    choices = "、".join(model.SELF_ASSESSMENTS)
    if not raw.self_assessment:
        return _issue(raw, "self_assessment", f"完成情况不能为空（可选：{choices}）")
    if raw.self_assessment not in model.SELF_ASSESSMENTS:
        return _issue(raw, "self_assessment", f"完成情况“{raw.self_assessment[:20]}”不在可选范围内（{choices}）")
    if raw.self_assessment == model.SELF_LAGGING and not raw.progress:
        return _issue(raw, "progress", "完成情况为“滞后”时，进展情况不能为空（请写明原因和下一步措施）")
    if raw.self_assessment == model.SELF_DONE and not raw.progress:
        return _issue(raw, "progress", "完成情况为“已完成”时，进展情况不能为空（请写明完成的内容）")
    return None


PREVIEW_COLUMNS = ["类别", "编码", "名称", "年", "月", "原阶段/完成情况", "新阶段/完成情况", "原形象进度", "新形象进度", "进展情况", "变化"]


def _preview(con: duckdb.DuckDBPyConnection, rows: list[ProgressRow], items: dict[tuple[ProgressKind, str, int], _Item]) -> pd.DataFrame:
    old_projects = {
        (p, y, m): (s, pc, n, pr)
        for p, y, m, s, pc, n, pr in con.execute(
            "select project, year, month, stage, percent, note, problem from project_progress_latest"
        ).fetchall()
    }
    old_tasks = {
        (t, y, m): (s, None, n, pr)
        for t, y, m, s, n, pr in con.execute(
            "select task, year, month, self_assessment, progress, problem from task_progress_latest"
        ).fetchall()
    }
    out = []
    for raw in rows:
        key = (raw.code, raw.year, raw.month)
        old = (old_projects if raw.kind == "project" else old_tasks).get(key)
        new = (raw.stage, raw.percent, raw.progress or None, raw.problem or None) if raw.kind == "project" else (
            raw.self_assessment, None, raw.progress or None, raw.problem or None)  # fmt: skip
        change = "新增" if old is None else ("不变" if tuple(old) == new else "修改")
        out.append([KIND_NAMES[raw.kind], raw.code, items[(raw.kind, raw.code, raw.year or 0)].name, raw.year, raw.month,
                    old[0] if old else None, new[0], old[1] if old else None, new[1], raw.progress, change])  # fmt: skip
    return pd.DataFrame(out, columns=PREVIEW_COLUMNS)


def write_progress(con: duckdb.DuckDBPyConnection, report: ProgressReport, created_at: datetime | None = None) -> int | None:
    """One batch of kind ``progress`` with every row of the file when any of them changes something, else None."""
    from tracker.ingest.batch import BatchKind  # batch reads figures, which asks this module which tables are not figures

    if report.changed.empty:
        return None
    batch_id = store.new_batch(
        con,
        BatchKind.PROGRESS,
        report.user.name,
        created_at=created_at,
        file_name=report.parsed.file_name[:200],
        sha256=report.parsed.sha256,
        rows=len(report.rows),
    )
    store.insert_rows(
        con,
        "project_progress",
        ["project", "year", "month", "stage", "percent", "note", "problem", "batch_id"],
        [
            [r.code, r.year, r.month, r.stage, r.percent, r.progress or None, r.problem or None, batch_id]
            for r in report.rows
            if r.kind == "project"
        ],
    )
    store.insert_rows(
        con,
        "task_progress",
        ["task", "year", "month", "progress", "self_assessment", "problem", "batch_id"],
        [
            [r.code, r.year, r.month, r.progress or None, r.self_assessment, r.problem or None, batch_id]
            for r in report.rows
            if r.kind == "task"
        ],
    )
    return batch_id

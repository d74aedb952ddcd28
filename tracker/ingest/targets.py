"""Target uploads (目标管理): a file or one form row of targets per indicator and year, checked like figures
(unknown code, year, comparator against the indicator's direction, range, duplicates) and committed as a new
``targets`` batch; the previous targets stay in the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import duckdb
import pandas as pd

from tracker import store
from tracker.auth import User, require_admin
from tracker.indicators import Indicator, registry
from tracker.ingest.batch import BatchKind
from tracker.ingest.cells import Cell, CellError, cell_at, is_blank, parse_number, read_tables
from tracker.ingest.headers import COLUMN_NAMES, TARGET_COLUMNS, TARGET_REQUIRED, Columns, column_label, find_header, read_int, read_text
from tracker.ingest.model import UNEXPECTED_PARSE_ERROR, IngestError, Issue, Parsed, Report, ValidationFailed

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
    """A target as read from a file or entered on the page, before the checks."""

    indicator: str
    year: int | None
    value: float | None
    comparator: str
    note: str
    sheet: str | None = None
    row: int | None = None
    cols: Columns = field(default_factory=dict)


class TargetChange(NamedTuple):
    """A target that passed the checks, with the current one it replaces (one row of ``check_targets``' frame)."""

    indicator: str
    name: str
    unit: str
    year: int
    old_value: float | None
    old_comparator: str | None
    value: float
    comparator: str
    note: str | None


def targets_for_year(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The current target of every indicator for ``year`` (the 目标管理 page's table)."""
    return con.execute(
        "select indicator, value, comparator, rule, note, batch_id from target_current where year = ? order by indicator", [year]
    ).df()


def planning_year(con: duckdb.DuckDBPyConnection, today: date | None = None) -> int:
    """The year 目标管理 opens on: the first year with targets still to be entered (目标待录入); else the one after
    the latest year with targets, or this year if that is later (never past next year, the last year targets may
    be entered for)."""
    today = today or date.today()
    (pending,) = con.execute("select min(year) from target_current where value is null and rule = 'fixed'").fetchone() or (None,)
    if pending is not None:  # a started year's blank targets wait for the new report's numbers (tracker.years)
        return int(pending)
    (latest,) = con.execute("select max(year) from target_current").fetchone() or (None,)
    return min(max(int(latest) + 1 if latest is not None else today.year, today.year), today.year + 1)


def parse_targets(data: bytes, file_name: str) -> tuple[list[TargetRow], list[Issue]]:
    """The target rows of a file and the problems of its cells. Raises IngestError only, as ``parse`` does."""
    try:
        rows: list[TargetRow] = []
        issues: list[Issue] = []
        for table in read_tables(data, file_name):
            issues += table.problems
            found = find_header(table, TARGET_COLUMNS, TARGET_REQUIRED)
            if not found:
                continue
            header, cols = found
            for r in range(header + 1, len(table.rows)):
                row = table.rows[r]
                if not all(is_blank(c) for c in row):
                    rows.append(_target_row(row, cols, table.sheet, r + 1, issues))
        if not rows and not issues:
            raise IngestError("没有找到表头：目标文件需要包含 指标编码、年、目标值 三列。")
        return rows, issues
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - same promise as parse()
        raise IngestError(UNEXPECTED_PARSE_ERROR.format(type(exc).__name__)) from exc


def _target_row(row: list[Cell], cols: Columns, sheet: str | None, line: int, issues: list[Issue]) -> TargetRow:
    year = read_int(row, cols, "year", "年", issues, sheet, line)
    value = None
    cell = cell_at(row, cols["target"])
    if is_blank(cell):
        issues.append(Issue("error", "目标值不能为空", sheet, line, column_label(cols["target"], "target")))
    else:
        try:
            value, _ = parse_number(cell)
        except CellError as exc:
            issues.append(Issue("error", str(exc), sheet, line, column_label(cols["target"], "target")))
    indicator, comparator, note = (read_text(row, cols, k) for k in ("indicator", "comparator", "note"))
    return TargetRow(indicator, year, value, comparator, note, sheet, line, cols)


def check_targets(
    con: duckdb.DuckDBPyConnection, rows: list[TargetRow], user: User | None, issues: list[Issue] | None = None, today: date | None = None
) -> tuple[pd.DataFrame, list[Issue]]:
    """The targets that pass (a frame of ``TargetChange`` rows) and every issue, the given ``issues`` first."""
    require_admin(user)
    today = today or date.today()
    issues = list(issues or [])
    indicators = registry()
    current = {(i, y): (v, c) for i, y, v, c in con.execute("select indicator, year, value, comparator from target_current").fetchall()}
    good: list[TargetChange] = []
    seen: dict[tuple[str, int], int | None] = {}
    for t in rows:
        checked = _check_target(t, indicators, current, today, issues)
        if checked is None:
            continue
        ind, year, value, comparator = checked
        key = (ind.code, year)
        if key in seen:
            issues.append(Issue("error", f"与第{seen[key]}行重复：同一指标同一年只能有一个目标", t.sheet, t.row, _column(t, "indicator")))
            continue
        seen[key] = t.row
        if year < today.year:
            issues.append(Issue("warning", f"{year}年已过去，确认要修改往年目标吗（不影响提交）", t.sheet, t.row, _column(t, "year")))
        old_value, old_comparator = current.get(key, (None, None))
        good.append(TargetChange(ind.code, ind.name, ind.unit, year, old_value, old_comparator, value, comparator, t.note or None))
    return pd.DataFrame(good, columns=list(TargetChange._fields)), issues


def _column(t: TargetRow, key: str) -> str:
    return column_label(t.cols[key], key) if key in t.cols else COLUMN_NAMES[key]


def _check_target(
    t: TargetRow,
    indicators: dict[str, Indicator],
    current: dict[tuple[str, int], tuple[float | None, str]],
    today: date,
    issues: list[Issue],
) -> tuple[Indicator, int, float, str] | None:
    """The indicator, year, value and comparator of a row that passes the checks of one row; else None, with
    the row's issue appended (or none when its cell was reported when the file was read)."""
    code = t.indicator.strip().lower()
    if code not in indicators:
        issues.append(Issue("error", f"未知的指标编码“{t.indicator[:40]}”", t.sheet, t.row, _column(t, "indicator")))
        return None
    if t.year is None or t.value is None:
        return None
    ind, year, value = indicators[code], t.year, t.value
    comparator = _comparator(t.comparator, ind, current.get((code, year), (None, None))[1])
    problem = _target_problem(ind, year, value, t.comparator, comparator, today)
    if problem:
        issues.append(Issue("error", problem[1], t.sheet, t.row, _column(t, problem[0])))
        return None
    assert comparator is not None
    return ind, year, value, comparator


def _comparator(given: str, ind: Indicator, current: str | None) -> str | None:
    """The given comparator (None when it is not one); when blank, the current target's if it fits the
    indicator's direction, else the direction's."""
    if given:
        return COMPARATORS.get(given.replace(" ", ""))
    if current is None or current == WRONG_COMPARATOR.get(ind.direction):
        return default_comparator(ind.code)
    return current


def _target_problem(ind: Indicator, year: int, value: float, given: str, comparator: str | None, today: date) -> tuple[str, str] | None:
    """(column key, message) when the row cannot be a target, else None."""
    if not 2000 <= year <= today.year + 1:
        return "year", f"年份“{year}”不合理（目标只能录入到 {today.year + 1} 年）"
    if comparator is None:
        return "comparator", f"比较方式“{given[:10]}”无效，应为 >=、<= 或 ="
    if comparator == WRONG_COMPARATOR.get(ind.direction):
        right = "<=" if ind.direction == "down" else ">="
        return "comparator", f"指标“{ind.name}”{DIRECTION_NAMES[ind.direction]}，比较方式不能是“{comparator}”，应为“{right}”或“=”"
    if value < 0:
        return "target", "目标值不能为负数"
    if ind.unit == "%" and value > 100:
        return "target", "百分比目标不能大于 100"
    return None


def commit_targets(
    rows: list[TargetRow], user: User | None, issues: list[Issue] | None = None, file_name: str | None = None, sha256: str | None = None
) -> int:
    """Write the targets as a new batch (all or nothing); the previous targets stay in the history."""
    user = require_admin(user)
    with store.writing() as con:
        frame, found = check_targets(con, rows, user, issues)
        errors = [i for i in found if i.level == "error"]
        if errors or frame.empty:
            report = Report(parsed=Parsed(file_name or "", sha256 or ""), user=user, issues=found or [Issue("error", "没有可写入的目标。")])
            raise ValidationFailed(report)
        batch_id = store.new_batch(con, BatchKind.TARGETS, user.name, file_name=file_name or "页面填写", sha256=sha256, rows=len(frame))
        store.insert_rows(
            con,
            "target",
            ["indicator", "year", "value", "comparator", "rule", "note", "batch_id"],
            [[r.indicator, int(r.year), float(r.value), r.comparator, "fixed", r.note, batch_id] for r in frame.itertuples(index=False)],
        )
        store.audit(con, user.name, "targets.commit", {"batch": batch_id, "rows": len(frame), "file": file_name})
    return batch_id

"""Writing: a batch is the unit of versioning and of revert. ``prepare`` shows what a file would change (its
rows staged in a transaction that is rolled back), ``commit`` writes a new batch or nothing, ``add_explanation``
writes one 情况说明, ``revert`` flips a batch to reverted. Every write goes through ``tracker.store``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import duckdb

from tracker import locks, status, store
from tracker.auth import PermissionDenied, User, require_admin, require_writer
from tracker.indicators import registry
from tracker.ingest.checks import NON_DECREASING, period_issue, validate
from tracker.ingest.figures import parse
from tracker.ingest.headers import free_text
from tracker.ingest.model import IngestError, Issue, MissingExplanation, Report, TargetMove, ValidationFailed
from tracker.ingest.reporting import missing_explanations

NOTE_MONTHS = 3  # the preview judges the newest three months of a file for missing 情况说明


class BatchKind(StrEnum):
    """What a batch holds; the value is what ``batch.kind`` stores."""

    FIGURES = "figures"
    TARGETS = "targets"
    EXPLANATIONS = "explanations"
    PLACES = "places"
    PROJECTS = "projects"
    PLANS = "plans"
    PROGRESS = "progress"  # project and task progress reported by staff (tracker.ingest.progress)
    ITEMS = "items"  # 配合单位 and 责任领导 set by admins (tracker.items)
    YEAR = "year"  # a year started from last year's items (tracker.years)
    SENTENCES = "sentences"  # the new report's sentences of copied projects and tasks (tracker.sentences)
    SEED = "seed"


BATCH_KIND_NAMES = {
    BatchKind.FIGURES: "月度数值",
    BatchKind.TARGETS: "目标",
    BatchKind.EXPLANATIONS: "情况说明",
    BatchKind.PLACES: "地点",
    BatchKind.PROJECTS: "项目",
    BatchKind.PLANS: "镇计划",
    BatchKind.PROGRESS: "项目和重点工作进展",
    BatchKind.ITEMS: "责任分工",
    BatchKind.YEAR: "开始新年度",
    BatchKind.SENTENCES: "报告原文核对",
    BatchKind.SEED: "初始数据",
}
# Only batches whose rows are versioned can be reverted: the previous rows then show again.
# A started year is revertible while nothing was reported for its items (tracker.years.undo says why not).
REVERTIBLE = frozenset({BatchKind.FIGURES, BatchKind.TARGETS, BatchKind.EXPLANATIONS, BatchKind.PLANS, BatchKind.PROGRESS, BatchKind.ITEMS,
                        BatchKind.YEAR, BatchKind.SENTENCES})  # fmt: skip


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
            text += f"（另有 {self.unchanged} 个与现有数值相同，未改动）"
        if self.explanations:
            text += f"，{self.explanations} 条情况说明"
        if self.report.same_file_as is not None:
            text += f"；此文件与批次 {self.report.same_file_as} 相同，之后改过的数值已恢复为文件中的数值"
        if self.report.target_moves:
            text += "；" + "；".join(move.text().replace("将从", "已从") for move in self.report.target_moves)
        return text + "。"


def prepare(data: bytes, file_name: str, user: User | None, today: date | None = None, with_notes: bool = True) -> Report:
    """Parse and check a file and show what a commit would do; writes nothing (the staging is rolled back)."""
    require_writer(user)
    started = time.perf_counter()
    parsed = parse(data, file_name)
    parsed_at = time.perf_counter()
    with store.WRITE_LOCK, store.connect() as con:
        con.execute("begin")
        try:
            report = validate(con, parsed, user, today)
            checked_at = time.perf_counter()
            ruled = _ruled_targets(con, report) if report.ok else []
            if report.ok and (with_notes or ruled):
                # Stage the rows to judge the statuses and rule-set targets they lead to; rolled back below.
                before = _target_values(con, ruled)
                staged = _write_figures(con, report)
                report.target_moves = _moves(before, _target_values(con, ruled))
                report.issues += [Issue("warning", move.text() + "（提交后记入审计日志）") for move in report.target_moves]
                if with_notes:
                    report.notes_needed = _notes_needed(con, report, staged)
        except duckdb.Error as exc:  # staging writes too: a full disk is said in Chinese, as for a commit
            full = store.storage_full(exc)
            if full:
                raise full from exc
            raise
        finally:
            store.rollback(con)
    report.timings = {"parse": parsed_at - started, "check": checked_at - parsed_at, "notes": time.perf_counter() - checked_at}
    return report


def commit(data: bytes, file_name: str, user: User | None, today: date | None = None, created_at: datetime | None = None) -> CommitResult:
    """Check again inside one write transaction and write a new batch, or nothing at all.

    Raises PermissionDenied, IngestError or ValidationFailed; on any of them the database is unchanged.
    """
    user = require_writer(user)
    parsed = parse(data, file_name)
    with store.WRITE_LOCK, store.connect() as con:
        with store.transaction(con):
            report = validate(con, parsed, user, today)
            if not report.ok:
                raise ValidationFailed(report)
            if report.duplicate_of is not None:
                store.audit(
                    con, user.name, "figures.duplicate", {"file": parsed.file_name, "sha256": parsed.sha256, "batch": report.duplicate_of}
                )
                return CommitResult(None, 0, len(report.preview), 0, report.duplicate_of, report)
            ruled = _ruled_targets(con, report)
            before = _target_values(con, ruled)
            batch_id = _write_figures(con, report, created_at)
            report.target_moves = _moves(before, _target_values(con, ruled))
            _audit_moves(con, user.name, report.target_moves, batch_id, "upload")
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
    user = require_writer(user, ind.department)
    text = free_text(text)
    if not text:
        raise IngestError("情况说明不能为空。")
    problem = period_issue(year, month, today or date.today())
    if problem:
        raise IngestError(problem[1] + "。")
    with store.writing() as con:
        locks.check_writable(con, year, month, user, today)
        batch_id = store.new_batch(con, BatchKind.EXPLANATIONS, user.name, file_name="页面填写", rows=1)
        con.execute("insert into explanation values (?, ?, ?, ?, ?)", [indicator, year, month, text, batch_id])
        store.audit(con, user.name, "explanation.add", {"batch": batch_id, "indicator": indicator, "year": year, "month": month})
    return batch_id


def revert(batch_id: int, user: User | None, now: datetime | None = None) -> None:
    """Flip a batch to reverted: its rows stay, the previous values show again. Admin, or the uploader in the
    calendar month of the upload."""
    user = require_writer(user)
    now = now or datetime.now()
    with store.writing() as con:
        row = con.execute("select kind, user_name, created_at, status from batch where id = ?", [batch_id]).fetchone()
        if row is None:
            raise IngestError(f"批次 {batch_id} 不存在。")
        kind, owner, created, state = row
        if kind == BatchKind.SEED:
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
        if kind == BatchKind.YEAR:
            from tracker.years import undo  # years writes batches of this module's kinds

            undo(con, batch_id, require_admin(user), now)
            return
        for year, month in _months_of(con, batch_id):
            locks.check_writable(con, year, month, user, now.date())
        series = con.execute("select distinct metric, place from figure where batch_id = ?", [batch_id]).fetchall()
        years = {int(y) for (y,) in con.execute("select distinct year from figure where batch_id = ?", [batch_id]).fetchall()}
        ruled = _ruled_targets_of(con, {m for m, _ in series}, years)
        broken_before = _falling_totals(con, series)
        targets_before = _target_values(con, ruled)
        con.execute("update batch set status = 'reverted', reverted_at = ?, reverted_by = ? where id = ?", [now, user.name, batch_id])
        broken = [b for b in _falling_totals(con, series) if b[:3] not in {x[:3] for x in broken_before}]
        if broken:
            raise IngestError(_falling_message(con, batch_id, broken))
        moves = _moves(targets_before, _target_values(con, ruled))
        store.audit(con, user.name, "batch.revert", {"batch": batch_id, "kind": kind})
        _audit_moves(con, user.name, moves, batch_id, "revert")


_MONTHS_SQL = """
select year, month from figure where batch_id = $b
union select year, month from explanation where batch_id = $b
union select year, month from project_progress where batch_id = $b
union select year, month from task_progress where batch_id = $b
order by year, month
"""


def _months_of(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[tuple[int, int]]:
    """The months whose data a batch holds: its revert is a write for each of them (``tracker.locks``)."""
    return [(int(y), int(m)) for y, m in con.execute(_MONTHS_SQL, {"b": batch_id}).fetchall()]


def _write_figures(con: duckdb.DuckDBPyConnection, report: Report, created_at: datetime | None = None) -> int | None:
    """A new batch with the rows of the file that change something (else None, nothing written).

    A row equal to the current value (and note) is no new version: a template prefilled with the month's
    current values and uploaded again records only what staff changed, and reverting the batch those values
    came from still takes them back.
    """
    if not report.changes_anything:
        return None
    rows_in = report.changed
    batch_id = store.new_batch(
        con,
        BatchKind.FIGURES,
        report.user.name,
        created_at=created_at,
        file_name=report.parsed.file_name[:200],
        sha256=report.parsed.sha256,
        rows=len(rows_in) + len(report.explanations),
    )
    cols = ["metric", "year", "month", "place", "value", "note"]
    rows = [
        [m, int(y), int(mo), p if isinstance(p, str) else None, float(v), n if isinstance(n, str) else None, batch_id]
        for m, y, mo, p, v, n in (rows_in[cols].itertuples(index=False, name=None) if not rows_in.empty else ())
    ]
    store.insert_rows(con, "figure", cols + ["batch_id"], rows)
    store.insert_rows(
        con,
        "explanation",
        ["indicator", "year", "month", "text", "batch_id"],
        [[e.indicator, e.year, e.month, e.text, batch_id] for e in report.explanations],
    )
    return batch_id


def _notes_needed(con: duckdb.DuckDBPyConnection, report: Report, staged: int | None = None) -> list[MissingExplanation]:
    """Indicators touched by the file that are at 滞后/预警 after it and have no 情况说明 for that month.

    ``staged``: the id of a batch staged in an open transaction (preview). tracker.indicators' value cache opens
    transactions of its own and, when it cannot, rolls back, which ends ours; the staging is then redone before
    the next month is judged, so every month sees the file's rows.
    """
    touched = set(report.preview["metric"]) if not report.preview.empty else set()
    if not touched:
        return []
    months = zip(report.preview["year"], report.preview["month"], strict=True)
    periods = sorted({(int(y), int(m)) for y, m in months})[-NOTE_MONTHS:]
    in_file = {(e.indicator, e.year, e.month) for e in report.explanations}
    indicators = registry()
    out = []
    for year, month in periods:
        if staged is not None and not con.execute("select 1 from batch where id = ?", [staged]).fetchone():
            store.rollback(con)
            con.execute("begin")
            staged = _write_figures(con, report)
        for item in missing_explanations(con, year, month):
            ind = indicators[item.indicator]
            if not touched.intersection(ind.metrics) or (item.indicator, year, month) in in_file:
                continue
            if report.user.role == "staff" and ind.department != report.user.department:
                continue
            out.append(item)
    return out


# ---------------------------------------------------------------- what a write does to rule-set targets and running totals


_Targets = dict[tuple[str, int], tuple[str, float | None]]  # (indicator, year) → (name, target value)


def _ruled_targets(con: duckdb.DuckDBPyConnection, report: Report) -> list[tuple[str, int]]:
    """(indicator, year) of the targets set by rule from the year before that the file's figures may move."""
    if report.preview.empty:
        return []
    return _ruled_targets_of(con, set(report.preview["metric"]), {int(y) for y in report.preview["year"]})


def _ruled_targets_of(con: duckdb.DuckDBPyConnection, metrics: set[str], years: set[int]) -> list[tuple[str, int]]:
    if not metrics or not years:
        return []
    indicators = registry()
    rows = con.execute("select indicator, year from target_current where rule = 'last_year' order by indicator, year").fetchall()
    return [
        (code, int(year))
        for code, year in rows
        if int(year) - 1 in years and code in indicators and metrics.intersection(indicators[code].metrics)
    ]


def _target_values(con: duckdb.DuckDBPyConnection, ruled: list[tuple[str, int]]) -> _Targets:
    """The current value of rule-set targets, as tracker.status computes them (the one place the rule lives)."""
    out: _Targets = {}
    for year in sorted({y for _, y in ruled}):
        wanted = {c for c, y in ruled if y == year}
        for item in status.indicator_status(con, year, 12):
            if item.code in wanted:
                out[(item.code, year)] = (item.name, item.target)
    return out


def _moves(
    before: dict[tuple[str, int], tuple[str, float | None]], after: dict[tuple[str, int], tuple[str, float | None]]
) -> list[TargetMove]:
    return [
        TargetMove(code, name, year, before.get((code, year), (name, None))[1], new)
        for (code, year), (name, new) in sorted(after.items())
        if before.get((code, year), (name, None))[1] != new
    ]


def _audit_moves(con: duckdb.DuckDBPyConnection, user: str, moves: list[TargetMove], batch_id: int | None, by: str) -> None:
    """A target moved by figures is a target change: one audit row each, beside the upload's or revert's."""
    for move in moves:
        store.audit(
            con,
            user,
            "target.change",
            {
                "indicator": move.indicator,
                "year": move.year,
                "old": move.old,
                "new": move.new,
                "rule": "last_year",
                "batch": batch_id,
                "by": by,
            },
        )


_FALLING_SQL = """
with cur as (
    select metric, place, year * 12 + month - 1 as ym, value from figure_current
    where metric in (select unnest($metrics)) and value is not null
),
steps as (
    select metric, place, ym, value, lag(value) over w as prev_value, lag(ym) over w as prev_ym
    from cur window w as (partition by metric, place order by ym)
)
select metric, place, ym, value, prev_ym, prev_value from steps where prev_value > value order by metric, place, ym
"""


def _falling_totals(con: duckdb.DuckDBPyConnection, series: list[tuple[str, str | None]]) -> list[tuple]:
    """Months where a running total that cannot fall (``NON_DECREASING``) is below the month before it, among the
    given (metric, place) series: (metric, place, ym, value, prev_ym, prev_value)."""
    metrics = sorted({m for m, _ in series if m in NON_DECREASING})
    if not metrics:
        return []
    wanted = set(series)
    return [row for row in con.execute(_FALLING_SQL, {"metrics": metrics}).fetchall() if (row[0], row[1]) in wanted]


def _falling_message(con: duckdb.DuckDBPyConnection, batch_id: int, broken: list[tuple]) -> str:
    names = dict(con.execute("select code, name from metric").fetchall())
    places = dict(con.execute("select code, name from place").fetchall())

    def month(ym: int) -> str:
        year, index = divmod(int(ym), 12)
        return f"{year}年{index + 1}月"

    def shown(v: float) -> str:
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"

    parts = [
        f"“{names.get(m, m)}”{'（' + places.get(p, p) + '）' if p else ''}{month(ym)}将为 {shown(v)}，低于{month(pym)}的 {shown(pv)}"
        for m, p, ym, v, pym, pv in broken[:3]
    ]
    more = f"等 {len(broken)} 处" if len(broken) > 3 else ""
    return (
        f"不能撤销批次 {batch_id}：撤销后{'；'.join(parts)}{more}，而累计数不能下降（上传时同样不允许）。"
        "请先上传更正后的数值，或先撤销之后的批次。"
    )

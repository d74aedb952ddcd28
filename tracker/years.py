"""Starting a year from last year's items (issue #16, part 5): one job.

An admin starts year Y+1 from year Y of the town being served: its projects and tasks under the same codes (the
sentence kept but marked as last year's, to be checked against the new report; the milestone and target stage kept;
the town's planned months not copied: they are a plan for Y), every indicator's target as a blank to be entered from
the new report (目标待录入: Y's number is never carried over as if the new report said it; a ``last_year`` rule is a
rule, and is kept), and the 配合单位 and 责任领导 of every item. One transaction, one batch of kind ``year``,
audited. Year Y is not touched.

Reverting the batch (``revert_year``, or ``python -m tracker revert BATCH``) removes the copied projects and tasks
and takes the blank targets and assignments back, as long as nothing has been reported, planned or 督办 for them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from tracker import store
from tracker.auth import User, require_admin
from tracker.ingest.batch import BatchKind
from tracker.ingest.model import IngestError

PENDING_NOTE = "待按{year}年政府工作报告录入目标值"
RULE_NOTE = "沿用{source}年规则（以上年末实际数为目标），请按{year}年政府工作报告核对"


class YearError(IngestError):
    """A year that cannot be started or reverted; the message is Chinese and says why."""


@dataclass(frozen=True)
class YearCounts:
    """What one year holds: its items, and how many indicator targets are still to be entered."""

    year: int
    indicators: int  # indicators with a target row this year (entered or to be entered)
    projects: int
    tasks: int
    targets_pending: int  # blank targets, 目标待录入
    assignments: int  # items with 配合单位 / 责任领导 rows

    @property
    def items(self) -> int:
        return self.indicators + self.projects + self.tasks

    def to_json(self) -> dict[str, int]:
        return {"year": self.year, "indicators": self.indicators, "projects": self.projects, "tasks": self.tasks,
                "targets_pending": self.targets_pending, "assignments": self.assignments}  # fmt: skip


@dataclass(frozen=True)
class YearStarted:
    year: int
    source: int
    batch_id: int
    counts: YearCounts


_COUNTS_SQL = """
select (select count(*) from target_current where year = $y),
       (select count(*) from project where year = $y),
       (select count(*) from task where year = $y),
       (select count(*) from target_current where year = $y and value is null and rule = 'fixed'),
       (select count(*) from item_assignment_current where year = $y)
"""


def counts(con: store.Connection, year: int) -> YearCounts:
    row = store.one(con, _COUNTS_SQL.replace("$y", "?"), [year] * 5)
    return YearCounts(year, *(int(v) for v in row))


def list_years(con: store.Connection) -> list[YearCounts]:
    """Every year with items, targets or figures, oldest first (the years the sidebar offers)."""
    from tracker import status

    return [counts(con, y) for y in status.years(con)]


def preview(year: int, source: int | None = None) -> tuple[YearCounts, YearCounts]:
    """(what year ``source`` holds, what ``year`` holds now): the page shows both before the admin confirms."""
    source = year - 1 if source is None else source
    with store.connect() as con:
        return counts(con, source), counts(con, year)


def _refusal(source_counts: YearCounts, target: YearCounts) -> str | None:
    year, source = target.year, source_counts.year
    if source == year:
        return f"来源年度不能与新年度相同（{year}年）。"
    if target.projects or target.tasks or target.indicators or target.assignments:
        held = f"指标目标{target.indicators}项、重点项目{target.projects}个、重点工作{target.tasks}项"
        return f"{year}年已有事项（{held}），不能再次开始；如需重来，请先撤销开始该年度的批次。"
    if source_counts.projects + source_counts.tasks + source_counts.indicators == 0:
        return f"{source}年没有可复制的事项（指标目标、重点项目、重点工作均为0），无法据此开始{year}年。"
    return None


def start_year(year: int, user: User | None, source: int | None = None, now: datetime | None = None) -> YearStarted:
    """Copy year ``source`` (default ``year - 1``) into ``year``, all or nothing; returns the batch and the counts."""
    user = require_admin(user)
    source = year - 1 if source is None else source
    with store.writing() as con:
        had = counts(con, source)
        problem = _refusal(had, counts(con, year))
        if problem:
            raise YearError(problem)
        batch_id = store.new_batch(con, BatchKind.YEAR, user.name, created_at=now, file_name=f"由{source}年开始{year}年", rows=had.items)
        for table in ("project", "task"):
            columns = _copied_columns(con, table)
            con.execute(
                f"insert into {table} ({', '.join(columns)}, year, source_year) "
                f"select {', '.join(columns)}, ?, coalesce(source_year, ?) from {table} where year = ?",
                [year, source, source],
            )
        # The views are the read side (on PostgreSQL they live in the in-memory copy only): read, then insert.
        targets = con.execute("select indicator, comparator, rule from target_current where year = ? order by indicator", [source])
        store.insert_rows(
            con,
            "target",
            ["indicator", "year", "value", "comparator", "rule", "note", "batch_id"],
            [[code, year, None, comparator, rule, RULE_NOTE.format(source=source, year=year) if rule == "last_year"
              else PENDING_NOTE.format(year=year), batch_id] for code, comparator, rule in targets.fetchall()],
        )  # fmt: skip
        assigned = con.execute(
            "select item, kind, support_departments, leader from item_assignment_current where year = ? order by item", [source]
        ).fetchall()
        store.insert_rows(
            con,
            "item_assignment",
            ["item", "year", "kind", "support_departments", "leader", "note", "batch_id"],
            [[item, year, kind, support, leader, f"沿用{source}年分工", batch_id] for item, kind, support, leader in assigned],
        )
        made = counts(con, year)
        store.audit(con, user.name, "year.start", {"batch": batch_id, "year": year, "from": source, "indicators": made.indicators,
                                                  "projects": made.projects, "tasks": made.tasks})  # fmt: skip
    return YearStarted(year, source, batch_id, made)


# A copied item's town plan (start/finish months) is a plan for its own year: never carried into the next.
_NOT_COPIED = {"year", "source_year", "start_month", "finish_month"}


def _copied_columns(con: store.Connection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_name = ? and table_schema = current_schema() "
        "order by ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows if r[0] not in _NOT_COPIED]


_USED_SQL = """
select (select count(*) from project_progress where year = $y),
       (select count(*) from task_progress where year = $y),
       (select count(*) from project_plan where year = $y),
       (select count(*) from action_item where year = $y and item_kind in ('project', 'task')),
       (select count(*) from item_sentence s join batch b on b.id = s.batch_id where s.year = $y and b.status = 'committed')
"""


def undo(con: store.Connection, batch_id: int, user: User, now: datetime) -> int:
    """Revert a ``year`` batch inside the caller's transaction: the copied projects and tasks go, the blank targets
    and copied assignments drop out with the batch. Refused (YearError) once anything was reported for them."""
    started = [json.loads(d) for (d,) in con.execute("select detail from audit where action = 'year.start'").fetchall()]
    years = [int(d["year"]) for d in started if d.get("batch") == batch_id]
    if not years:
        raise YearError(f"批次 {batch_id} 不是开始新年度的批次。")
    year = years[0]
    progress, tasks, plans, actions, sentences = store.one(con, _USED_SQL.replace("$y", "?"), [year] * 5)
    if progress or tasks or plans or actions or sentences:
        counted = (("项目进展", progress), ("重点工作进展", tasks), ("镇计划调整", plans), ("督办事项", actions), ("新报告原文", sentences))
        used = "、".join(f"{what}{n}条" for what, n in counted if n)
        raise YearError(f"{year}年的事项已有填报或办理记录（{used}），不能撤销开始该年度；已填报的内容请逐项处理。")
    # The copies go (the audit names them; year ``source`` still holds what they were copied from).
    removed = {}
    for table in ("project", "task"):
        removed[table] = [c for (c,) in con.execute(f"select code from {table} where year = ? order by code", [year]).fetchall()]
    con.execute("delete from project where year = ?", [year])
    con.execute("delete from task where year = ?", [year])
    con.execute("update batch set status = 'reverted', reverted_at = ?, reverted_by = ? where id = ?", [now, user.name, batch_id])
    store.audit(con, user.name, "year.revert", {"batch": batch_id, "year": year, "projects": removed["project"], "tasks": removed["task"]})
    return year


def revert_year(batch_id: int, user: User | None, now: datetime | None = None) -> int:
    """Revert a ``year`` batch on its own (admins only); returns the year whose copied items were removed."""
    user = require_admin(user)
    with store.writing() as con:
        kind = con.execute("select kind, status from batch where id = ?", [batch_id]).fetchone()
        if kind is None or kind[0] != BatchKind.YEAR:
            raise YearError(f"批次 {batch_id} 不是开始新年度的批次。")
        if kind[1] == "reverted":
            raise YearError(f"批次 {batch_id} 已经撤销过了。")
        return undo(con, batch_id, user, now or datetime.now())

"""The town's own plan for a named work: planned start and finish months.

The report names the works and the year's milestone; it does not say in which month a work starts or finishes.
Those months are the town's plan (``ProjectStatus.plan_by_town``), seeded from ``data/projects.csv`` and changed by
an administrator here: all or nothing, attributed, audited, and revertible like any batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker import store
from tracker.auth import User, require_admin
from tracker.errors import Refusal
from tracker.ingest.batch import BatchKind


class PlanError(Refusal, ValueError):
    """A plan that cannot be written; the message is Chinese, for users."""


@dataclass(frozen=True)
class Plan:
    project: str
    name: str
    year: int
    start_month: int | None
    finish_month: int | None


def current_plans(con: store.Connection, year: int) -> list[Plan]:
    rows = con.execute(
        "select p.code, p.name, p.year, c.start_month, c.finish_month from project p "
        "join project_plan_current c on c.project = p.code and c.year = p.year where p.year = ? order by p.code",
        [year],
    ).fetchall()
    return [Plan(*r) for r in rows]


def _check(con: store.Connection, code: str, year: int, start: int | None, finish: int | None) -> str:
    row = con.execute("select name from project where code = ? and year = ?", [code, year]).fetchone()
    if row is None:
        raise PlanError(f"项目编码“{code}”在{year}年不存在。")
    for label, month in (("计划开工月份", start), ("计划完工月份", finish)):
        if month is not None and not 1 <= month <= 12:
            raise PlanError(f"{row[0]}：{label}必须在 1 到 12 之间，收到 {month}。")
    if start is not None and finish is not None and finish < start:
        raise PlanError(f"{row[0]}：计划完工月份（{finish}月）不能早于计划开工月份（{start}月）。")
    return str(row[0])


def set_plan(code: str, year: int, start: int | None, finish: int | None, user: User | None, note: str | None = None) -> int:
    """Write a new plan for one work as its own batch; returns the batch id. Administrators only."""
    user = require_admin(user)
    with store.writing() as con:
        name = _check(con, code, year, start, finish)
        batch_id = store.new_batch(con, BatchKind.PLANS, user.name, file_name="镇计划调整", rows=1)
        store.insert_rows(
            con,
            "project_plan",
            ["project", "year", "start_month", "finish_month", "note", "batch_id"],
            [[code, year, start, finish, note, batch_id]],
        )
        store.audit(con, user.name, "plan.set", {"batch": batch_id, "project": code, "name": name, "year": year,
                                                 "start_month": start, "finish_month": finish})  # fmt: skip
    return batch_id

"""The town's own planned months for a named work: marked as the town's, changed by admins only, audited, revertible."""

from __future__ import annotations

import pytest

from tracker import ingest, plans, status, store
from tracker.auth import PermissionDenied, User

ADMIN = User("boss", "admin", None)
STAFF = User("wang", "staff", "water")


def maowan(con, month: int = 6):
    return next(p for p in status.build_status(con, 2023, month).projects if p.code == "P_MAOWAN_1")


def plan_rows(con) -> int:
    return con.execute("select count(*) from project_plan").fetchone()[0]


def test_planned_months_are_marked_as_the_towns_plan(con):
    project = maowan(con)
    assert project.plan_by_town and project.deadline_month == 12


def test_an_admin_moves_the_plan_and_the_verdict_follows_then_a_revert_brings_it_back(demo_db):
    with store.connect() as con:
        before = maowan(con)
    batch = plans.set_plan("P_MAOWAN_1", 2023, 2, 10, ADMIN, "施工单位调整工期")
    with store.connect() as con:
        after = maowan(con)
        assert after.planned_percent != before.planned_percent
        assert after.planned_percent == pytest.approx(100 * 5 / 9)
        audit = con.execute("select user_name, detail from audit where action = 'plan.set'").fetchall()
        assert audit and audit[-1][0] == "boss" and '"finish_month": 10' in audit[-1][1]
    ingest.revert(batch, ADMIN)
    with store.connect() as con:
        assert maowan(con).planned_percent == before.planned_percent


@pytest.mark.parametrize(
    "code,start,finish,message",
    [
        ("P_NOPE", 1, 5, "不存在"),
        ("P_MAOWAN_1", 0, 5, "计划开工月份必须在 1 到 12 之间"),
        ("P_MAOWAN_1", 3, 13, "计划完工月份必须在 1 到 12 之间"),
        ("P_MAOWAN_1", 8, 3, "不能早于计划开工月份"),
    ],
)
def test_a_bad_plan_is_refused_in_chinese_and_changes_nothing(demo_db, code, start, finish, message):
    with store.connect() as con:
        rows = plan_rows(con)
    with pytest.raises(plans.PlanError, match=message):
        plans.set_plan(code, 2023, start, finish, ADMIN)
    with store.connect() as con:
        assert plan_rows(con) == rows


def test_staff_cannot_change_a_plan(demo_db):
    with pytest.raises(PermissionDenied):
        plans.set_plan("P_MAOWAN_1", 2023, 2, 10, STAFF)
    with store.connect() as con:
        assert plan_rows(con) == 0

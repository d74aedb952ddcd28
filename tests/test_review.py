"""The 督查室's month through the CLI and tracker: the supervisor role, review (accept / return / resubmit), month
locks that refuse every write path with the database unchanged, unlock by admins with a reason, deadline locks,
情况说明 review, the schema upgrade, and ``status --json``'s ``review`` and ``locked``."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import add_users, run, write
from tracker import auth, config, ingest, locks, review, store
from tracker.auth import PermissionDenied, User

WANG = User("wang", "staff", "water")
ZHANG = User("zhang", "supervisor", None)
BOSS = User("boss", "admin", None)
FIGURES = "指标编码,年,月,数值"
TABLES = ("figure", "batch", "explanation", "project_progress", "task_progress", "review_event", "month_lock")
LOCKED_JUNE = "2023年6月已锁定（督查室 zhang 于"


@pytest.fixture
def month_db(demo_db):
    add_users(demo_db, ("wang", "staff", "water"), ("zhang", "supervisor", None), ("boss", "admin", None))
    return demo_db


def rows() -> dict[str, int]:
    with store.connect() as con:
        return {t: int(con.execute(f"select count(*) from {t}").fetchone()[0]) for t in TABLES}


def audit(action: str) -> list[dict]:
    with store.connect() as con:
        return [json.loads(d) for (d,) in con.execute("select detail from audit where action = ? order by id", [action]).fetchall()]


def water_review(capsys, year: int = 2023, month: int = 6) -> set[str | None]:
    code, out, _ = run(capsys, "status", "--year", str(year), "--month", str(month), "--json")
    assert code == 0
    every = json.loads(out)
    items = every["indicators"] + every["projects"] + every["tasks"]
    assert all("review" in i and "locked" in i for i in items)
    return {i["review"] for i in items if i["department"] == "water"}


def test_users_add_supervisor_through_the_cli_and_it_may_not_write_figures(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-1\n"))
    code, out, err = run(capsys, "users", "add", "zhang", "--role", "supervisor")
    assert code == 0, err
    assert "督查室" in out
    before = rows()
    path = write(tmp_path, "a.csv", FIGURES, "residential_sewer_done,2023,6,9")
    code, _, err = run(capsys, "import", path, "--user", "zhang")
    assert code == 1
    assert "督查室账号，负责审核和锁定，不能填报或修改数据" in err
    assert rows() == before
    assert auth.require_supervisor(ZHANG) == ZHANG and auth.require_supervisor(BOSS) == BOSS


@pytest.mark.parametrize("user", [None, WANG, User("v", "viewer", None)], ids=["anonymous", "staff", "viewer"])
def test_only_supervisors_and_admins_review_lock_and_only_admins_unlock(month_db, user):
    before = rows()
    with pytest.raises(PermissionDenied):
        review.review(2023, 6, "water", user, accept=True)
    with pytest.raises(PermissionDenied):
        locks.lock_month(2023, 6, user)
    locks.lock_month(2023, 6, ZHANG)
    with pytest.raises(PermissionDenied, match="只有管理员"):
        locks.unlock_month(2023, 6, ZHANG, "更正")
    with pytest.raises(PermissionDenied):
        locks.unlock_month(2023, 6, user, "更正")
    assert rows() == before | {"month_lock": before["month_lock"] + 1}


def test_return_resubmit_accept_through_the_cli_with_status_and_audit(month_db, tmp_path, capsys):
    assert water_review(capsys) == {review.PENDING}  # the demo figures are submitted, not reviewed
    code, _, err = run(capsys, "review", "--year", "2023", "--month", "6", "--department", "water", "--user", "wang", "--accept")
    assert code == 1 and "不是督查室或管理员账号" in err
    code, _, err = run(capsys, "review", "--year", "2023", "--month", "6", "--department", "water", "--user", "zhang", "--return", " ")
    assert code == 1 and "退回必须填写意见" in err
    assert rows()["review_event"] == 0
    returned = ("review", "--year", "2023", "--month", "6", "--department", "water", "--user", "zhang", "--return", "5月数据偏低，请核实")
    code, out, _ = run(capsys, *returned)
    assert code == 0 and "已退回" in out
    assert water_review(capsys) == {review.RETURNED}
    with store.connect() as con:
        (notice,) = review.returned_for(con, "water", 2023, 6)
    assert notice.comment == "5月数据偏低，请核实" and notice.reviewed_by == "zhang"
    path = write(tmp_path, "again.csv", FIGURES, "residential_sewer_done,2023,6,7")
    assert run(capsys, "import", path, "--user", "wang")[0] == 0
    assert water_review(capsys) == {review.PENDING}  # a resubmission is 待审核 again
    code, out, _ = run(capsys, "review", "--year", "2023", "--month", "6", "--department", "water", "--user", "zhang", "--accept")
    assert code == 0 and "已审核" in out
    assert water_review(capsys) == {review.ACCEPTED}
    assert [(a["department"], a["comment"]) for a in audit("review.return")] == [("water", "5月数据偏低，请核实")]
    assert [a["department"] for a in audit("review.accept")] == ["water"]


def test_nothing_submitted_is_nothing_to_review(month_db, capsys):
    code, _, err = run(capsys, "review", "--year", "2023", "--month", "6", "--department", "nobody", "--user", "zhang", "--accept")
    assert code == 1 and "部门编码“nobody”不存在" in err
    with store.connect() as con:
        con.execute("update batch set status = 'reverted' where kind <> 'seed'")
    code, _, err = run(capsys, "review", "--year", "2023", "--month", "6", "--department", "water", "--user", "zhang", "--accept")
    assert code == 1 and "还没有提交填报，无需审核" in err
    assert rows()["review_event"] == 0


def test_a_locked_month_refuses_every_write_path_and_changes_nothing(month_db, tmp_path, capsys):
    figures = write(tmp_path, "f.csv", FIGURES, "residential_sewer_done,2023,6,9")
    assert run(capsys, "import", figures, "--user", "wang")[0] == 0
    with store.connect() as con:
        june_batch = int(con.execute("select max(id) from batch").fetchone()[0])
    code, out, _ = run(capsys, "lock", "--year", "2023", "--month", "6", "--user", "zhang")
    assert code == 0 and "已锁定2023年6月" in out
    before = rows()
    again = write(tmp_path, "g.csv", FIGURES, "residential_sewer_done,2023,6,10")
    code, _, err = run(capsys, "import", again, "--user", "wang")
    assert code == 1 and LOCKED_JUNE in err and "如需修改请联系管理员解锁" in err
    progress = write(tmp_path, "p.csv", "项目编码,年,月,阶段,形象进度,进展情况", "P_WWTP,2023,6,在建,70,按计划")
    code, _, err = run(capsys, "import", progress, "--user", "wang")
    assert code == 1 and LOCKED_JUNE in err
    with pytest.raises(locks.MonthLocked, match=LOCKED_JUNE):
        ingest.add_explanation("residential_sewer", 2023, 6, "进度滞后原因", WANG)
    code, _, err = run(capsys, "revert", str(june_batch), "--user", "boss")
    assert code == 1 and LOCKED_JUNE in err  # admins too, until unlocked
    code, _, err = run(capsys, "review", "--year", "2023", "--month", "6", "--department", "water", "--user", "zhang", "--accept")
    assert code == 1 and LOCKED_JUNE in err
    code, _, err = run(capsys, "lock", "--year", "2023", "--month", "6", "--user", "zhang")
    assert code == 1 and "无需再次锁定" in err
    with pytest.raises(ingest.ValidationFailed):  # the upload page's commit: same check
        ingest.commit(Path(again).read_bytes(), "g.csv", BOSS)
    assert rows() == before
    assert water_review(capsys) == {review.PENDING} and run(capsys, "status", "--year", "2023", "--month", "7", "--json")[0] == 0
    july = write(tmp_path, "j.csv", FIGURES, "residential_sewer_done,2023,7,9")
    assert run(capsys, "import", july, "--user", "wang")[0] == 0  # another month is open


def test_unlock_needs_an_admin_and_a_reason_then_writes_go_through_again(month_db, tmp_path, capsys):
    assert run(capsys, "lock", "--year", "2023", "--month", "6", "--user", "zhang")[0] == 0
    code, _, err = run(capsys, "unlock", "--year", "2023", "--month", "6", "--user", "zhang", "--reason", "更正")
    assert code == 1 and "只有管理员" in err
    code, _, err = run(capsys, "unlock", "--year", "2023", "--month", "6", "--user", "boss", "--reason", "  ")
    assert code == 1 and "解锁必须填写原因" in err
    code, out, _ = run(capsys, "unlock", "--year", "2023", "--month", "6", "--user", "boss", "--reason", "水务局更正6月数据")
    assert code == 0 and "已解锁" in out
    path = write(tmp_path, "f.csv", FIGURES, "residential_sewer_done,2023,6,9")
    assert run(capsys, "import", path, "--user", "wang")[0] == 0
    (lock,) = audit("month.lock")
    assert (lock["year"], lock["month"], lock["via"]) == (2023, 6, "cli")
    assert audit("month.unlock")[0]["reason"] == "水务局更正6月数据"
    with store.connect() as con:
        (event,) = locks.history(con)
    assert (event.locked_by, event.unlocked_by, event.reason, event.locked) == ("zhang", "boss", "水务局更正6月数据", False)


def test_future_months_and_untracked_years_are_refused(month_db):
    with store.connect() as con:
        with pytest.raises(locks.MonthLocked, match="还没有到"):
            locks.check_writable(con, 2024, 4, WANG, date(2024, 3, 20))
        with pytest.raises(locks.MonthLocked, match="2022年早于跟踪年度（2023年起）"):
            locks.check_writable(con, 2022, 12, WANG, date(2024, 3, 20))
        locks.check_writable(con, 2022, 12, BOSS, date(2024, 3, 20))  # an admin's baseline correction (audited upload)
        locks.check_writable(con, 2024, 3, WANG, date(2024, 3, 20))
    with pytest.raises(locks.MonthLocked, match="还没有到"):
        locks.lock_month(2030, 1, ZHANG)


def test_deadline_locks_follow_the_setting_and_an_admin_unlock_overrides_them(month_db, monkeypatch):
    on = config.Settings(lock_day=5, auto_lock_from="2023-03")
    monkeypatch.setattr(config, "settings", lambda *a, **k: on)
    with store.connect() as con:
        gate = locks.Gate(con, date(2023, 7, 5))
        assert [gate.state(2023, m).locked for m in (2, 3, 5, 6, 7)] == [False, True, True, True, False]
        assert gate.refusal(2023, 6) == "2023年6月已于2023年7月5日自动锁定（填报截止），如需修改请联系管理员解锁"
        assert not locks.Gate(con, date(2023, 7, 4)).state(2023, 6).locked
    locks.unlock_month(2023, 6, BOSS, "补报", today=date(2023, 7, 6))
    with store.connect() as con:
        assert not locks.Gate(con, date(2023, 7, 6)).state(2023, 6).locked
        assert locks.Gate(con, date(2023, 7, 6)).state(2023, 5).locked


def test_the_shipped_settings_never_lock_by_themselves(month_db):
    assert config.settings().auto_lock_from == ""
    assert config.settings().lock_day >= ingest.DUE_DAY  # a month never locks before its figures are due
    with store.connect() as con:
        assert not locks.Gate(con, date(2030, 1, 1)).state(2023, 6).locked


def test_explanations_are_reviewed_and_the_reporting_list_keeps_those_not_accepted(month_db, capsys):
    with store.connect() as con:
        needed = review.notes_not_accepted(con, 2023, 6)
    assert needed, "the demo has lagging indicators in June"
    target = next(n for n in needed if n.note == "未填写")
    code = target.indicator
    add_users(month_db, ("staff_of_it", "staff", _department_of(code)))
    ingest.add_explanation(code, 2023, 6, "受汛期影响，7月追回", User("staff_of_it", "staff", _department_of(code)))
    with store.connect() as con:
        assert {n.indicator: n.note for n in review.notes_not_accepted(con, 2023, 6)}[code] == review.PENDING
    args = ("review", "--year", "2023", "--month", "6", "--item", code, "--user", "zhang")
    code_ret, out, _ = run(capsys, *args, "--return", "措施不具体")
    assert code_ret == 0 and "情况说明" in out and "已退回" in out
    with store.connect() as con:
        assert {n.indicator: n.note for n in review.notes_not_accepted(con, 2023, 6)}[code] == review.RETURNED
    assert run(capsys, *args, "--accept")[0] == 0
    with store.connect() as con:
        assert code not in {n.indicator for n in review.notes_not_accepted(con, 2023, 6)}
        (note,) = [s for s in review.explanations(con, 2023, 6) if s.item == code]
    assert note.state == review.ACCEPTED
    assert [a["item"] for a in audit("explanation.return")] == [code]


def _department_of(code: str) -> str:
    from tracker.indicators import registry

    return registry()[code].department


def test_an_older_file_gets_the_supervisor_role_and_the_new_tables(demo_db):
    """A schema-2 file (users checked against three roles, no lock or review tables) is upgraded on first open."""
    with store.connect() as con:
        con.execute("drop table review_event")
        con.execute("drop table month_lock")
        con.execute("alter table users rename to users_new")
        con.execute(
            "create table users (name varchar primary key, department varchar, "
            "role varchar not null check (role in ('viewer', 'staff', 'admin')), "
            "password_hash varchar not null, disabled boolean not null default false, failed_logins integer not null default 0, "
            "locked_until timestamp, created_at timestamp not null)"
        )
        con.execute("insert into users select * from users_new")
        con.execute("drop table users_new")
        con.execute("update meta set value = '2' where key = 'schema_version'")
    store._READY.clear()
    add_users(demo_db, ("zhang", "supervisor", None))
    assert auth.load_user("zhang") == ZHANG
    locks.lock_month(2023, 6, ZHANG)
    assert rows()["month_lock"] == 1


def test_a_revert_reopens_the_review_of_its_month(month_db, tmp_path, capsys):
    path = write(tmp_path, "f.csv", FIGURES, "residential_sewer_done,2023,6,9")
    assert run(capsys, "import", path, "--user", "wang")[0] == 0
    with store.connect() as con:
        batch = int(con.execute("select max(id) from batch").fetchone()[0])
    review.review(2023, 6, "water", ZHANG, accept=True)
    assert water_review(capsys) == {review.ACCEPTED}
    assert run(capsys, "revert", str(batch), "--user", "wang")[0] == 0
    assert water_review(capsys) == {review.PENDING}  # the figures shown changed: reviewed again

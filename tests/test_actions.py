"""督办事项 and escalation, through tracker and the CLI: who may create, report on and close an action; overdue with
a fixed ``today``; the escalation steps from a made-up series; ``status --json`` with the new keys."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.conftest import add_users
from tracker import actions, escalation, items, store
from tracker.auth import PermissionDenied, User
from tracker.cli import main

SUPERVISOR = User("ducha", "supervisor")
BUILD_STAFF = User("jianshe", "staff", "build")
WATER_STAFF = User("shuiwu", "staff", "water")


@pytest.fixture
def people(demo_db):
    add_users(demo_db, ("ducha", "supervisor", None), ("jianshe", "staff", "build"), ("shuiwu", "staff", "water"),
              ("admin1", "admin", None))  # fmt: skip
    return demo_db


def _rows(table: str) -> int:
    with store.connect() as con:
        return int(store.one(con, f"select count(*) from {table}")[0])


def _audit(action: str) -> list[dict]:
    with store.connect() as con:
        rows = con.execute("select user_name, detail from audit where action = ? order by id", [action]).fetchall()
    return [{"user": u, **json.loads(d)} for u, d in rows]


def test_a_supervisor_creates_an_action_with_the_items_lead_department_and_no_invented_leader(people):
    action_id = actions.create_action("rental_housing", 2023, 6, "7月底前完成租赁住房项目报批", "2023-07-31", SUPERVISOR)
    with store.connect() as con:
        action = actions.get_action(con, action_id, today=date(2023, 7, 1))
    assert (action.item, action.item_kind, action.department, action.leader) == ("rental_housing", "indicator", "build", "")
    assert action.status == "办理中" and not action.overdue
    assert _audit("action.add")[-1]["user"] == "ducha"


def test_the_leader_defaults_to_the_items_leader_once_an_admin_sets_one(people):
    items.set_assignment("P_MAOWAN_1", 2023, User("admin1", "admin"), leader="分管副镇长")
    action_id = actions.create_action("P_MAOWAN_1", 2023, 6, "加快施工进度", date(2023, 8, 15), SUPERVISOR)
    with store.connect() as con:
        action = actions.get_action(con, action_id)
    assert (action.item_kind, action.department, action.leader) == ("project", "water", "分管副镇长")


@pytest.mark.parametrize(
    ("user", "words"),
    [(BUILD_STAFF, "督查室"), (User("viewer1", "viewer"), "督查室"), (None, "督查室")],
)
def test_only_a_supervisor_or_admin_creates_an_action(people, user, words):
    with pytest.raises(PermissionDenied, match=words):
        actions.create_action("rental_housing", 2023, 6, "要求", "2023-07-31", user)
    assert _rows("action_item") == 0 and _audit("action.add") == []


@pytest.mark.parametrize(
    ("code", "text", "due", "words"),
    [
        ("NO_SUCH", "要求", "2023-07-31", "没有编码为“NO_SUCH”"),
        ("rental_housing", "  ", "2023-07-31", "督办事项内容不能为空"),
        ("rental_housing", "要求", "2023-13-01", "不是有效日期"),
        ("rental_housing", "要求", "2023-05-31", "早于督办事项产生的月份"),
        ("rental_housing", "要" * 501, "2023-07-31", "不能超过 500 个字"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_changes_nothing(people, code, text, due, words):
    with pytest.raises(actions.ActionError, match=words):
        actions.create_action(code, 2023, 6, text, due, SUPERVISOR)
    assert _rows("action_item") == 0


def test_only_the_responsible_departments_staff_report_progress(people):
    action_id = actions.create_action("rental_housing", 2023, 6, "完成报批", "2023-07-31", SUPERVISOR)
    for outsider in (WATER_STAFF, SUPERVISOR, User("viewer1", "viewer")):
        with pytest.raises(PermissionDenied):
            actions.add_progress(action_id, "已报批", outsider)
    assert _rows("action_progress") == 0
    actions.add_progress(action_id, "已完成设计，正在报批", BUILD_STAFF)
    with store.connect() as con:
        notes = actions.get_action(con, action_id).progress
    assert [(n.text, n.user) for n in notes] == [("已完成设计，正在报批", "jianshe")]
    assert _audit("action.progress")[-1] == {"user": "jianshe", "id": action_id, "text": "已完成设计，正在报批"}


def test_staff_cannot_close_an_action_and_a_supervisor_closes_it_with_evidence(people):
    action_id = actions.create_action("rental_housing", 2023, 6, "完成报批", "2023-07-31", SUPERVISOR)
    with pytest.raises(PermissionDenied):
        actions.close_action(action_id, "已批复", BUILD_STAFF)
    with pytest.raises(actions.ActionError, match="销号依据不能为空"):
        actions.close_action(action_id, "", SUPERVISOR)
    with store.connect() as con:
        assert actions.get_action(con, action_id).is_open
    actions.close_action(action_id, "取得批复文件（三乡建〔2023〕12号）", SUPERVISOR)
    with store.connect() as con:
        closed = actions.get_action(con, action_id, today=date(2024, 1, 1))
    assert (closed.status, closed.closed_by, closed.overdue) == ("已销号", "ducha", False)
    with pytest.raises(actions.ActionError, match="已销号"):
        actions.add_progress(action_id, "补充", BUILD_STAFF)
    with pytest.raises(actions.ActionError, match="已销号"):
        actions.close_action(action_id, "再次", SUPERVISOR)
    assert len(_audit("action.close")) == 1


def test_overdue_means_open_and_past_due_on_the_given_day(people):
    late = actions.create_action("rental_housing", 2023, 6, "完成报批", "2023-07-31", SUPERVISOR)
    later = actions.create_action("P_MAOWAN_1", 2023, 6, "加快施工", "2023-09-30", SUPERVISOR)
    with store.connect() as con:
        on_due_day = {a.id: a.overdue for a in actions.list_actions(con, today=date(2023, 7, 31))}
        next_day = {a.id: a.overdue for a in actions.list_actions(con, today=date(2023, 8, 1))}
        ordered = [a.id for a in actions.list_actions(con, today=date(2023, 8, 1))]
    assert on_due_day == {late: False, later: False}
    assert next_day == {late: True, later: False}
    assert ordered == [late, later]


def test_an_action_is_open_in_the_months_between_its_birth_and_its_closing(people):
    action_id = actions.create_action("rental_housing", 2023, 6, "完成报批", "2023-07-31", SUPERVISOR)
    with store.connect() as con:
        action = actions.get_action(con, action_id)
    assert not action.open_in(2023, 5) and action.open_in(2023, 6) and action.open_in(2023, 12)


def test_the_cli_adds_lists_reports_and_closes_with_non_zero_exits_on_refusal(people, capsys):
    base = ["actions", "add", "--item", "rental_housing", "--year", "2023", "--month", "6", "--due", "2023-07-31", "--text", "完成报批"]
    assert main([*base, "--user", "jianshe"]) == 1
    assert "督查室" in capsys.readouterr().err
    assert main([*base, "--user", "nobody"]) == 1
    assert main([*base, "--user", "ducha"]) == 0
    action_id = int(capsys.readouterr().out.strip())
    assert main(["actions", "progress", str(action_id), "--text", "正在报批", "--user", "shuiwu"]) == 1
    assert main(["actions", "progress", str(action_id), "--text", "正在报批", "--user", "jianshe"]) == 0
    assert main(["actions", "close", str(action_id), "--evidence", "已批复", "--user", "jianshe"]) == 1
    capsys.readouterr()
    assert main(["actions", "list", "--json", "--today", "2023-08-01"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert set(listed[0]) >= {"id", "item", "text", "department", "leader", "due", "status", "overdue", "progress"}
    assert (listed[0]["status"], listed[0]["overdue"], listed[0]["progress"][0]["text"]) == ("办理中", True, "正在报批")
    assert main(["actions", "close", str(action_id), "--evidence", "已批复", "--user", "ducha"]) == 0
    capsys.readouterr()
    assert main(["actions", "list", "--open", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["actions", "close", "999", "--evidence", "x", "--user", "ducha"]) == 1
    assert "没有编号为 999" in capsys.readouterr().err


# ---------------------------------------------------------------- escalation


def test_steps_come_from_a_made_up_series():
    ladder = ((2, "督办单"), (3, "约谈"))
    series = ["正常", "滞后", "滞后", "滞后", "预警", "滞后", "未填报", "滞后", "滞后", "滞后", "滞后", "未完成"]
    runs = escalation.streaks(series)
    assert runs == [0, 1, 2, 3, 0, 1, 0, 1, 2, 3, 4, 5]
    assert [escalation.step_for(n, ladder) for n in runs] == [None, None, "督办单", "约谈", None, None, None, None, "督办单",
                                                              "约谈", "约谈", "约谈"]  # fmt: skip
    assert escalation.step_for(5, ((4, "通报批评"),)) == "通报批评" and escalation.step_for(3, ()) is None


def test_settings_steps_are_read_sorted(tmp_path):
    from tracker import config

    path = tmp_path / "settings.toml"
    path.write_text('[escalation]\nsteps = [[3, "约谈"], [1, "提醒"]]\n', encoding="utf-8")
    assert config.settings(path).escalation_steps == ((1, "提醒"), (3, "约谈"))


def test_status_json_carries_the_run_the_step_and_open_actions(people, capsys):
    from tracker import status

    with store.connect() as con:
        months = [status.build_status(con, 2023, m) for m in range(1, 7)]
    verdicts = [next(i for i in r.all_items if i.code == "rental_housing").status for r in months]
    expected = escalation.streaks(verdicts)[-1]
    assert expected >= 3
    actions.create_action("rental_housing", 2023, 6, "完成报批", "2023-07-31", SUPERVISOR)
    assert main(["status", "--year", "2023", "--month", "6", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    every = {i["code"]: i for group in ("indicators", "projects", "tasks", "tracked") for i in report[group]}
    assert all({"open_actions", "consecutive_lagging", "escalation"} <= set(i) for i in every.values())
    housing = every["rental_housing"]
    assert (housing["consecutive_lagging"], housing["escalation"], housing["open_actions"]) == (expected, "约谈", 1)
    on_track = [i for i in every.values() if i["status"] in ("正常", "已完成")]
    assert on_track and all(i["consecutive_lagging"] == 0 and i["escalation"] is None for i in on_track)

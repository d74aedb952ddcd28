"""The 督办事项 page and the 督办 panels under AppTest: who sees which form, and the forms write through tracker."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import add_users, app_page
from tracker import actions, store
from tracker.auth import User

SUPERVISOR = User("ducha", "supervisor")
BUILD_STAFF = User("jianshe", "staff", "build")
WATER_STAFF = User("shuiwu", "staff", "water")


@pytest.fixture
def people(demo_db):
    add_users(demo_db, ("ducha", "supervisor", None), ("jianshe", "staff", "build"), ("shuiwu", "staff", "water"))
    return demo_db


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _open_actions() -> list[actions.Action]:
    with store.connect() as con:
        return actions.list_actions(con, open_only=True)


def test_anonymous_visitors_see_the_list_and_no_form(people):
    actions.create_action("rental_housing", 2023, 6, "完成用地报批", "2023-07-15", SUPERVISOR)
    at = app_page("pages/actions.py", query={"year": "2023", "month": "6"})
    assert at.title[0].value == "督办事项"
    assert any("完成用地报批" in str(df.value.to_dict()) for df in at.dataframe)
    assert not [b for b in at.button if b.label in ("发起督办", "销号", "报送进展")]
    assert any("逾期" in e.value for e in at.error)  # due 2023-07-15, long past


def test_a_supervisor_creates_an_action_from_a_lagging_item_and_closes_it(people):
    at = app_page("pages/actions.py", user=SUPERVISOR, query={"year": "2023", "month": "6"})
    options = at.selectbox(key="action_item").options
    assert options and "约谈" in options[0]  # escalated items first
    at.text_area(key="page_create_text").input("7月底前完成报批")
    at.date_input(key="page_create_due").set_value(date(2023, 7, 31))
    _button(at, "发起督办").click().run()
    assert not at.exception
    created = _open_actions()
    assert [(a.text, a.due, a.created_by) for a in created] == [("7月底前完成报批", date(2023, 7, 31), "ducha")]
    at.run()
    at.text_area(key="close_evidence").input("取得批复")
    _button(at, "销号").click().run()
    assert not at.exception and _open_actions() == []


def test_staff_of_the_responsible_department_report_progress_and_cannot_close(people):
    action_id = actions.create_action("rental_housing", 2023, 6, "完成用地报批", "2023-07-15", SUPERVISOR)
    other = app_page("pages/actions.py", user=WATER_STAFF, query={"year": "2023", "month": "6"})
    assert not [b for b in other.button if b.label in ("报送进展", "销号", "发起督办")]
    at = app_page("pages/actions.py", user=BUILD_STAFF, query={"year": "2023", "month": "6"})
    assert not [b for b in at.button if b.label in ("销号", "发起督办")]
    at.text_area(key="progress_text").input("已完成用地预审")
    _button(at, "报送进展").click().run()
    assert not at.exception
    with store.connect() as con:
        assert [n.text for n in actions.get_action(con, action_id).progress] == ["已完成用地预审"]


def test_the_indicator_page_offers_duban_to_supervisors_only(people):
    query = {"year": "2023", "month": "6", "indicator": "rental_housing"}
    viewer = app_page("pages/indicator.py", query=query)
    assert not [b for b in viewer.button if b.label == "发起督办"]
    assert any("升级为约谈" in w.value for w in viewer.warning)
    at = app_page("pages/indicator.py", user=SUPERVISOR, query=query)
    assert [b for b in at.button if b.label == "发起督办"]


@pytest.mark.parametrize("path", ["pages/overview.py", "pages/projects.py", "pages/tasks.py", "pages/meeting.py", "pages/reporting.py"])
def test_pages_with_a_duban_part_run_for_a_supervisor(people, path):
    actions.create_action("P_MAOWAN_1", 2023, 6, "加快施工", "2023-08-31", SUPERVISOR)
    at = app_page(path, user=SUPERVISOR, query={"year": "2023", "month": "6"})
    assert not at.exception

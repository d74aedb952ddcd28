"""AppTest of 审核与锁定: every role, return with a comment that the upload page shows, accept, lock, unlock; the
审核 marker on the leader tables."""

from __future__ import annotations

import pytest

from tests.conftest import add_users, app_page
from tracker import locks, review, store
from tracker.auth import User

STAFF = User("wang", "staff", "water")
SUPERVISOR = User("zhang", "supervisor", None)
ADMIN = User("boss", "admin", None)
VIEWER = User("kan", "viewer", None)
JUNE = {"year": "2023", "month": "6"}


@pytest.fixture
def people(demo_db):
    add_users(demo_db, ("wang", "staff", "water"), ("zhang", "supervisor", None), ("boss", "admin", None), ("kan", "viewer", None))
    return demo_db


def texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "error", "warning", "success", "title") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def frame_with(at, column: str):
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no dataframe with column {column}")


def review_page(user: User | None):
    return app_page("pages/review.py", user=user, query=JUNE)


@pytest.mark.parametrize("user", [None, VIEWER, STAFF, SUPERVISOR, ADMIN], ids=["anonymous", "viewer", "staff", "supervisor", "admin"])
def test_the_page_runs_for_every_role_and_only_reviewers_get_the_buttons(people, user):
    at = review_page(user)
    assert at.title[0].value == "审核与锁定"
    table = frame_with(at, "部门")
    assert set(table["审核状态"]) == {review.PENDING}  # the demo's June is submitted, nobody reviewed it
    buttons = {b.key for b in at.button}
    if user is not None and user.can_review:
        assert {"review_submit", "lock_month"} <= buttons
    else:
        assert not buttons & {"review_submit", "lock_month", "unlock_month"}
        assert "需要督查室或管理员账号" in texts(at)


def test_the_page_runs_on_an_empty_database(empty_db):
    add_users(empty_db, ("zhang", "supervisor", None))
    at = review_page(SUPERVISOR)
    assert "本月还没有可审核的内容" in texts(at) and "还没有锁定过任何月份" in texts(at)


def test_return_with_a_comment_shows_on_the_upload_page_then_accept_and_lock(people):
    at = review_page(SUPERVISOR)
    target = at.selectbox(key="review_target")
    water = next(o for o in target.options if o.startswith("水务局"))
    target.set_value(target.options.index(water) if isinstance(target.value, int) else water)
    at.radio(key="review_decision").set_value("退回")
    at.text_area(key="review_comment").set_value("河涌截污数据与月报不一致")
    at.button(key="review_submit").click().run()
    assert not at.exception
    assert "水务局2023年6月填报：已退回" in texts(at)
    table = frame_with(at, "部门").set_index("部门")
    assert table.loc["水务局", "审核状态"] == review.RETURNED and table.loc["水务局", "意见"] == "河涌截污数据与月报不一致"

    upload = app_page("pages/upload.py", user=STAFF, query=JUNE)
    assert "督查室退回了2023年6月水务局的填报" in texts(upload) and "河涌截污数据与月报不一致" in texts(upload)

    at = review_page(SUPERVISOR)
    at.button(key="lock_month").click().run()
    assert "已锁定2023年6月" in texts(at)
    assert "unlock_month" not in {b.key for b in at.button}  # a supervisor locks; only an admin unlocks
    assert "review_submit" not in {b.key for b in at.button}
    upload = app_page("pages/upload.py", user=STAFF, query=JUNE)
    upload.selectbox(key="upload_month_2023").set_value(6).run()  # the page opens on the month now due (December)
    assert "2023年6月已锁定（督查室 zhang 于" in texts(upload)


def test_an_admin_unlocks_with_a_reason_only(people):
    locks.lock_month(2023, 6, SUPERVISOR)
    at = review_page(ADMIN)
    at.button(key="unlock_month").click().run()
    assert "解锁必须填写原因" in [e.value for e in at.error][0]
    at.text_input(key="unlock_reason").set_value("补报遗漏的村")
    at.button(key="unlock_month").click().run()
    assert "已解锁2023年6月" in texts(at)
    history = frame_with(at, "解锁原因")
    assert list(history["解锁原因"]) == ["补报遗漏的村"] and list(history["锁定人"]) == ["zhang"]
    with store.connect() as con:
        assert not locks.lock_state(con, 2023, 6).locked


def test_the_history_page_shows_locks_and_reviews(people):
    review.review(2023, 6, "water", SUPERVISOR, accept=False, comment="请补报村级数据")
    locks.lock_month(2023, 6, SUPERVISOR)
    at = app_page("pages/history.py", user=STAFF, query=JUNE)
    assert list(frame_with(at, "锁定人")["锁定人"]) == ["zhang"]
    reviews = frame_with(at, "审核内容")
    assert list(zip(reviews["部门"], reviews["结果"], reviews["意见"], strict=True)) == [("水务局", "已退回", "请补报村级数据")]


def test_leader_tables_mark_unreviewed_figures_and_still_show_them(people):
    overview = app_page("pages/area_water.py", query=JUNE)
    table = frame_with(overview, "审核")
    assert set(table["审核"]) == {"未审核"} and table["完成值"].notna().all()
    review.review(2023, 6, "water", SUPERVISOR, accept=True)
    table = frame_with(app_page("pages/area_water.py", query=JUNE), "审核")
    water = table["责任部门"] == "水务局"
    assert water.any() and set(table[water]["审核"]) == {"已审核"} and set(table[~water]["审核"]) <= {"未审核"}


def test_the_reporting_page_lists_lagging_items_whose_note_is_not_accepted(people):
    with store.connect() as con:
        needed = review.notes_not_accepted(con, 2023, 6)
    first = needed[0]
    table = frame_with(app_page("pages/reporting.py", query=JUNE), "情况说明")
    assert set(table["指标"]) == {n.name for n in needed}
    assert table.set_index("指标").loc[first.name, "情况说明"] == first.note
    headings = [s.value for s in app_page("pages/reporting.py", query=JUNE).subheader]
    assert "2023年6月 滞后、预警或未完成但情况说明未通过审核的指标" in headings

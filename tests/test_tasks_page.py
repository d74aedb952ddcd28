"""AppTest of 重点工作 and the 责任分工 table of 重点项目."""

from __future__ import annotations

from tests.test_pages import frame, open_page


def test_tasks_page_lists_every_task_with_who_answers_for_it(demo_db):
    at = open_page("tasks", month=6)
    tasks = frame(at, "重点工作")
    assert len(tasks) == 54
    assert {"状态", "完成情况", "牵头单位", "配合单位", "责任领导", "最新进展情况"} <= set(tasks.columns)
    assert "保持空气质量全市领先水平" in set(tasks["重点工作"])
    assert set(tasks["责任领导"]) == {"未设置"}  # never invented


def test_tasks_page_on_empty_data(empty_db):
    at = open_page("tasks", month=6)
    assert set(frame(at, "重点工作")["完成情况"]) == {"未填报"}


def test_projects_page_shows_lead_support_and_leader(demo_db):
    at = open_page("projects", month=6)
    table = frame(at, "责任领导")
    row = table[table["项目"] == "茅湾涌防洪排涝整治工程一期"].iloc[0]
    assert (row["牵头单位"], row["配合单位"], row["责任领导"]) == ("水务局", "自然资源分局", "未设置")
    assert row["最新进展情况"]


def test_tasks_and_projects_carry_the_review_marker(demo_db):
    """A leader sees whether the 督查室 reviewed a department's month on the 重点工作 and 重点项目 tables too."""
    tasks = frame(open_page("tasks"), "重点工作")
    projects = frame(open_page("projects"), "牵头单位")
    for table in (tasks, projects):
        assert set(table["审核"]) <= {"未审核", "已审核", "已退回", "—"} and "未审核" in set(table["审核"])

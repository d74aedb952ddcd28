"""重点工作 in the meeting documents: the deck's 重点工作 slide, the 会议模式 page and the Word 通报 say the tasks'
counts by status and every 滞后 (December: 未完成) task with its latest 进展情况, 牵头单位 and 责任领导."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from pptx import Presentation

from tests.conftest import DOC_MONTH, DOC_YEAR, make_admin
from tracker import bulletin_tasks, deck, items, meeting, report_doc, status, store
from tracker.labels import status_label
from tracker.model import LAGGING, NO_DATA, NOT_DONE, TaskStatus
from tracker.wording import NO_LEADER

ISSUED = date(2023, 7, 5)


def slide_texts(slide) -> list[str]:
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return texts


def task_slides_text(data: bytes, title: str) -> str:
    prs = Presentation(io.BytesIO(data))
    return "\n".join(t for s in prs.slides if s.name.removesuffix("（续）") == title for t in slide_texts(s))


def doc_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def lagging(tasks: list[TaskStatus], final: bool = False) -> list[TaskStatus]:
    return [t for t in tasks if t.status == (NOT_DONE if final else LAGGING)]


def test_june_deck_counts_tasks_and_lists_each_lagging_one_with_progress_lead_and_leader(demo_db):
    with store.connect(demo_db) as con:
        report = status.build_status(con, DOC_YEAR, DOC_MONTH)
        data = deck.build_deck(report, status.areas(con))
    late = lagging(report.tasks)
    assert late and report.tasks, "the demo month has tasks, some of them 滞后"
    text = task_slides_text(data, "重点工作推进情况")
    assert f"重点工作 {len(report.tasks)} 项" in text
    counts = status.status_counts(report.tasks)
    for name in (LAGGING, NO_DATA):
        assert f"{counts[name]}\n{status_label(name)}" in text
    for task in late:
        assert task.name[:12] in text
        assert task.department_name in text
        assert (task.progress or "")[:10] in text
    assert NO_LEADER in text
    done = [t for t in report.tasks if t.status not in (LAGGING,)]
    assert any(t.name[:12] not in text for t in done), "only the tasks needing attention are listed"


def test_a_leader_set_by_an_admin_shows_in_deck_and_report(demo_db):
    with store.connect(demo_db) as con:
        report = status.build_status(con, DOC_YEAR, DOC_MONTH)
    task = lagging(report.tasks)[0]
    admin = make_admin(demo_db)
    items.set_assignment(task.code, DOC_YEAR, admin, leader="分管副镇长（测试）")
    with store.connect(demo_db) as con:
        data = deck.deck_for_month(con, DOC_YEAR, DOC_MONTH)
        words = doc_text(report_doc.report_for_month(con, DOC_YEAR, DOC_MONTH, ISSUED))
    assert "分管副镇长（测试）" in task_slides_text(data, "重点工作推进情况")
    assert f"{task.name}【滞后】。牵头单位：{task.department_name}（{task.area_name}）；责任领导：分管副镇长（测试）。" in words


def test_june_report_counts_tasks_and_words_each_lagging_one(demo_db):
    with store.connect(demo_db) as con:
        report = status.build_status(con, DOC_YEAR, DOC_MONTH)
        words = doc_text(report_doc.report_for_month(con, DOC_YEAR, DOC_MONTH, ISSUED))
    counts = status.status_counts(report.tasks)
    assert f"重点工作{len(report.tasks)}项" in words
    assert f"滞后{counts[LAGGING]}项" in words and f"未填报{counts[NO_DATA]}项" in words
    late = lagging(report.tasks)
    assert f"重点工作（滞后{len(late)}项）" in words
    for task in late:
        assert f"{task.name}【滞后】" in words
        assert f"最新进展情况（{task.reported_month}月）：{(task.progress or '').rstrip('。')}" in words
        assert f"{task.name}（{task.department_name}）" in words  # 下一步工作
    for task in report.tasks:
        if task.status == NO_DATA:
            assert task.department_name in words.split("尚未填报重点工作进展的牵头单位：")[1]


def test_december_lists_unfinished_tasks(demo_db):
    with store.connect(demo_db) as con:
        report = status.build_status(con, DOC_YEAR, 12)
        data = deck.build_deck(report, status.areas(con))
        words = doc_text(report_doc.build_report(report, status.areas(con), ISSUED))
    unfinished = lagging(report.tasks, final=True)
    assert unfinished
    text = task_slides_text(data, "重点工作年度完成情况")
    assert f"未完成的重点工作（{len(unfinished)}项）" in words
    for task in unfinished:
        assert task.name[:12] in text
        assert f"{task.name}【未完成】" in words
    assert status_label(LAGGING) not in text


def test_no_tasks_no_task_words(demo_db):
    """A year without tasks keeps the documents as they were: no 重点工作 slide, no task sentence."""
    with store.connect(demo_db) as con:
        report = status.build_status(con, DOC_YEAR, DOC_MONTH)
    bare = type(report)(**{**report.__dict__, "tasks": []})
    assert not any(isinstance(s, meeting.TasksSlide) for s in meeting.outline(bare))
    assert bulletin_tasks.counts_sentence(bare) == "" and bulletin_tasks.attention_group(bare, 5) is None


@pytest.mark.parametrize("month", [DOC_MONTH, 12])
def test_meeting_page_shows_the_task_slide(demo_db, month):
    from tests.conftest import app_page

    with store.connect(demo_db) as con:
        slides = meeting.outline(status.build_status(con, DOC_YEAR, month))
    number = next(i for i, s in enumerate(slides, start=1) if isinstance(s, meeting.TasksSlide))
    at = app_page("pages/meeting.py", query={"year": str(DOC_YEAR), "month": str(month), "slide": str(number)})
    html = "\n".join(str(h.proto.body) for h in at.get("html"))
    assert slides[number - 1].title in html and "牵头单位" in html and "责任领导" in html

"""What the monthly 通报 says about 重点工作 (the report's commitments without a number), as pure functions.

Kept apart from ``tracker.bulletin_text`` (indicators and projects): tasks are judged from their lead department's
self-assessment, never counted with the quantified targets, and worded with their 牵头单位, 责任领导 and latest
进展情况. ``tracker.report_doc`` places these words in its four parts; the rows are the meeting outline's
(``tracker.meeting.TaskRow``), so the 通报 words a task as the deck and the 会议模式 page do.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.bulletin_text import COUNT_WORDS, Formal, ItemParagraph, Lead
from tracker.labels import cn_number
from tracker.meeting import NO_PROGRESS, TASK_STATUSES, TaskRow, count_statuses, task_attention, task_row
from tracker.model import DONE, LAGGING, NO_DATA, NOT_DONE, ON_TRACK, YEAR_END_STATUSES, MonthStatus, TaskStatus

NOUN = "重点工作"
LISTED_DONE = 12  # at most this many finished tasks are named in 主要进展; beyond it only their number


@dataclass(frozen=True)
class TaskGroup:
    """The 重点工作 group of 存在问题: a heading, one numbered paragraph per task needing attention."""

    heading: str  # ``（五）重点工作（滞后4项）``
    items: tuple[tuple[ItemParagraph, str | None], ...]  # the words and the status of each task
    empty: str
    unreported: str  # ``本月未填报进展2项：…。`` or ""


def _attention(report: MonthStatus) -> list[TaskStatus]:
    return task_attention(report)


def tally_of(tasks: list[TaskStatus]) -> str:
    """``滞后4项`` / ``未完成1项、滞后3项``: the tasks needing attention by status."""
    return "、".join(f"{COUNT_WORDS[s]}{n}项" for s in (NOT_DONE, LAGGING) if (n := sum(t.status == s for t in tasks))) or "无"


def counts_sentence(report: MonthStatus) -> str:
    """``报告中没有量化目标的重点工作54项，单独统计：已完成3项、进度正常45项、滞后4项、未填报2项。``; "" without tasks."""
    if not report.tasks:
        return ""
    counts = count_statuses(report.tasks)
    statuses = YEAR_END_STATUSES if report.final else TASK_STATUSES
    parts = "、".join(f"{COUNT_WORDS[s]}{counts[s]}项" for s in statuses if counts.get(s))
    how = "以牵头单位填报的完成情况为准" if not report.final else "按牵头单位填报的完成情况年终评定"
    return f"报告中没有量化目标的{NOUN}{len(report.tasks)}项，{how}，单独统计：{parts or '暂无可统计事项'}。"


def progress_lead(report: MonthStatus, number: int) -> Lead | None:
    """主要进展: the tasks finished (named when few) and how many go to plan."""
    if not report.tasks:
        return None
    done = [t for t in report.tasks if t.status == DONE]
    on_track = [t for t in report.tasks if t.status == ON_TRACK]
    words = []
    if done:
        label = "完成" if report.final else "已完成"
        names = "：" + "、".join(t.name for t in done) if len(done) <= LISTED_DONE else ""
        words.append(f"{label}{len(done)}项{names}。")
    if on_track:
        words.append(f"正常推进{len(on_track)}项。")
    return Lead(f"（{cn_number(number)}）{NOUN}。", "".join(words) or f"暂无已完成或正常推进的{NOUN}。")


def item_paragraph(index: int, row: TaskRow) -> ItemParagraph:
    """``1. 制定出台招工补贴政策【滞后】。牵头单位：社会事务局（经济发展）；责任领导：未设置。最新进展情况（6月）：…``."""
    said = row.progress.rstrip("。") + "。"
    if row.problem:
        said += f"存在问题：{row.problem.rstrip('。')}。"
    month = f"（{row.progress_month}月）" if row.progress_month else ""
    return ItemParagraph(
        lead=f"{index}. {row.name}",
        status_mark=f"【{row.status}】",
        body=f"。牵头单位：{row.department_name}（{row.area_name}）；责任领导：{row.leader}。",
        note_label=f"最新进展情况{month}：",
        note=said if row.progress != NO_PROGRESS else f"（{NO_PROGRESS}）。",
        has_note=row.progress != NO_PROGRESS,
    )


def attention_group(report: MonthStatus, number: int) -> TaskGroup | None:
    """存在问题: every 滞后 and 未完成 task (``tracker.meeting.task_attention``) with its latest 进展情况, and the tasks
    not reported this month."""
    if not report.tasks:
        return None
    tasks = _attention(report)
    status = NOT_DONE if report.final else LAGGING
    heading = f"（{cn_number(number)}）" + (f"未完成的{NOUN}（{len(tasks)}项）" if report.final else f"{NOUN}（{tally_of(tasks)}）")
    rows = [task_row(t) for t in tasks]
    missing = [t for t in report.tasks if t.status == NO_DATA]
    unreported = ""
    if missing:
        names = "、".join(f"{t.name}（{t.department_name}）" for t in missing)
        unreported = f"{report.month}月未填报进展{len(missing)}项：{names}。"
    return TaskGroup(
        heading=heading,
        items=tuple((item_paragraph(i, r), r.status) for i, r in enumerate(rows, start=1)),
        empty=f"没有{COUNT_WORDS[status]}的{NOUN}。",
        unreported=unreported,
    )


def next_step(report: MonthStatus, when: Formal) -> str:
    """下一步工作: one sentence for the lead departments of the tasks needing attention, and who has yet to report."""
    tasks = _attention(report)
    parts = []
    if tasks:
        listed = "、".join(f"{t.name}（{t.department_name}）" for t in tasks)
        if report.final:
            parts.append(
                f"{NOUN}未完成{len(tasks)}项：{listed}。请各牵头单位分析原因，明确结转至{report.year + 1}年继续推进的措施，"
                f"于{when.deadline_text}前报送{when.issuer}。"
            )
        else:
            parts.append(
                f"{NOUN}{tally_of(tasks)}：{listed}。请各牵头单位会同配合单位查找原因、明确措施，"
                f"于{when.deadline_text}前将推进措施报送{when.issuer}。"
            )
    missing: dict[str, int] = {}
    for t in report.tasks:
        if t.status == NO_DATA:
            missing[t.department_name] = missing.get(t.department_name, 0) + 1
    if missing:
        names = "、".join(f"{d}（{n}项）" for d, n in missing.items())
        parts.append(f"尚未填报{NOUN}进展的牵头单位：{names}，请按时填报进展情况和完成情况。")
    return "".join(parts)

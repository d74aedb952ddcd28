"""What the monthly 通报's 下一步工作 says: one sentence per department with items needing attention (most lagging
first: what it is asked to do, by when), then who has yet to report. Pure functions over ``tracker.bulletin_text``'s
attention items; ``tracker.report_doc`` lays them out."""

from __future__ import annotations

from tracker.bulletin_text import AttentionItem, Formal, attention_items, item_brief, no_targets, tally
from tracker.meeting import NO_EXPLANATION
from tracker.model import LAGGING, NO_DATA, NOT_DONE, WARNING, MonthStatus


def _department_sentence(dept: str, items: list[AttentionItem], when: Formal, final: bool, year: int) -> str:
    listed = "、".join(item_brief(i, final) for i in items)
    which = "分别为" if len(items) > 1 else "为"
    missing = sum(not i.row.has_explanation for i in items)
    notes = f"；其中{missing}项{NO_EXPLANATION}，请一并补报" if missing else ""
    if final:
        return (
            f"{dept}：未完成年度目标{len(items)}项，{which}{listed}。请{dept}认真分析未完成原因，逐项明确结转至{year + 1}年"
            f"继续推进或整改的措施，于{when.deadline_text}前将原因分析和整改措施报送{when.issuer}{notes}。"
        )
    lagging = any(i.row.status == LAGGING for i in items)
    ask = "查找原因、明确措施，加快推进，力争尽快达到序时进度" if lagging else "加强调度，防止转为滞后"
    what = "整改措施" if lagging else "推进措施"
    return (
        f"{dept}：本月{tally(items, '项')}，{which}{listed}。请{dept}对照年度目标{ask}，"
        f"并于{when.deadline_text}前将{what}报送{when.issuer}{notes}。"
    )


def _unreported_sentence(report: MonthStatus, reported: bool) -> str | None:
    unreported: dict[str, int] = {}
    for item in report.items:
        if item.status == NO_DATA:
            unreported[item.department_name] = unreported.get(item.department_name, 0) + 1
    if not unreported:
        return None
    names = "、".join(f"{d}（{n}项）" for d, n in unreported.items())
    if report.final:
        return f"尚有事项未填报12月数据的部门：{names}。请相关部门尽快补报，以便完成年终评定。"
    if reported:
        return f"本月尚有事项未填报的部门：{names}。请相关部门按时报送数据。"
    return f"本月各责任部门均未填报数据：{names}。请各部门按时报送本月数据，以便研判推进情况。"


def next_steps(report: MonthStatus, reported: bool, when: Formal) -> list[str]:
    """One sentence per department with items needing attention, most lagging first; then who has yet to report."""
    if no_targets(report):
        return [f"请{when.issuer}会同各责任部门尽快录入{report.year}年政府工作报告目标，以便按月通报推进情况。"]
    indicators, projects = attention_items(report)
    by_dept: dict[str, list[AttentionItem]] = {}
    for item in [*indicators, *projects]:
        by_dept.setdefault(item.row.department_name, []).append(item)

    def weight(dept: str) -> tuple[int, int, int]:
        statuses = [i.row.status for i in by_dept[dept]]
        return (-statuses.count(NOT_DONE), -statuses.count(LAGGING), -statuses.count(WARNING))

    sentences = [_department_sentence(d, by_dept[d], when, report.final, report.year) for d in sorted(by_dept, key=weight)]
    unreported = _unreported_sentence(report, reported)
    if unreported:
        sentences.append(unreported)
    return sentences


def nothing_to_do(report: MonthStatus) -> str:
    if report.final:
        return f"全年各项目标任务均已完成。请各责任部门总结经验，做好{report.year + 1}年目标任务的衔接。"
    return "本月各项目标任务均按序时推进，请各责任部门保持工作力度，确保完成全年目标。"

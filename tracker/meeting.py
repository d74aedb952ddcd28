"""The monthly meeting's outline: which slides, in which order, saying what. No layout, no Office library.

``outline`` turns a month's status (``tracker.status.build_status``) into typed slide records; the 会议模式
page (``components.slides``), the PPTX (``tracker.deck``) and the Word 通报 (``tracker.report_doc``) all lay
out that one list, so the screen and the two files never disagree on counts, order or the wording of a row.

Before December an item needs attention when it is 滞后 or 预警; in December (the year-end verdict) when it is
未完成. A 情况说明 that only says the work goes to plan ("按计划推进") is no explanation for an item that does
not: it reads as missing, so no output prints a lagging item followed by "按计划推进".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tracker import progress, towns, wording
from tracker.labels import fmt_number, fmt_pct
from tracker.model import (
    DONE,
    LAGGING,
    NO_DATA,
    NOT_DONE,
    ON_TRACK,
    STATUSES,
    TARGET_PENDING,
    WARNING,
    YEAR_END_STATUSES,
    AnyItem,
    Area,
    IndicatorStatus,
    Item,
    MonthStatus,
    ProjectStatus,
    TaskStatus,
    by_severity,
    status_counts,
)

NO_EXPLANATION = "未报送情况说明"
DEMO_MARK = "演示数据"
DEMO_FLAG = f"【{DEMO_MARK}，非真实填报】"  # in every page footer (deck) and page header (通报)
ATTENTION = (LAGGING, WARNING)  # before the deadline
YEAR_END_ATTENTION = (NOT_DONE,)  # at the deadline
TRACKED_TITLE = "跟踪事项（不计入年度统计）"
NO_PROGRESS = "未报送进展情况"
TASK_STATUSES = (DONE, ON_TRACK, LAGGING, NO_DATA)  # a task has no 预警: its department says 正常推进 or 滞后
# What a department writes when it has nothing to explain; under a 滞后/预警/未完成 verdict it contradicts it.
ROUTINE_NOTES = ("按计划推进", "按序时推进", "正常推进", "进展顺利", "推进顺利", "进展正常", "稳步推进", "有序推进")
_FILLER = re.compile(r"[\s。，,.;；！!、]|目前|当前|现|项目|工作|正在|中$")


@dataclass(frozen=True)
class Row:
    """One item needing attention as a table row: the same words on the screen, in the deck and in the 通报."""

    type_name: Literal["指标", "项目"]
    name: str
    area_name: str
    status: str | None
    progress: str  # the measure named (完成率 / 较上年末进度 / 对照目标值…) and 序时 where it applies; stages for a project
    detail: str  # 目标…，完成值…
    department_name: str
    explanation: str  # the 情况说明, or NO_EXPLANATION
    has_explanation: bool
    item: Item  # the status record the row was made from


@dataclass(frozen=True)
class TrackedRow:
    """A multi-year goal or a commitment without a number: shown on its own, never in the annual counts."""

    name: str
    area_name: str
    status: str | None
    value: str  # ``79家`` (``（10月数）`` when stale)
    target: str  # ``多年目标≥100家`` or ``报告未设量化目标``
    change: str  # ``较上年末增加1家``
    last_year: str  # ``上年同期77家``
    department_name: str


@dataclass(frozen=True)
class TitleSlide:
    title: str
    subtitle: str
    reported: bool


@dataclass(frozen=True)
class SummarySlide:
    title: str
    time_progress: float
    indicator_counts: dict[str, int]
    project_counts: dict[str, int]
    n_indicators: int
    n_projects: int
    by_area: dict[str, dict[str, int]]  # area name -> indicators per status
    reported: bool
    final: bool = False  # December: the year-end verdict (已完成 / 未完成)
    statuses: tuple[str, ...] = STATUSES  # the verdicts the month can have, in the order tiles show them
    rule: str = ""  # how the statuses are decided, with the tolerance and the 预警 margin
    n_tracked: int = 0  # tracked items, counted apart
    pending_note: str = ""  # a started year's indicators whose target is still to be entered (目标待录入), or ""


@dataclass(frozen=True)
class AreaSlide:
    title: str  # the area's name
    area: str  # the area's code
    indicators: tuple[IndicatorStatus, ...]
    indicator_counts: dict[str, int]
    project_counts: dict[str, int]
    rows: tuple[Row, ...]  # 滞后 and 预警 (December: 未完成) indicators, then projects, worst first
    reported: bool
    final: bool = False


@dataclass(frozen=True)
class ProjectsSlide:
    title: str
    reported: bool
    project_counts: dict[str, int]
    by_area: dict[str, dict[str, int]]
    rows: tuple[Row, ...]  # the projects to watch, worst first
    others: int  # projects on track or done, not listed
    final: bool = False


@dataclass(frozen=True)
class TrackedSlide:
    title: str
    rows: tuple[TrackedRow, ...]
    note: str  # why these are apart


@dataclass(frozen=True)
class LaggingSlide:
    """Every 滞后 item (in December every 未完成 item), in report order: a list, titled as what it is."""

    title: str  # 滞后事项清单 / 未完成事项清单
    rows: tuple[Row, ...]
    reported: bool
    status: str = LAGGING  # the status the list holds
    subtitle: str = ""


@dataclass(frozen=True)
class TaskRow:
    """A 重点工作 (a commitment without a number) needing attention: who leads it, who answers for it, what it last said."""

    name: str
    area_name: str
    status: str | None
    department_name: str  # 牵头单位
    leader: str  # 责任领导, or wording.NO_LEADER
    progress: str  # the latest 进展情况, or NO_PROGRESS
    progress_month: int | None  # the month that 进展情况 was reported for
    problem: str  # 存在问题 of the month, or ""
    item: TaskStatus


@dataclass(frozen=True)
class TasksSlide:
    """重点工作: the report's commitments without a number, counted by status, the ones needing attention listed."""

    title: str
    reported: bool
    task_counts: dict[str, int]
    statuses: tuple[str, ...]  # the verdicts a task can have this month, in tile order
    rows: tuple[TaskRow, ...]  # 未完成 and 滞后 tasks, worst first (``task_attention``)
    others: int  # tasks not listed
    final: bool = False


Slide = TitleSlide | SummarySlide | AreaSlide | ProjectsSlide | TrackedSlide | LaggingSlide | TasksSlide


def period_label(report: MonthStatus) -> str:
    return f"{report.year}年{report.month}月"


def running_header(report: MonthStatus) -> str:
    """The line at the foot of every slide and the head of every 通报 page."""
    return f"{towns.name()}政府工作报告目标跟踪 · 数据月份：{period_label(report)}"


def deck_file_name(report: MonthStatus) -> str:
    return f"{towns.name()}工作报告目标推进_{report.year}年{report.month:02d}月.pptx"


def report_file_name(report: MonthStatus) -> str:
    return f"{towns.name()}工作报告目标推进通报_{report.year}年{report.month:02d}月.docx"


def count_statuses(items: Iterable[AnyItem]) -> dict[str, int]:
    return status_counts(list(items))


def attention_statuses(final: bool) -> tuple[str, ...]:
    """The statuses that need a leader's attention: 滞后 and 预警, or at year-end 未完成."""
    return YEAR_END_ATTENTION if final else ATTENTION


def verdicts(final: bool) -> tuple[str, ...]:
    """The statuses a month can give an annual item, in the order tiles and charts show them."""
    return YEAR_END_STATUSES if final else STATUSES


def status_rule(final: bool, rules: progress.Rules | None = None) -> str:
    """How a status is decided, with the numbers in ``data/settings.toml``: what a reader needs to trust a colour."""
    rules = rules or progress.Rules.from_settings()
    if final:
        return (
            "达到年度目标的为已完成，未达到的为未完成；"
            f"报告写作“约”的目标按目标值的{100 - rules.approx_pct:g}%计为完成；须每月保持的指标全年各月均达到目标方为已完成。"
        )
    tol, margin = f"{rules.tolerance_pp:g}", f"{rules.margin_pp:g}"
    return (
        f"完成率（时点指标为较上年末进度）不低于序时进度，或低于序时进度不超过{tol}个百分点的，为进度正常；"
        f"低于序时进度{tol}至{margin}个百分点的为预警；低于{margin}个百分点以上的为滞后。"
        "须每月保持的指标（如无害化处理率、文物巡查）每月对照目标值判定，不按序时进度考核。"
    )


def areas_of(report: MonthStatus) -> list[Area]:
    """The areas the report's items belong to, in the order they first appear."""
    seen: dict[str, str] = {}
    for item in report.items:
        seen.setdefault(item.area, item.area_name)
    return [Area(c, n) for c, n in seen.items()]


def is_routine(note: str) -> bool:
    """True for a note that only says the work goes to plan (按计划推进, 目前进展顺利。), nothing more."""
    text = note.strip()
    for phrase in ROUTINE_NOTES:
        text = text.replace(phrase, "")
    return bool(note.strip()) and not _FILLER.sub("", text)


def explanation_for(note: str | None, status: str | None) -> str:
    """The 情况说明 an item may be printed with: "" when there is none, or when a routine phrase would contradict a
    滞后, 预警 or 未完成 verdict."""
    text = (note or "").strip()
    if status in (LAGGING, WARNING, NOT_DONE) and is_routine(text):
        return ""
    return text


def indicator_progress(item: IndicatorStatus) -> str:
    """``完成率22.7%，序时50%`` / ``较上年末进度33.3%（上年末38.2%），序时50%`` / ``对照目标值92.2%（目标100%）``."""
    text = wording.progress_text(item)
    if item.final and item.basis == "maintain" and item.status == NOT_DONE:
        return f"{text}，全年未能每月保持目标"
    if item.final or item.tracked:
        return text
    if item.time_progress is not None and item.gap_basis == "time":
        return f"{text}，序时{wording.short_pct(item.time_progress)}"
    if item.measure == progress.MEASURE_AGAINST_TARGET:
        return f"{text}（目标100%）"
    return text


def indicator_row(item: IndicatorStatus, month: int | None = None) -> Row:
    note = explanation_for(item.explanation.text if item.explanation else None, item.status)
    value = wording.value_text(item, month) if month is not None else fmt_number(item.value, item.unit)
    return Row(
        type_name="指标",
        name=item.name,
        area_name=item.area_name,
        status=item.status,
        progress=indicator_progress(item),
        detail=f"目标 {wording.target_text(item)}，完成值 {value}",
        department_name=item.department_name,
        explanation=note or NO_EXPLANATION,
        has_explanation=bool(note),
        item=item,
    )


def project_row(item: ProjectStatus) -> Row:
    pct = "" if item.percent is None else f" · {fmt_number(item.percent, '%', digits=0)}"
    note = explanation_for(item.note, item.status)
    stages = f"年末 {item.stage or NO_DATA}" if item.final else f"计划 {item.planned_stage} / 实际 {item.stage or NO_DATA}"
    return Row(
        type_name="项目",
        name=item.name,
        area_name=item.area_name,
        status=item.status,
        progress=f"{stages}{pct}",
        detail=item.milestone or "",
        department_name=item.department_name,
        explanation=note or NO_EXPLANATION,
        has_explanation=bool(note),
        item=item,
    )


def tracked_row(item: IndicatorStatus, month: int) -> TrackedRow:
    return TrackedRow(
        name=item.name,
        area_name=item.area_name,
        status=item.status,
        value=wording.value_text(item, month),
        target=wording.target_text(item),
        change=wording.change_text(item),
        last_year=f"上年同期{fmt_number(item.last_year, item.unit)}" if item.last_year is not None else "上年同期—",
        department_name=item.department_name,
    )


def _reported(items: Iterable[AnyItem]) -> bool:
    return any(i.status not in (None, NO_DATA) for i in items)


def _area_slide(report: MonthStatus, area: Area) -> AreaSlide:
    watch = attention_statuses(report.final)
    items = [i for i in report.indicators if i.area == area.code]
    projects = [p for p in report.projects if p.area == area.code]
    rows = [indicator_row(i, report.month) for i in by_severity(items) if i.status in watch]
    rows += [project_row(p) for p in by_severity(projects) if p.status in watch]
    return AreaSlide(
        title=area.name,
        area=area.code,
        indicators=tuple(items),
        indicator_counts=count_statuses(items),
        project_counts=count_statuses(projects),
        rows=tuple(rows),
        reported=_reported(items),
        final=report.final,
    )


def _projects_slide(report: MonthStatus, areas: list[Area]) -> ProjectsSlide:
    projects = report.projects
    any_reported = _reported(projects)
    # When nobody reported, one sentence says so instead of slides listing every project as 未填报.
    attention = attention_statuses(report.final)
    watch_for = (*attention, NO_DATA) if any_reported else attention
    watch = [p for p in by_severity(projects) if p.status in watch_for]
    return ProjectsSlide(
        title="重点项目年度完成情况" if report.final else "重点项目推进情况",
        reported=any_reported,
        project_counts=count_statuses(projects),
        by_area={a.name: count_statuses(p for p in projects if p.area == a.code) for a in areas},
        rows=tuple(project_row(p) for p in watch),
        others=len(projects) - len(watch) if any_reported else 0,
        final=report.final,
    )


def _tracked_slide(report: MonthStatus) -> TrackedSlide:
    return TrackedSlide(
        title=TRACKED_TITLE,
        rows=tuple(tracked_row(i, report.month) for i in report.tracked),
        note="“三个一百”等多年目标和报告未给出量化数值的工作：只看是否不低于上年同期，不按序时进度评判，不计入年度统计。",
    )


def _lagging_slide(report: MonthStatus, reported: bool) -> LaggingSlide:
    status = NOT_DONE if report.final else LAGGING
    rows = [indicator_row(i, report.month) for i in report.indicators if i.status == status]
    rows += [project_row(p) for p in report.projects if p.status == status]
    if report.final:
        return LaggingSlide("未完成事项清单", tuple(rows), reported, status, "未完成年度目标的指标和项目：请分析原因，明确结转或整改措施")
    return LaggingSlide("滞后事项清单", tuple(rows), reported, status, "低于序时进度超出预警幅度的指标和项目：请研究推进措施")


def task_row(item: TaskStatus) -> TaskRow:
    return TaskRow(
        name=item.name,
        area_name=item.area_name,
        status=item.status,
        department_name=item.department_name,
        leader=item.leader or wording.NO_LEADER,
        progress=(item.progress or "").strip() or NO_PROGRESS,
        progress_month=item.reported_month if item.progress else None,
        problem=(item.problem or "").strip(),
        item=item,
    )


def task_said(row: TaskRow) -> str:
    """``（6月）进度滞后，正协调解决；存在问题：部门协调未到位``: the latest 进展情况 with its month, then the problem."""
    said = row.progress if row.progress_month is None else f"（{row.progress_month}月）{row.progress}"
    return f"{said}；存在问题：{row.problem}" if row.problem else said


def task_attention(report: MonthStatus) -> list[TaskStatus]:
    """The tasks needing attention, worst first: 滞后, and 未完成 (at the year-end, or past a task's own deadline)."""
    watch = {*attention_statuses(report.final), NOT_DONE}
    return [t for t in by_severity(report.tasks) if t.status in watch]


def _tasks_slide(report: MonthStatus) -> TasksSlide:
    tasks = report.tasks
    watch = task_attention(report)
    return TasksSlide(
        title="重点工作年度完成情况" if report.final else "重点工作推进情况",
        reported=_reported(tasks),
        task_counts=count_statuses(tasks),
        statuses=YEAR_END_STATUSES if report.final else TASK_STATUSES,
        rows=tuple(task_row(t) for t in watch),
        others=len(tasks) - len(watch),
        final=report.final,
    )


def outline(report: MonthStatus, areas: list[Area] | None = None, rules: progress.Rules | None = None) -> list[Slide]:
    """The meeting's slides in order: title, 总体情况 (December: 年度目标完成情况), one per area, 重点项目,
    重点工作 (when the year has tasks), 跟踪事项 (when there are any), and the list of every 滞后 item (December: 未完成事项清单)."""
    areas = areas or areas_of(report)
    indicators, projects = report.indicators, report.projects
    reported = _reported(indicators) or _reported(projects)
    title = TitleSlide(
        title=f"{towns.name()}{report.year}年政府工作报告目标推进情况",
        subtitle=f"{period_label(report)} · {'年终评定' if report.final else '月度工作例会'}",
        reported=reported,
    )
    summary = SummarySlide(
        title="年度目标完成情况" if report.final else f"总体情况：序时进度 {fmt_pct(report.time_progress)}",
        time_progress=report.time_progress,
        indicator_counts=count_statuses(indicators),
        project_counts=count_statuses(projects),
        n_indicators=len(indicators),
        n_projects=len(projects),
        by_area={a.name: count_statuses(i for i in indicators if i.area == a.code) for a in areas},
        reported=reported,
        final=report.final,
        statuses=verdicts(report.final),
        rule=status_rule(report.final, rules),
        n_tracked=len(report.tracked),
        pending_note=pending_note(report),
    )
    tracked = [_tracked_slide(report)] if report.tracked else []
    return [
        title,
        summary,
        *(_area_slide(report, area) for area in areas),
        _projects_slide(report, areas),
        *([_tasks_slide(report)] if report.tasks else []),
        *tracked,
        _lagging_slide(report, reported),
    ]


def pending_note(report: MonthStatus) -> str:
    """``15项指标目标待录入：…``: the indicators a started year cannot judge yet, and why; "" when there are none."""
    n = sum(i.status == TARGET_PENDING for i in report.indicators)
    if not n:
        return ""
    return f"{n}项指标{TARGET_PENDING}：须按{report.year}年政府工作报告录入目标值，录入前不作判定，不计入以上统计。"


def summary_of(slides: Iterable[Slide]) -> SummarySlide:
    return next(s for s in slides if isinstance(s, SummarySlide))

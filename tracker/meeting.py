"""The monthly meeting's outline: which slides, in which order, saying what. No layout, no Office library.

``outline`` turns a month's status (``tracker.status.build_status``) into typed slide records; the 会议模式
page (``components.slides``), the PPTX (``tracker.deck``) and the Word 通报 (``tracker.report_doc``) all lay
out that one list, so the screen and the two files never disagree on counts, order or the wording of a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tracker.labels import fmt_number, fmt_pct, fmt_target
from tracker.model import LAGGING, NO_DATA, WARNING, Area, IndicatorStatus, Item, MonthStatus, ProjectStatus, by_severity, status_counts

TOWN = "三乡镇"
NO_EXPLANATION = "尚未提交情况说明"
DEMO_MARK = "演示数据"
DEMO_FLAG = f"【{DEMO_MARK}，非真实填报】"  # in every page footer (deck) and page header (通报)
ATTENTION = (LAGGING, WARNING)


@dataclass(frozen=True)
class Row:
    """One lagging or warned item as a table row: the same words on the screen, in the deck and in the 通报."""

    type_name: Literal["指标", "项目"]
    name: str
    area_name: str
    status: str | None
    progress: str  # 完成率（序时）for an indicator, 计划/实际 stage for a project
    detail: str
    department_name: str
    explanation: str  # the 情况说明, or NO_EXPLANATION
    has_explanation: bool
    item: Item  # the status record the row was made from


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


@dataclass(frozen=True)
class AreaSlide:
    title: str  # the area's name
    area: str  # the area's code
    indicators: tuple[IndicatorStatus, ...]
    indicator_counts: dict[str, int]
    project_counts: dict[str, int]
    rows: tuple[Row, ...]  # 滞后 and 预警 indicators, then projects, worst first
    reported: bool


@dataclass(frozen=True)
class ProjectsSlide:
    title: str
    reported: bool
    project_counts: dict[str, int]
    by_area: dict[str, dict[str, int]]
    rows: tuple[Row, ...]  # the projects to watch, worst first
    others: int  # projects on track or done, not listed


@dataclass(frozen=True)
class DecisionsSlide:
    title: str
    rows: tuple[Row, ...]  # every 滞后 item, in report order
    reported: bool


Slide = TitleSlide | SummarySlide | AreaSlide | ProjectsSlide | DecisionsSlide


def period_label(report: MonthStatus) -> str:
    return f"{report.year}年{report.month}月"


def running_header(report: MonthStatus) -> str:
    """The line at the foot of every slide and the head of every 通报 page."""
    return f"{TOWN}政府工作报告目标跟踪 · 数据月份：{period_label(report)}"


def deck_file_name(report: MonthStatus) -> str:
    return f"{TOWN}工作报告目标推进_{report.year}年{report.month:02d}月.pptx"


def report_file_name(report: MonthStatus) -> str:
    return f"{TOWN}工作报告目标推进通报_{report.year}年{report.month:02d}月.docx"


def count_statuses(items: Iterable[Item]) -> dict[str, int]:
    return status_counts(list(items))


def areas_of(report: MonthStatus) -> list[Area]:
    """The areas the report's items belong to, in the order they first appear."""
    seen: dict[str, str] = {}
    for item in report.items:
        seen.setdefault(item.area, item.area_name)
    return [Area(c, n) for c, n in seen.items()]


def indicator_row(item: IndicatorStatus) -> Row:
    note = item.explanation
    return Row(
        type_name="指标",
        name=item.name,
        area_name=item.area_name,
        status=item.status,
        progress=f"{fmt_pct(item.completion)}（序时 {fmt_pct(item.time_progress, 0)}）",
        detail=f"目标 {fmt_target(item.target, item.comparator, item.unit)}，完成值 {fmt_number(item.value, item.unit)}",
        department_name=item.department_name,
        explanation=(note.text if note else "") or NO_EXPLANATION,
        has_explanation=bool(note and note.text),
        item=item,
    )


def project_row(item: ProjectStatus) -> Row:
    pct = "" if item.percent is None else f" · {fmt_number(item.percent, '%', digits=0)}"
    return Row(
        type_name="项目",
        name=item.name,
        area_name=item.area_name,
        status=item.status,
        progress=f"计划 {item.planned_stage} / 实际 {item.stage or '未填报'}{pct}",
        detail=item.milestone or "",
        department_name=item.department_name,
        explanation=item.note or NO_EXPLANATION,
        has_explanation=bool(item.note),
        item=item,
    )


def _reported(items: Iterable[Item]) -> bool:
    return any(i.status not in (None, NO_DATA) for i in items)


def _area_slide(report: MonthStatus, area: Area) -> AreaSlide:
    items = [i for i in report.indicators if i.area == area.code]
    projects = [p for p in report.projects if p.area == area.code]
    rows = [indicator_row(i) for i in by_severity(items) if i.status in ATTENTION]
    rows += [project_row(p) for p in by_severity(projects) if p.status in ATTENTION]
    return AreaSlide(
        title=area.name,
        area=area.code,
        indicators=tuple(items),
        indicator_counts=count_statuses(items),
        project_counts=count_statuses(projects),
        rows=tuple(rows),
        reported=_reported(items),
    )


def _projects_slide(report: MonthStatus, areas: list[Area]) -> ProjectsSlide:
    projects = report.projects
    any_reported = _reported(projects)
    # When nobody reported, one sentence says so instead of slides listing every project as 未填报.
    watch_for = (*ATTENTION, NO_DATA) if any_reported else ATTENTION
    watch = [p for p in by_severity(projects) if p.status in watch_for]
    return ProjectsSlide(
        title="重点项目推进情况",
        reported=any_reported,
        project_counts=count_statuses(projects),
        by_area={a.name: count_statuses(p for p in projects if p.area == a.code) for a in areas},
        rows=tuple(project_row(p) for p in watch),
        others=len(projects) - len(watch) if any_reported else 0,
    )


def outline(report: MonthStatus, areas: list[Area] | None = None) -> list[Slide]:
    """The meeting's slides in order: title, 总体情况, one per area, 重点项目, 需研究决策事项."""
    areas = areas or areas_of(report)
    indicators, projects = report.indicators, report.projects
    reported = _reported(indicators) or _reported(projects)
    title = TitleSlide(
        title=f"{TOWN}{report.year}年政府工作报告目标推进情况",
        subtitle=f"{period_label(report)} · 月度工作例会",
        reported=reported,
    )
    summary = SummarySlide(
        title=f"总体情况：序时进度 {fmt_pct(report.time_progress)}",
        time_progress=report.time_progress,
        indicator_counts=count_statuses(indicators),
        project_counts=count_statuses(projects),
        n_indicators=len(indicators),
        n_projects=len(projects),
        by_area={a.name: count_statuses(i for i in indicators if i.area == a.code) for a in areas},
        reported=reported,
    )
    decisions = [indicator_row(i) for i in indicators if i.status == LAGGING]
    decisions += [project_row(p) for p in projects if p.status == LAGGING]
    return [
        title,
        summary,
        *(_area_slide(report, area) for area in areas),
        _projects_slide(report, areas),
        DecisionsSlide(title="需研究决策事项", rows=tuple(decisions), reported=reported),
    ]


def summary_of(slides: Iterable[Slide]) -> SummarySlide:
    return next(s for s in slides if isinstance(s, SummarySlide))

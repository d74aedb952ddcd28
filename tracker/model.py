"""The typed status model every output reads: vocabularies, the one severity order, and a month's status.

``tracker.status`` builds these records; pages, the CLI, the deck, the 通报, maps and exports read their
fields. ``MonthStatus.to_json()`` is what ``status --json`` prints (its keys are a published interface).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

# Statuses. A month's verdict is one of the first five; at a deadline (December for an annual item) a
# careful official only says 已完成 or 未完成.
DONE = "已完成"
ON_TRACK = "正常"
WARNING = "预警"
LAGGING = "滞后"
NO_DATA = "未填报"
NOT_DONE = "未完成"
NO_TARGET = "未设目标"
# A year started from last year's items (tracker.years) holds each indicator's target as a blank to be entered from
# the new report: not judged (no verdict, not 未填报) until an admin enters the number.
TARGET_PENDING = "目标待录入"
UNJUDGED = (NO_TARGET, TARGET_PENDING)
STATUSES = (DONE, ON_TRACK, WARNING, LAGGING, NO_DATA)
YEAR_END_STATUSES = (DONE, NOT_DONE, NO_DATA)
ALL_STATUSES = (DONE, ON_TRACK, WARNING, LAGGING, NOT_DONE, NO_DATA)

# Worst first: the order a leader wants to read a list in.
SEVERITY = {NOT_DONE: 0, LAGGING: 1, WARNING: 2, NO_DATA: 3, ON_TRACK: 4, DONE: 5}

# The stages of a named work, in order, each with the one definition every page and document shows.
# 前期 covers everything before construction starts, so a work that has not started is 前期, not a stage of its own.
STAGES = ("前期", "在建", "完工", "投用")
STAGE_DEFINITIONS = {
    "前期": "立项、设计、报批等开工前工作（尚未开工的均属前期）",
    "在建": "已开工，正在施工",
    "完工": "主体工程完工",
    "投用": "交付并投入使用",
}
# Words an older file or database may hold for a stage, read as the stage they mean.
LEGACY_STAGES = {"未开工": "前期"}


def canonical_stage(stage: str) -> str:
    """A stored stage in today's vocabulary: 未开工 reads as 前期."""
    return LEGACY_STAGES.get(stage, stage)


def stage_legend() -> str:
    """``前期：立项、设计、报批等开工前工作…；在建：…`` for a caption under a stage chart or table."""
    return "；".join(f"{name}：{meaning}" for name, meaning in STAGE_DEFINITIONS.items())


IndicatorKind = Literal["cumulative", "level", "ratio", "milestone"]
Direction = Literal["up", "down"]
Basis = Literal["reach", "maintain", "track"]
ItemType = Literal["indicator", "project", "task"]

# A task's self-assessment (完成情况), as staff report it.
SELF_DONE, SELF_ON_TRACK, SELF_LAGGING = "已完成", "正常推进", "滞后"
SELF_ASSESSMENTS = (SELF_DONE, SELF_ON_TRACK, SELF_LAGGING)


@dataclass(frozen=True)
class Explanation:
    """A 情况说明 for a lagging item in one month."""

    text: str
    user: str
    at: str


@dataclass(frozen=True, kw_only=True)
class Supervised:
    """What the 督办 cycle adds to every item's status, set after its verdict (``dataclasses.replace``)."""

    consecutive_lagging: int = 0  # months of 滞后 in a row up to this one (tracker.escalation)
    escalation: str | None = None  # the escalation step reached (e.g. 督办单, 约谈), or None
    review: str | None = None  # the 督查室's review of the department's submission: 待审核 | 已审核 | 已退回 | None
    locked: bool = False  # the month is locked (tracker.locks)

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        del out["item_type"]
        return out


@dataclass(frozen=True)
class IndicatorStatus(Supervised):
    code: str
    name: str
    area: str
    area_name: str
    unit: str
    kind: str
    direction: str
    basis: str
    department: str
    department_name: str
    target: float | None
    comparator: str
    target_note: str | None
    value: float | None
    value_month: int | None
    missing_months: list[int]
    completion: float | None
    time_progress: float | None  # None where 序时进度 does not apply (a level that must hold; a tracked goal)
    gap_pp: float | None
    gap_basis: str  # what gap_pp is measured against: "time" (序时进度) or "target"
    status: str
    forecast: float | None
    last_year: float | None  # the same month of last year
    source: str
    description: str
    explanation: Explanation | None
    last_update: str | None
    demo: bool
    qualifier: str = ""  # the report's 力争 / 确保 / 约, or ""
    base: float | None = None  # 上年末: last year's closing value (a level) or total (a sum)
    change: float | None = None  # value − 上年末, for a level
    measure: str = "完成率"  # what completion means: 完成率 / 较上年末进度 / 对照目标值 / 较上年增减 / 较上年同期
    tracked: bool = False  # a multi-year goal or a commitment without a number: kept out of the annual counts
    unmet_months: list[int] = field(default_factory=list)  # a level that must hold: reported months below the target
    final: bool = False  # the deadline has come: the verdict is 已完成 or 未完成
    support_departments: list[str] = field(default_factory=list)  # 配合单位 (codes); the lead is ``department``
    support_department_names: list[str] = field(default_factory=list)
    leader: str = ""  # 责任领导: empty until an admin sets it, never invented
    # A growth-rate target (basis "growth"): value is 累计增速 (%), target the target rate; these are the amounts
    # compared (year to date and the same period of last year, in amount_unit), and why no rate when there is none.
    amount: float | None = None
    amount_last_year: float | None = None
    amount_unit: str = ""
    reason: str | None = None
    target_pending: bool = False  # the target is a blank of a started year, to be entered from the new report
    item_type: ItemType = field(default="indicator", repr=False)


@dataclass(frozen=True)
class ProjectStatus(Supervised):
    code: str
    name: str
    area: str
    area_name: str
    department: str
    department_name: str
    project_type: str | None
    place: str | None
    milestone: str | None
    target_stage: str
    ongoing: bool
    planned_stage: str
    planned_percent: float | None
    stage: str | None
    percent: float | None
    note: str | None
    status: str
    gap_pp: float | None
    source: str
    last_update: str | None
    demo: bool
    plan_by_town: bool = True  # planned start/finish months are the town's own plan, not the report's words
    deadline_month: int = 12
    final: bool = False
    support_departments: list[str] = field(default_factory=list)  # 配合单位 (codes); the lead is ``department``
    support_department_names: list[str] = field(default_factory=list)
    leader: str = ""  # 责任领导: empty until an admin sets it, never invented
    problem: str | None = None  # 存在问题 of the month's report (``note`` is its 进展情况)
    source_year: int | None = None  # the sentence is that year's report's, copied into a new year: to be checked
    item_type: ItemType = field(default="project", repr=False)


@dataclass(frozen=True)
class TaskStatus(Supervised):
    """A commitment without a number, judged from its lead department's self-assessment (完成情况)."""

    code: str
    name: str
    area: str
    area_name: str
    department: str  # 牵头单位
    department_name: str
    qualifier: str  # 力争 / 确保 / 约, or ""
    ongoing: bool  # kept or pushed all year: done at the deadline when on track
    self_assessment: str | None  # 已完成 / 正常推进 / 滞后 as reported for the month (已完成 carries on)
    progress: str | None  # the latest 进展情况 up to the month
    problem: str | None  # 存在问题 of the month's report
    status: str
    source: str
    last_update: str | None
    demo: bool
    reported_month: int | None = None  # the month the shown report is for
    deadline_month: int = 12
    final: bool = False
    gap_pp: float | None = None  # no percentage for a task: kept for the one severity order
    support_departments: list[str] = field(default_factory=list)
    support_department_names: list[str] = field(default_factory=list)
    leader: str = ""
    source_year: int | None = None  # the sentence is that year's report's, copied into a new year: to be checked
    item_type: ItemType = field(default="task", repr=False)

    @property
    def note(self) -> str | None:
        return self.progress


Item = IndicatorStatus | ProjectStatus
AnyItem = IndicatorStatus | ProjectStatus | TaskStatus


@dataclass(frozen=True)
class MonthStatus:
    year: int
    month: int
    time_progress: float
    indicators: list[IndicatorStatus]  # the year's quantified targets (the annual counts)
    projects: list[ProjectStatus]
    demo: bool
    tracked: list[IndicatorStatus] = field(default_factory=list)  # multi-year goals and commitments without a number
    final: bool = False  # December: the year-end verdict
    tasks: list[TaskStatus] = field(default_factory=list)  # the report's commitments without a number (重点工作)

    @property
    def items(self) -> list[Item]:
        """The annual items: what the counts, the ranking, the attention list and the 通报 judge."""
        return [*self.indicators, *self.projects]

    @property
    def all_items(self) -> list[AnyItem]:
        """Every item of the month: indicators, projects and tasks (the tracked goals apart)."""
        return [*self.indicators, *self.projects, *self.tasks]

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "month": self.month,
            "time_progress": self.time_progress,
            "final": self.final,
            "indicators": [i.to_json() for i in self.indicators],
            "projects": [p.to_json() for p in self.projects],
            "tracked": [i.to_json() for i in self.tracked],
            "tasks": [t.to_json() for t in self.tasks],
            "demo": self.demo,
        }


@dataclass(frozen=True)
class Area:
    code: str
    name: str


T = TypeVar("T", IndicatorStatus, ProjectStatus, TaskStatus, Item, AnyItem)


def by_severity(items: Iterable[T]) -> list[T]:
    """Worst status first, then the largest gap: the one order every page, deck and 通报 lists items in."""
    return sorted(items, key=lambda i: (SEVERITY.get(i.status or "", 9), -(i.gap_pp if i.gap_pp is not None else float("-inf"))))


def status_counts(items: Sequence[AnyItem]) -> dict[str, int]:
    """Items per status, every status a key (未完成 is 0 until the deadline)."""
    counts = {s: 0 for s in ALL_STATUSES}
    for item in items:
        if item.status in counts:
            counts[item.status] += 1
    return counts


ATTENTION = (NOT_DONE, LAGGING, WARNING)


def attention_items(report: MonthStatus, statuses: tuple[str, ...] = ATTENTION) -> list[Item]:
    """Annual indicators and projects that need a leader's attention (未完成, 滞后, 预警), worst first, then the largest gap."""
    return by_severity([i for i in report.items if i.status in statuses])


def department_ranking(report: MonthStatus) -> list[dict[str, Any]]:
    """Departments by the share of their items (with a status) that are 已完成 or 正常, best first."""
    rows: dict[str, dict[str, Any]] = {}
    for item in report.items:
        if item.status in UNJUDGED:
            continue
        name = item.department_name or item.department
        row = rows.setdefault(name, {"department": name, "items": 0, "on_track": 0} | {s: 0 for s in ALL_STATUSES})
        row["items"] += 1
        if item.status in (DONE, ON_TRACK):
            row["on_track"] += 1
        else:
            row[item.status] += 1
    for row in rows.values():
        row["share"] = row["on_track"] / row["items"]
    return sorted(rows.values(), key=lambda r: (-r["share"], r[NOT_DONE] + r[LAGGING], -r["items"]))

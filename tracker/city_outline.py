"""What the city's deck, 通报 and ``city`` command say: the towns' own verdicts from ``tracker.city``, ordered and
grouped for a 督查室. No layout, no Office import.

Every count is a town's own (``city.rollup``); nothing is recomputed, so the city's totals are the sum of the towns'.
A town with nothing reported for the month is 未填报 and named as such, never a row of zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker import city, meeting, wording
from tracker.labels import fmt_pct
from tracker.model import LAGGING, NO_DATA, NOT_DONE, SEVERITY, WARNING, AnyItem, IndicatorStatus, MonthStatus, ProjectStatus

TITLE = "中山市各镇街政府工作报告目标任务推进情况"
RUNNING_HEADER = "中山市各镇街政府工作报告目标跟踪"
NO_ITEMS = "未设事项"
TYPE_NAMES = {"indicator": "指标", "project": "项目", "task": "重点工作"}


@dataclass(frozen=True)
class TownItem:
    """A town's item needing the city's attention: 滞后 or 未完成, or escalated (督办单, 约谈)."""

    town: str  # the town's name
    type_name: str  # 指标 / 项目 / 重点工作
    name: str
    status: str
    escalation: str | None
    consecutive_lagging: int
    progress: str  # how far it is, in the town deck's words
    department_name: str


@dataclass(frozen=True)
class SharedPoint:
    town: str  # the town's name
    status: str
    value: str  # 完成值 worded, or 未填报
    target: str
    progress: str  # the measure and its figure, e.g. 完成率22.7%
    bar: float | None  # what the chart draws: the completion, or the value where no share makes sense


@dataclass(frozen=True)
class SharedIndicator:
    code: str
    name: str
    unit: str
    by_share: bool  # bars are completions (%), else values in ``unit``
    measure: str  # what a bar's share is: 完成率 / 较上年末进度 / 对照目标值 (the first reporting town's)
    points: tuple[SharedPoint, ...]  # the highest bar first, towns without one last


@dataclass(frozen=True)
class CityMonth:
    year: int
    month: int
    final: bool
    statuses: tuple[str, ...]  # the verdicts the month can give, in tile order
    rows: tuple[city.TownRow, ...]  # one per town, weakest first
    totals: dict[str, int]  # the sum of the towns' own counts
    attention: tuple[TownItem, ...]  # every town's escalated and lagging items, by town (weakest town first), worst first
    shared: tuple[SharedIndicator, ...]
    demo_towns: tuple[str, ...]  # towns whose figures are demo data
    unreachable: tuple[city.TownRow, ...] = ()  # towns whose store could not be read: named, never counted as zeros

    @property
    def period(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def items(self) -> int:
        return sum(count(r.items) for r in self.rows)

    @property
    def escalated(self) -> int:
        return sum(count(r.escalated) for r in self.rows)

    @property
    def open_actions(self) -> int:
        return sum(count(r.open_actions) for r in self.rows)

    @property
    def unreachable_text(self) -> str:
        """The towns left out because their store could not be read, in one sentence (empty when none)."""
        if not self.unreachable:
            return ""
        return f"{'、'.join(r.name for r in self.unreachable)}{city.UNREACHABLE}，本期未能读取其数据，未纳入统计。"

    @property
    def reported(self) -> int:
        return sum(r.reported for r in self.rows)

    @property
    def report_rate(self) -> float | None:
        return self.reported / self.items if self.items else None

    @property
    def unreported(self) -> tuple[city.TownRow, ...]:
        """Towns with items and nothing reported for the month: named as 未填报."""
        return tuple(r for r in self.rows if unreported(r))

    @property
    def demo(self) -> bool:
        return bool(self.demo_towns)

    @property
    def demo_who(self) -> str:
        """Whose figures are demo: 各镇街 when every town's, else their names."""
        return "各镇街" if len(self.demo_towns) == len(self.rows) else "、".join(self.demo_towns)

    def town_label(self, row: city.TownRow) -> str:
        """The town's name, marked （演示） only when some towns' figures are demo and others' are not."""
        mixed = self.demo and len(self.demo_towns) < len(self.rows)
        return row.name + ("（演示）" if mixed and row.demo else "")


def count(value: int | None) -> int:
    """A count of a town whose store was read (``CityMonth.rows`` holds only those): never None there."""
    assert value is not None, "an unreachable town's row has no counts"
    return value


def counts_of(row: city.TownRow) -> dict[str, int]:
    return {s: count(n) for s, n in row.counts.items()}


def unreported(row: city.TownRow) -> bool:
    return count(row.items) > 0 and row.reported == 0


def rate_text(row: city.TownRow) -> str:
    """填报率 as shown: 未填报 for a town with nothing reported (never 0%), 未设事项 for a town without items."""
    if not row.items:
        return NO_ITEMS
    if unreported(row):
        return NO_DATA
    return fmt_pct(row.report_rate)


def weakness(row: city.TownRow) -> tuple:
    """A 督查室's order: towns that reported nothing, then the largest share of 滞后, 未完成 and 未填报 (an item not
    reported is one the town cannot show is on track), the most escalations, the largest share of 预警, the lowest
    填报率; towns without items last."""
    if not row.items:
        return (2, 0.0, 0, 0.0, 0.0, row.code)
    counts, items = counts_of(row), count(row.items)
    bad = sum(counts.get(s, 0) for s in (LAGGING, NOT_DONE, NO_DATA)) / items
    amber = counts.get(WARNING, 0) / items
    return (0 if unreported(row) else 1, -bad, -count(row.escalated), -amber, row.report_rate or 0.0, row.code)


def _progress(item: AnyItem) -> str:
    if isinstance(item, IndicatorStatus):
        return meeting.indicator_progress(item)
    if isinstance(item, ProjectStatus):
        return meeting.project_row(item).progress
    return meeting.task_said(meeting.task_row(item))


def town_attention(town: str, report: MonthStatus) -> list[TownItem]:
    """The town's 滞后 / 未完成 and escalated items: escalated first, then by the one severity order."""
    picked = [i for i in report.all_items if i.status in (LAGGING, NOT_DONE) or i.escalation]
    picked.sort(key=lambda i: (i.escalation is None, -i.consecutive_lagging, SEVERITY.get(i.status or "", 9)))
    return [
        TownItem(
            town=town,
            type_name=TYPE_NAMES[i.item_type],
            name=i.name,
            status=i.status,
            escalation=i.escalation,
            consecutive_lagging=i.consecutive_lagging,
            progress=_progress(i),
            department_name=i.department_name,
        )
        for i in picked
    ]


def _shared(reports: dict[str, MonthStatus], names: dict[str, str], month: int) -> list[SharedIndicator]:
    frame = city.shared_indicators(reports)
    out = []
    for code in dict.fromkeys(frame["code"]):
        items = {t: next(i for i in reports[t].indicators if i.code == code) for t in frame.loc[frame["code"] == code, "town"]}
        by_share = any(i.completion is not None for i in items.values())
        measure = next((i.measure for i in items.values() if i.completion is not None), "完成值")
        points = [
            SharedPoint(
                town=names[t],
                status=i.status,
                value=NO_DATA if i.status == NO_DATA else wording.value_text(i, month),
                target=wording.target_text(i),
                progress="—" if i.status == NO_DATA else wording.progress_text(i),
                bar=None if i.status == NO_DATA else (i.completion if by_share else i.value),
            )
            for t, i in items.items()
        ]
        points.sort(key=lambda p: (p.bar is None, -(p.bar or 0.0)))
        first = next(iter(items.values()))
        out.append(SharedIndicator(code=code, name=first.name, unit=first.unit, by_share=by_share, measure=measure, points=tuple(points)))
    return out


def city_month(year: int, month: int) -> CityMonth:
    """The month across every town served: their own statuses (``city.town_statuses``), weakest town first."""
    reports = city.town_statuses(year, month)
    every = city.rollup(reports, city.open_actions(year, month))
    rows = sorted((r for r in every if r.error is None), key=weakness)
    names = {r.code: r.name for r in rows}
    final = month == 12
    return CityMonth(
        year=year,
        month=month,
        final=final,
        statuses=meeting.verdicts(final),
        rows=tuple(rows),
        totals=city.totals(rows),
        attention=tuple(item for r in rows for item in town_attention(r.name, reports[r.code])),
        shared=tuple(_shared(reports, names, month)),
        demo_towns=tuple(r.name for r in rows if r.demo),
        unreachable=tuple(r for r in every if r.error is not None),
    )


def town_json(row: city.TownRow) -> dict:
    """One town as the ``city --json`` command prints it: its own counts and rates."""
    return {
        "code": row.code,
        "name": row.name,
        "counts": row.counts,
        "items": row.items,
        "reported": row.reported,
        "reporting_rate": row.report_rate,
        "escalated": row.escalated,
        "open_actions": row.open_actions,
        "demo": row.demo,
        "error": row.error,  # 数据库无法连接: its counts are null, never 0
    }


def file_stem(year: int, month: int) -> str:
    return f"中山市各镇街工作报告目标推进_{year}年{month:02d}月"

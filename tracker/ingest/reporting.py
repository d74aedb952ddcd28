"""What has been reported, for pages and the CLI: 填报率 and what is overdue (``reporting_status``), indicators at
滞后/预警 without a 情况说明, the current figures of a month, the batches, the metrics staff report.

A department's expected reports for a month are its figures (one per metric, or per place of a per-place metric)
and the projects and tasks it leads (牵头单位): a project every month of its year, a task every month up to its
deadline until it is reported 已完成 (with a 进展情况; it stays done)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from tracker import progress, status
from tracker.ingest.checks import place_kinds
from tracker.ingest.model import MissingExplanation
from tracker.model import ItemType

DUE_DAY = 10  # a month's figures are due by the 10th of the following month
NOTE_STATUSES = (progress.NOT_DONE, progress.LAGGING, progress.WARNING)  # the statuses that need a 情况说明


@dataclass(frozen=True)
class CurrentFigure:
    metric: str
    place: str | None
    value: float | None
    batch: int
    demo: bool  # from a demo batch (generated, not a department's report)


@dataclass(frozen=True)
class MetricInfo:
    code: str
    name: str
    unit: str
    department: str
    kind: str  # flow | stock
    places: bool  # reported per place


def current_figures(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[CurrentFigure]:
    rows = con.execute(
        "select metric, place, value, batch_id, demo from figure_current where year = ? and month = ? order by metric, place",
        [year, month],
    ).fetchall()
    return [CurrentFigure(m, p, v, b, bool(d)) for m, p, v, b, d in rows]


def batches(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> pd.DataFrame:
    """Every batch, newest first (the 上传记录 page and ``python -m tracker batches``)."""
    sql = (
        "select id, kind, user_name, created_at, file_name, sha256, rows, status, demo, reverted_at, reverted_by "
        "from batch order by id desc"
    )
    return con.execute(sql + (f" limit {int(limit)}" if limit else "")).df()


def metrics_list(con: duckdb.DuckDBPyConnection) -> list[MetricInfo]:
    rows = con.execute("select code, name, unit, department, kind, per_place from metric order by department, code")
    return [MetricInfo(c, n, u, d, k, bool(p)) for c, n, u, d, k, p in rows.fetchall()]


def missing_explanations(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[MissingExplanation]:
    """Indicators at 滞后 or 预警 in the month without a 情况说明 (the one place this package reads tracker.status)."""
    return [
        MissingExplanation(i.code, i.name, i.status, i.department, i.department_name, year, month)
        for i in status.indicator_status(con, year, month)
        if i.status in NOTE_STATUSES and not i.explanation
    ]


@dataclass(frozen=True)
class UnreportedItem:
    """A project or task its lead department has not reported for a month."""

    kind: ItemType  # project | task
    code: str
    name: str
    month: int


def _item_reports(con: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, str, str, str, int, bool]]:
    """(department, kind, code, name, month, reported) for every project and task report expected in ``year``."""
    return con.execute(
        """
        with months as (select unnest(range(1, 13)) as month),
        projects as (
            select p.department, 'project' as kind, p.code, p.name, m.month, r.project is not null as reported
            from project p cross join months m
            left join project_progress_latest r on r.project = p.code and r.year = p.year and r.month = m.month
            where p.year = $year
        ),
        done as (
            select task, min(month) as month from task_progress_latest
            where year = $year and self_assessment = '已完成' and coalesce(progress, '') <> ''
            group by task
        ),
        tasks as (
            select t.department, 'task' as kind, t.code, t.name, m.month, r.task is not null as reported
            from task t cross join months m
            left join task_progress_latest r on r.task = t.code and r.year = t.year and r.month = m.month
            left join done d on d.task = t.code
            where t.year = $year and m.month <= t.deadline_month and (d.month is null or m.month <= d.month)
        ),
        final as (select * from projects union all select * from tasks)
        select * from final order by department, month, kind, code
        """,
        {"year": year},
    ).fetchall()


def due_date(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, DUE_DAY)


def month_due(year: int, today: date | None = None) -> int:
    """The month staff report now, within ``year``: the last finished month before today (December for a past
    year; January when no month of ``year`` has finished yet). The upload page and ``template`` default to it."""
    today = today or date.today()
    if year < today.year:
        return 12
    if year > today.year:
        return 1
    return max(today.month - 1, 1)


def period_due(today: date | None = None) -> tuple[int, int]:
    """The (year, month) now due: the last finished month before today (December of last year in January)."""
    today = today or date.today()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def reporting_status(con: duckdb.DuckDBPyConnection, year: int, today: date | None = None) -> pd.DataFrame:
    """填报率 per department and month: (reported metric-places + projects and tasks reported) / expected; overdue
    after the due date. ``unreported`` names the department's projects and tasks not reported for the month."""
    today = today or date.today()
    expected = _expected_per_department(con, year)
    items: dict[tuple[str, int], list[tuple[str, str, str, bool]]] = {}
    for department, kind, code, name, month, was_reported in _item_reports(con, year):
        items.setdefault((department, month), []).append((kind, code, name, was_reported))
    got = con.execute(
        """
        select m.department, f.month, count(distinct (f.metric, coalesce(f.place, ''))) as reported
        from figure_current f join metric m on m.code = f.metric
        where f.year = ? and f.value is not null
        group by all
        """,
        [year],
    ).df()
    rows = []
    for r in expected.itertuples(index=False):
        for month in range(1, 13):
            hit = got[(got["department"] == r.department) & (got["month"] == month)]
            figures = min(int(hit["reported"].iloc[0]) if len(hit) else 0, int(r.expected))
            led = items.get((r.department, month), [])
            unreported = tuple(UnreportedItem(k, c, n, month) for k, c, n, done in led if not done)  # type: ignore[arg-type]
            expected_n = int(r.expected) + len(led)
            reported = figures + len(led) - len(unreported)
            due = due_date(year, month)
            started = (year, month) <= (today.year, today.month)
            rows.append(
                {
                    "department": r.department,
                    "department_name": r.department_name,
                    "month": month,
                    "expected": expected_n,
                    "reported": reported,
                    "rate": min(reported / expected_n, 1.0) if expected_n else None,
                    "due": due,
                    "overdue": bool(started and today > due and reported < expected_n),
                    "expected_figures": int(r.expected),
                    "reported_figures": figures,
                    "expected_items": len(led),
                    "unreported": unreported,
                }
            )
    return pd.DataFrame(rows)


def _expected_per_department(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Figures expected per month of each department that reports figures or leads a project or task of ``year``."""
    expected: dict[str, int] = {}
    names: dict[str, str] = {}
    for code, department, name, per_place, place_kind in con.execute(
        "select m.code, m.department, d.name, m.per_place, m.place_kind from metric m "
        "join department d on d.code = m.department order by m.department, m.code"
    ).fetchall():
        names[department] = name
        expected[department] = expected.get(department, 0) + (_expected_places(con, code, place_kind) if per_place else 1)
    for department, name in con.execute(
        "select distinct d.code, d.name from department d join (select department from project where year = $year "
        "union all select department from task where year = $year) i on i.department = d.code order by d.code",
        {"year": year},
    ).fetchall():
        names[department] = name
        expected.setdefault(department, 0)
    rows = [(d, names[d], n) for d, n in expected.items()]
    return pd.DataFrame(rows, columns=["department", "department_name", "expected"])


def _expected_places(con: duckdb.DuckDBPyConnection, metric: str, place_kind: str | None) -> int:
    """How many places are expected to report a per-place metric each month: those that have reported it before
    (any year; e.g. the 9 村（社区） of the sewage project), or, before any report, every place of its kinds."""
    (reported,) = con.execute(
        "select count(distinct place) from figure_current where metric = ? and place is not null", [metric]
    ).fetchone() or (0,)
    if reported:
        return int(reported)
    kinds = list(place_kinds(place_kind))
    if not kinds:
        return 0
    (count,) = con.execute("select count(*) from place where list_contains(?, kind)", [kinds]).fetchone() or (0,)
    return int(count)

"""The status of every indicator and project for a month (``tracker.model`` records): what every output shows.

Reads only: nothing here writes to the store (indicator values are cached in memory by ``tracker.indicators``).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from tracker import config, escalation, locks, model, progress, review
from tracker.indicators import Indicator, data_stamp, database_name, registry, series_by_code, value_at, values
from tracker.model import (
    Area,
    Explanation,
    IndicatorStatus,
    MonthStatus,
    ProjectStatus,
    TaskStatus,
    by_severity,
    status_counts,
)

__all__ = ["by_severity", "status_counts"]  # the one order and the counts live in tracker.model

# The report's targets are for the year: December is every annual item's deadline, when the verdict is final.
DEADLINE_MONTH = 12


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def areas(con: duckdb.DuckDBPyConnection) -> list[Area]:
    return [Area(c, n) for c, n in con.execute("select code, name from area order by sort").fetchall()]


def departments(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("select code, name from department order by code").fetchall())


def latest_period(con: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    """The newest (year, month) with any reported figure or project progress."""
    row = con.execute(
        "select year, month from (select year, month from figure_current union all "
        "select year, month from project_progress_latest) order by year desc, month desc limit 1"
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else None


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    rows = con.execute(
        "select distinct year from (select year from target_current union select year from figure_current "
        "union select year from project union select year from task) order by year"
    ).fetchall()
    return [int(r[0]) for r in rows]


def _metric_facts(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[str, dict]:
    rows = con.execute(
        "select metric, bool_or(demo), max(created_at) from figure_current where year = ? and month <= ? group by metric",
        [year, month],
    ).fetchall()
    return {m: {"demo": bool(d), "updated": u} for m, d, u in rows}


def _explanations(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[str, Explanation]:
    rows = con.execute(
        "select indicator, text, user_name, created_at from explanation_current where year = ? and month = ?",
        [year, month],
    ).fetchall()
    return {i: Explanation(t, u, a.isoformat(sep=" ", timespec="minutes")) for i, t, u, a in rows}


def _who(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, tuple[list[str], list[str], str]]:
    """Item code → (配合单位 codes, their names, 责任领导), from the newest assignment batch."""
    names = departments(con)
    out = {}
    for item, support, leader in con.execute(
        "select item, support_departments, leader from item_assignment_current where year = ?", [year]
    ).fetchall():
        codes = [c for c in (support or "").split(",") if c]
        out[item] = (codes, [names.get(c, c) for c in codes], leader or "")
    return out


_NOBODY: tuple[list[str], list[str], str] = ([], [], "")


@dataclass(frozen=True)
class _Target:
    value: float | None
    comparator: str
    rule: str
    note: str | None


@dataclass(frozen=True)
class _Reading:
    """What was reported for one indicator up to the month, before any verdict."""

    value: float | None  # year to date (a sum) or the latest level
    value_month: int | None  # the last month that reported
    reported: bool  # the month itself reported
    missing: list[int]  # months up to this one without a report (named, never read as zero)
    unmet: list[int]  # a level that must hold: the reported months that missed the target


def _reading(ind: Indicator, series: dict[int, float], month: int, target: float | None, comparator: str) -> _Reading:
    months = sorted(m for m in series if m <= month)
    last = months[-1] if months else None
    gaps = [m for m in range(1, month + 1) if m not in series]
    if ind.kind == "cumulative":
        value = sum(series[m] for m in months) if months else None
        missing = gaps
    else:
        value = series[last] if last is not None else None
        # A level carries its latest report; earlier gaps matter only for a level that must hold every month.
        missing = gaps if ind.basis == "maintain" else ([] if last == month else [month])
    unmet = [] if target is None else [m for m in months if not progress.meets(series[m], target, comparator)]
    return _Reading(value, last, last == month, missing, unmet)


def _judge(ind: Indicator, reading: _Reading, target: _Target, base: float | None, last_same: float | None, month: int, tp: float,
           final: bool, series: dict[int, float], rules: progress.Rules) -> progress.Judgement:  # fmt: skip
    """The month's verdict. Only the month itself missing makes an item 未填报 — except a sum that has already
    reached its target, which stays 已完成 whatever is reported later."""
    if ind.basis == "track":
        return progress.judge_trend(reading.value if reading.reported else None, last_same, ind.direction)
    if ind.kind == "cumulative":
        verdict = progress.judge_cumulative(
            reading.value, target.value, tp, rules, direction=ind.direction, qualifier=ind.qualifier, final=final
        )
        if reading.reported or verdict.status in (model.DONE, model.NO_TARGET):
            return verdict
        return progress.Judgement(None, model.NO_DATA)
    if target.value is None:
        return progress.Judgement(None, model.NO_TARGET)
    if not reading.reported:
        return progress.Judgement(None, model.NO_DATA)
    pace = [(m, v) for m, v in series.items() if m <= month]
    return progress.judge_level(
        reading.value,
        target.value,
        target.comparator,
        tp,
        rules,
        direction=ind.direction,
        basis=ind.basis,
        base=base,
        last_year_same=last_same,
        qualifier=ind.qualifier,
        final=final,
        held_all_year=not reading.unmet,
        forecast=progress.level_forecast(pace, base, target.value, ind.direction),
    )


def indicator_status(con: duckdb.DuckDBPyConnection, year: int, month: int, area: str | None = None) -> list[IndicatorStatus]:
    """Every indicator of the year (annual targets and tracked goals alike), judged for the month."""
    rules = progress.Rules.from_settings()
    indicators = [i for i in registry().values() if area in (None, i.area)]
    series = series_by_code(values(con, [year, year - 1], [i.code for i in indicators]))
    targets = {
        r[0]: _Target(*r[1:])
        for r in con.execute("select indicator, value, comparator, rule, note from target_current where year = ?", [year]).fetchall()
    }
    facts = _metric_facts(con, year, month)
    notes = _explanations(con, year, month)
    dept_names = departments(con)
    area_list = areas(con)
    area_names = {a.code: a.name for a in area_list}
    area_order = {a.code: i for i, a in enumerate(area_list)}
    final = month >= DEADLINE_MONTH
    who = _who(con, year)
    out: list[IndicatorStatus] = []
    for ind in sorted(indicators, key=lambda i: (area_order.get(i.area, 99), str(i.path))):
        this_year = series.get((ind.code, year), {})
        last_year = series.get((ind.code, year - 1), {})
        last_same, _ = value_at(ind, last_year, month)
        base, _ = value_at(ind, last_year, 12)
        target = targets.get(ind.code, _Target(None, ">=", "fixed", None))
        if target.rule == "last_year":
            target = _Target(base, target.comparator, target.rule, target.note)
        reading = _reading(ind, this_year, month, target.value, target.comparator)
        against_time = ind.basis == "reach"
        tp = progress.time_progress(month, ind.plan)
        growth = progress.growth_reading(ind.kind, this_year, last_year, month) if ind.basis == "growth" else None
        if growth is not None:
            verdict = progress.judge_growth(growth.rate, target.value, rules, qualifier=ind.qualifier, final=final)
            reading = _Reading(growth.rate, month if growth.rate is not None else None, growth.rate is not None, list(growth.missing), [])
            last_same = base = None  # 上年同期 is inside the rate; a rate has no 上年末 to count from
        else:
            verdict = _judge(ind, reading, target, base, last_same, month, tp, final, this_year, rules)
        if target.rule == "last_year" and base is None and verdict.status == model.NO_TARGET:
            # The target is last year-end's figure, which nobody reported: the missing figure is the problem.
            verdict = progress.Judgement(None, model.NO_DATA)
        pending = target.value is None and target.rule == "fixed" and ind.code in targets  # a blank for the new report
        if pending and verdict.status == model.NO_TARGET:
            verdict = progress.Judgement(None, model.TARGET_PENDING, measure=verdict.measure)
        metric_facts = [facts[m] for m in ind.metrics if m in facts]
        updated = max((f["updated"] for f in metric_facts), default=None)
        is_level = ind.kind != "cumulative"
        out.append(
            IndicatorStatus(
                code=ind.code,
                name=ind.name,
                area=ind.area,
                area_name=area_names.get(ind.area, ind.area),
                unit="%" if growth else ind.unit,
                kind=ind.kind,
                direction=ind.direction,
                basis=ind.basis,
                department=ind.department,
                department_name=dept_names.get(ind.department, ind.department),
                target=_clean(target.value),
                comparator=target.comparator,
                target_note=target.note,
                value=_round(reading.value),
                value_month=reading.value_month,
                missing_months=reading.missing,
                completion=_round(verdict.completion),
                time_progress=round(tp, 4) if against_time else None,
                gap_pp=_round(verdict.gap_pp, 2),
                gap_basis="time" if against_time else "target",
                status=verdict.status,
                forecast=_round(verdict.forecast),
                last_year=_round(last_same),
                source=ind.source,
                description=ind.description,
                explanation=notes.get(ind.code),
                last_update=updated.isoformat(sep=" ", timespec="minutes") if updated else None,
                demo=any(f["demo"] for f in metric_facts),
                qualifier=ind.qualifier,
                base=_round(base),
                change=_round(reading.value - base) if is_level and reading.value is not None and base is not None else None,
                measure=verdict.measure,
                tracked=ind.basis == "track",
                unmet_months=reading.unmet if ind.basis == "maintain" else [],
                final=final and ind.basis != "track",
                support_departments=who.get(ind.code, _NOBODY)[0],
                support_department_names=who.get(ind.code, _NOBODY)[1],
                leader=who.get(ind.code, _NOBODY)[2],
                amount=_round(growth.amount) if growth else None,
                amount_last_year=_round(growth.amount_last_year) if growth else None,
                amount_unit=ind.unit if growth and ind.kind != "ratio" else "",
                reason=growth.reason if growth else None,
                target_pending=pending,
            )
        )
    return out


def project_status(con: duckdb.DuckDBPyConnection, year: int, month: int, area: str | None = None) -> list[ProjectStatus]:
    rules = progress.Rules.from_settings()
    rows = con.execute(
        """
        select p.code, p.name, p.area, a.name as area_name, p.department, d.name as department_name,
               p.project_type, p.place, p.milestone, p.target_stage, p.ongoing, plan.start_month, plan.finish_month,
               src.source, src.source_year,
               pp.stage, pp.percent, pp.note, pp.problem, pp.demo, pp.created_at
        from project p
        join area a on a.code = p.area
        join department d on d.code = p.department
        join project_plan_current plan on plan.project = p.code and plan.year = p.year
        join item_source_current src on src.item = p.code and src.year = p.year and src.kind = 'project'
        left join project_progress_latest pp on pp.project = p.code and pp.year = ? and pp.month = ?
        where p.year = ? and (? is null or p.area = ?)
        order by a.sort, p.code
        """,
        [year, month, year, area, area],
    ).df()
    who = _who(con, year)
    out: list[ProjectStatus] = []
    for r in rows.to_dict("records"):
        r = {k: _clean(v) for k, v in r.items()}
        verdict = progress.judge_milestone(
            r["stage"],
            r["percent"],
            month,
            r["target_stage"],
            r["start_month"],
            r["finish_month"],
            rules,
            ongoing=bool(r["ongoing"]),
            deadline_month=DEADLINE_MONTH,
        )
        out.append(
            ProjectStatus(
                code=r["code"],
                name=r["name"],
                area=r["area"],
                area_name=r["area_name"],
                department=r["department"],
                department_name=r["department_name"],
                project_type=r["project_type"],
                place=r["place"],
                milestone=r["milestone"],
                target_stage=r["target_stage"],
                ongoing=bool(r["ongoing"]),
                planned_stage=progress.planned_stage(month, r["target_stage"], r["start_month"], r["finish_month"]),
                planned_percent=progress.planned_percent(month, r["start_month"], r["finish_month"]),
                stage=r["stage"],
                percent=r["percent"],
                note=r["note"],
                status=verdict.status,
                gap_pp=_round(verdict.gap_pp, 2),
                source=r["source"],
                last_update=None if pd.isna(r["created_at"]) else r["created_at"].isoformat(sep=" ", timespec="minutes"),
                demo=bool(r["demo"]),
                plan_by_town=r["start_month"] is not None or r["finish_month"] is not None,
                deadline_month=DEADLINE_MONTH,
                final=month >= DEADLINE_MONTH,
                support_departments=who.get(r["code"], _NOBODY)[0],
                support_department_names=who.get(r["code"], _NOBODY)[1],
                leader=who.get(r["code"], _NOBODY)[2],
                problem=r["problem"],
                source_year=None if r["source_year"] is None else int(r["source_year"]),
            )
        )
    return out


def task_status(con: duckdb.DuckDBPyConnection, year: int, month: int, area: str | None = None) -> list[TaskStatus]:
    """Every task of the year, judged for the month from what its lead department reported."""
    rows = con.execute(
        """
        with reports as (
            select * from task_progress_latest where year = ? and month <= ?
        ),
        latest as (
            select task, arg_max(progress, month) filter (where progress is not null and progress <> '') as progress,
                   bool_or(self_assessment = '已完成' and coalesce(progress, '') <> '' and month < ?) as done_before,
                   max(month) as last_month
            from reports group by task
        ),
        final as (
            select t.code, t.name, t.area, a.name as area_name, t.department, d.name as department_name, t.qualifier,
                   t.ongoing, t.deadline_month, src.source, src.source_year, m.self_assessment, m.progress as month_progress, m.problem,
                   m.demo, m.created_at, l.progress, l.done_before, l.last_month
            from task t
            join area a on a.code = t.area
            join department d on d.code = t.department
            join item_source_current src on src.item = t.code and src.year = t.year and src.kind = 'task'
            left join reports m on m.task = t.code and m.month = ?
            left join latest l on l.task = t.code
            where t.year = ? and (? is null or t.area = ?)
        )
        select * from final order by code
        """,
        [year, month, month, month, year, area, area],
    ).fetchall()
    area_order = {a.code: i for i, a in enumerate(areas(con))}
    who = _who(con, year)
    out: list[TaskStatus] = []
    for (code, name, area_code, area_name, dept, dept_name, qualifier, ongoing, deadline, source, source_year, assessment, month_progress,
         problem, demo, created, latest_progress, done_before, last_month) in rows:  # fmt: skip
        final = month >= int(deadline)
        state = progress.judge_task(assessment, month_progress, bool(done_before), final, bool(ongoing))
        support, support_names, leader = who.get(code, _NOBODY)
        out.append(
            TaskStatus(
                code=code,
                name=name,
                area=area_code,
                area_name=area_name,
                department=dept,
                department_name=dept_name,
                qualifier=qualifier or "",
                ongoing=bool(ongoing),
                self_assessment=model.SELF_DONE if done_before and assessment is None else assessment,
                progress=latest_progress,
                problem=problem,
                status=state,
                source=source,
                last_update=None if created is None else created.isoformat(sep=" ", timespec="minutes"),
                demo=bool(demo),
                reported_month=month if assessment is not None else (int(last_month) if last_month else None),
                deadline_month=int(deadline),
                final=final,
                support_departments=support,
                support_department_names=support_names,
                leader=leader,
                source_year=source_year,
            )
        )
    return sorted(out, key=lambda t: (area_order.get(t.area, 99), t.code))


# Whole months already judged, by (database file, data stamp, year, month, area, rules), newest last: a month's
# status only changes when a batch lands or is reverted, places are replaced, an SQL file or a rule changes.
_MONTHS: OrderedDict[tuple[object, ...], MonthStatus] = OrderedDict()
_MONTHS_LOCK = threading.Lock()
_MONTHS_MAX = 128


def build_status(con: duckdb.DuckDBPyConnection, year: int, month: int, area: str | None = None) -> MonthStatus:
    """Every item of the month, judged: annual indicators and projects, and the tracked goals apart.

    Kept in memory under the data stamp (a read never writes): a repeated call costs the two small queries of the
    stamp. The records are shared between callers: treat them as read-only."""
    key = (
        database_name(con),
        data_stamp(con, list(registry().values())),
        _review_stamp(con),
        year,
        month,
        area,
        progress.Rules.from_settings(),
        config.settings().escalation_steps,
    )
    with _MONTHS_LOCK:
        cached = _MONTHS.get(key)
        if cached is not None:
            _MONTHS.move_to_end(key)
            return cached
    built = _build_status(con, year, month, area)
    with _MONTHS_LOCK:
        _MONTHS[key] = built
        while len(_MONTHS) > _MONTHS_MAX:
            _MONTHS.popitem(last=False)
    return built


def _review_stamp(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    """Reviews and locks change no batch: their own stamp (and today's date, for the deadline locks)."""
    row = _one(
        con, "select (select max(id) from review_event), (select max(id) from month_lock), (select count(unlocked_at) from month_lock)"
    )
    return (*row, date.today())


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[object, ...]:
    row = con.execute(sql).fetchone()
    return tuple(row) if row else ()


def _build_status(con: duckdb.DuckDBPyConnection, year: int, month: int, area: str | None) -> MonthStatus:
    states = review.department_states(con, year, month)
    locked = locks.lock_state(con, year, month).locked
    every = [replace(i, review=states.get(i.department), locked=locked) for i in indicator_status(con, year, month, area)]
    indicators = [i for i in every if not i.tracked]
    tracked = [i for i in every if i.tracked]
    projects = [replace(p, review=states.get(p.department), locked=locked) for p in project_status(con, year, month, area)]
    tasks = [replace(t, review=states.get(t.department), locked=locked) for t in task_status(con, year, month, area)]
    built = MonthStatus(
        year=year,
        month=month,
        time_progress=round(progress.time_progress(month), 4),
        indicators=indicators,
        projects=projects,
        demo=any(i.demo for i in every) or any(p.demo for p in projects),
        tracked=tracked,
        final=month >= DEADLINE_MONTH,
        tasks=tasks,
    )
    previous = build_status(con, year, month - 1, area) if month > 1 else None  # cached: each month is judged once
    return escalation.apply(built, previous)

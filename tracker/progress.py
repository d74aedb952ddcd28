"""Progress rules: 序时进度 (time progress), completion, status and the year-end forecast.

Pure functions over plain numbers, so every edge can be tested without a database.
Completion and time progress are fractions (0.5 = 50%); margins are in percentage points.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.model import DONE, LAGGING, NO_DATA, ON_TRACK, STAGES, STATUSES, WARNING

__all__ = ["DONE", "LAGGING", "NO_DATA", "ON_TRACK", "STATUSES", "WARNING"]

_EPS = 1e-9


@dataclass(frozen=True)
class Judgement:
    completion: float | None  # share of the year's target achieved (or progress from last year's level)
    status: str | None  # one of STATUSES; None only when no target is set
    forecast: float | None = None  # 预计全年完成率 at the current pace
    gap_pp: float | None = None  # percentage points behind time progress (positive = behind)


def time_progress(month: int, plan: tuple[float, ...] | None = None) -> float:
    """Share of the year's work due by the end of ``month``: month/12, or the indicator's own plan curve."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return plan[month - 1] if plan else month / 12


def _against_time(completion: float, tp: float, margin_pp: float) -> tuple[str, float]:
    gap_pp = (tp - completion) * 100
    if completion >= 1 - _EPS:
        return DONE, gap_pp
    if gap_pp <= _EPS:
        return ON_TRACK, gap_pp
    if gap_pp <= margin_pp + _EPS:
        return WARNING, gap_pp
    return LAGGING, gap_pp


def _meets(value: float, target: float, comparator: str) -> bool:
    if comparator == ">=":
        return value >= target - _EPS
    if comparator == "<=":
        return value <= target + _EPS
    return abs(value - target) <= _EPS


def judge_cumulative(ytd: float | None, target: float | None, tp: float, margin_pp: float, direction: str = "up") -> Judgement:
    """A year-to-date sum against an annual target, compared with time progress."""
    if ytd is None:
        return Judgement(None, NO_DATA)
    if target is None:
        return Judgement(None, None)
    if direction == "down":
        # A ceiling on a yearly sum (e.g. at most N incidents): fine while under the pro-rata share.
        if ytd > target + _EPS:
            return Judgement(ytd / target if target else None, LAGGING, None, None)
        allowed = target * tp
        status = ON_TRACK if ytd <= allowed + _EPS else WARNING
        return Judgement(ytd / target if target else None, status, (ytd / tp / target) if target and tp else None)
    if target <= 0:
        return Judgement(None, DONE)
    completion = ytd / target
    status, gap = _against_time(completion, tp, margin_pp)
    return Judgement(completion, status, completion / tp if tp else None, gap)


def judge_level(
    value: float | None,
    target: float | None,
    comparator: str,
    tp: float,
    margin_pp: float,
    *,
    direction: str = "up",
    basis: str = "reach",
    base: float | None = None,
    last_year_same: float | None = None,
) -> Judgement:
    """A level or ratio (a stock, a rate) against its target.

    ``reach``: a level to reach by year end; progress is measured from last year's closing value ``base``
    where known, and compared with time progress. ``maintain``: the target must hold every month.
    ``track``: a multi-year goal; this year it must not fall below the same month of last year.
    """
    if value is None:
        return Judgement(None, NO_DATA)
    if target is None:
        return Judgement(None, None)
    met = _meets(value, target, comparator)
    if basis == "maintain":
        completion = _ratio(value, target, direction)
        if met:
            return Judgement(completion, ON_TRACK, completion, 0.0)
        shortfall_pp = abs(target - value) / abs(target) * 100 if target else float("inf")
        status = WARNING if shortfall_pp <= margin_pp + _EPS else LAGGING
        return Judgement(completion, status, completion, shortfall_pp)
    if met:
        return Judgement(_ratio(value, target, direction), DONE, 1.0, None)
    if basis == "track":
        completion = _ratio(value, target, direction)
        if last_year_same is None:
            return Judgement(completion, ON_TRACK, None)
        worse = value < last_year_same - _EPS if direction == "up" else value > last_year_same + _EPS
        return Judgement(completion, WARNING if worse else ON_TRACK, None)
    if base is not None and abs(target - base) > _EPS and _moves_toward(base, target, direction):
        completion = max((value - base) / (target - base), 0.0)
    else:
        completion = _ratio(value, target, direction) or 0.0
    status, gap = _against_time(completion, tp, margin_pp)
    return Judgement(completion, status, completion / tp if tp else None, gap)


def _moves_toward(base: float, target: float, direction: str) -> bool:
    return target > base if direction == "up" else target < base


def _ratio(value: float, target: float, direction: str) -> float | None:
    if direction == "down":
        return target / value if value else 1.0
    return value / target if target else None


def planned_stage(month: int, target_stage: str, start_month: int | None, finish_month: int | None) -> str:
    """The stage a project should have reached by the end of ``month`` according to its plan."""
    if target_stage in ("未开工", "前期"):
        return target_stage
    if start_month is None:
        # No planned start: the work was already under way when the year began.
        return "在建" if target_stage == "在建" else "前期"
    if month < start_month:
        return "前期"
    if target_stage == "在建" or finish_month is None or month < finish_month:
        return "在建"
    return target_stage


def planned_percent(month: int, start_month: int | None, finish_month: int | None) -> float | None:
    """Percent complete the plan expects: linear from the start month to the finish month."""
    if start_month is None or finish_month is None:
        return None
    if month < start_month:
        return 0.0
    if month >= finish_month:
        return 100.0
    return 100.0 * (month - start_month + 1) / (finish_month - start_month + 1)


def judge_milestone(
    stage: str | None,
    percent: float | None,
    month: int,
    target_stage: str,
    start_month: int | None,
    finish_month: int | None,
    margin_pp: float,
    ongoing: bool = False,
) -> Judgement:
    """A project: reported stage against planned stage, then reported percent against planned percent.

    A project is 已完成 when it reaches its year's milestone: 完工/投用, or 在建 for a work to start this year
    (年内动工). An ongoing work (持续推进, ``ongoing``) can be 正常 but never 已完成.
    """
    if stage is None:
        return Judgement(None, NO_DATA)
    order = {s: i for i, s in enumerate(STAGES)}
    plan = planned_stage(month, target_stage, start_month, finish_month)
    completion = percent / 100 if percent is not None else None
    milestone_due = target_stage in ("完工", "投用") or (target_stage == "在建" and not ongoing)
    if milestone_due and order[stage] >= order[target_stage]:
        return Judgement(completion if completion is not None else 1.0, DONE)
    behind = order[plan] - order[stage]
    if behind >= 2:
        return Judgement(completion, LAGGING)
    planned = planned_percent(month, start_month, finish_month)
    gap = (planned - percent) if planned is not None and percent is not None else None
    if behind == 1:
        return Judgement(completion, LAGGING if gap is not None and gap > margin_pp + _EPS else WARNING, None, gap)
    if gap is None or gap <= _EPS:
        return Judgement(completion, ON_TRACK, None, gap)
    return Judgement(completion, WARNING if gap <= margin_pp + _EPS else LAGGING, None, gap)

"""Progress rules: 序时进度 (time progress), completion, the month's verdict and the year-end verdict.

Pure functions over plain numbers, so every edge can be tested without a database. Completion and time
progress are fractions (0.5 = 50%); margins and gaps are in percentage points.

How a careful 督查室 reads an item, and so how these rules read it:

- Before its deadline an annual item is 正常 / 预警 / 滞后 against 序时进度 (or 已完成 once the target is met);
  a gap within ``tolerance_pp`` of 序时进度 is still 正常 (a figure rounded to a whole unit or percent must not
  turn a list amber). At its deadline (December for the report's annual targets) the only verdicts are
  已完成 and 未完成.
- 约 in the report ("约800亩") means the target is met within ``approx_pct`` percent of the number.
- A level to reach (市场主体突破3万家) is measured from last year-end (上年末), not from zero: 较上年末进度.
- A level that must hold every month (无害化处理率100%, 51处文物巡查) is judged against the target each month,
  never against 序时进度; at year-end it is 已完成 when it held in every reported month.
- A count to keep down (劣V类河涌) is read as a change from last year-end, never as a percentage above 100%.
- A growth-rate target (地区生产总值增长8%左右) compares 累计增速, year to date over the same period of last year,
  with the target rate: 正常 at or above it, 预警 up to ``growth_margin_pp`` points below, 滞后 further below; it
  is never 已完成 before December (a rate can still fall). No like-for-like base last year is 未填报 with the
  reason named, never a growth from zero.
- Nothing reported is 未填报, never zero; no target is 未设目标, never 未填报.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker import config
from tracker.model import (
    DONE,
    LAGGING,
    NO_DATA,
    NO_TARGET,
    NOT_DONE,
    ON_TRACK,
    SELF_DONE,
    SELF_LAGGING,
    STAGES,
    STATUSES,
    WARNING,
    canonical_stage,
)

__all__ = ["DONE", "LAGGING", "NO_DATA", "NO_TARGET", "NOT_DONE", "ON_TRACK", "STATUSES", "WARNING"]

_EPS = 1e-9

# What ``completion`` means for an item, named wherever it is shown.
MEASURE_SHARE = "完成率"  # year-to-date (or value) over the target
MEASURE_FROM_BASE = "较上年末进度"  # (value - 上年末) / (target - 上年末)
MEASURE_AGAINST_TARGET = "对照目标值"  # a level that must hold: value against the target itself
MEASURE_CHANGE = "较上年末增减"  # a count to keep down: the change from 上年末, no percentage
MEASURE_TREND = "较上年同期"  # a multi-year goal or a commitment without a number
MEASURE_GROWTH = "累计增速"  # a growth-rate target: year to date over the same period of last year, in percent


@dataclass(frozen=True)
class Rules:
    """The tunable part of the rules (``data/settings.toml`` [status])."""

    margin_pp: float = 10.0  # 预警 up to this many points below 序时进度, 滞后 further below
    tolerance_pp: float = 2.0  # within this many points below 序时进度 an item is still 正常
    approx_pct: float = 5.0  # "约N": met at N × (1 − approx_pct/100)
    growth_margin_pp: float = 2.0  # a growth-rate target: 预警 up to this many points below the target rate

    @classmethod
    def from_settings(cls) -> Rules:
        s = config.settings()
        return cls(
            margin_pp=s.amber_margin_pp,
            tolerance_pp=s.on_track_tolerance_pp,
            approx_pct=s.approx_tolerance_pct,
            growth_margin_pp=s.growth_margin_pp,
        )


@dataclass(frozen=True)
class Judgement:
    completion: float | None  # share of the year's target achieved (or progress from last year-end); see measure
    status: str  # one of model.ALL_STATUSES, or NO_TARGET
    forecast: float | None = None  # 预计全年完成率 at the current pace
    gap_pp: float | None = None  # percentage points behind time progress (or the target); positive = behind
    measure: str = MEASURE_SHARE


def time_progress(month: int, plan: tuple[float, ...] | None = None) -> float:
    """Share of the year's work due by the end of ``month``: month/12, or the indicator's own plan curve."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return plan[month - 1] if plan else month / 12


def done_share(qualifier: str, rules: Rules) -> float:
    """The completion at which a target counts as met: 1, or a little less for a target the report calls 约."""
    return 1 - rules.approx_pct / 100 if qualifier == "约" else 1.0


def against_time(completion: float, tp: float, rules: Rules, final: bool, done_at: float = 1.0) -> tuple[str, float]:
    """The verdict for a completion against 序时进度, and the gap in points (positive = behind)."""
    gap_pp = (tp - completion) * 100
    if completion >= done_at - _EPS:
        return DONE, gap_pp
    if final:
        return NOT_DONE, gap_pp
    if gap_pp <= rules.tolerance_pp + _EPS:
        return ON_TRACK, gap_pp
    if gap_pp <= rules.margin_pp + _EPS:
        return WARNING, gap_pp
    return LAGGING, gap_pp


def meets(value: float, target: float, comparator: str) -> bool:
    if comparator == ">=":
        return value >= target - _EPS
    if comparator == "<=":
        return value <= target + _EPS
    return abs(value - target) <= _EPS


def judge_cumulative(
    ytd: float | None,
    target: float | None,
    tp: float,
    rules: Rules = Rules(),
    *,
    direction: str = "up",
    qualifier: str = "",
    final: bool = False,
) -> Judgement:
    """A year-to-date sum against an annual target, compared with time progress."""
    if target is None:
        return Judgement(None, NO_TARGET)
    if ytd is None:
        return Judgement(None, NO_DATA)
    if direction == "down":
        # A ceiling on a yearly sum (at most N incidents): fine while under the pro-rata share, failed once over.
        if ytd > target + _EPS:
            return Judgement(None, NOT_DONE if final else LAGGING, measure=MEASURE_CHANGE)
        if final:
            return Judgement(None, DONE, measure=MEASURE_CHANGE)
        return Judgement(None, ON_TRACK if ytd <= target * tp + _EPS else WARNING, measure=MEASURE_CHANGE)
    if target <= 0:
        return Judgement(None, DONE)
    completion = ytd / target
    status, gap = against_time(completion, tp, rules, final, done_share(qualifier, rules))
    forecast = completion if final else (completion / tp if tp else None)
    return Judgement(completion, status, forecast, gap)


def level_forecast(values: Sequence[tuple[int, float]], base: float | None, target: float, direction: str) -> float | None:
    """Year-end completion of a level at its recent pace: the mean monthly change over the last three reported
    months, carried to December. None before three months are reported: one January jump is not a pace."""
    if len(values) < 3:
        return None
    recent = sorted(values)[-3:]
    (first_month, first), (last_month, last) = recent[0], recent[-1]
    if last_month == first_month:
        return None
    pace = (last - first) / (last_month - first_month)
    projected = last + pace * (12 - last_month)
    start = base if base is not None and _moves_toward(base, target, direction) else 0.0
    if abs(target - start) <= _EPS:
        return None
    return max((projected - start) / (target - start), 0.0)


def judge_level(
    value: float | None,
    target: float | None,
    comparator: str,
    tp: float,
    rules: Rules = Rules(),
    *,
    direction: str = "up",
    basis: str = "reach",
    base: float | None = None,
    last_year_same: float | None = None,
    qualifier: str = "",
    final: bool = False,
    held_all_year: bool = True,
    forecast: float | None = None,
) -> Judgement:
    """A level or ratio (a stock, a rate) against its target.

    ``reach``: a level to reach by the deadline, measured from last year-end ``base`` where known.
    ``maintain``: the target must hold every month; ``held_all_year`` says whether it held in every reported month.
    ``track``: a multi-year goal or a commitment without a number: it must not fall below the same month last year.
    """
    if basis == "track":
        return judge_trend(value, last_year_same, direction)
    if target is None:
        return Judgement(None, NO_TARGET)
    if value is None:
        return Judgement(None, NO_DATA)
    met = meets(value, target, comparator)
    if basis == "maintain":
        return _judge_maintain(value, target, met, rules, direction=direction, final=final, held_all_year=held_all_year)
    done_at = done_share(qualifier, rules)
    if direction == "up" and target > 0 and value / target >= done_at - _EPS:
        met = True
    if direction == "down":
        return _judge_reduce(value, target, met, base, tp, rules, final=final)
    if base is not None and abs(target - base) > _EPS and _moves_toward(base, target, direction):
        completion = max((value - base) / (target - base), 0.0)
        measure = MEASURE_FROM_BASE
    else:
        completion = value / target if target else 0.0
        measure = MEASURE_SHARE
    if met:
        return Judgement(max(completion, done_at), DONE, None, None, measure)
    status, gap = against_time(completion, tp, rules, final)
    return Judgement(completion, status, completion if final else forecast, gap, measure)


def _judge_maintain(value: float, target: float, met: bool, rules: Rules, *, direction: str, final: bool, held_all_year: bool) -> Judgement:
    """Judged against the target itself each month; at year-end 已完成 only when it held all year."""
    completion = value / target if direction == "up" and target else None
    measure = MEASURE_AGAINST_TARGET if direction == "up" else MEASURE_CHANGE
    if final:
        return Judgement(completion, DONE if met and held_all_year else NOT_DONE, None, None, measure)
    if met:
        return Judgement(completion, ON_TRACK, None, 0.0, measure)
    if direction == "down" or not target:
        return Judgement(completion, LAGGING, None, None, measure)  # above a ceiling: no percentage makes sense
    shortfall_pp = (target - value) / abs(target) * 100
    return Judgement(completion, WARNING if shortfall_pp <= rules.margin_pp + _EPS else LAGGING, None, shortfall_pp, measure)


def _judge_reduce(value: float, target: float, met: bool, base: float | None, tp: float, rules: Rules, *, final: bool) -> Judgement:
    """A count to bring down to a target (possibly zero) by the deadline: progress is the share of the reduction done."""
    if met:
        return Judgement(1.0, DONE, None, None, MEASURE_FROM_BASE)
    if base is None or base <= target + _EPS:
        return Judgement(None, NOT_DONE if final else LAGGING, None, None, MEASURE_CHANGE)
    completion = max((base - value) / (base - target), 0.0)
    status, gap = against_time(completion, tp, rules, final)
    return Judgement(completion, status, None, gap, MEASURE_FROM_BASE)


@dataclass(frozen=True)
class GrowthReading:
    """累计增速 of a growth-rate indicator for a month, with the amounts it compares, or why it cannot be computed."""

    rate: float | None  # percent; None when it cannot be computed
    amount: float | None = None  # this year's cumulative amount to the month (None when the rate itself is reported)
    amount_last_year: float | None = None  # the same period of last year
    missing: tuple[int, ...] = ()  # months of this year up to the month that were not reported
    reason: str | None = None  # why there is no rate, in words for the page


def growth_reading(kind: str, this_year: dict[int, float], last_year: dict[int, float], month: int) -> GrowthReading:
    """累计增速 to ``month``. ``kind`` says what the department reports: ``cumulative`` monthly amounts (summed
    year to date), ``level`` the year-to-date amount itself (累计值, as statistics bureaus publish it), ``ratio``
    the growth rate itself (累计增速, %). A sum with a month missing, or a base last year that is missing or not
    positive, gives no rate: comparing part of a year with a whole one would understate the growth."""
    months = range(1, month + 1)
    if kind == "ratio":
        if month not in this_year:
            return GrowthReading(None, missing=(month,), reason=f"{month}月累计增速未填报")
        return GrowthReading(this_year[month])
    if kind == "cumulative":
        missing = tuple(m for m in months if m not in this_year)
        gaps_last = [m for m in months if m not in last_year]
        amount = None if missing else sum(this_year[m] for m in months)
        base = None if gaps_last else sum(last_year[m] for m in months)
        if missing:
            reason = f"缺{'、'.join(f'{m}月' for m in missing)}数据，无法计算累计增速"
            return GrowthReading(None, None, base, missing, reason)
        if gaps_last:
            return GrowthReading(None, amount, None, (), f"缺上年{'、'.join(f'{m}月' for m in gaps_last)}数据，无法计算累计增速")
    else:
        amount, base = this_year.get(month), last_year.get(month)
        if amount is None:
            return GrowthReading(None, None, base, (month,), f"{month}月累计值未填报")
        if base is None:
            return GrowthReading(None, amount, None, (), "缺上年同期累计值，无法计算累计增速")
    if amount is None or base is None or base <= 0:
        return GrowthReading(None, amount, base, (), "上年同期累计值不为正数，增速无意义")
    return GrowthReading((amount / base - 1) * 100, amount, base)


def judge_growth(
    rate: float | None, target: float | None, rules: Rules = Rules(), *, qualifier: str = "", final: bool = False
) -> Judgement:
    """累计增速 against the target rate (both in percent). The gap is in points below the target; a rate at the target
    is 正常 until December, when it is 已完成 (a rate reached in June can still fall by December)."""
    if target is None:
        return Judgement(None, NO_TARGET, measure=MEASURE_GROWTH)
    if rate is None:
        return Judgement(None, NO_DATA, measure=MEASURE_GROWTH)
    # "增长8%左右": met at 8 × (1 − approx_pct/100), on the target's own scale.
    threshold = target - abs(target) * (1 - done_share(qualifier, rules))
    gap_pp = target - rate
    if rate >= threshold - _EPS:
        return Judgement(None, DONE if final else ON_TRACK, None, gap_pp, MEASURE_GROWTH)
    if final:
        return Judgement(None, NOT_DONE, None, gap_pp, MEASURE_GROWTH)
    return Judgement(None, WARNING if gap_pp <= rules.growth_margin_pp + _EPS else LAGGING, None, gap_pp, MEASURE_GROWTH)


def judge_trend(value: float | None, last_year_same: float | None, direction: str = "up") -> Judgement:
    """A multi-year goal or a commitment without a number: 正常 unless it fell below the same month last year."""
    if value is None:
        return Judgement(None, NO_DATA, measure=MEASURE_TREND)
    if last_year_same is None:
        return Judgement(None, ON_TRACK, measure=MEASURE_TREND)
    worse = value < last_year_same - _EPS if direction == "up" else value > last_year_same + _EPS
    return Judgement(None, WARNING if worse else ON_TRACK, measure=MEASURE_TREND)


def _moves_toward(base: float, target: float, direction: str) -> bool:
    return target > base if direction == "up" else target < base


def planned_stage(month: int, target_stage: str, start_month: int | None, finish_month: int | None) -> str:
    """The stage a project should have reached by the end of ``month`` according to the town's plan."""
    target_stage = canonical_stage(target_stage)
    if target_stage == "前期":
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
    rules: Rules = Rules(),
    *,
    ongoing: bool = False,
    deadline_month: int = 12,
) -> Judgement:
    """A project: reported stage against planned stage, then reported percent against planned percent.

    A project is 已完成 when it reaches its year's milestone: 完工/投用, or 在建 for a work to start this year
    (年内动工). A work to push forward (持续推进, ``ongoing``) is never 已完成 during the year; at the deadline
    its year's task is done when it is under way. At the deadline the only verdicts are 已完成 and 未完成.
    """
    if stage is None:
        return Judgement(None, NO_DATA)
    order = {s: i for i, s in enumerate(STAGES)}
    stage, target_stage = canonical_stage(stage), canonical_stage(target_stage)
    completion = percent / 100 if percent is not None else None
    reached = order[stage] >= order[target_stage]
    milestone_due = target_stage in ("完工", "投用") or (target_stage == "在建" and not ongoing)
    if milestone_due and reached:
        return Judgement(completion if completion is not None else 1.0, DONE)
    if month >= deadline_month:
        return Judgement(completion, DONE if reached else NOT_DONE)
    plan = planned_stage(month, target_stage, start_month, finish_month)
    behind = order[plan] - order[stage]
    if behind >= 2:
        return Judgement(completion, LAGGING)
    planned = planned_percent(month, start_month, finish_month)
    gap = (planned - percent) if planned is not None and percent is not None else None
    if behind == 1:
        return Judgement(completion, LAGGING if gap is not None and gap > rules.margin_pp + _EPS else WARNING, None, gap)
    if gap is None or gap <= rules.tolerance_pp + _EPS:
        return Judgement(completion, ON_TRACK, None, gap)
    return Judgement(completion, WARNING if gap <= rules.margin_pp + _EPS else LAGGING, None, gap)


def judge_task(self_assessment: str | None, progress_text: str | None, done_before: bool, final: bool, ongoing: bool) -> str:
    """A task's verdict from its self-assessment. 已完成 needs a 进展情况 (else it reads as 正常); a task reported done
    stays done; none reported → 未填报. At the deadline only 已完成 and 未完成 (a task kept all year, ``ongoing``,
    is done when it is still 正常推进)."""
    if done_before:
        return DONE
    if self_assessment is None:
        return NO_DATA
    done = self_assessment == SELF_DONE and bool(progress_text)
    if final:
        return DONE if done or (ongoing and self_assessment != SELF_LAGGING) else NOT_DONE
    if done:
        return DONE
    return LAGGING if self_assessment == SELF_LAGGING else ON_TRACK

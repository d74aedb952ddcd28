"""How an item's figures are worded, the same on every output (tables, xlsx, deck, 通报, CLI).

The rules decide the verdict (``tracker.progress``); this module only says it in words a 督查室 would sign:
the measure is always named (完成率, 较上年末进度, 对照目标值), last year-end is shown where progress is
measured from it, a figure from an earlier month carries its month, and nothing reads "inf" or "None".
"""

from __future__ import annotations

import math

from tracker import model, progress
from tracker.labels import fmt_number, fmt_pct, fmt_target
from tracker.model import NO_DATA, NOT_DONE, IndicatorStatus, ProjectStatus, TaskStatus

NO_LEADER = "未设置"  # 责任领导 not yet set by an admin: never a guessed name


def value_text(item: IndicatorStatus, month: int) -> str:
    """The value, with its month when it is not the month shown: ``51处（10月数）``."""
    text = fmt_number(item.value, item.unit)
    if item.value is not None and item.value_month is not None and item.value_month != month:
        text += f"（{item.value_month}月数）"
    return text


def source_text(item: IndicatorStatus | ProjectStatus | TaskStatus) -> str:
    """The report's sentence; a project's or task's copied into a new year says whose report it is, to be checked."""
    year = getattr(item, "source_year", None)
    return f"{item.source}（沿用{year}年报告原文，待按新报告核对）" if year else item.source


def target_text(item: IndicatorStatus) -> str:
    """``≥35家（力争）``, ``≥800亩（约）``, ``多年目标≥100家``; a tracked item without a number says so."""
    if item.target_pending:
        return model.TARGET_PENDING
    if item.tracked:
        return f"多年目标{fmt_target(item.target, item.comparator, item.unit)}" if item.target is not None else "报告未设量化目标"
    text = fmt_target(item.target, item.comparator, item.unit)
    if item.basis == "growth" and item.target is not None:
        text = f"增速{text}"
    return f"{text}（{item.qualifier}）" if item.qualifier and item.target is not None else text


def progress_text(item: IndicatorStatus) -> str:
    """The completion under its name: ``完成率45.5%``, ``较上年末进度52.4%（上年末28,468家）``, ``较上年末减少2条``."""
    if item.measure == progress.MEASURE_CHANGE or (item.measure == progress.MEASURE_TREND and item.change is not None):
        return change_text(item)
    if item.completion is None:
        return "—"
    text = f"{item.measure}{fmt_pct(item.completion)}"
    if item.measure == progress.MEASURE_FROM_BASE and item.base is not None:
        text += f"（上年末{fmt_number(item.base, item.unit)}）"
    return text


def change_text(item: IndicatorStatus) -> str:
    """``较上年末减少2条`` / ``较上年末增加1,280家`` / ``较上年末提高50.0个百分点`` / ``与上年末持平``; ``—`` when
    either figure is missing. A rate changes by percentage points, never by "%"."""
    if item.change is None:
        return "—"
    if abs(item.change) < 1e-9:
        return "与上年末持平"
    if item.unit == "%":
        return f"较上年末{'提高' if item.change > 0 else '下降'}{abs(item.change):.1f}个百分点"
    side = "增加" if item.change > 0 else "减少"
    return f"较上年末{side}{fmt_number(abs(item.change), item.unit)}"


def short_pct(fraction: float | None) -> str:
    """A share without a trailing ``.0``: ``50%``, ``22.7%``; ``—`` for none (for 序时进度 in running text)."""
    if fraction is None or not math.isfinite(fraction):
        return "—"
    return f"{fraction * 100:.1f}".removesuffix(".0") + "%"


def yoy_text(item: IndicatorStatus, month: int) -> str:
    """同比: ``同比增长35.7%（上年同期14家）``, ``同比提高3.2个百分点（上年同期40.0%）``, ``与上年同期持平``.

    Empty when last year's same month is unknown, or the value shown is from an earlier month (no like for like).
    """
    now, before = item.value, item.last_year
    if now is None or before is None or item.value_month != month:
        return ""
    then = f"上年同期{fmt_number(before, item.unit)}"
    if abs(now - before) < 1e-9:
        return f"与上年同期持平（{then}）"
    if item.unit == "%":
        return f"同比{'提高' if now > before else '下降'}{abs(now - before):.1f}个百分点（{then}）"
    if before <= 0:
        return f"{then}，同比{'增加' if now > before else '减少'}{fmt_number(abs(now - before), item.unit)}"
    rate = (now - before) / before * 100
    if rate > 100:  # "增长1200.0%" on a small base says less than the count itself
        return f"同比增加{fmt_number(now - before, item.unit)}（{then}）"
    return f"同比{'增长' if rate > 0 else '下降'}{abs(rate):.1f}%（{then}）"


def shortfall_text(item: IndicatorStatus) -> str:
    """At year-end, how far an unfinished target is: ``距年度目标尚差135.1亩``; ``全年未能每月保持目标`` for a level
    that had to hold; empty before the deadline or when the item is done."""
    if not item.final or item.status != NOT_DONE:
        return ""
    if item.basis == "maintain":
        unmet = f"，{'、'.join(f'{m}月' for m in item.unmet_months)}未达到目标" if item.unmet_months else ""
        missing = missing_text(item)
        return "全年未能每月保持目标" + unmet + (f"，{missing}" if missing else "")
    if item.target is None or item.value is None:
        return ""
    left = item.target - item.value if item.direction == "up" else item.value - item.target
    if left <= 0:
        return ""
    if item.unit == "%":
        return f"距年度目标尚差{left:.1f}个百分点"
    return f"距年度目标尚差{fmt_number(left, item.unit)}"


def gap_text(item: IndicatorStatus) -> str:
    """What the gap is measured against, in words: ``低于序时进度15.4个百分点``, ``低于目标值7.8个百分点``; at year-end
    the shortfall against the target (``距年度目标尚差135.1亩``), never 序时."""
    if item.final:
        return shortfall_text(item)
    if item.gap_pp is None:
        if item.direction == "down" and item.target is not None and item.value is not None and item.value > item.target:
            return f"超出目标{fmt_number(item.value - item.target, item.unit)}"
        return ""
    what = "目标增速" if item.basis == "growth" else ("序时进度" if item.gap_basis == "time" else "目标值")
    return points_text(item.gap_pp, what)


def missing_text(item: IndicatorStatus) -> str:
    """``缺6月、9月数据`` for the months up to this one that were not reported; empty when none."""
    return f"缺{'、'.join(f'{m}月' for m in item.missing_months)}数据" if item.missing_months else ""


# ---------------------------------------------------------------- an item in a sentence (the 通报)


def target_phrase(item: IndicatorStatus) -> str:
    """``年度目标力争35家``, ``年度目标约800亩``, ``每月目标不超过6条``; the report's 力争/确保/约 kept."""
    if item.target is None:
        return "报告未设量化目标"
    number = fmt_number(item.target, item.unit)
    core = f"不超过{number}" if item.comparator == "<=" else number
    core = f"{item.qualifier}{core}"
    if item.target_pending:
        return model.TARGET_PENDING
    if item.tracked:
        return f"多年目标{core}"
    if item.basis == "growth":
        return f"年度目标增长{item.qualifier}{fmt_number(item.target, item.unit)}"
    if item.basis == "maintain":
        return f"每月目标{core}"
    return f"年度目标{core}"


def reached_phrase(item: IndicatorStatus, month: int) -> str:
    """``1—6月累计完成34套``, ``全年累计完成609.9亩``, ``6月底为45.5%``, ``1—11月累计完成150套（12月未填报）``."""
    if item.basis == "growth":
        return growth_phrase(item, month)
    if item.value is None or item.value_month is None:
        return f"{month}月未填报"
    stale = item.value_month != month
    value = fmt_number(item.value, item.unit)
    if item.kind == "cumulative":
        span = "全年" if item.final and not stale else ("1月" if item.value_month == 1 else f"1—{item.value_month}月")
        text = f"{span}累计完成{value}"
        earlier = [m for m in item.missing_months if m < item.value_month]
        if earlier:
            text += f"（缺{'、'.join(f'{m}月' for m in earlier)}数据，未按零计）"
    else:
        when = "年末" if item.final and not stale else f"{item.value_month}月底"
        text = f"{when}为{value}"
    if stale:
        text += f"（{month}月未填报）"
    return text


def growth_phrase(item: IndicatorStatus, month: int) -> str:
    """``1—6月累计增长6.5%（累计12.3亿元，上年同期11.5亿元）``, ``全年累计下降2.0%``; without a rate, why not."""
    if item.value is None:
        return item.reason or f"{month}月未填报"
    span = "全年" if item.final else ("1月" if month == 1 else f"1—{month}月")
    text = f"{span}累计{'增长' if item.value >= 0 else '下降'}{abs(item.value):.1f}%"
    if item.amount is not None and item.amount_last_year is not None:
        now, then = fmt_number(item.amount, item.amount_unit), fmt_number(item.amount_last_year, item.amount_unit)
        text += f"（累计{now}，上年同期{then}）"
    return text


def progress_phrase(item: IndicatorStatus) -> str:
    """The completion under its measure's name; a level that must hold reads against its target."""
    text = progress_text(item)
    if item.measure == progress.MEASURE_AGAINST_TARGET and item.completion is not None:
        return f"{text}（目标100%）"
    return "" if text == "—" else text


def time_phrase(item: IndicatorStatus, month: int) -> str:
    """``截至6月底序时进度50%，低于序时进度27.3个百分点``; against the target for a level that must hold; never in
    December (the year-end verdict has no 序时 to catch up)."""
    if item.final:
        return ""
    gap = gap_text(item)
    if item.gap_basis == "time" and item.time_progress is not None:
        return f"截至{month}月底序时进度{short_pct(item.time_progress)}" + (f"，{gap}" if gap else "")
    return gap


def indicator_facts(item: IndicatorStatus, month: int) -> str:
    """The facts of one indicator, clause by clause: target, what was reached, the measure, 序时 or shortfall, 同比."""
    first = "，".join(p for p in (target_phrase(item), reached_phrase(item, month), progress_phrase(item)) if p)
    clauses = [first, time_phrase(item, month), shortfall_text(item), yoy_text(item, month)]
    return "；".join(c for c in clauses if c)


def project_facts(item: ProjectStatus) -> str:
    facts = [f"年度目标“{item.milestone}”"] if item.milestone else []
    if item.final:
        facts.append(f"年末实际为“{item.stage or NO_DATA}”阶段")
    else:
        plan = "按镇里安排的计划" if item.plan_by_town else "按计划"
        facts.append(f"{plan}本月应处于“{item.planned_stage}”阶段，实际为“{item.stage or NO_DATA}”")
    if item.percent is not None:
        facts.append(f"形象进度{fmt_number(item.percent, '%', digits=0)}")
    if not item.final and item.gap_pp is not None:
        facts.append(points_text(item.gap_pp, "计划进度"))
    return "，".join(facts)


def points_text(gap_pp: float, what: str) -> str:
    """``低于序时进度15.4个百分点`` / ``高于计划进度2.0个百分点`` / ``与目标值持平``: a gap in points, in words."""
    if abs(gap_pp) < 0.05:
        return f"与{what}持平"
    return f"{'低于' if gap_pp > 0 else '高于'}{what}{abs(gap_pp):.1f}个百分点"

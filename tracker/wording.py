"""How an item's figures are worded, the same on every output (tables, xlsx, deck, 通报, CLI).

The rules decide the verdict (``tracker.progress``); this module only says it in words a 督查室 would sign:
the measure is always named (完成率, 较上年末进度, 对照目标值), last year-end is shown where progress is
measured from it, a figure from an earlier month carries its month, and nothing reads "inf" or "None".
"""

from __future__ import annotations

from tracker import progress
from tracker.labels import fmt_number, fmt_pct, fmt_target
from tracker.model import IndicatorStatus


def value_text(item: IndicatorStatus, month: int) -> str:
    """The value, with its month when it is not the month shown: ``51处（10月数）``."""
    text = fmt_number(item.value, item.unit)
    if item.value is not None and item.value_month is not None and item.value_month != month:
        text += f"（{item.value_month}月数）"
    return text


def target_text(item: IndicatorStatus) -> str:
    """``≥35家（力争）``, ``≥800亩（约）``, ``多年目标≥100家``; a tracked item without a number says so."""
    if item.tracked:
        return f"多年目标{fmt_target(item.target, item.comparator, item.unit)}" if item.target is not None else "报告未设量化目标"
    text = fmt_target(item.target, item.comparator, item.unit)
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
    """``较上年末减少2条`` / ``较上年末增加1,280家`` / ``与上年末持平``; ``—`` when either figure is missing."""
    if item.change is None:
        return "—"
    if abs(item.change) < 1e-9:
        return "与上年末持平"
    side = "增加" if item.change > 0 else "减少"
    return f"较上年末{side}{fmt_number(abs(item.change), item.unit)}"


def gap_text(item: IndicatorStatus) -> str:
    """What the gap is measured against, in words: ``低于序时进度15.4个百分点``, ``低于目标值7.8个百分点``; at the
    deadline ``距全年目标差15.4个百分点``, and for a level that had to hold all year, the months it did not."""
    if item.final and item.status == "未完成" and item.unmet_months:
        return f"{'、'.join(f'{m}月' for m in item.unmet_months)}未达到目标，未能全年保持"
    if item.final and item.status == "未完成" and item.target is not None and item.value is not None and item.direction == "up":
        short = item.target - item.value
        return f"距全年目标还差{short:.1f}个百分点" if item.unit == "%" else f"距全年目标还差{fmt_number(short, item.unit)}"
    if item.gap_pp is None:
        if item.direction == "down" and item.target is not None and item.value is not None and item.value > item.target:
            return f"超出目标{fmt_number(item.value - item.target, item.unit)}"
        return ""
    against = "序时进度" if item.gap_basis == "time" else "目标值"
    if abs(item.gap_pp) < 0.05:
        return f"与{against}持平"
    side = "低于" if item.gap_pp > 0 else "高于"
    return f"{side}{against}{abs(item.gap_pp):.1f}个百分点"


def missing_text(item: IndicatorStatus) -> str:
    """``缺6月、9月数据`` for the months up to this one that were not reported; empty when none."""
    return f"缺{'、'.join(f'{m}月' for m in item.missing_months)}数据" if item.missing_months else ""

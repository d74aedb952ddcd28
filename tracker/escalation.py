"""Escalation: consecutive months of 滞后 up to the month shown reach the steps of ``[escalation] steps`` in
``data/settings.toml`` (e.g. 2 months → 督办单, 3 months → 约谈; the highest step reached applies).

A month counts when the item's verdict is 滞后 (or, at its deadline, 未完成); any other verdict, 未填报 included,
ends the run (a missing report is chased by the 催报通知, not read as a lag). Pure functions: ``tracker.status``
applies them to each month's records, reading the previous month's from its own cache.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TypeVar

from tracker import config, model
from tracker.model import AnyItem, MonthStatus

Steps = tuple[tuple[int, str], ...]
LAGGING_VERDICTS = (model.LAGGING, model.NOT_DONE)
T = TypeVar("T", model.IndicatorStatus, model.ProjectStatus, model.TaskStatus)


def steps() -> Steps:
    return config.settings().escalation_steps


def step_for(months: int, ladder: Steps | None = None) -> str | None:
    """The name of the highest step ``months`` consecutive lagging months reach, or None."""
    reached = [name for threshold, name in sorted(ladder if ladder is not None else steps()) if months >= threshold]
    return reached[-1] if reached else None


def streak(previous: int, status: str | None) -> int:
    """This month's run of lagging months, given last month's run and this month's verdict."""
    return previous + 1 if status in LAGGING_VERDICTS else 0


def streaks(series: Sequence[str | None]) -> list[int]:
    """The run after each month of a series of verdicts (January first)."""
    out: list[int] = []
    for status in series:
        out.append(streak(out[-1] if out else 0, status))
    return out


def _carry(item: T, previous: dict[str, int], ladder: Steps) -> T:
    months = streak(previous.get(item.code, 0), item.status)
    return dataclasses.replace(item, consecutive_lagging=months, escalation=step_for(months, ladder))


def apply(report: MonthStatus, previous: MonthStatus | None, ladder: Steps | None = None) -> MonthStatus:
    """The month's records with ``consecutive_lagging`` and ``escalation`` set from last month's run."""
    ladder = ladder if ladder is not None else steps()
    before = {i.code: i.consecutive_lagging for i in ([*previous.all_items, *previous.tracked] if previous else [])}
    return dataclasses.replace(
        report,
        indicators=[_carry(i, before, ladder) for i in report.indicators],
        projects=[_carry(p, before, ladder) for p in report.projects],
        tasks=[_carry(t, before, ladder) for t in report.tasks],
        tracked=[_carry(i, before, ladder) for i in report.tracked],
    )


def escalated_first(items: Sequence[AnyItem]) -> list[AnyItem]:
    """Escalated items first (the longest run first), the rest in their given order."""
    return sorted(items, key=lambda i: -i.consecutive_lagging if i.escalation else 1)

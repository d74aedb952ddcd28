"""The city's view: one row per town from each town's own status, and the indicators towns share, side by side.

Every number here is a town's own verdict, read from its own store with the same rules: the roll-up never
recomputes a status, so the city's counts are the sum of what each town sees.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from tracker import actions, config, status, store, towns
from tracker.model import ALL_STATUSES, NO_DATA, MonthStatus, status_counts


@dataclass(frozen=True)
class TownRow:
    code: str
    name: str
    items: int | None  # annual items judged this month: indicators, projects and tasks (None: store unreachable)
    counts: Mapping[str, int | None]  # items per status (None for each when the store is unreachable: never zeros)
    reported: int  # items with something reported for the month
    demo: bool
    escalated: int | None = 0  # items whose consecutive months of 滞后 reached an escalation step
    open_actions: int | None = 0  # 督办事项 still open (not 销号) that arose up to the month
    error: str | None = None  # UNREACHABLE when the town's store could not be read: its row says so instead of counts

    @property
    def report_rate(self) -> float | None:
        """填报率: the share of the month's items with a report (None for a town without items)."""
        return self.reported / self.items if self.items else None


UNREACHABLE = "数据库无法连接"


_CACHE: OrderedDict[tuple, dict[str, MonthStatus]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 24


def _version(code: str) -> tuple:
    """The town's data stamp; for a store that cannot be reached, a key of its own (a town's PostgreSQL server
    down must not take the other towns' roll-up with it)."""
    with config.use_town(code):
        try:
            return store.data_version()
        except store.StoreError:
            return (UNREACHABLE,)


def versions(served: list[towns.Town] | None = None) -> tuple[tuple[str, tuple], ...]:
    """Every town's data stamp (an unreachable store has a key of its own): what the roll-up is cached under."""
    return tuple((t.code, _version(t.code)) for t in (towns.installed() if served is None else served))


def open_actions(year: int, month: int) -> dict[str, int]:
    """Each town's 督办事项 open in the month (arisen by then, not closed), from its own store."""
    out = {}
    for town in towns.installed():
        try:
            with config.use_town(town.code), store.connect() as con:
                out[town.code] = sum(1 for a in actions.list_actions(con, year=year) if a.open_in(year, month))
        except store.StoreError:
            continue  # its row says UNREACHABLE (rollup)
    return out


def town_statuses(year: int, month: int) -> dict[str, MonthStatus]:
    """Each town's own status of the month, read from its own store. Kept in memory under every store's file
    fingerprint (a stat, no connection): a warm call opens no database at all; a write in one town recomputes
    only that town (its status is cached per data stamp in ``tracker.status``). A town whose store cannot be
    reached (its PostgreSQL server down) is left out; ``rollup`` gives it a row saying so."""
    served = towns.installed()
    key = (year, month, versions(served))
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    out: dict[str, MonthStatus] = {}
    for town in served:
        try:
            with config.use_town(town.code), store.connect() as con:
                out[town.code] = status.build_status(con, year, month)
        except store.StoreError:
            continue
    with _CACHE_LOCK:
        _CACHE[key] = out
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return out


def rollup(reports: dict[str, MonthStatus], open_by_town: dict[str, int] | None = None) -> list[TownRow]:
    """One row per town, in the order of ``towns.installed()`` (the home town first); a town served here but
    missing from ``reports`` (its store unreachable) gets a row with ``error`` = UNREACHABLE and no counts."""
    names = {t.code: t.name for t in towns.installed()}
    rows = []
    for code in dict.fromkeys([*names, *reports]):
        report = reports.get(code)
        if report is None:
            rows.append(TownRow(code, names[code], None, dict.fromkeys(ALL_STATUSES), 0, False, None, None, UNREACHABLE))
            continue
        items = report.all_items
        rows.append(
            TownRow(
                code=code,
                name=names.get(code, code),
                items=len(items),
                counts=status_counts(items),
                reported=sum(1 for i in items if i.status != NO_DATA),
                demo=report.demo,
                escalated=sum(1 for i in items if i.escalation),
                open_actions=(open_by_town or {}).get(code, 0),
            )
        )
    return rows


def totals(rows: list[TownRow]) -> dict[str, int]:
    """The city's counts: the sum of the towns' own (of the towns whose store could be read)."""
    return {s: sum(r.counts[s] or 0 for r in rows if r.error is None) for s in ALL_STATUSES}


SHARED_COLUMNS = ["code", "name", "town", "town_name", "status", "value", "unit", "target", "comparator", "completion"]


def shared_indicators(reports: dict[str, MonthStatus]) -> pd.DataFrame:
    """Indicators tracked by two towns or more: ``code, name, town, town_name, status, value, unit, target,
    comparator, completion`` (completion None where a share makes no sense, as for a growth rate)."""
    names = {t.code: t.name for t in towns.installed()}
    rows = [
        {
            "code": i.code,
            "name": i.name,
            "town": code,
            "town_name": names.get(code, code),
            "status": i.status,
            "value": i.value,
            "unit": i.unit,
            "target": i.target,
            "comparator": i.comparator,
            "completion": i.completion,
        }
        for code, report in reports.items()
        for i in report.indicators
    ]
    frame = pd.DataFrame(rows, columns=SHARED_COLUMNS)
    if frame.empty:
        return frame
    shared = frame.groupby("code")["town"].transform("nunique") > 1
    return frame[shared].reset_index(drop=True)

"""What each place shows for a month: its status, stage and percent, and the facts behind them.

The colours on the map come from the same figures as the charts: per-place metrics through the
``place_stock_asof`` macro the indicator SQL uses, projects through ``tracker.status.project_status``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tracker import model, progress
from tracker.geo.places import Place, places
from tracker.labels import fmt_number
from tracker.model import ProjectStatus
from tracker.status import project_status

# Per-place metrics, by the kind of place that reports them.
PLACE_METRICS = {
    "channel": "river_interception_pct",
    "village": "village_sewage_pct",
    "community": "village_sewage_pct",
    "blackspot": "blackspot_pct",
}
METRIC_SHORT = {"river_interception_pct": "截污工程", "village_sewage_pct": "生活污水治理", "blackspot_pct": "黑点整治"}
STAGE_NOT_STARTED, STAGE_BUILDING, STAGE_DONE = "未开工", "在建", "完工"
NOTHING_TRACKED = "无跟踪事项"


@dataclass(frozen=True)
class PlaceState:
    """A place's month: its per-place metric (if its kind reports one) and the projects at it."""

    status: str | None  # the most urgent of metric_status and the projects' statuses
    stage: str | None  # from the metric's percent, else the first project's stage
    percent: float | None  # the metric's percent (0–100), else the first project's
    metric: str | None = None
    metric_status: str | None = None
    projects: tuple[ProjectStatus, ...] = ()


@dataclass(frozen=True)
class MapPlace(Place):
    """A place with what the map shows for the month; a place with nothing tracked has no status."""

    status: str | None
    stage: str | None
    percent: float | None
    projects: tuple[ProjectStatus, ...]
    detail: str  # one line per fact, for tooltips


def stage_for_percent(percent: float | None) -> str | None:
    """Interception / rectification stage from a reported percent: 0 未开工, 1–99 在建, 100 完工."""
    if percent is None or math.isnan(percent):
        return None
    if percent >= 100:
        return STAGE_DONE
    if percent <= 0:
        return STAGE_NOT_STARTED
    return STAGE_BUILDING


def status_for_percent(percent: float | None, month: int) -> str:
    """A per-place percent against 序时进度 (100% due by December), by the same rule as the indicators."""
    if percent is None or math.isnan(percent):
        return model.NO_DATA
    rules = progress.Rules.from_settings()
    verdict = progress.judge_cumulative(float(percent), 100.0, progress.time_progress(month), rules, final=month >= 12)
    return verdict.status or model.NO_DATA


def worst(statuses: list[str | None]) -> str | None:
    """The most urgent status of several (滞后 before 预警 before 未填报 ...); None for none."""
    known = [s for s in statuses if s]
    return min(known, key=lambda s: model.SEVERITY.get(s, 9)) if known else None


def place_percents(con: duckdb.DuckDBPyConnection, metric: str, year: int, month: int) -> dict[str, float]:
    """Each place's percent as of the month, from the macro the indicator SQL uses; {} when nothing was reported."""
    rows = con.execute("select place, value from place_stock_asof(?, ?) where month = ?", [metric, year, month]).fetchall()
    return {p: float(v) for p, v in rows if v is not None}


@dataclass
class _Facts:
    """A place's facts while they are gathered (metric first, then projects)."""

    metric: str | None = None
    percent: float | None = None
    metric_status: str | None = None
    projects: list[ProjectStatus] = field(default_factory=list)

    def state(self) -> PlaceState:
        stage = stage_for_percent(self.percent)
        percent = self.percent
        if stage is None and self.projects:
            stage = self.projects[0].stage
            percent = self.projects[0].percent if percent is None else percent
        status = worst([self.metric_status] + [p.status for p in self.projects])
        return PlaceState(status, stage, percent, self.metric, self.metric_status, tuple(self.projects))


def place_states(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[str, PlaceState]:
    """For each place code: its status for the month and the facts behind it.

    A place with neither a per-place metric nor a project is absent.
    """
    kinds = dict(con.execute("select code, kind from place").fetchall())
    facts: dict[str, _Facts] = {}
    for metric in sorted(set(PLACE_METRICS.values())):
        for code, pct in place_percents(con, metric, year, month).items():
            facts[code] = _Facts(metric, pct, status_for_percent(pct, month))
    # Places of a per-place metric that did not report are 未填报, not absent.
    for code, kind in kinds.items():
        if kind in PLACE_METRICS and kind not in ("village", "community") and code not in facts:
            facts[code] = _Facts(PLACE_METRICS[kind], None, model.NO_DATA)
    for proj in project_status(con, year, month):
        if proj.place:
            facts.setdefault(proj.place, _Facts()).projects.append(proj)
    return {code: f.state() for code, f in facts.items()}


def describe(state: PlaceState | None) -> str:
    """One line per fact, for tooltips: ``截污工程 60%（在建）``, ``修缮古鹤村日东祠：在建 45%``."""
    if not state:
        return NOTHING_TRACKED
    lines = []
    if state.metric:
        short = METRIC_SHORT.get(state.metric, state.metric)
        if state.percent is None:
            lines.append(f"{short}：未填报")
        else:
            lines.append(f"{short} {fmt_number(state.percent, '%', digits=0)}（{stage_for_percent(state.percent)}）")
    for proj in state.projects:
        lines.append(f"{proj.name}：{proj.stage or '未填报'} {fmt_number(proj.percent, '%', digits=0)}".rstrip(" —"))
    return "\n".join(lines) if lines else NOTHING_TRACKED


def map_places(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[MapPlace]:
    """Every place with what the map shows for the month: status, stage, percent and a short description."""
    states = place_states(con, year, month)
    out = []
    for place in places(con):
        state = states.get(place.code)
        out.append(
            MapPlace(
                **vars(place),
                status=state.status if state else None,
                stage=state.stage if state else None,
                percent=state.percent if state else None,
                projects=state.projects if state else (),
                detail=describe(state),
            )
        )
    return out


def place_figures(con: duckdb.DuckDBPyConnection, code: str, year: int) -> pd.DataFrame:
    """Month by month for one place: every per-place figure and every project at it (stage and percent)."""
    figures = con.execute(
        """
        select f.month, m.name as item, f.value, m.unit, f.note, f.user_name, f.created_at
        from figure_current f join metric m on m.code = f.metric
        where f.place = ? and f.year = ?
        """,
        [code, year],
    ).df()
    projects = con.execute(
        """
        select pp.month, p.name as item, pp.percent as value, '%' as unit,
               pp.stage || coalesce('；' || pp.note, '') as note, pp.user_name, pp.created_at
        from project_progress_latest pp join project p on p.code = pp.project and p.year = pp.year
        where p.place = ? and pp.year = ?
        """,
        [code, year],
    ).df()
    frames = [f for f in (figures, projects) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["month", "item", "value", "unit", "note", "user_name", "created_at"])
    return pd.concat(frames, ignore_index=True).sort_values(["item", "month"], ignore_index=True)


def shows_demo(con: duckdb.DuckDBPyConnection, year: int, month: int) -> bool:
    """Whether the map's colours for the month rest on any demo figure or demo project progress."""
    row = con.execute(
        """
        select coalesce(bool_or(demo), false) from (
            select demo from figure_current
            where list_contains(?, metric) and year <= ? and year * 100 + month <= ? * 100 + ?
            union all
            select pp.demo from project_progress_latest pp join project p on p.code = pp.project and p.year = pp.year
            where p.place is not null and pp.year = ? and pp.month = ?
        )
        """,
        [sorted(set(PLACE_METRICS.values())), year, year, month, year, month],
    ).fetchone()
    return bool(row and row[0])

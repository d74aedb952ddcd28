"""Plotly figure builders: pure functions returning ``go.Figure``, plus ``show``. The one builder of each chart.

Every figure speaks Chinese (axes, legends, hover text), uses the one status palette from
``tracker.labels`` and also writes the status as symbol + text, so it never depends on colour alone.
Each builder takes ``size``: ``"screen"`` for the pages (already readable on a meeting-room screen) or
``"projector"`` for 会议模式 (1920×1080, read from the back of a room; ``components.slides``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker import wording
from tracker.fonts import CHART_FONTS
from tracker.labels import STATUS_COLORS, fmt_number, fmt_pct, status_color, status_label, text_on_status
from tracker.meeting import DEMO_MARK
from tracker.model import NO_DATA, SEVERITY, STAGES, STATUSES, WARNING, IndicatorStatus, ProjectStatus, canonical_stage
from tracker.progress import MEASURE_SHARE

Size = Literal["screen", "projector"]


@dataclass(frozen=True)
class TypeScale:
    """Type sizes (px) of a chart, and how much its rows and label offsets grow with them."""

    font: int
    tick: int
    title: int
    space: float = 1.0  # multiplies row heights and label offsets
    max_height: int | None = None  # a projector slide has one screen, no scrolling


# Readable from the back of a meeting room: tick labels ≥16 px, titles ≥20 px; bigger still on a projector.
TYPE_SCALES: dict[Size, TypeScale] = {
    "screen": TypeScale(font=18, tick=17, title=22),
    "projector": TypeScale(font=22, tick=22, title=26, space=1.2, max_height=640),
}
TIME_PROGRESS_COLOR = "#1A1A1A"
NEUTRAL = "#5A6B7B"
LAST_YEAR_COLOR = "#8C8C8C"
PLAN_COLOR = "#1A1A1A"
DEMO_COLOR = "#B3261E"


def plotly_config(filename: str) -> dict:
    """The one chart toolbar config: the PNG download only (double scale, a meaningful name), no Plotly logo.

    One button keeps the toolbar off the title on a laptop; on a phone or a touch screen ``components.styles``
    hides it (it would cover the title, and a tap cannot reach it without covering the chart).
    """
    return {
        "displaylogo": False,
        "displayModeBar": "hover",
        "modeBarButtons": [["toImage"]],
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    }


def chart_filename(year: int, month: int, *parts: str) -> str:
    """E.g. ``2023年6月_水环境治理_完成率`` (``show(..., demo=True)`` adds ``_演示数据``)."""
    return "_".join([f"{year}年{month}月", *[p for p in parts if p]])


def mark_demo(fig: go.Figure) -> go.Figure:
    """Say 演示数据 on the figure itself, so a downloaded PNG passed on without its page still says so: in the
    title where the chart has one, else in the top-left corner."""
    title = fig.layout.title.text
    if title:
        if DEMO_MARK not in title:
            fig.update_layout(title_text=f"{title}（{DEMO_MARK}）")
        return fig
    fig.add_annotation(
        text=f"<b>{DEMO_MARK}</b>",
        xref="paper",
        yref="paper",
        x=0,
        y=1,
        xanchor="left",
        yanchor="bottom",
        yshift=8,
        showarrow=False,
        font={"color": DEMO_COLOR, "size": fig.layout.font.size or 16},
    )
    return fig


def show(fig: go.Figure, filename: str, key: str | None = None, *, demo: bool = False) -> None:
    """Render a figure with the shared toolbar config; demo figures say so in the chart and the PNG's file name."""
    if demo:
        fig = mark_demo(fig)
        if not filename.endswith(DEMO_MARK):
            filename = f"{filename}_{DEMO_MARK}"
    st.plotly_chart(fig, config=plotly_config(filename), key=key, theme=None)


def _height(ts: TypeScale, least: int, base: int, per_row: int, rows: int) -> int:
    """``base`` plus ``per_row`` px per row (grown with the type), at least ``least``, within one projector screen."""
    height = int(max(least, base + per_row * ts.space * rows))
    return min(height, ts.max_height) if ts.max_height else height


def _style(fig: go.Figure, title: str | None, height: int, subtitle: str | None, ts: TypeScale) -> go.Figure:
    """The shared look; no ``title`` where the page or slide around the chart already says what it shows."""
    title_spec: dict | None = None
    if title:
        title_spec = {"text": title, "font": {"size": ts.title}, "x": 0, "xanchor": "left"}
        if subtitle:
            title_spec["subtitle"] = {"text": subtitle, "font": {"size": ts.tick - 1, "color": NEUTRAL}}
    fig.update_layout(
        title=title_spec,
        font={"family": CHART_FONTS, "size": ts.font, "color": "#1A1A1A"},
        height=height,
        margin={"l": 10, "r": 30, "t": 70 if title else 50, "b": 40},
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        separators=".,",
        hoverlabel={"font": {"size": ts.font, "family": CHART_FONTS}, "bgcolor": "#FFFFFF"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": ts.tick}, "title": {"text": ""}},
    )
    fig.update_xaxes(
        tickfont={"size": ts.tick}, title_font={"size": ts.font}, gridcolor="#E3E8EE", zerolinecolor="#B0B8C1", automargin=True
    )
    fig.update_yaxes(
        tickfont={"size": ts.tick}, title_font={"size": ts.font}, gridcolor="#E3E8EE", zerolinecolor="#B0B8C1", automargin=True
    )
    return fig


def _percent_points(value: float | None) -> float | None:
    """A fraction as a position on a percent axis (0.5 -> 50.0); text goes through ``tracker.labels.fmt_pct``."""
    return None if value is None or pd.isna(value) else float(value) * 100


# --- completion against time progress (area pages) ---------------------------------------------------------


COMPLETION_CAP = 150.0  # bars longer than this are cut (the label still says the real value)


def _labels_above(ys: list[str], texts: list[str], yshift: int, font_size: int) -> list[dict]:
    """Left-aligned text just above each bar. Set in one ``update_layout(annotations=...)``: add_annotation
    in a loop re-validates every earlier label (quadratic; 18 s for 330)."""
    return [
        {
            "x": 0,
            "y": y,
            "xref": "x",
            "yref": "y",
            "text": text,
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "bottom",
            "yshift": yshift,
            "font": {"size": font_size},
        }
        for y, text in zip(ys, texts, strict=True)
    ]


def _completion_bars(
    fig: go.Figure, rows: list[IndicatorStatus], ys: list[str], comp: list[float | None], ts: TypeScale, month: int | None
) -> None:
    """The completion bars: status colour, the real completion as text even where the bar is cut at the cap."""
    shown = [min(c, COMPLETION_CAP) if c is not None else 0 for c in comp]
    texts = [
        f"{status_label(i.status)}  {fmt_pct(i.completion)}" if c is not None else f"{status_label(i.status)}  {_no_share(i)}".rstrip()
        for i, c in zip(rows, comp, strict=True)
    ]
    custom = [
        [
            i.name,
            status_label(i.status),
            fmt_pct(i.completion) if i.completion is not None else (_no_share(i) or "—"),
            fmt_pct(i.time_progress) if i.time_progress is not None else "不适用（对照目标值）",
            wording.value_text(i, month) if month else fmt_number(i.value, i.unit),
            wording.target_text(i),
            i.department_name or "—",
            i.measure,
            fmt_number(i.base, i.unit),
        ]
        for i in rows
    ]
    fig.add_bar(
        y=ys,
        x=shown,
        orientation="h",
        name="完成率",
        width=0.5,
        marker={"color": [status_color(i.status) for i in rows], "line": {"width": 0}},
        text=texts,
        # plotly.js drops the text of an empty bar unless it is "outside": 0% and 未填报 must still read
        textposition=["outside" if x == 0 else "auto" for x in shown],
        insidetextanchor="end",
        cliponaxis=False,
        constraintext="none",
        textfont={"size": ts.tick},
        insidetextfont={"color": [text_on_status(i.status) for i in rows]},
        outsidetextfont={"color": [_text_color(i.status) for i in rows]},
        customdata=custom,
        showlegend=False,
        hovertemplate=(
            "<b>%{customdata[0]}</b><br>状态：%{customdata[1]}<br>%{customdata[7]}：%{customdata[2]}"
            "<br>序时进度：%{customdata[3]}<br>完成值：%{customdata[4]}<br>目标：%{customdata[5]}"
            "<br>上年末：%{customdata[8]}<br>责任部门：%{customdata[6]}<extra></extra>"
        ),
    )


def _no_share(item: IndicatorStatus) -> str:
    """What a bar without a percentage says instead: ``较上年末减少1条`` for a count to keep down."""
    change = wording.change_text(item)
    return change if item.completion is None and change != "—" else ""


def _bar_label(item: IndicatorStatus) -> str:
    """The name above a bar, with its measure when that is not a plain 完成率."""
    return item.name if item.measure == MEASURE_SHARE else f"{item.name}（{item.measure}）"


def completion_chart(
    indicators: Sequence[IndicatorStatus],
    title: str | None,
    subtitle: str | None = None,
    *,
    size: Size = "screen",
    final: bool = False,
    month: int | None = None,
) -> go.Figure:
    """One horizontal bar per indicator: completion (status colour) and, where 序时进度 applies, a marker at it.

    Names sit above their bars rather than on the y axis, so the bars keep the full width on a phone. A level that
    must hold (对照目标值) has no 序时 marker; at year-end (``final``) no bar has one. ``month``: the month shown,
    so a value carried from an earlier month says which (``51处（10月数）``).
    """
    ts = TYPE_SCALES[size]
    rows = list(reversed(indicators))  # plotly draws the first category at the bottom
    ys = [i.code for i in rows]
    comp = [_percent_points(i.completion) for i in rows]
    fig = go.Figure()
    _completion_bars(fig, rows, ys, comp, ts, month)
    timed = [i for i in rows if i.time_progress is not None]
    if timed and not final:
        fig.add_scatter(
            y=[i.code for i in timed],
            x=[_percent_points(i.time_progress) for i in timed],
            mode="markers",
            name="序时进度",
            marker={"symbol": "line-ns", "size": round(26 * ts.space), "line": {"width": 4, "color": TIME_PROGRESS_COLOR}},
            customdata=[fmt_pct(i.time_progress) for i in timed],
            hovertemplate="序时进度：%{customdata}<extra></extra>",
        )
    fig.update_layout(annotations=_labels_above(ys, [_bar_label(i) for i in rows], round(17 * ts.space), ts.tick))
    most = max([*(min(c, COMPLETION_CAP) for c in comp if c is not None), 100.0])
    axis = "完成率（%）" if all(i.measure == MEASURE_SHARE for i in rows) else "完成率／进度（%）"
    fig.update_xaxes(title_text=axis, range=[0, most * 1.3], ticksuffix="%", dtick=50, fixedrange=True)
    fig.update_yaxes(title_text="", showticklabels=False, fixedrange=True, showgrid=False, range=[-0.6, len(rows) - 0.1])
    fig = _style(fig, title, _height(ts, 260, 150, 66, len(rows)), subtitle, ts)
    fig.update_layout(legend={"x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"}, margin={"l": 10, "r": 20})
    return fig


# --- status counts per area (overview) ---------------------------------------------------------------------


def status_count_chart(
    counts: dict[str, dict[str, int]],
    title: str | None,
    subtitle: str | None = None,
    *,
    size: Size = "screen",
    axis_title: str = "事项数（指标＋项目）",
    statuses: Sequence[str] = STATUSES,
) -> go.Figure:
    """Stacked horizontal bars: for each area, how many items are in each of ``statuses`` (at year-end pass
    ``YEAR_END_STATUSES``: 已完成, 未完成, 未填报); ``axis_title`` says which items."""
    ts = TYPE_SCALES[size]
    areas = list(reversed(list(counts)))
    fig = go.Figure()
    for status in sorted(statuses, key=lambda s: SEVERITY[s]):
        values = [counts[a].get(status, 0) for a in areas]
        fig.add_bar(
            y=areas,
            x=values,
            orientation="h",
            name=status_label(status),
            marker={"color": STATUS_COLORS[status]},
            text=[str(v) if v else "" for v in values],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"size": ts.tick, "color": text_on_status(status)},
            hovertemplate=f"%{{y}}<br>{status_label(status)}：%{{x}}项<extra></extra>",
        )
    most = max((sum(counts[a].get(s) or 0 for s in statuses) for a in areas), default=0)  # None: a town not read
    fig.update_xaxes(title_text=axis_title, dtick=2 if most <= 30 else None, fixedrange=True)
    fig.update_yaxes(fixedrange=True)
    fig = _style(fig, title, _height(ts, 340, 200, 52, len(areas)), subtitle, ts)
    # The legend sits at the foot of the figure, not at a fraction of the plot: on a phone it wraps onto three rows
    # and would otherwise cover the axis title.
    fig.update_layout(
        barmode="stack",
        bargap=0.3,
        margin={"b": 150},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
    )
    return fig


# --- the city ---

# Towns in neutral blues and greys: never a status colour, so a town's bar cannot read as 滞后 or 正常.
TOWN_COLORS = ("#0F4C81", "#7FA7C9", "#4D4D4D", "#A6A6A6", "#2E6DA4", "#C9D6E3")


def town_share_chart(shared: pd.DataFrame, year: int, month: int, *, size: Size = "screen") -> go.Figure:
    """完成率 of each shared indicator, one bar per town (a growth rate is compared as 累计增速 in its own table)."""
    fig = go.Figure()
    share = shared[shared["completion"].notna()]
    for n, (town_name, rows) in enumerate(share.groupby("town_name", sort=False)):
        fig.add_bar(
            marker={"color": TOWN_COLORS[n % len(TOWN_COLORS)]},
            x=list(rows["name"]),
            y=[c * 100 for c in rows["completion"]],
            name=town_name,
            text=[fmt_pct(c) for c in rows["completion"]],
            textposition="outside",
            hovertemplate=f"{town_name}<br>%{{x}}：%{{text}}<extra></extra>",
        )
    fig.update_yaxes(title_text="完成率（%）", rangemode="tozero")
    fig = _style(fig, "各镇街共有指标的完成率", 480, f"{year}年{month}月", TYPE_SCALES[size])
    fig.update_layout(barmode="group", margin={"b": 110}, legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"})
    return fig


# --- indicator drill-down ----------------------------------------------------------------------------------


def planned_line(history: pd.DataFrame, item: IndicatorStatus) -> list[float | None]:
    """序时进度 as a value per month: target × time progress (from last year's level for a level to reach)."""
    target = item.target
    if target is None:
        return [None] * len(history)
    if item.kind == "cumulative":
        return [target * tp for tp in history["time_progress"]]
    base = _last_year_close(history)
    if item.basis == "reach" and base is not None:
        return [base + (target - base) * tp for tp in history["time_progress"]]
    return [None] * len(history)


def _last_year_close(history: pd.DataFrame) -> float | None:
    values = history["last_year_to_date"].dropna()
    return float(values.iloc[-1]) if len(values) else None


def _target_and_plan(fig: go.Figure, history: pd.DataFrame, item: IndicatorStatus, labels: list[str]) -> None:
    """The year's target as a flat line and, where it has one, the 序时进度 the value should have reached."""
    target, unit = item.target, item.unit or ""
    fig.add_scatter(
        x=labels,
        y=[target] * len(labels),
        name="全年目标",
        mode="lines",
        line={"color": STATUS_COLORS["已完成"], "width": 3, "dash": "dash"},
        hovertemplate=f"全年目标：{fmt_number(target, unit)}<extra></extra>",
    )
    plan = planned_line(history, item)
    if any(p is not None for p in plan):
        fig.add_scatter(
            x=labels,
            y=plan,
            name="序时进度",
            mode="lines",
            line={"color": TIME_PROGRESS_COLOR, "width": 2, "dash": "longdashdot"},
            customdata=[fmt_number(p, unit) for p in plan],
            hovertemplate="%{x}　序时进度应达：%{customdata}<extra></extra>",
        )


def _forecast(fig: go.Figure, item: IndicatorStatus, reached: float, month: int) -> None:
    """From this month's value to the year-end forecast (``item.forecast`` × target), in the status colour."""
    forecast, target = item.forecast or 0.0, item.target or 0.0
    end = forecast * target
    fig.add_scatter(
        x=[f"{month}月", "12月"],
        y=[reached, end],
        name="预计全年",
        mode="lines+markers",
        line={"color": status_color(item.status), "width": 3, "dash": "dot"},
        marker={"size": 12, "symbol": "diamond"},
        hovertemplate=f"按当前进度预计全年：{fmt_number(end, item.unit or '')}（{fmt_pct(forecast)}）<extra></extra>",
    )


def growth_chart(history: pd.DataFrame, item: IndicatorStatus, year: int, month: int, *, size: Size = "screen") -> go.Figure:
    """A growth-rate target: 累计增速 month by month against the target rate (no 序时进度: a rate is not pro rata)."""
    upto = history[history["month"] <= month]
    labels = [f"{int(m)}月" for m in history["month"]]
    fig = go.Figure()
    fig.add_scatter(
        x=labels[: len(upto)],
        y=list(upto["growth"]),
        name="累计增速",
        mode="lines+markers",
        line={"color": "#0F4C81", "width": 4},
        marker={"size": 10},
        customdata=[fmt_number(v, "%") for v in upto["growth"]],
        hovertemplate="%{x}　累计增速：%{customdata}<extra></extra>",
    )
    if item.target is not None:
        fig.add_scatter(
            x=labels,
            y=[item.target] * len(labels),
            name="目标增速",
            mode="lines",
            line={"color": STATUS_COLORS["已完成"], "width": 3, "dash": "dash"},
            hovertemplate=f"目标增速：{fmt_number(item.target, '%')}<extra></extra>",
        )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels, title_text="月份")
    fig.update_yaxes(title_text="累计增速（%）", zeroline=True, tickformat=",~r")
    fig = _style(fig, item.name, 560, f"{year}年累计增速（截至{month}月）", TYPE_SCALES[size])
    fig.update_layout(hovermode="x unified", margin={"b": 130}, legend={"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0})
    return fig


def indicator_chart(history: pd.DataFrame, item: IndicatorStatus, year: int, month: int, *, size: Size = "screen") -> go.Figure:
    """Monthly bars, value to date, target, 序时进度, same period last year and the year-end forecast."""
    if item.basis == "growth":
        return growth_chart(history, item, year, month, size=size)
    unit = item.unit or ""
    months = [int(m) for m in history["month"]]
    labels = [f"{m}月" for m in months]
    cumulative = item.kind == "cumulative"
    upto = history[history["month"] <= month]
    fig = go.Figure()
    if cumulative:
        fig.add_bar(
            x=labels[: len(upto)],
            y=list(upto["value"]),
            name="当月值",
            marker={"color": "#9DB9D3"},
            customdata=[fmt_number(v, unit) for v in upto["value"]],
            hovertemplate="%{x}　当月值：%{customdata}<extra></extra>",
        )
    line_name = "累计值" if cumulative else "当期值"
    fig.add_scatter(
        x=labels[: len(upto)],
        y=list(upto["to_date"]),
        name=line_name,
        mode="lines+markers",
        line={"color": "#0F4C81", "width": 4},
        marker={"size": 10},
        customdata=[fmt_number(v, unit) for v in upto["to_date"]],
        hovertemplate=f"%{{x}}　{line_name}：%{{customdata}}<extra></extra>",
    )
    last_year = history["last_year_to_date"]
    if last_year.notna().any():
        fig.add_scatter(
            x=labels,
            y=list(last_year),
            name=f"{year - 1}年同期",
            mode="lines",
            line={"color": LAST_YEAR_COLOR, "width": 3, "dash": "dot"},
            customdata=[fmt_number(v, unit) for v in last_year],
            hovertemplate=f"%{{x}}　{year - 1}年同期：%{{customdata}}<extra></extra>",
        )
    if item.target is not None:
        _target_and_plan(fig, history, item, labels)
    reached = upto["to_date"].dropna()
    if cumulative and item.forecast is not None and item.target and len(reached) and month < 12:
        _forecast(fig, item, float(reached.iloc[-1]), month)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels, title_text="月份")
    fig.update_yaxes(title_text=f"数值（{unit}）" if unit else "数值", rangemode="tozero", tickformat=",~r")
    fig = _style(fig, item.name, 560, f"{year}年逐月进展（截至{month}月）", TYPE_SCALES[size])
    fig.update_layout(
        barmode="overlay", hovermode="x unified", margin={"b": 130}, legend={"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0}
    )
    return fig


# --- projects timeline -------------------------------------------------------------------------------------


def stage_position(stage: str | None, percent: float | None) -> float | None:
    """A project on one axis of stage bands: 前期 0–1, 在建 1–2 (by percent), 完工 2–3, 投用 3–4 (a stored 未开工 reads as 前期)."""
    if stage is None:
        return None
    stage = canonical_stage(stage)
    if stage not in STAGES:
        return None
    index = STAGES.index(stage)
    if stage == "在建":
        return index + (min(max(percent, 0), 100) / 100 if percent is not None and not pd.isna(percent) else 0.5)
    return index + (1.0 if stage == "投用" else 0.5)


def _timeline_hover(p: ProjectStatus) -> list[str]:
    """The customdata of a project's hover text: name, planned and reported stage and percent, status, department."""
    return [
        p.name,
        p.planned_stage or "—",
        fmt_number(p.planned_percent, "%", digits=0),
        p.stage or "未填报",
        fmt_number(p.percent, "%", digits=0),
        status_label(p.status),
        p.department_name or "—",
    ]


def _timeline_label(project: ProjectStatus) -> str:
    """Status first (never cut off on a phone), then the name: ``✖ 滞后 · 在建 45%　修缮古鹤村日东祠``."""
    state = f"{status_label(project.status)} · {project.stage or '未填报'}"
    if project.percent is not None and not pd.isna(project.percent):
        state += f" {fmt_number(project.percent, '%', digits=0)}"
    return f'<span style="color:{_text_color(project.status)}"><b>{escape(state)}</b></span>　{escape(project.name)}'


def project_timeline(
    projects: Sequence[ProjectStatus], title: str | None, subtitle: str | None = None, *, size: Size = "screen"
) -> go.Figure:
    """One row per project on stage bands: reported position (bar, status colour) and planned position (◆).

    Each row is labelled above its bar with status first (never cut off on a phone), then the name.
    """
    ts = TYPE_SCALES[size]
    rows = list(reversed(projects))
    ys = [p.code for p in rows]
    reported = [stage_position(p.stage, p.percent) for p in rows]
    planned = [stage_position(p.planned_stage, p.planned_percent) for p in rows]
    custom = [_timeline_hover(p) for p in rows]
    fig = go.Figure()
    for i in range(len(STAGES)):
        fig.add_vrect(x0=i, x1=i + 1, fillcolor="#EEF2F6" if i % 2 == 0 else "#FFFFFF", line_width=0, layer="below")
    fig.add_bar(
        y=ys,
        x=[r if r is not None else 0 for r in reported],
        orientation="h",
        name="实际进度",
        width=0.45,
        marker={"color": [status_color(p.status) for p in rows]},
        customdata=custom,
        hovertemplate=(
            "<b>%{customdata[0]}</b><br>计划节点：%{customdata[1]}（%{customdata[2]}）"
            "<br>实际节点：%{customdata[3]}（%{customdata[4]}）<br>状态：%{customdata[5]}"
            "<br>责任部门：%{customdata[6]}<extra></extra>"
        ),
    )
    fig.add_scatter(
        y=ys,
        x=planned,
        mode="markers",
        name="计划应达",  # the legend draws the ◆ itself
        marker={"symbol": "diamond", "size": 18, "color": PLAN_COLOR, "line": {"color": "#FFFFFF", "width": 2}},
        customdata=custom,
        hovertemplate="%{customdata[0]}<br>计划应达：%{customdata[1]}（%{customdata[2]}）<extra></extra>",
    )
    fig.update_layout(annotations=_labels_above(ys, [_timeline_label(p) for p in rows], round(11 * ts.space), ts.tick - 1))
    fig.update_xaxes(
        range=[0, len(STAGES)],
        tickvals=[i + 0.5 for i in range(len(STAGES))],
        ticktext=list(STAGES),
        side="top",
        showgrid=False,
        title_text="",
        fixedrange=True,
    )
    fig.update_yaxes(showticklabels=False, fixedrange=True, showgrid=False, range=[-0.6, len(rows) - 0.1])
    fig = _style(fig, title, _height(ts, 300, 170, 62, len(rows)), subtitle, ts)
    fig.update_layout(margin={"t": 135, "b": 70, "l": 10, "r": 20}, legend={"orientation": "h", "y": -0.01, "yanchor": "top", "x": 0})
    return fig


def _text_color(status: str | None) -> str:
    """Status text on white: the palette colour, darkened for orange (contrast on a projector)."""
    return {WARNING: "#8A5A00", NO_DATA: "#5A5A5A"}.get(status or "", status_color(status))


def trend_values(history: pd.DataFrame, month: int) -> list[float]:
    """The small trend in tables: value to date for the months up to the chosen one (no-data months skipped)."""
    part = history[history["month"] <= month]["to_date"]
    return [float(v) for v in part if v is not None and not pd.isna(v)]

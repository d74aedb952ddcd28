"""会议模式 slides on screen: the ``tracker.meeting.outline`` slides at projector scale.

``render_slide`` lays one slide record out with Streamlit; its charts are ``components.charts`` figures at
``size="projector"`` (1920×1080, read from the back of a room). The PPTX and the Word 通报 of the same data
are built only when their download button is clicked, so this page never loads an Office library otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

import streamlit as st

from components import charts
from tracker import store
from tracker.labels import STATUS_COLORS, STATUS_SYMBOLS, fmt_pct, status_label
from tracker.meeting import (
    AreaSlide,
    LaggingSlide,
    ProjectsSlide,
    Row,
    Slide,
    SummarySlide,
    TasksSlide,
    TitleSlide,
    TrackedSlide,
    deck_file_name,
    period_label,
    report_file_name,
    task_said,
)
from tracker.model import NO_DATA, ON_TRACK, STATUSES, Area, MonthStatus

CSS = """
<style>
.mm-title {font-size: 3.1rem; font-weight: 700; color: #0F4C81; line-height: 1.25; margin: 0.2em 0 0.1em}
.mm-sub {font-size: 1.9rem; color: #333; margin-bottom: 0.4em}
.mm-big {font-size: 2.4rem; font-weight: 700; color: #0F4C81}
.mm-note {font-size: 1.25rem; color: #5A5A5A}
.mm-line {font-size: 1.5rem; margin: 0.15em 0}
.mm-empty {font-size: 2rem; font-weight: 700; color: #8C8C8C; margin: 1em 0}
.mm-tiles {display: flex; gap: 0.6rem; margin: 0.3rem 0 1rem}
.mm-tile {flex: 1; color: #fff; border-radius: 6px; padding: 0.4rem 0.6rem; text-align: center}
.mm-tile b {display: block; font-size: 2.6rem; line-height: 1.1}
.mm-tile span {font-size: 1.3rem; font-weight: 600}
.mm-h {font-size: 1.6rem; font-weight: 700; margin: 0.3rem 0}
table.mm-table {border-collapse: collapse; width: 100%; font-size: 1.25rem}
table.mm-table th {background: #0F4C81; color: #fff; text-align: left; padding: 0.35rem 0.5rem}
table.mm-table td {padding: 0.35rem 0.5rem; border-bottom: 1px solid #DDD; vertical-align: top}
table.mm-table tr:nth-child(even) td {background: #F2F5F9}
.mm-muted {color: #8C8C8C}
.mm-pos {font-size: 1.2rem; color: #5A5A5A; text-align: center; padding-top: 0.5rem}
[data-testid="stMainBlockContainer"] {padding-top: 3.6rem; padding-bottom: 1rem; max-width: 100%}
</style>
"""


def inject_css() -> None:
    st.html(CSS)


# ---------------------------------------------------------------- html pieces


def tiles_html(counts: dict[str, int], heading: str, statuses: Sequence[str] = STATUSES) -> str:
    tiles = "".join(
        f'<div class="mm-tile" style="background:{STATUS_COLORS[s]}"><b>{counts.get(s, 0)}</b><span>{escape(status_label(s))}</span></div>'
        for s in statuses
    )
    return f'<div class="mm-h">{escape(heading)}</div><div class="mm-tiles">{tiles}</div>'


def counts_text(counts: dict[str, int]) -> str:
    parts = [f"{STATUS_SYMBOLS[s]} {s} {n}" for s, n in counts.items() if n]
    return "　".join(parts) if parts else "无"


def rows_table_html(rows: tuple[Row, ...], with_area: bool = False) -> str:
    columns = (["领域"] if with_area else []) + ["事项", "状态", "进度", "责任部门", "情况说明"]
    head = "".join(f"<th>{h}</th>" for h in columns)
    body = []
    for r in rows:
        color = STATUS_COLORS.get(r.status or "", STATUS_COLORS[NO_DATA])
        note_class = "" if r.has_explanation else ' class="mm-muted"'
        cells = [f"<td>{escape(r.area_name)}</td>"] if with_area else []
        cells += [
            f"<td>【{escape(r.type_name)}】{escape(r.name)}</td>",
            f'<td style="color:{color};font-weight:700;white-space:nowrap">{escape(status_label(r.status))}</td>',
            f"<td>{escape(r.progress)}</td>",
            f"<td>{escape(r.department_name)}</td>",
            f"<td{note_class}>{escape(r.explanation)}</td>",
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="mm-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def position_html(current: int, count: int, report: MonthStatus, title: str) -> str:
    """The line under a slide: ``3 / 10 · 2023年6月 · 经济发展``."""
    return f'<div class="mm-pos">{current} / {count} · {period_label(report)} · {escape(title)}</div>'


# ---------------------------------------------------------------- slides


def _heading(text: str, sub: str | None = None) -> None:
    st.html(f'<div class="mm-title">{escape(text)}</div>' + (f'<div class="mm-sub">{escape(sub)}</div>' if sub else ""))


def _title(spec: TitleSlide, report: MonthStatus) -> None:
    st.html(
        f'<div style="text-align:center;padding:12vh 0 4vh"><div class="mm-title" style="font-size:3.6rem">'
        f'{escape(spec.title)}</div><div class="mm-sub" style="font-size:2.4rem">{escape(spec.subtitle)}'
        "</div></div>"
    )
    if not spec.reported:
        st.html(f'<div class="mm-empty" style="text-align:center">本月各指标均为“{NO_DATA}”：尚无填报数据</div>')


def _summary(spec: SummarySlide, report: MonthStatus) -> None:
    _heading(spec.title)
    left, right = st.columns([5, 6], gap="large")
    big = "年终评定：已完成或未完成" if spec.final else f"序时进度 {fmt_pct(spec.time_progress)}"
    tracked = f'<div class="mm-note">另有跟踪事项 {spec.n_tracked} 项（多年目标、报告未设量化目标），不计入以上统计。</div>'
    with left:
        st.html(
            tiles_html(spec.indicator_counts, f"年度量化指标 {spec.n_indicators} 项", spec.statuses)
            + tiles_html(spec.project_counts, f"重点项目 {spec.n_projects} 个", spec.statuses)
            + f'<div class="mm-big">{escape(big)}</div><div class="mm-note">{escape(spec.rule)}</div>'
            + (tracked if spec.n_tracked else "")
            + (f'<div class="mm-note">{escape(spec.pending_note)}</div>' if spec.pending_note else "")
        )
        if not spec.reported:
            st.html(f'<div class="mm-empty">本月尚无任何填报：全部为“{NO_DATA}”。</div>')
    with right:
        figure = charts.status_count_chart(
            spec.by_area, "各领域年度量化指标状态（项）", size="projector", axis_title="指标数（项）", statuses=spec.statuses
        )
        charts.show(figure, f"{period_label(report)}_各领域指标状态", key="mm-summary", demo=report.demo)


def _area(spec: AreaSlide, report: MonthStatus) -> None:
    _heading(spec.title)
    st.html(
        f'<div class="mm-line"><b>指标：</b>{escape(counts_text(spec.indicator_counts))}</div>'
        f'<div class="mm-line mm-note"><b>项目：</b>{escape(counts_text(spec.project_counts))}</div>'
    )
    chart_col, table_col = st.columns([5, 7], gap="large") if spec.rows else (st.container(), None)
    with chart_col:
        if not spec.indicators:
            st.html('<div class="mm-empty">本领域没有量化指标，见重点项目。</div>')
        elif not spec.reported:
            st.html(f'<div class="mm-empty">本月{NO_DATA}：各指标尚无本月数据，无法计算完成率。</div>')
        else:
            figure = charts.completion_chart(spec.indicators, None, size="projector", final=spec.final, month=report.month)
            name = "完成率" if spec.final else "完成率与序时进度"
            charts.show(figure, f"{period_label(report)}_{spec.title}_{name}", key=f"mm-area-{spec.area}", demo=report.demo)
    if table_col is not None:
        with table_col:
            heading = "未完成事项及情况说明" if spec.final else "滞后、预警事项及情况说明"
            st.html(f'<div class="mm-h">{heading}</div>' + rows_table_html(spec.rows))


def _projects(spec: ProjectsSlide, report: MonthStatus) -> None:
    total = sum(spec.project_counts.values())
    _heading(spec.title, f"重点项目 {total} 个：{counts_text(spec.project_counts)}")
    if spec.rows:
        which = "未完成、未填报" if spec.final else "滞后、预警、未填报"
        st.html(f'<div class="mm-h">需关注的项目（{which}）</div>' + rows_table_html(spec.rows, with_area=True))
    elif spec.reported or not spec.project_counts.get(NO_DATA):
        st.html(f'<div class="mm-empty" style="color:{STATUS_COLORS[ON_TRACK]}">全部重点项目正常推进或已完成。</div>')
    else:
        st.html(f'<div class="mm-empty">本月各重点项目均为“{NO_DATA}”：尚无进度填报。</div>')
    if spec.others:
        st.html(f'<div class="mm-note">其余 {spec.others} 个项目正常推进或已完成。</div>')


def _tracked(spec: TrackedSlide, report: MonthStatus) -> None:
    _heading(spec.title)
    st.html(f'<div class="mm-note">{escape(spec.note)}</div>')
    head = "".join(f"<th>{h}</th>" for h in ("事项", "领域", "状态", "当前值", "目标", "较上年末", "上年同期", "责任部门"))
    body = []
    for r in spec.rows:
        color = STATUS_COLORS.get(r.status or "", STATUS_COLORS[NO_DATA])
        cells = [r.name, r.area_name, status_label(r.status), r.value, r.target, r.change, r.last_year, r.department_name]
        tds = "".join(
            f'<td style="color:{color};font-weight:700;white-space:nowrap">{escape(c)}</td>' if n == 2 else f"<td>{escape(c)}</td>"
            for n, c in enumerate(cells)
        )
        body.append(f"<tr>{tds}</tr>")
    st.html(f'<table class="mm-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def _lagging(spec: LaggingSlide, report: MonthStatus) -> None:
    _heading(spec.title, spec.subtitle)
    if spec.rows:
        st.html(rows_table_html(spec.rows, with_area=True))
    else:
        text = f"本月尚无填报（{NO_DATA}），暂无可研判事项。" if not spec.reported else f"没有{spec.status}事项。"
        st.html(f'<div class="mm-empty">{text}</div>')


def _tasks(spec: TasksSlide, report: MonthStatus) -> None:
    total = sum(spec.task_counts.values())
    _heading(spec.title)
    st.html(tiles_html(spec.task_counts, f"重点工作 {total} 项（报告中没有量化目标的工作）", spec.statuses))
    if not spec.rows:
        word = "未完成" if spec.final else "滞后"
        empty = f"没有{word}的重点工作。" if spec.reported else f"本月各项重点工作均为“{NO_DATA}”：尚无进展填报。"
        st.html(f'<div class="mm-empty">{empty}</div>')
        return
    head = "".join(f"<th>{h}</th>" for h in ("重点工作", "领域", "状态", "最新进展情况", "牵头单位", "责任领导"))
    body = []
    for r in spec.rows:
        color = STATUS_COLORS.get(r.status or "", STATUS_COLORS[NO_DATA])
        cells = [
            f"<td>{escape(r.name)}</td>",
            f"<td>{escape(r.area_name)}</td>",
            f'<td style="color:{color};font-weight:700;white-space:nowrap">{escape(status_label(r.status))}</td>',
            f"<td>{escape(task_said(r))}</td>",
            f"<td>{escape(r.department_name)}</td>",
            f"<td>{escape(r.leader)}</td>",
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    st.html(f'<table class="mm-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def render_slide(spec: Slide, report: MonthStatus) -> None:
    match spec:
        case TitleSlide():
            _title(spec, report)
        case SummarySlide():
            _summary(spec, report)
        case AreaSlide():
            _area(spec, report)
        case ProjectsSlide():
            _projects(spec, report)
        case TrackedSlide():
            _tracked(spec, report)
        case LaggingSlide():
            _lagging(spec, report)
        case TasksSlide():
            _tasks(spec, report)


# ---------------------------------------------------------------- navigation and downloads

SLIDE_KEY = "slide"  # also the URL query parameter: ?slide=3 opens the third slide


def _step(delta: int, count: int) -> None:
    current = st.session_state.get(SLIDE_KEY) or 1
    st.session_state[SLIDE_KEY] = min(count, max(1, current + delta))


def render_navigation(count: int) -> int:
    """上一页 / slide numbers / 下一页 (also ← and →), bound to ``?slide=``; returns the slide to show (1-based)."""
    if st.session_state.get(SLIDE_KEY) not in range(1, count + 1) and SLIDE_KEY not in st.query_params:
        st.session_state[SLIDE_KEY] = 1  # first visit; a ?slide= link sets it through the binding instead
    # 上一页 is drawn after the slide numbers, into a slot before them: on a ?slide=5 link the slide is known
    # only once the bound control has read the URL, and a button disabled on a guess ignores ← as well.
    prev_slot = st.empty()
    current = st.segmented_control(
        "幻灯片",
        list(range(1, count + 1)),
        required=True,
        key=SLIDE_KEY,
        bind="query-params",
        label_visibility="collapsed",
        format_func=lambda n: str(n),
        help="跳到某一页",
    )
    prev_slot.button(
        "上一页",
        icon=":material/chevron_left:",
        key="slide_prev",
        on_click=_step,
        args=(-1, count),
        disabled=(current or 1) <= 1,
        shortcut="ArrowLeft",
    )
    st.button(
        "下一页",
        icon=":material/chevron_right:",
        icon_position="right",
        key="slide_next",
        on_click=_step,
        args=(1, count),
        disabled=(current or 1) >= count,
        shortcut="ArrowRight",
    )
    return current or 1


def render_downloads(report: MonthStatus, areas: list[Area]) -> None:
    """下载PPT and 下载通报(Word): each file is built (and cached) only when its button is clicked."""
    st.download_button(
        "下载PPT",
        data=lambda: deck_bytes(report.year, report.month, store.data_version()),
        file_name=deck_file_name(report),
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click="ignore",
        key="deck_download",
        help="同样内容的可编辑PPT（原生图表和表格）",
    )
    st.download_button(
        "下载通报(Word)",
        data=lambda: bulletin_bytes(report.year, report.month, date.today(), store.data_version()),
        file_name=report_file_name(report),
        icon=":material/description:",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        on_click="ignore",
        key="report_download",
        help="本月目标任务推进情况通报：总体情况、主要进展、存在问题、下一步工作；落款日期为今天",
    )


# ---------------------------------------------------------------- the two files, built on click


@st.cache_data(show_spinner=False, max_entries=24)
def deck_bytes(year: int, month: int, version: tuple) -> bytes:
    """The month's PPTX with its 督办 slides, as ``python -m tracker deck`` makes it; cached per store fingerprint
    (``version`` names the town's file), so a second click costs nothing."""
    from tracker import deck  # python-pptx loads only when someone downloads the deck

    with store.connect() as con:
        return deck.deck_for_month(con, year, month)


@st.cache_data(show_spinner=False, max_entries=24)
def bulletin_bytes(year: int, month: int, issued: date, version: tuple) -> bytes:
    """The month's Word 通报 with its 附件 of open actions, dated ``issued``; cached like the deck, built on click."""
    from tracker import report_doc  # python-docx loads only when someone downloads the 通报

    with store.connect() as con:
        return report_doc.report_for_month(con, year, month, issued)

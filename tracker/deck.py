"""The monthly meeting deck: the slides of ``tracker.meeting.outline``, laid out as an editable PowerPoint file.

The 会议模式 page lays out the same outline records, so the screen and the file never disagree. Charts are
native PowerPoint chart objects and tables are native tables, so staff can still edit them.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Sequence

import duckdb
from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Length

from tracker import status as status_mod
from tracker.labels import STATUS_COLORS, fmt_pct, status_label
from tracker.meeting import (
    DEMO_FLAG,
    DEMO_MARK,
    NO_EXPLANATION,
    AreaSlide,
    LaggingSlide,
    ProjectsSlide,
    Row,
    Slide,
    SummarySlide,
    TaskRow,
    TasksSlide,
    TitleSlide,
    TrackedSlide,
    deck_file_name,
    outline,
    running_header,
    task_said,
)
from tracker.model import NO_DATA, ON_TRACK, STATUSES, Area, IndicatorStatus, MonthStatus
from tracker.pptx_draw import (
    DEMO_COLOR,
    INK,
    MUTED,
    PRIMARY,
    Line,
    PptxObject,
    chunked,
    clip,
    completion_chart,
    rect,
    stacked_status_chart,
    table,
    textbox,
    use_chinese_theme,
    write,
)

__all__ = ["build_deck", "deck_file_name", "deck_for_month", "timed_deck_for_month"]


SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
TITLE_H = Inches(0.95)
FOOTER_H = Inches(0.4)
BODY_TOP = TITLE_H + Inches(0.2)
BODY_H = SLIDE_H - BODY_TOP - FOOTER_H - Inches(0.15)
ROWS_PER_TABLE = 7  # rows of a lagging-items table on one slide (under its subtitle) before it continues on the next
PROJECT_ROWS = 10
TILE_H = Inches(1.05)
ROW_H = Inches(0.55)


# ---------------------------------------------------------------- slide furniture


class SlideDeck:
    """A 16:9 deck in the Chinese theme whose every slide has the title band and the footer: the running header on
    the left, the demo flag in the middle, the slide number on the right (the town's deck and the city's)."""

    def __init__(self, header: str, demo: bool):
        self.header, self.demo = header, demo
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_W, SLIDE_H
        use_chinese_theme(self.prs)
        self.blank = self.prs.slide_layouts[6]

    def new_slide(self, title: str, *, band: bool = True) -> PptxObject:
        slide = self.prs.slides.add_slide(self.blank)
        slide.name = title
        if band:
            rect(slide, 0, 0, SLIDE_W, TITLE_H, PRIMARY)
            textbox(slide, MARGIN, 0, SLIDE_W - 2 * MARGIN, TITLE_H, title, size=30, color="#FFFFFF", bold=True, anchor=MSO_ANCHOR.MIDDLE)
        self.footer(slide)
        return slide

    def footer(self, slide: PptxObject) -> None:
        top, anchor = SLIDE_H - FOOTER_H, MSO_ANCHOR.MIDDLE
        textbox(slide, MARGIN, top, Inches(8), FOOTER_H, self.header, size=11, color=MUTED, anchor=anchor)
        if self.demo:
            flag_x, mid = Inches(8.2), PP_ALIGN.CENTER
            textbox(slide, flag_x, top, Inches(3.2), FOOTER_H, DEMO_FLAG, size=12, color=DEMO_COLOR, bold=True, align=mid, anchor=anchor)
        number, number_x = str(len(self.prs.slides)), SLIDE_W - MARGIN - Inches(1.2)
        textbox(slide, number_x, top, Inches(1.2), FOOTER_H, number, size=11, color=MUTED, align=PP_ALIGN.RIGHT, anchor=anchor)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


class _Deck(SlideDeck):
    def __init__(self, report: MonthStatus):
        super().__init__(running_header(report), report.demo)
        self.report = report

    def status_tiles(
        self, slide: PptxObject, left: int, top: int, width: int, counts: dict[str, int], heading: str, statuses: Sequence[str] = STATUSES
    ) -> None:
        textbox(slide, left, top, width, Inches(0.45), heading, size=18, color=INK, bold=True)
        gap = Inches(0.12)
        tile_w = int((width - gap * (len(statuses) - 1)) / len(statuses))
        size = 30
        for index, name in enumerate(statuses):
            x = left + index * (tile_w + gap)
            tile = rect(slide, x, top + Inches(0.5), tile_w, TILE_H, STATUS_COLORS[name])
            frame = tile.text_frame
            frame.margin_top = frame.margin_bottom = Inches(0.02)
            write(
                frame,
                [(str(counts.get(name, 0)), size, "#FFFFFF", True), (status_label(name), max(12, size * 0.45), "#FFFFFF", True)],
                align=PP_ALIGN.CENTER,
            )
            frame.vertical_anchor = MSO_ANCHOR.MIDDLE

    def table(
        self,
        slide: PptxObject,
        left: int,
        top: int,
        width: int,
        header: list[str],
        statuses: Sequence[str | None],
        cells: list[list[str]],
        widths: list[float],
        status_col: int,
        size: float,
        row_h: Length,
    ) -> PptxObject:
        """A native table of ``cells`` (``pptx_draw.table``); a missing 情况说明 in grey."""
        return table(slide, left, top, width, header, statuses, cells, widths, status_col, size, row_h, muted=NO_EXPLANATION)


# ---------------------------------------------------------------- one function per slide kind


def _counts_line(counts: dict[str, int], what: str) -> str:
    parts = [f"{status_label(s)} {n}" for s, n in counts.items() if n]
    return f"{what}：" + ("  ".join(parts) if parts else "无")


ROW_HEADER = ["事项", "状态", "进度", "责任部门", "情况说明"]
ROW_WIDTHS = [3.4, 1.1, 2.3, 1.9, 3.5]


def _title_slide(deck: _Deck, spec: TitleSlide) -> None:
    slide = deck.new_slide(spec.title, band=False)
    rect(slide, 0, Inches(2.2), SLIDE_W, Inches(2.6), PRIMARY)
    width, white, center, middle = SLIDE_W - 2 * MARGIN, "#FFFFFF", PP_ALIGN.CENTER, MSO_ANCHOR.MIDDLE
    textbox(slide, MARGIN, Inches(2.4), width, Inches(1.3), spec.title, size=40, color=white, bold=True, align=center, anchor=middle)
    textbox(slide, MARGIN, Inches(3.7), width, Inches(0.8), spec.subtitle, size=26, color=white, align=center, anchor=middle)
    lines: list[Line] = []
    if not spec.reported:
        lines.append((f"本月各指标均为“{NO_DATA}”：尚无填报数据", 24, STATUS_COLORS[NO_DATA], True))
    if deck.report.demo:
        lines.append((f"{DEMO_MARK}：月度实际值为系统生成，并非各部门真实填报", 20, DEMO_COLOR, True))
    if lines:
        textbox(slide, MARGIN, Inches(5.2), SLIDE_W - 2 * MARGIN, Inches(1.2), lines, align=PP_ALIGN.CENTER)


def _summary_slide(deck: _Deck, spec: SummarySlide) -> None:
    slide = deck.new_slide(spec.title)
    left_w = Inches(6.1)
    heading = f"年度量化指标 {spec.n_indicators} 项"
    deck.status_tiles(slide, MARGIN, BODY_TOP, left_w, spec.indicator_counts, heading, spec.statuses)
    deck.status_tiles(slide, MARGIN, BODY_TOP + Inches(1.85), left_w, spec.project_counts, f"重点项目 {spec.n_projects} 个", spec.statuses)
    big = "年终评定：已完成或未完成" if spec.final else f"序时进度 {fmt_pct(spec.time_progress)}"
    lines: list[Line] = [(big, 24, PRIMARY, True), (spec.rule, 13, MUTED, False)]
    if spec.n_tracked:
        lines.append((f"另有跟踪事项 {spec.n_tracked} 项（多年目标、报告未设量化目标），不计入以上统计。", 13, MUTED, False))
    if spec.pending_note:
        lines.append((spec.pending_note, 13, PRIMARY, True))
    if not spec.reported:
        lines.append((f"本月尚无任何填报：全部为“{NO_DATA}”。", 20, STATUS_COLORS[NO_DATA], True))
    textbox(slide, MARGIN, BODY_TOP + Inches(3.75), left_w, Inches(2.0), lines)
    chart_x = MARGIN + left_w + Inches(0.3)
    cx = SLIDE_W - MARGIN - chart_x
    stacked_status_chart(slide, chart_x, BODY_TOP, cx, BODY_H, spec.by_area, "各领域年度量化指标状态（项）", spec.statuses)


def _area_chart(slide: PptxObject, spec: AreaSlide, top: int, width: int) -> None:
    """The area's completion chart, or the sentence that stands in for it."""
    if not spec.indicators:
        textbox(slide, MARGIN, top, width, Inches(1), "本领域没有量化指标，见重点项目。", size=20, color=MUTED)
    elif not spec.reported:
        lines: list[Line] = [
            (f"本月{NO_DATA}", 28, STATUS_COLORS[NO_DATA], True),
            ("各指标尚无本月数据，无法计算完成率。", 18, MUTED, False),
        ]
        textbox(slide, MARGIN, top, width, Inches(1.5), lines)
    else:
        note = _measure_note(spec.indicators)
        height = BODY_H - Inches(0.8) - (Inches(0.45) if note else 0)
        completion_chart(slide, MARGIN, top, width, height, spec.indicators, spec.final)
        if note:
            textbox(slide, MARGIN, top + height, width, Inches(0.45), note, size=11, color=MUTED)


def _measure_note(indicators: Sequence[IndicatorStatus]) -> str:
    """Which bars are not a plain 完成率: ``注：A、B为较上年末进度；C为对照目标值，不计序时``."""
    groups: dict[str, list[str]] = {}
    for item in indicators:
        if item.measure != "完成率":
            groups.setdefault(item.measure, []).append(clip(item.name, 12))
    if not groups:
        return ""
    words = {"对照目标值": "对照目标值（每月保持，不计序时）", "较上年末增减": "较上年末增减（无百分比，见右表或通报）"}
    return "注：" + "；".join(f"{'、'.join(names)}为{words.get(m, m)}" for m, names in groups.items()) + "。"


def _area_row_cells(row: Row) -> list[str]:
    name = clip(f"【{row.type_name}】{row.name}", 22)
    return [name, status_label(row.status), row.progress, row.department_name, clip(row.explanation, 40)]


def _area_slides(deck: _Deck, spec: AreaSlide) -> None:
    slide = deck.new_slide(spec.title)
    summary: list[Line] = [
        (_counts_line(spec.indicator_counts, "指标"), 17, INK, True),
        (_counts_line(spec.project_counts, "项目"), 15, MUTED, False),
    ]
    textbox(slide, MARGIN, BODY_TOP - Inches(0.05), SLIDE_W - 2 * MARGIN, Inches(0.8), summary)
    top = BODY_TOP + Inches(0.8)
    chart_w = Inches(5.0) if spec.rows else SLIDE_W - 2 * MARGIN
    _area_chart(slide, spec, top, chart_w)
    if not spec.rows:
        return
    table_x = MARGIN + chart_w + Inches(0.2)
    table_w = SLIDE_W - MARGIN - table_x
    header = ["事项", "状态", "进度", "部门", "情况说明"]
    widths = [2.1, 1.2, 2.4, 1.2, 1.9]  # the progress column names its measure, 上年末 and 序时: give it room
    for index, rows in enumerate(chunked(spec.rows, ROWS_PER_TABLE - 2)):
        if index:
            slide = deck.new_slide(f"{spec.title}（续）")
            table_x, table_w, top = MARGIN, SLIDE_W - 2 * MARGIN, BODY_TOP
            header, widths = ROW_HEADER, ROW_WIDTHS
        heading = "未完成事项及情况说明" if spec.final else "滞后、预警事项及情况说明"
        textbox(slide, table_x, top - Inches(0.05), table_w, Inches(0.4), heading, size=16, color=INK, bold=True)
        cells = [_area_row_cells(r) for r in rows]
        deck.table(
            slide,
            table_x,
            top + Inches(0.4),
            table_w,
            header,
            [r.status for r in rows],
            cells,
            widths,
            status_col=1,
            size=12,
            row_h=Inches(0.72),
        )


def _no_project_rows(spec: ProjectsSlide) -> tuple[str, str]:
    """The sentence (and its colour) that stands in for an empty list of projects to watch."""
    if spec.reported or not spec.project_counts.get(NO_DATA):
        return "全部重点项目正常推进或已完成。", STATUS_COLORS[ON_TRACK]
    return f"本月各重点项目均为“{NO_DATA}”：尚无进度填报。", STATUS_COLORS[NO_DATA]


def _projects_slides(deck: _Deck, spec: ProjectsSlide) -> None:
    chunks = chunked(spec.rows, PROJECT_ROWS)
    total = sum(spec.project_counts.values())
    for index, rows in enumerate(chunks):
        slide = deck.new_slide(spec.title if index == 0 else f"{spec.title}（续）")
        top = BODY_TOP
        if index == 0:
            line = _counts_line(spec.project_counts, f"重点项目 {total} 个")
            textbox(slide, MARGIN, top - Inches(0.05), SLIDE_W - 2 * MARGIN, Inches(0.5), line, size=18, bold=True)
            top += Inches(0.55)
        if not rows:
            text, color = _no_project_rows(spec)
            textbox(slide, MARGIN, top, SLIDE_W - 2 * MARGIN, Inches(1), text, size=22, color=color, bold=True)
            continue
        cells = [
            [clip(r.name, 26), r.area_name, status_label(r.status), r.progress, r.department_name, clip(r.explanation, 36)] for r in rows
        ]
        header = ["项目", "领域", "状态", "进度", "责任部门", "情况说明"]
        widths = [3.0, 1.2, 1.0, 2.6, 1.9, 3.0]
        deck.table(
            slide,
            MARGIN,
            top,
            SLIDE_W - 2 * MARGIN,
            header,
            [r.status for r in rows],
            cells,
            widths,
            status_col=2,
            size=12,
            row_h=Inches(0.42),
        )
        if index == len(chunks) - 1 and spec.others:
            others = f"其余 {spec.others} 个项目正常推进或已完成。"
            textbox(slide, MARGIN, SLIDE_H - FOOTER_H - Inches(0.5), SLIDE_W - 2 * MARGIN, Inches(0.4), others, size=14, color=MUTED)


def _tracked_slide(deck: _Deck, spec: TrackedSlide) -> None:
    slide = deck.new_slide(spec.title)
    width = SLIDE_W - 2 * MARGIN
    textbox(slide, MARGIN, BODY_TOP - Inches(0.05), width, Inches(0.5), spec.note, size=15, color=MUTED)
    header = ["事项", "领域", "状态", "当前值", "目标", "较上年末", "上年同期", "责任部门"]
    widths = [3.0, 1.2, 1.0, 1.4, 1.9, 2.0, 1.6, 2.0]
    cells = [
        [clip(r.name, 26), r.area_name, status_label(r.status), r.value, r.target, r.change, r.last_year, r.department_name]
        for r in spec.rows
    ]
    statuses = [r.status for r in spec.rows]
    deck.table(slide, MARGIN, BODY_TOP + Inches(0.6), width, header, statuses, cells, widths, status_col=2, size=13, row_h=Inches(0.5))


def _lagging_row_cells(row: Row) -> list[str]:
    name = f"{row.area_name} · 【{row.type_name}】{row.name}"
    return [clip(name, 34), status_label(row.status), row.progress, row.department_name, clip(row.explanation, 60)]


def _lagging_slides(deck: _Deck, spec: LaggingSlide) -> None:
    """滞后事项清单 (December: 未完成事项清单): every such item, continued on further slides when long."""
    width = SLIDE_W - 2 * MARGIN
    for index, rows in enumerate(chunked(spec.rows, ROWS_PER_TABLE)):
        slide = deck.new_slide(spec.title if index == 0 else f"{spec.title}（续）")
        if not rows:
            if not spec.reported:
                text = f"本月尚无填报（{NO_DATA}），暂无可研判事项。"
            else:
                text = f"没有{spec.status}事项。"
            textbox(slide, MARGIN, BODY_TOP + Inches(0.3), width, Inches(1), text, size=24, color=MUTED, bold=True)
            continue
        top = BODY_TOP
        if index == 0 and spec.subtitle:
            textbox(slide, MARGIN, top - Inches(0.05), width, Inches(0.45), spec.subtitle, size=16, color=MUTED)
            top += Inches(0.45)
        cells = [_lagging_row_cells(r) for r in rows]
        deck.table(
            slide, MARGIN, top, width, ROW_HEADER, [r.status for r in rows], cells, ROW_WIDTHS, status_col=1, size=13, row_h=Inches(0.62)
        )


TASK_HEADER = ["重点工作", "领域", "状态", "最新进展情况", "牵头单位", "责任领导"]
TASK_WIDTHS = [3.0, 1.1, 1.0, 4.6, 1.5, 1.3]
TASK_ROWS_FIRST, TASK_ROWS = 5, 7  # under the status tiles; on a continuation slide


def _task_row_cells(row: TaskRow) -> list[str]:
    said = clip(task_said(row), 70)
    return [clip(row.name, 30), row.area_name, status_label(row.status), said, row.department_name, clip(row.leader, 12)]


def _no_task_rows(spec: TasksSlide) -> tuple[str, str]:
    if not spec.reported:
        return f"本月各项重点工作均为“{NO_DATA}”：尚无进展填报。", STATUS_COLORS[NO_DATA]
    word = "未完成" if spec.final else "滞后"
    return f"没有{word}的重点工作。", STATUS_COLORS[ON_TRACK]


def _tasks_slides(deck: _Deck, spec: TasksSlide) -> None:
    """重点工作: the tasks counted by status in tiles, then every 滞后 (December: 未完成) task with its latest 进展情况,
    牵头单位 and 责任领导, continued on further slides when long."""
    width = SLIDE_W - 2 * MARGIN
    total = sum(spec.task_counts.values())
    first, rest = list(spec.rows[:TASK_ROWS_FIRST]), spec.rows[TASK_ROWS_FIRST:]
    pages = [first, *(chunked(rest, TASK_ROWS) if rest else [])]
    for index, rows in enumerate(pages):
        slide = deck.new_slide(spec.title if index == 0 else f"{spec.title}（续）")
        top = BODY_TOP
        if index == 0:
            heading = f"重点工作 {total} 项（报告中没有量化目标的工作）"
            deck.status_tiles(slide, MARGIN, top, width, spec.task_counts, heading, spec.statuses)
            top += Inches(1.75)
        if not rows:
            text, color = _no_task_rows(spec)
            textbox(slide, MARGIN, top, width, Inches(1), text, size=22, color=color, bold=True)
            continue
        cells = [_task_row_cells(r) for r in rows]
        statuses = [r.status for r in rows]
        deck.table(slide, MARGIN, top, width, TASK_HEADER, statuses, cells, TASK_WIDTHS, status_col=2, size=12, row_h=Inches(0.72))


def _add_slides(deck: _Deck, spec: Slide) -> None:
    match spec:
        case TitleSlide():
            _title_slide(deck, spec)
        case SummarySlide():
            _summary_slide(deck, spec)
        case AreaSlide():
            _area_slides(deck, spec)
        case ProjectsSlide():
            _projects_slides(deck, spec)
        case TrackedSlide():
            _tracked_slide(deck, spec)
        case LaggingSlide():
            _lagging_slides(deck, spec)
        case TasksSlide():
            _tasks_slides(deck, spec)


def build_deck(report: MonthStatus, areas: list[Area] | None = None, extra: Callable[[_Deck], None] | None = None) -> bytes:
    """The meeting deck for one month's status, as .pptx bytes; ``extra`` adds slides at the end (督办)."""
    deck = _Deck(report)
    for spec in outline(report, areas):
        _add_slides(deck, spec)
    if extra:
        extra(deck)
    return deck.save()


def deck_for_month(con: duckdb.DuckDBPyConnection, year: int, month: int) -> bytes:
    from tracker import deck_duban, supervision  # the 督办 slides use this module's furniture

    report = status_mod.build_status(con, year, month)
    facts = supervision.supervision_for(con, report)
    return build_deck(report, status_mod.areas(con), lambda deck: deck_duban.supervision_slides(deck, facts))


def timed_deck_for_month(con: duckdb.DuckDBPyConnection, year: int, month: int) -> tuple[bytes, float]:
    """The deck and the seconds it took to build (status query included)."""
    started = time.perf_counter()
    data = deck_for_month(con, year, month)
    return data, time.perf_counter() - started

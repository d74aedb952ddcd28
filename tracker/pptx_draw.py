"""Small python-pptx drawing helpers: colours, styled text boxes, filled shapes, native tables and charts, list chunks.

``tracker.deck`` (a town's meeting) and ``tracker.city_deck`` (the city's) lay their slides out with these; they
know nothing about either outline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Length, Pt

from tracker import ooxml
from tracker.fonts import DECK_FONT, DECK_FONT_ZH
from tracker.labels import STATUS_COLORS
from tracker.model import NO_DATA, IndicatorStatus

PRIMARY = "#0F4C81"
INK = "#1A1A1A"
MUTED = "#5A5A5A"
TIME_COLOR = "#9AA5B1"
DEMO_COLOR = "#B3261E"

Line = tuple[str, float, str, bool]  # a paragraph: text, size (pt), colour, bold
PptxObject = Any  # slides, shapes, text frames and runs of python-pptx


def rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def style_run(run: PptxObject, size: float, color: str = INK, bold: bool = False) -> None:
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = rgb(color)
    font.name = DECK_FONT
    ooxml.drawing_run_fonts(run._r.get_or_add_rPr(), DECK_FONT)


def write(
    frame: PptxObject,
    lines: list[Line] | str,
    size: float = 18,
    color: str = INK,
    bold: bool = False,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> None:
    """Fill a text frame; ``lines`` is text, or a list of (text, size, colour, bold) paragraphs."""
    if isinstance(lines, str):
        lines = [(lines, size, color, bold)]
    frame.word_wrap = True
    for index, (text, line_size, line_color, line_bold) in enumerate(lines):
        para = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        para.alignment = align
        run = para.add_run()
        run.text = text
        style_run(run, line_size, line_color, line_bold)


def textbox(
    slide: PptxObject,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: list[Line] | str,
    size: float = 18,
    color: str = INK,
    bold: bool = False,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
) -> PptxObject:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    write(frame, lines, size, color, bold, align)
    return box


def rect(slide: PptxObject, left: int, top: int, width: int, height: int, fill: str, line: str | None = None) -> PptxObject:
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(fill)
    if line:
        shape.line.color.rgb = rgb(line)
    else:
        shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def chart_fonts(chart: PptxObject, size: float = 12) -> None:
    chart.font.size = Pt(size)
    chart.font.name = DECK_FONT
    chart.font.color.rgb = rgb(INK)
    ooxml.drawing_run_fonts(chart.font._rPr, DECK_FONT)


def use_chinese_theme(prs: PptxObject) -> None:
    """Theme fonts: the deck's face for latin and east-asian text, so anything we did not style is Chinese too."""
    theme = prs.slide_masters[0].part.part_related_by(RT.THEME)
    ooxml.rewrite_part(theme, lambda root: ooxml.theme_fonts(root, DECK_FONT, DECK_FONT_ZH))


T = TypeVar("T")


def chunked(rows: Sequence[T], size: int) -> list[Sequence[T]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stacked_status_chart(
    slide: PptxObject, x: int, y: int, cx: int, cy: int, by_group: dict[str, dict[str, int]], title: str, statuses: Sequence[str]
) -> None:
    data = CategoryChartData()
    data.categories = list(by_group)
    for name in statuses:
        data.add_series(name, [by_group[g].get(name, 0) for g in by_group])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_STACKED, x, y, cx, cy, data).chart
    chart_fonts(chart, 14)
    chart.has_title = True
    chart.chart_title.text_frame.text = ""
    write(chart.chart_title.text_frame, title, size=16, bold=True)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.gap_width = 60
    for series, name in zip(plot.series, statuses, strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = rgb(STATUS_COLORS[name])
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.visible = False
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.font.size = Pt(13)
    labels.font.color.rgb = rgb("#FFFFFF")
    labels.number_format = "0;;;"  # hide zeros
    labels.number_format_is_linked = False


def completion_chart(slide: PptxObject, x: int, y: int, cx: int, cy: int, indicators: Sequence[IndicatorStatus], final: bool) -> None:
    """完成率 bars in status colours and, before December, a 序时进度 bar only where 序时 applies."""
    # Bars are drawn bottom-up; reverse so the first indicator reads first, from the top.
    items = list(reversed(indicators))
    data = CategoryChartData(number_format="0%")
    data.categories = [clip(i.name, 16) for i in items]
    data.add_series("完成率", [i.completion for i in items])
    with_time = not final and any(i.time_progress is not None for i in items)
    if with_time:
        data.add_series("序时进度", [i.time_progress for i in items])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, x, y, cx, cy, data).chart
    chart_fonts(chart, 13)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.overlap = -10
    done = plot.series[0]
    done.invert_if_negative = False
    done.format.fill.solid()
    done.format.fill.fore_color.rgb = rgb(PRIMARY)
    for index, item in enumerate(items):
        point = done.points[index]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = rgb(STATUS_COLORS.get(item.status or "", STATUS_COLORS[NO_DATA]))
    if with_time:
        tp = plot.series[1]
        tp.format.fill.solid()
        tp.format.fill.fore_color.rgb = rgb(TIME_COLOR)
    else:
        chart.has_legend = False
    done.data_labels.show_value = True
    done.data_labels.number_format = "0%"
    done.data_labels.number_format_is_linked = False
    done.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    done.data_labels.font.size = Pt(12)
    axis = chart.value_axis
    axis.minimum_scale = 0
    top = max([i.completion or 0 for i in items] + [1.0])
    axis.maximum_scale = min(2.0, round(top + 0.15, 1))
    axis.tick_labels.number_format = "0%"
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = rgb("#DDDDDD")


def table(
    slide: PptxObject,
    left: int,
    top: int,
    width: int,
    header: Sequence[str],
    statuses: Sequence[str | None],
    cells: list[list[str]],
    widths: Sequence[float],
    status_col: int,
    size: float,
    row_h: Length,
    muted: str = "",
) -> PptxObject:
    """A native table of ``cells`` (one list per row); the ``status_col`` cell is in its row's status colour, a cell
    reading ``muted`` (a missing 情况说明) in grey."""
    shape = slide.shapes.add_table(len(cells) + 1, len(header), left, top, width, row_h * (len(cells) + 1))
    grid = shape.table
    grid.rows[0].height = Inches(0.45)
    total = sum(widths)
    for index, share in enumerate(widths):
        grid.columns[index].width = Emu(int(width * share / total))
    for col, text in enumerate(header):
        cell = grid.cell(0, col)
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(PRIMARY)
        cell.text_frame.text = ""
        write(cell.text_frame, text, size=size, color="#FFFFFF", bold=True)
    for r, (state, texts) in enumerate(zip(statuses, cells, strict=True), start=1):
        grid.rows[r].height = row_h
        for col, text in enumerate(texts):
            cell = grid.cell(r, col)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb("#F2F5F9" if r % 2 else "#FFFFFF")
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.text_frame.text = ""
            color, bold = INK, False
            if col == status_col:
                color, bold = STATUS_COLORS.get(state or "", MUTED), True
            if muted and text == muted:
                color = MUTED
            write(cell.text_frame, text, size=size, color=color, bold=bold)
    return shape


def _every_category_label(axis: Any) -> None:
    """``c:tickLblSkip val=1``: every bar keeps its label (viewers otherwise skip some when bars are many)."""
    skip = axis.find(qn("c:tickLblSkip"))
    if skip is None:
        skip = OxmlElement("c:tickLblSkip")
        after = [axis.find(qn(tag)) for tag in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
        successor = next((e for e in after if e is not None), None)
        if successor is not None:
            successor.addprevious(skip)
        else:
            axis.append(skip)
    skip.set("val", "1")


def ranked_bar_chart(
    slide: PptxObject,
    x: int,
    y: int,
    cx: int,
    cy: int,
    labels: Sequence[str],
    values: Sequence[float | None],
    colors: Sequence[str],
    number_format: str,
    size: float = 16,
    maximum: float | None = None,
    major: float | None = None,
) -> PptxObject:
    """One horizontal bar per label (the first on top), each in its own colour, its value printed at its end; a
    missing value draws no bar (its label says why). Large type: it is read on a projector. ``maximum`` fixes the
    value axis (``major`` its step), so two charts side by side share one scale."""
    data = CategoryChartData(number_format=number_format)
    data.categories = list(reversed(labels))  # bars are drawn bottom-up
    data.add_series("数值", list(reversed(values)))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, x, y, cx, cy, data).chart
    chart_fonts(chart, size)
    chart.has_legend = False
    chart.has_title = False
    plot = chart.plots[0]
    plot.gap_width = 40
    series = plot.series[0]
    series.invert_if_negative = False
    for index, color in enumerate(reversed(colors)):
        point = series.points[index]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = rgb(color)
    labels_ = series.data_labels
    labels_.show_value = True
    labels_.number_format = number_format
    labels_.number_format_is_linked = False
    labels_.position = XL_LABEL_POSITION.OUTSIDE_END
    labels_.font.size = Pt(size)
    axis = chart.value_axis
    axis.minimum_scale = 0
    if maximum is not None:
        axis.maximum_scale = maximum
    if major is not None:
        axis.major_unit = major
    axis.tick_labels.font.size = Pt(max(12, size - 4))  # the values are on the bars; the scale is a guide
    axis.tick_labels.number_format = number_format
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = rgb("#DDDDDD")
    _every_category_label(chart.category_axis._element)
    return chart

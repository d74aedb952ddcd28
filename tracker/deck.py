"""The monthly meeting deck: the same slides as the 会议模式 page, as an editable PowerPoint file.

``outline`` turns a month's status (``tracker.status.build_status``) into a list of slides; the page and
``build_deck`` both lay out that one list, so the screen and the file never disagree. Charts are native
PowerPoint chart objects and tables are native tables, so staff can still edit them.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable

import duckdb
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from tracker import status as status_mod
from tracker.labels import STATUS_COLORS, fmt_number, fmt_pct, fmt_target, status_label
from tracker.model import LAGGING, NO_DATA, ON_TRACK, STATUSES, WARNING, Area, IndicatorStatus, Item, MonthStatus, ProjectStatus
from tracker.status import by_severity

TOWN = "三乡镇"
NO_EXPLANATION = "尚未提交情况说明"
DEMO_MARK = "演示数据"
# Microsoft YaHei is on every Chinese Windows and in WPS; the theme names the Chinese alias as well, and
# LibreOffice maps both to Noto Sans CJK SC through fontconfig.
FONT = "Microsoft YaHei"
FONT_ZH = "微软雅黑"
PRIMARY = "#0F4C81"
INK = "#1A1A1A"
MUTED = "#5A5A5A"
TIME_COLOR = "#9AA5B1"
DEMO_COLOR = "#B3261E"

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
TITLE_H = Inches(0.95)
FOOTER_H = Inches(0.4)
BODY_TOP = TITLE_H + Inches(0.2)
BODY_H = SLIDE_H - BODY_TOP - FOOTER_H - Inches(0.15)
ROWS_PER_TABLE = 8  # rows of a lagging-items table on one slide before it continues on the next
PROJECT_ROWS = 10
TILE_H = Inches(1.05)
ROW_H = Inches(0.55)


# ---------------------------------------------------------------- the outline: one list for page and deck


def period_label(report: MonthStatus) -> str:
    return f"{report.year}年{report.month}月"


def _areas_from(report: MonthStatus) -> list[Area]:
    seen: dict[str, str] = {}
    for item in report.items:
        seen.setdefault(item.area, item.area_name)
    return [Area(c, n) for c, n in seen.items()]


def count_statuses(items: Iterable[Item]) -> dict[str, int]:
    return status_mod.status_counts(list(items))


def _indicator_row(item: IndicatorStatus, with_area: bool = False) -> dict:
    note = item.explanation
    return {
        "type": "指标",
        "name": item.name,
        "area_name": item.area_name,
        "status": item.status,
        "progress": f"{fmt_pct(item.completion)}（序时 {fmt_pct(item.time_progress, 0)}）",
        "detail": f"目标 {fmt_target(item.target, item.comparator, item.unit)}，完成值 {fmt_number(item.value, item.unit)}",
        "department_name": item.department_name,
        "explanation": (note.text if note else "") or NO_EXPLANATION,
        "has_explanation": bool(note and note.text),
    }


def _project_row(item: ProjectStatus) -> dict:
    pct = "" if item.percent is None else f" · {item.percent:.0f}%"
    return {
        "type": "项目",
        "name": item.name,
        "area_name": item.area_name,
        "status": item.status,
        "progress": f"计划 {item.planned_stage} / 实际 {item.stage or '未填报'}{pct}",
        "detail": item.milestone or "",
        "department_name": item.department_name,
        "explanation": item.note or NO_EXPLANATION,
        "has_explanation": bool(item.note),
    }


def outline(report: MonthStatus, areas: list[Area] | None = None) -> list[dict]:
    """The meeting's slides in order: title, 总体情况, one per area, 重点项目, 需研究决策事项.

    Each slide is a dict with ``kind`` and ``title`` and the data it shows; nothing here is layout.
    """
    areas = areas or _areas_from(report)
    indicators, projects = report.indicators, report.projects
    reported = any(i.status not in (None, NO_DATA) for i in indicators) or any(p.status not in (None, NO_DATA) for p in projects)
    period = period_label(report)
    slides: list[dict] = [
        {
            "kind": "title",
            "title": f"{TOWN}{report.year}年政府工作报告目标推进情况",
            "subtitle": f"{period} · 月度工作例会",
            "reported": reported,
        }
    ]
    by_area_counts = {a.name: count_statuses(i for i in indicators if i.area == a.code) for a in areas}
    slides.append(
        {
            "kind": "summary",
            "title": f"总体情况：序时进度 {fmt_pct(report.time_progress)}",
            "time_progress": report.time_progress,
            "indicator_counts": count_statuses(indicators),
            "project_counts": count_statuses(projects),
            "n_indicators": len(indicators),
            "n_projects": len(projects),
            "by_area": by_area_counts,
            "reported": reported,
        }
    )
    for area in areas:
        items = [i for i in indicators if i.area == area.code]
        area_projects = [p for p in projects if p.area == area.code]
        attention = [_indicator_row(i) for i in by_severity(items) if i.status in (LAGGING, WARNING)]
        attention += [_project_row(p) for p in by_severity(area_projects) if p.status in (LAGGING, WARNING)]
        slides.append(
            {
                "kind": "area",
                "title": area.name,
                "area": area.code,
                "indicators": items,
                "indicator_counts": count_statuses(items),
                "project_counts": count_statuses(area_projects),
                "rows": attention,
                "reported": any(i.status not in (None, NO_DATA) for i in items),
            }
        )
    any_project_reported = any(p.status not in (None, NO_DATA) for p in projects)
    # When nobody reported, one sentence says so instead of slides listing every project as 未填报.
    watch_for = (LAGGING, WARNING, NO_DATA) if any_project_reported else (LAGGING, WARNING)
    watch = [p for p in by_severity(projects) if p.status in watch_for]
    slides.append(
        {
            "kind": "projects",
            "title": "重点项目推进情况",
            "reported": any_project_reported,
            "project_counts": count_statuses(projects),
            "by_area": {a.name: count_statuses(p for p in projects if p.area == a.code) for a in areas},
            "rows": [_project_row(p) for p in watch],
            "others": len(projects) - len(watch) if any_project_reported else 0,
        }
    )
    decisions = [_indicator_row(i) for i in indicators if i.status == LAGGING]
    decisions += [_project_row(p) for p in projects if p.status == LAGGING]
    slides.append(
        {
            "kind": "decisions",
            "title": "需研究决策事项",
            "rows": decisions,
            "reported": reported,
        }
    )
    return slides


# ---------------------------------------------------------------- fonts and small drawing helpers


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def _set_ea(rpr: etree._Element) -> None:
    """python-pptx writes only <a:latin>; add <a:ea> and <a:cs> so Chinese text uses the same face."""
    latin = rpr.find(qn("a:latin"))
    if latin is None:
        latin = etree.SubElement(rpr, qn("a:latin"))
        # <a:latin> must follow the fill and effect elements and precede ea/cs/sym/hlink*
        for tag in ("a:ea", "a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst"):
            follower = rpr.find(qn(tag))
            if follower is not None:
                follower.addprevious(latin)
                break
    latin.set("typeface", FONT)
    for tag in ("a:ea", "a:cs"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    ea = etree.Element(qn("a:ea"), typeface=FONT, pitchFamily="34", charset="-122")
    cs = etree.Element(qn("a:cs"), typeface=FONT)
    latin.addnext(ea)
    ea.addnext(cs)


def _style_run(run, size: float, color: str = INK, bold: bool = False) -> None:
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = _rgb(color)
    font.name = FONT
    _set_ea(run._r.get_or_add_rPr())


def _write(
    frame, lines: list[tuple[str, float, str, bool]] | str, size: float = 18, color: str = INK, bold: bool = False, align=PP_ALIGN.LEFT
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
        _style_run(run, line_size, line_color, line_bold)


def _textbox(
    slide,
    left,
    top,
    width,
    height,
    lines,
    size: float = 18,
    color: str = INK,
    bold: bool = False,
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    _write(frame, lines, size, color, bold, align)
    return box


def _rect(slide, left, top, width, height, fill: str, line: str | None = None):
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(fill)
    if line:
        shape.line.color.rgb = _rgb(line)
    else:
        shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def _chart_fonts(chart, size: float = 12) -> None:
    chart.font.size = Pt(size)
    chart.font.name = FONT
    chart.font.color.rgb = _rgb(INK)
    _set_ea(chart.font._rPr)


def _use_chinese_theme(prs: Presentation) -> None:
    """Theme fonts: Microsoft YaHei for latin and east-asian text, so anything we did not style is Chinese too."""
    theme = prs.slide_masters[0].part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for font_set in root.iter(qn("a:majorFont"), qn("a:minorFont")):
        font_set.find(qn("a:latin")).set("typeface", FONT)
        font_set.find(qn("a:ea")).set("typeface", FONT)
        for script in font_set.findall(qn("a:font")):
            if script.get("script") == "Hans":
                script.set("typeface", FONT_ZH)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- slide furniture


class _Deck:
    def __init__(self, report: MonthStatus):
        self.report = report
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_W, SLIDE_H
        _use_chinese_theme(self.prs)
        self.blank = self.prs.slide_layouts[6]

    def new_slide(self, title: str, *, band: bool = True):
        slide = self.prs.slides.add_slide(self.blank)
        slide.name = title
        if band:
            _rect(slide, 0, 0, SLIDE_W, TITLE_H, PRIMARY)
            _textbox(slide, MARGIN, 0, SLIDE_W - 2 * MARGIN, TITLE_H, title, size=30, color="#FFFFFF", bold=True, anchor=MSO_ANCHOR.MIDDLE)
        self.footer(slide)
        return slide

    def footer(self, slide) -> None:
        number = len(self.prs.slides)
        top = SLIDE_H - FOOTER_H
        _textbox(
            slide,
            MARGIN,
            top,
            Inches(8),
            FOOTER_H,
            f"{TOWN}政府工作报告目标跟踪 · 数据月份：{period_label(self.report)}",
            size=11,
            color=MUTED,
            anchor=MSO_ANCHOR.MIDDLE,
        )
        if self.report.demo:
            _textbox(
                slide,
                Inches(8.2),
                top,
                Inches(3.2),
                FOOTER_H,
                f"【{DEMO_MARK}，非真实填报】",
                size=12,
                color=DEMO_COLOR,
                bold=True,
                align=PP_ALIGN.CENTER,
                anchor=MSO_ANCHOR.MIDDLE,
            )
        _textbox(
            slide,
            SLIDE_W - MARGIN - Inches(1.2),
            top,
            Inches(1.2),
            FOOTER_H,
            str(number),
            size=11,
            color=MUTED,
            align=PP_ALIGN.RIGHT,
            anchor=MSO_ANCHOR.MIDDLE,
        )

    def status_tiles(self, slide, left, top, width, counts: dict[str, int], heading: str, tile_h: int = TILE_H, size: float = 30) -> None:
        _textbox(slide, left, top, width, Inches(0.45), heading, size=18, color=INK, bold=True)
        gap = Inches(0.12)
        tile_w = int((width - gap * (len(STATUSES) - 1)) / len(STATUSES))
        for index, name in enumerate(STATUSES):
            x = left + index * (tile_w + gap)
            tile = _rect(slide, x, top + Inches(0.5), tile_w, tile_h, STATUS_COLORS[name])
            frame = tile.text_frame
            frame.margin_top = frame.margin_bottom = Inches(0.02)
            _write(
                frame,
                [(str(counts.get(name, 0)), size, "#FFFFFF", True), (status_label(name), max(12, size * 0.45), "#FFFFFF", True)],
                align=PP_ALIGN.CENTER,
            )
            frame.vertical_anchor = MSO_ANCHOR.MIDDLE

    def table(
        self,
        slide,
        left,
        top,
        width,
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        statuses: list[str | None] | None = None,
        status_col: int | None = None,
        size: float = 13,
        row_h: int = ROW_H,
    ):
        shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, row_h * (len(rows) + 1))
        table = shape.table
        table.rows[0].height = Inches(0.45)
        total = sum(widths)
        for index, share in enumerate(widths):
            table.columns[index].width = Emu(int(width * share / total))
        for col, text in enumerate(header):
            cell = table.cell(0, col)
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(PRIMARY)
            cell.text_frame.text = ""
            _write(cell.text_frame, text, size=size, color="#FFFFFF", bold=True)
        for r, row in enumerate(rows, start=1):
            table.rows[r].height = row_h
            for col, text in enumerate(row):
                cell = table.cell(r, col)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb("#F2F5F9" if r % 2 else "#FFFFFF")
                cell.margin_top = cell.margin_bottom = Inches(0.03)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                cell.text_frame.text = ""
                color, bold = INK, False
                if statuses is not None and col == status_col:
                    color, bold = STATUS_COLORS.get(statuses[r - 1] or "", MUTED), True
                if text == NO_EXPLANATION:
                    color = MUTED
                _write(cell.text_frame, text, size=size, color=color, bold=bold)
        return shape


def _chunks(rows: list, size: int) -> list[list]:
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- one function per slide kind


def _title_slide(deck: _Deck, spec: dict) -> None:
    slide = deck.new_slide(spec["title"], band=False)
    _rect(slide, 0, Inches(2.2), SLIDE_W, Inches(2.6), PRIMARY)
    _textbox(
        slide,
        MARGIN,
        Inches(2.4),
        SLIDE_W - 2 * MARGIN,
        Inches(1.3),
        spec["title"],
        size=40,
        color="#FFFFFF",
        bold=True,
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
    )
    _textbox(
        slide,
        MARGIN,
        Inches(3.7),
        SLIDE_W - 2 * MARGIN,
        Inches(0.8),
        spec["subtitle"],
        size=26,
        color="#FFFFFF",
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
    )
    lines = []
    if not spec["reported"]:
        lines.append((f"本月各指标均为“{NO_DATA}”：尚无填报数据", 24, STATUS_COLORS[NO_DATA], True))
    if deck.report.demo:
        lines.append((f"{DEMO_MARK}：月度实际值为系统生成，并非各部门真实填报", 20, DEMO_COLOR, True))
    if lines:
        _textbox(slide, MARGIN, Inches(5.2), SLIDE_W - 2 * MARGIN, Inches(1.2), lines, align=PP_ALIGN.CENTER)


def _stacked_status_chart(slide, x, y, cx, cy, by_group: dict[str, dict[str, int]], title: str):
    data = CategoryChartData()
    data.categories = list(by_group)
    for name in STATUSES:
        data.add_series(name, [by_group[g].get(name, 0) for g in by_group])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_STACKED, x, y, cx, cy, data)
    chart = frame.chart
    _chart_fonts(chart, 14)
    chart.has_title = True
    chart.chart_title.text_frame.text = ""
    _write(chart.chart_title.text_frame, title, size=16, bold=True)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.gap_width = 60
    for series, name in zip(plot.series, STATUSES, strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(STATUS_COLORS[name])
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.visible = False
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.font.size = Pt(13)
    labels.font.color.rgb = _rgb("#FFFFFF")
    labels.number_format = "0;;;"  # hide zeros
    labels.number_format_is_linked = False
    return frame


def _summary_slide(deck: _Deck, spec: dict) -> None:
    slide = deck.new_slide(spec["title"])
    left_w = Inches(6.1)
    deck.status_tiles(slide, MARGIN, BODY_TOP, left_w, spec["indicator_counts"], f"量化指标 {spec['n_indicators']} 项")
    deck.status_tiles(slide, MARGIN, BODY_TOP + Inches(1.85), left_w, spec["project_counts"], f"重点项目 {spec['n_projects']} 个")
    lines = [
        (f"序时进度 {fmt_pct(spec['time_progress'])}", 26, PRIMARY, True),
        ("完成率不低于序时进度为正常；低于序时进度在预警幅度内为预警，超出为滞后。", 14, MUTED, False),
    ]
    if not spec["reported"]:
        lines.append((f"本月尚无任何填报：全部为“{NO_DATA}”。", 20, STATUS_COLORS[NO_DATA], True))
    _textbox(slide, MARGIN, BODY_TOP + Inches(3.85), left_w, Inches(1.8), lines)
    _stacked_status_chart(
        slide,
        MARGIN + left_w + Inches(0.3),
        BODY_TOP,
        SLIDE_W - 2 * MARGIN - left_w - Inches(0.3),
        BODY_H,
        spec["by_area"],
        "各领域指标状态（项）",
    )


def _completion_chart(slide, x, y, cx, cy, indicators: list[dict]):
    # Bars are drawn bottom-up; reverse so the first indicator reads first, from the top.
    items = list(reversed(indicators))
    data = CategoryChartData(number_format="0%")
    data.categories = [_clip(i.name, 16) for i in items]
    data.add_series("完成率", [i.completion for i in items])
    data.add_series("序时进度", [i.time_progress for i in items])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, x, y, cx, cy, data)
    chart = frame.chart
    _chart_fonts(chart, 13)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.overlap = -10
    done, tp = plot.series
    done.invert_if_negative = False
    done.format.fill.solid()
    done.format.fill.fore_color.rgb = _rgb(PRIMARY)
    for index, item in enumerate(items):
        point = done.points[index]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(STATUS_COLORS.get(item.status or "", STATUS_COLORS[NO_DATA]))
    tp.format.fill.solid()
    tp.format.fill.fore_color.rgb = _rgb(TIME_COLOR)
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
    axis.major_gridlines.format.line.color.rgb = _rgb("#DDDDDD")
    return frame


def _counts_line(counts: dict[str, int], what: str) -> str:
    parts = [f"{status_label(s)} {n}" for s, n in counts.items() if n]
    return f"{what}：" + ("  ".join(parts) if parts else "无")


ROW_HEADER = ["事项", "状态", "进度", "责任部门", "情况说明"]
ROW_WIDTHS = [3.4, 1.1, 2.3, 1.9, 3.5]


def _row_cells(row: dict, with_area: bool = False) -> list[str]:
    name = f"【{row['type']}】{row['name']}"
    if with_area:
        name = f"{row['area_name']} · {name}"
    return [_clip(name, 34), status_label(row["status"]), row["progress"], row["department_name"], _clip(row["explanation"], 60)]


def _area_slides(deck: _Deck, spec: dict) -> None:
    slide = deck.new_slide(spec["title"])
    summary = [
        (_counts_line(spec["indicator_counts"], "指标"), 17, INK, True),
        (_counts_line(spec["project_counts"], "项目"), 15, MUTED, False),
    ]
    _textbox(slide, MARGIN, BODY_TOP - Inches(0.05), SLIDE_W - 2 * MARGIN, Inches(0.8), summary)
    top = BODY_TOP + Inches(0.8)
    height = BODY_H - Inches(0.8)
    chart_w = Inches(5.6) if spec["rows"] else SLIDE_W - 2 * MARGIN
    if not spec["indicators"]:
        _textbox(slide, MARGIN, top, chart_w, Inches(1), "本领域没有量化指标，见重点项目。", size=20, color=MUTED)
    elif not spec["reported"]:
        _textbox(
            slide,
            MARGIN,
            top,
            chart_w,
            Inches(1.5),
            [(f"本月{NO_DATA}", 28, STATUS_COLORS[NO_DATA], True), ("各指标尚无本月数据，无法计算完成率。", 18, MUTED, False)],
        )
    else:
        _completion_chart(slide, MARGIN, top, chart_w, height, spec["indicators"])
    if not spec["rows"]:
        return
    table_x = MARGIN + chart_w + Inches(0.2)
    table_w = SLIDE_W - MARGIN - table_x
    header = ["事项", "状态", "进度", "部门", "情况说明"]
    widths = [2.3, 1.15, 1.75, 1.35, 2.2]
    chunks = _chunks(spec["rows"], ROWS_PER_TABLE - 3)
    for index, rows in enumerate(chunks):
        if index:
            slide = deck.new_slide(f"{spec['title']}（续）")
            table_x, table_w, top = MARGIN, SLIDE_W - 2 * MARGIN, BODY_TOP
            header, widths = ROW_HEADER, ROW_WIDTHS
        _textbox(slide, table_x, top - Inches(0.05), table_w, Inches(0.4), "滞后、预警事项及情况说明", size=16, color=INK, bold=True)
        cells = [
            [
                _clip(f"【{r['type']}】{r['name']}", 22),
                status_label(r["status"]),
                r["progress"],
                r["department_name"],
                _clip(r["explanation"], 40),
            ]
            for r in rows
        ]
        deck.table(
            slide,
            table_x,
            top + Inches(0.4),
            table_w,
            header,
            cells,
            widths,
            statuses=[r["status"] for r in rows],
            status_col=1,
            size=12,
            row_h=Inches(0.72),
        )


def _projects_slides(deck: _Deck, spec: dict) -> None:
    chunks = _chunks(spec["rows"], PROJECT_ROWS)
    for index, rows in enumerate(chunks):
        title = spec["title"] if index == 0 else f"{spec['title']}（续）"
        slide = deck.new_slide(title)
        top = BODY_TOP
        if index == 0:
            _textbox(
                slide,
                MARGIN,
                top - Inches(0.05),
                SLIDE_W - 2 * MARGIN,
                Inches(0.5),
                _counts_line(spec["project_counts"], f"重点项目 {sum(spec['project_counts'].values())} 个"),
                size=18,
                bold=True,
            )
            top += Inches(0.55)
        if not rows:
            if spec["reported"] or not spec["project_counts"].get(NO_DATA):
                text, color = "全部重点项目正常推进或已完成。", STATUS_COLORS[ON_TRACK]
            else:
                text, color = f"本月各重点项目均为“{NO_DATA}”：尚无进度填报。", STATUS_COLORS[NO_DATA]
            _textbox(slide, MARGIN, top, SLIDE_W - 2 * MARGIN, Inches(1), text, size=22, color=color, bold=True)
            continue
        cells = [
            [
                _clip(r["name"], 26),
                r["area_name"],
                status_label(r["status"]),
                r["progress"],
                r["department_name"],
                _clip(r["explanation"], 36),
            ]
            for r in rows
        ]
        deck.table(
            slide,
            MARGIN,
            top,
            SLIDE_W - 2 * MARGIN,
            ["项目", "领域", "状态", "进度", "责任部门", "情况说明"],
            cells,
            [3.0, 1.2, 1.0, 2.6, 1.9, 3.0],
            statuses=[r["status"] for r in rows],
            status_col=2,
            size=12,
            row_h=Inches(0.42),
        )
        if index == len(chunks) - 1 and spec["others"]:
            _textbox(
                slide,
                MARGIN,
                SLIDE_H - FOOTER_H - Inches(0.5),
                SLIDE_W - 2 * MARGIN,
                Inches(0.4),
                f"其余 {spec['others']} 个项目正常推进或已完成。",
                size=14,
                color=MUTED,
            )


def _decision_slides(deck: _Deck, spec: dict) -> None:
    for index, rows in enumerate(_chunks(spec["rows"], ROWS_PER_TABLE)):
        slide = deck.new_slide(spec["title"] if index == 0 else f"{spec['title']}（续）")
        if not rows:
            text = f"本月尚无填报（{NO_DATA}），暂无可研判事项。" if not spec["reported"] else "本月没有滞后事项。"
            _textbox(slide, MARGIN, BODY_TOP + Inches(0.3), SLIDE_W - 2 * MARGIN, Inches(1), text, size=24, color=MUTED, bold=True)
            continue
        deck.table(
            slide,
            MARGIN,
            BODY_TOP,
            SLIDE_W - 2 * MARGIN,
            ROW_HEADER,
            [_row_cells(r, with_area=True) for r in rows],
            ROW_WIDTHS,
            statuses=[r["status"] for r in rows],
            status_col=1,
            size=13,
            row_h=Inches(0.62),
        )


_BUILDERS = {
    "title": _title_slide,
    "summary": _summary_slide,
    "area": _area_slides,
    "projects": _projects_slides,
    "decisions": _decision_slides,
}


def build_deck(report: MonthStatus, areas: list[Area] | None = None) -> bytes:
    """The meeting deck for one month's status, as .pptx bytes."""
    deck = _Deck(report)
    for spec in outline(report, areas):
        _BUILDERS[spec["kind"]](deck, spec)
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()


def deck_for_month(con: duckdb.DuckDBPyConnection, year: int, month: int) -> bytes:
    return build_deck(status_mod.build_status(con, year, month), status_mod.areas(con))


def timed_deck_for_month(con: duckdb.DuckDBPyConnection, year: int, month: int) -> tuple[bytes, float]:
    """The deck and the seconds it took to build (status query included)."""
    started = time.perf_counter()
    data = deck_for_month(con, year, month)
    return data, time.perf_counter() - started


def deck_file_name(report: MonthStatus) -> str:
    return f"{TOWN}工作报告目标推进_{report.year}年{report.month:02d}月.pptx"

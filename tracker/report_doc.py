"""The monthly 通报 (bulletin) as a Word file: 总体情况 / 进度滞后事项 / 下一步工作.

It is built from the same ``tracker.status.build_status`` object and the same ``deck.outline`` as the
meeting page and the PPTX, so the three never disagree on counts, order or wording of a row. The layout
follows the usual government document conventions (GB/T 9704): A4 portrait, 三号仿宋 body, 黑体 first-level
and 楷体 second-level headings, Times New Roman for digits and latin text.
"""

from __future__ import annotations

import io
import time
from collections import Counter

import duckdb
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from tracker import status as status_mod
from tracker.deck import (
    DEMO_MARK,
    NO_EXPLANATION,
    TOWN,
    _indicator_row,
    _project_row,
    outline,
    period_label,
)
from tracker.labels import DEMO_NOTICE, STATUS_COLORS, fmt_number, fmt_pct, fmt_target, status_label
from tracker.model import DONE, LAGGING, NO_DATA, ON_TRACK, STATUSES, WARNING, Area, IndicatorStatus, MonthStatus, ProjectStatus

SECTION_TITLES = ("一、总体情况", "二、进度滞后事项", "三、下一步工作")
TABLE_HEADER = ("领域", "指标", "目标", "完成值", "完成率", "序时进度", "状态")
TABLE_WIDTHS_MM = (22, 40, 21, 20, 16, 18, 19)  # 156 mm: the type area of A4 with GB/T 9704 margins
CELL_PAD_TWIPS = 68  # 1.2 mm left and right, so 水环境治理 and 序时进度 fit on one line

# Word names one east-asian face per run; the font table (below) gives each its alias and GB2312 charset,
# so Word substitutes the nearest Chinese face where the _GB2312 variant is not installed, and
# LibreOffice maps them through fontconfig.
LATIN = "Times New Roman"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
FALLBACK_FONT = "Microsoft YaHei"
FONT_TABLE = {  # name: (alternate name, panose, family)
    BODY_FONT: ("仿宋", "02010609030101010101", "modern"),
    HEADING_FONT: ("SimHei", "02010609060101010101", "modern"),
    SUBHEADING_FONT: ("楷体", "02010609030101010101", "modern"),
    TITLE_FONT: ("黑体", "02000000000000000000", "script"),
    FALLBACK_FONT: ("微软雅黑", "020B0503020204020204", "swiss"),
}

TITLE_SIZE = 22  # 二号
BODY_SIZE = 16  # 三号
TABLE_SIZE = 10.5  # 五号
HEADER_SIZE = 10.5
LINE_PITCH = 28  # points: about 22 lines on a page, the usual for 三号 body text

INK = "1A1A1A"
MUTED = "5A5A5A"
DEMO_COLOR = "B3261E"
STATUS_TINT = 0.78  # status cells: the status colour mixed with this much white, black text on top

COUNT_ORDER = (DONE, ON_TRACK, WARNING, LAGGING, NO_DATA)
COUNT_WORDS = {DONE: "已完成", ON_TRACK: "进度正常", WARNING: "预警", LAGGING: "滞后", NO_DATA: "未填报"}
CN_NUMBERS = "一二三四五六七八九十"


# ---------------------------------------------------------------- text: everything the document says


def report_title(report: MonthStatus) -> str:
    return f"{TOWN}{report.year}年政府工作报告目标任务推进情况通报（{period_label(report)}）"


def title_lines(report: MonthStatus) -> tuple[str, str]:
    title = report_title(report)
    cut = title.index("推进情况通报")
    return title[:cut], title[cut:]


def report_file_name(report: MonthStatus) -> str:
    return f"{TOWN}工作报告目标推进通报_{report.year}年{report.month:02d}月.docx"


def _cn(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 … 99; enough for sub-heading numbers."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CN_NUMBERS[tens - 1]}十{CN_NUMBERS[ones - 1] if ones else ''}"


def counts_clause(counts: dict[str, int], total: int, noun: str, measure: str) -> str:
    """``21项量化指标中，已完成1项、进度正常8项、预警6项、滞后5项、未填报1项``; zero counts are left out."""
    parts = [f"{COUNT_WORDS[s]}{counts.get(s, 0)}{measure}" for s in COUNT_ORDER if counts.get(s, 0)]
    rest = total - sum(counts.get(s, 0) for s in STATUSES)
    if rest:
        parts.append(f"未设目标{rest}{measure}")
    return f"{total}{measure}{noun}中，" + ("、".join(parts) if parts else "暂无可统计事项")


def _gap_text(gap_pp: float | None, what: str = "序时进度") -> str:
    if gap_pp is None:
        return ""
    if abs(gap_pp) < 0.05:
        return f"与{what}持平"
    side = "低于" if gap_pp > 0 else "高于"
    return f"{side}{what}{abs(gap_pp):.1f}个百分点"


def overview_paragraphs(report: MonthStatus, summary: dict) -> list[str]:
    period = period_label(report)
    first = (
        f"截至{period}，全年序时进度为{fmt_pct(report.time_progress)}。"
        f"{TOWN}{report.year}年政府工作报告确定的"
        f"{counts_clause(summary['indicator_counts'], summary['n_indicators'], '量化指标', '项')}；"
        f"{counts_clause(summary['project_counts'], summary['n_projects'], '重点项目', '个')}。"
    )
    paragraphs = [first]
    if not summary["reported"]:
        paragraphs.append(f"本月各责任部门尚未填报数据，各项指标和重点项目状态均为“{NO_DATA}”，暂无法计算完成率。")
    paragraphs.append(
        "完成率不低于序时进度的为进度正常；低于序时进度但在预警幅度内的为预警，超出预警幅度的为滞后。各领域量化指标推进情况见表1。"
    )
    return paragraphs


def _indicator_item(item: IndicatorStatus) -> dict:
    row = _indicator_row(item)
    facts = [
        f"目标{fmt_target(item.target, item.comparator, item.unit)}",
        f"完成值{fmt_number(item.value, item.unit)}",
        f"完成率{fmt_pct(item.completion)}",
    ]
    gap_what = "目标值" if item.gap_basis == "target" else "序时进度"
    gap = _gap_text(item.gap_pp, gap_what)
    if gap:
        facts.append(gap)
    return {**row, "gap_pp": item.gap_pp, "gap_what": gap_what, "facts": "，".join(facts), "note_meta": _note_meta(item)}


def _project_item(item: ProjectStatus) -> dict:
    row = _project_row(item)
    facts = [f"年度目标“{item.milestone}”"] if item.milestone else []
    stage = item.stage or NO_DATA
    facts.append(f"按计划本月应处于“{item.planned_stage}”阶段，实际为“{stage}”")
    if item.percent is not None:
        facts.append(f"形象进度{item.percent:.0f}%")
    gap = _gap_text(item.gap_pp, "计划进度")
    if gap:
        facts.append(gap)
    return {**row, "gap_pp": item.gap_pp, "facts": "，".join(facts), "note_meta": ""}


def _note_meta(item: IndicatorStatus) -> str:
    note = item.explanation
    if not note or not note.text:
        return ""
    who = "，".join(x for x in (note.user, note.at) if x)
    return f"（{who}提交）" if who else ""


def attention_items(report: MonthStatus) -> tuple[list[dict], list[dict]]:
    """Every 滞后 and 预警 indicator and project, 滞后 first, then in area order (the report's order)."""
    watch = (LAGGING, WARNING)
    indicators = [_indicator_item(i) for i in status_mod.by_severity(report.indicators) if i.status in watch]
    projects = [_project_item(p) for p in status_mod.by_severity(report.projects) if p.status in watch]
    return indicators, projects


def _item_brief(row: dict) -> str:
    """``鱼塘尾水治理（滞后，低于序时进度15.4个百分点）``; projects carry their status only."""
    gap = _gap_text(row["gap_pp"], row.get("gap_what", "序时进度")) if row["type"] == "指标" else ""
    return f"{row['name']}（{row['status']}{'，' + gap if gap else ''}）"


def next_steps(report: MonthStatus, reported: bool) -> list[str]:
    """One sentence per department with lagging items, most lagging first; then who has yet to report."""
    indicators, projects = attention_items(report)
    by_dept: dict[str, list[dict]] = {}
    for row in [*indicators, *projects]:
        by_dept.setdefault(row["department_name"], []).append(row)

    def weight(dept: str) -> tuple[int, int]:
        rows = by_dept[dept]
        return (-sum(r["status"] == LAGGING for r in rows), -sum(r["status"] == WARNING for r in rows))

    sentences = []
    for dept in sorted(by_dept, key=weight):
        rows = by_dept[dept]
        listed = "、".join(_item_brief(r) for r in rows)
        counts = Counter(r["status"] for r in rows)
        tally = "、".join(f"{s}{counts[s]}项" for s in (LAGGING, WARNING) if counts[s])
        missing = sum(not r["has_explanation"] for r in rows)
        which = "分别为" if len(rows) > 1 else "为"
        sentence = f"{dept}：本月{tally}，{which}{listed}。请{dept}对照年度目标查找原因、明确措施，加快推进，力争尽快达到序时进度"
        sentence += f"；其中{missing}项尚未提交情况说明，请尽快补报。" if missing else "。"
        sentences.append(sentence)

    unreported: dict[str, int] = {}
    for item in report.items:
        if item.status == NO_DATA:
            unreported[item.department_name] = unreported.get(item.department_name, 0) + 1
    if unreported:
        names = "、".join(f"{d}（{n}项）" for d, n in unreported.items())
        if reported:
            sentences.append(f"本月尚有事项未填报的部门：{names}。请相关部门按时报送数据。")
        else:
            sentences.append(f"本月各责任部门均未填报数据：{names}。请各部门按时报送本月数据，以便研判推进情况。")
    return sentences


# ---------------------------------------------------------------- fonts


def _set_fonts(rpr, east_asian: str, latin: str = LATIN) -> None:
    """Name the latin and east-asian faces on an rPr; python-docx itself only writes ascii/hAnsi."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)
    # “ ” — ✔ ✖ are shared code points; the hint makes Word draw them with the Chinese face
    fonts.set(qn("w:hint"), "eastAsia")


def _run(paragraph, text: str, *, font: str = BODY_FONT, size: float = BODY_SIZE, bold: bool = False, color: str = INK):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor.from_string(color)
    _set_fonts(run._r.get_or_add_rPr(), font)
    return run


def _font_table(doc) -> None:
    """Declare the Chinese faces with their aliases and GB2312 charset (86), so substitution stays Chinese."""
    fonts_part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = etree.fromstring(fonts_part.blob)
    for name, (alt, panose, family) in FONT_TABLE.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86"), ("w:family", family), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    fonts_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _styles(doc) -> None:
    """Normal and headings in Chinese faces, black, zh-CN: anything not styled run by run still reads right."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults, BODY_FONT)
    lang = defaults.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH)
    for name, face, size in (
        ("Heading 1", HEADING_FONT, BODY_SIZE),
        ("Heading 2", SUBHEADING_FONT, BODY_SIZE),
        ("Title", TITLE_FONT, TITLE_SIZE),
    ):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor.from_string("000000")
        rpr = style.element.get_or_add_rPr()
        color = rpr.find(qn("w:color"))
        for attr in ("w:themeColor", "w:themeShade"):
            color.attrib.pop(qn(attr), None)
        _set_fonts(rpr, face)
        pf = style.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PITCH)
        pf.keep_with_next = True
    # the Title style draws a blue rule under itself; an official title has none
    title_ppr = doc.styles["Title"].element.pPr
    border = title_ppr.find(qn("w:pBdr"))
    if border is not None:
        title_ppr.remove(border)


# ---------------------------------------------------------------- small layout helpers

# Child order of the property elements we add to by hand (ECMA-376 part 1, §17.3.1.26, §17.4.42, §17.4.60):
# Word refuses a file whose children are out of order, even where LibreOffice is lenient.
SCHEMA_ORDER = {
    "w:pPr": (
        "w:pStyle",
        "w:keepNext",
        "w:keepLines",
        "w:pageBreakBefore",
        "w:framePr",
        "w:widowControl",
        "w:numPr",
        "w:suppressLineNumbers",
        "w:pBdr",
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    ),
    "w:tcPr": (
        "w:cnfStyle",
        "w:tcW",
        "w:gridSpan",
        "w:hMerge",
        "w:vMerge",
        "w:tcBorders",
        "w:shd",
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
        "w:headers",
        "w:cellIns",
        "w:cellDel",
        "w:cellMerge",
        "w:tcPrChange",
    ),
    "w:tblPr": (
        "w:tblStyle",
        "w:tblpPr",
        "w:tblOverlap",
        "w:bidiVisual",
        "w:tblStyleRowBandSize",
        "w:tblStyleColBandSize",
        "w:tblW",
        "w:jc",
        "w:tblCellSpacing",
        "w:tblInd",
        "w:tblBorders",
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
        "w:tblPrChange",
    ),
}


def _place(parent, child) -> None:
    """Put ``child`` into a pPr/tcPr/tblPr at its schema position, replacing one of the same kind."""
    order = SCHEMA_ORDER[parent.prefix + ":" + etree.QName(parent).localname]
    tag = child.prefix + ":" + etree.QName(child).localname
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    parent.insert_element_before(child, *order[order.index(tag) + 1 :])


def _paragraph(container, text: str = "", *, style: str | None = None, indent: bool = True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, **run_kw):
    para = container.add_paragraph(style=style)
    para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)  # two characters
    if text:
        _run(para, text, **run_kw)
    return para


def _shade(element_pr, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    _place(element_pr, shd)


def _box(paragraph, color: str) -> None:
    """A thin border round a paragraph (the demo notice)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "8"), ("space", "4"), ("color", color)):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    _place(ppr, borders)
    _shade(ppr, "FDECEA")


def _rule_below(paragraph, color: str = "000000") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    _place(ppr, borders)


def _field(paragraph, instruction: str, placeholder: str, **run_kw) -> None:
    """A Word field (PAGE, NUMPAGES); each of its runs carries the fonts too."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", placeholder), ("end", None)):
        run = _run(paragraph, "", **run_kw)
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {text} "
        elif kind == "text":
            run.text = text
            continue
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._r.append(node)


def _tint(color: str, white: float = STATUS_TINT) -> str:
    color = color.lstrip("#")
    rgb = [int(color[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * white):02X}" for c in rgb)


def _cell(cell, text: str, *, bold: bool = False, font: str = BODY_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, fill: str | None = None) -> None:
    para = cell.paragraphs[0]
    para.alignment = align
    pf = para.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = pf.space_after = Pt(1)
    _run(para, text, font=font, size=TABLE_SIZE, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if fill:
        _shade(cell._tc.get_or_add_tcPr(), fill)


def _cell_padding(table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(CELL_PAD_TWIPS))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    _place(table._tbl.tblPr, margins)


def _row_flags(row, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        trpr.append(OxmlElement(tag))


# ---------------------------------------------------------------- the document


class _Bulletin:
    def __init__(self, report: MonthStatus, areas: list[Area] | None):
        self.report = report
        self.slides = outline(report, areas)
        self.summary = next(s for s in self.slides if s["kind"] == "summary")
        self.doc = Document()
        _styles(self.doc)
        _font_table(self.doc)
        self.page()

    def page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(22)
        section.different_first_page_header_footer = False
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(header, f"{TOWN}政府工作报告目标跟踪 · 数据月份：{period_label(self.report)}", size=HEADER_SIZE, color=MUTED)
        if self.report.demo:
            _run(header, f"　【{DEMO_MARK}，非真实填报】", font=HEADING_FONT, size=HEADER_SIZE, bold=True, color=DEMO_COLOR)
        _rule_below(header, "8C8C8C")
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(footer, "— ", size=14)
        _field(footer, "PAGE", "1", size=14)
        _run(footer, " —", size=14)
        core = self.doc.core_properties
        core.title = report_title(self.report)
        core.subject = "政府工作报告目标任务推进情况通报"
        core.author = f"{TOWN}政府工作报告目标跟踪"
        core.language = "zh-CN"

    def heading(self, text: str, level: int = 1) -> None:
        para = self.doc.add_paragraph(style=f"Heading {level}")
        para.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)
        para.paragraph_format.space_before = Pt(6) if level == 1 else Pt(0)
        _run(para, text, font=HEADING_FONT if level == 1 else SUBHEADING_FONT, color="000000")

    def title(self) -> None:
        para = self.doc.add_paragraph(style="Title")
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.line_spacing = Pt(36)
        para.paragraph_format.space_after = Pt(12)
        # break the title where the meaning breaks, not where the line happens to end
        first, rest = title_lines(self.report)
        _run(para, first, font=TITLE_FONT, size=TITLE_SIZE, color="000000").add_break()
        _run(para, rest, font=TITLE_FONT, size=TITLE_SIZE, color="000000")
        line = _paragraph(self.doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(line, f"数据月份：{period_label(self.report)}　　序时进度：{fmt_pct(self.report.time_progress)}", font=SUBHEADING_FONT)
        if self.report.demo:
            notice = _paragraph(self.doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
            notice.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            notice.paragraph_format.space_before = Pt(6)
            _run(notice, f"【{DEMO_MARK}】", font=HEADING_FONT, size=12, bold=True, color=DEMO_COLOR)
            _run(notice, DEMO_NOTICE.removeprefix(f"{DEMO_MARK}："), size=12, color=DEMO_COLOR)
            _box(notice, DEMO_COLOR)
        _paragraph(self.doc, indent=False)  # one blank line before the body, as in a printed document

    def overview(self) -> None:
        self.heading(SECTION_TITLES[0])
        for text in overview_paragraphs(self.report, self.summary):
            _paragraph(self.doc, text)
        self.indicator_table()

    def indicator_table(self) -> None:
        caption = _paragraph(self.doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        caption.paragraph_format.space_before = Pt(6)
        caption.paragraph_format.keep_with_next = True
        _run(caption, f"表1　各领域量化指标推进情况（{period_label(self.report)}）", font=HEADING_FONT, size=12)
        by_code = {i.code: i for i in self.report.indicators}
        groups = [(s["title"], [by_code[i.code] for i in s["indicators"]]) for s in self.slides if s["kind"] == "area" and s["indicators"]]
        table = self.doc.add_table(rows=1, cols=len(TABLE_HEADER))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _cell_padding(table)
        for column, width in zip(table.columns, TABLE_WIDTHS_MM, strict=True):
            column.width = Mm(width)  # the grid: LibreOffice and WPS lay out from it, Word from the cells
        for cell, text, width in zip(table.rows[0].cells, TABLE_HEADER, TABLE_WIDTHS_MM, strict=True):
            cell.width = Mm(width)
            _cell(cell, text, font=HEADING_FONT, fill="E7E9EC")
        _row_flags(table.rows[0], header=True)
        for area_name, items in groups:
            first = len(table.rows)
            for item in items:
                row = table.add_row()
                _row_flags(row)
                cells = row.cells
                for cell, width in zip(cells, TABLE_WIDTHS_MM, strict=True):
                    cell.width = Mm(width)
                texts = [
                    item.name,
                    fmt_target(item.target, item.comparator, item.unit),
                    fmt_number(item.value, item.unit),
                    fmt_pct(item.completion),
                    fmt_pct(item.time_progress),
                    status_label(item.status),
                ]
                _cell(cells[1], texts[0], align=WD_ALIGN_PARAGRAPH.LEFT)
                for cell, text in zip(cells[2:6], texts[1:5], strict=True):
                    _cell(cell, text)
                color = STATUS_COLORS.get(item.status or "")
                _cell(cells[6], texts[5], fill=_tint(color) if color else None)
                if item is not items[-1]:  # an area's rows stay on one page, so its merged cell is never blank
                    for cell in cells:
                        cell.paragraphs[0].paragraph_format.keep_with_next = True
            _cell(table.rows[first].cells[0], area_name)
            if len(table.rows) - first > 1:
                table.cell(first, 0).merge(table.cell(len(table.rows) - 1, 0))
        if not groups:
            _paragraph(self.doc, "本年度未设量化指标。")

    def attention(self) -> None:
        self.heading(SECTION_TITLES[1])
        indicators, projects = attention_items(self.report)
        if not self.summary["reported"]:
            _paragraph(self.doc, f"本月各项指标和重点项目均为“{NO_DATA}”，暂无法研判进度滞后事项。")
            return
        if not indicators and not projects:
            _paragraph(self.doc, "本月没有滞后或预警事项。")
            return
        for number, (label, rows, measure) in enumerate((("量化指标", indicators, "项"), ("重点项目", projects, "个")), start=1):
            counts = Counter(r["status"] for r in rows)
            tally = "、".join(f"{COUNT_WORDS[s]}{counts[s]}{measure}" for s in (LAGGING, WARNING) if counts[s])
            self.heading(f"（{_cn(number)}）{label}（{tally or '无'}）", level=2)
            if not rows:
                _paragraph(self.doc, f"本月{label}没有滞后或预警事项。")
            for index, row in enumerate(rows, start=1):
                para = _paragraph(self.doc)
                _run(para, f"{index}. {row['name']}", font=HEADING_FONT)
                _run(
                    para,
                    f"【{row['status']}】",
                    font=HEADING_FONT,
                    color=STATUS_COLORS[row["status"]].lstrip("#") if row["status"] == LAGGING else INK,
                )
                _run(para, f"。所属领域：{row['area_name']}；责任部门：{row['department_name']}。{row['facts']}。")
                _run(para, "情况说明：", font=SUBHEADING_FONT)
                if row["has_explanation"]:
                    _run(para, f"{row['explanation'].rstrip('。')}。{row['note_meta']}")
                else:
                    _run(para, f"{NO_EXPLANATION}。", color=DEMO_COLOR)

    def next_steps(self) -> None:
        self.heading(SECTION_TITLES[2])
        sentences = next_steps(self.report, self.summary["reported"])
        if not sentences:
            _paragraph(self.doc, "本月各项目标任务均按序时推进，请各责任部门保持工作力度，确保完成全年目标。")
            return
        for index, sentence in enumerate(sentences, start=1):
            para = _paragraph(self.doc)
            _run(para, f"（{_cn(index)}）", font=SUBHEADING_FONT)
            _run(para, sentence)

    def build(self) -> bytes:
        self.title()
        self.overview()
        self.attention()
        self.next_steps()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def build_report(report: MonthStatus, areas: list[Area] | None = None) -> bytes:
    """The month's 通报 for one ``build_status`` object, as .docx bytes."""
    return _Bulletin(report, areas).build()


def report_for_month(con: duckdb.DuckDBPyConnection, year: int, month: int) -> bytes:
    return build_report(status_mod.build_status(con, year, month), status_mod.areas(con))


def timed_report_for_month(con: duckdb.DuckDBPyConnection, year: int, month: int) -> tuple[bytes, float]:
    """The document and the seconds it took to build (status query included)."""
    started = time.perf_counter()
    data = report_for_month(con, year, month)
    return data, time.perf_counter() - started

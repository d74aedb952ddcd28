"""The monthly 通报 (bulletin) as a Word file: 文号, title, 主送, 总体情况 / 主要进展 / 存在问题 / 下一步工作, 落款 and
date. Layout only.

The words come from ``tracker.bulletin_text`` over the same ``tracker.meeting.outline`` as the meeting page
and the PPTX, so the three never disagree on counts, order or wording of a row. The layout follows the
usual government document conventions (GB/T 9704): A4 portrait, 三号仿宋 body, 黑体 first-level and 楷体
second-level headings, Times New Roman for digits and latin text (faces in ``tracker.fonts``).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from tracker import bulletin_next, ooxml, towns, wording
from tracker import bulletin_tasks as tasks_text
from tracker import bulletin_text as text
from tracker import status as status_mod
from tracker.fonts import BODY_FONT, BULLETIN_FONT_TABLE, HEADING_FONT, LATIN, SUBHEADING_FONT, TITLE_FONT
from tracker.labels import DEMO_NOTICE, STATUS_COLORS, cn_number, fmt_pct, status_label
from tracker.meeting import DEMO_FLAG, DEMO_MARK, AreaSlide, outline, report_file_name, running_header, summary_of
from tracker.model import LAGGING, NOT_DONE, Area, IndicatorStatus, MonthStatus

__all__ = ["build_report", "report_file_name", "report_for_month", "timed_report_for_month"]

# 156 mm in all: the type area of A4 with GB/T 9704 margins. December has no 序时 column (the year is over).
TABLE_HEADER = ("领域", "指标", "目标", "完成值", "进度", "序时进度", "状态")
TABLE_WIDTHS_MM = (22, 30, 22, 21, 22, 18, 21)  # 水环境治理, 序时进度 and ✔ 已完成 each on one line
YEAR_END_HEADER = ("领域", "指标", "年度目标", "全年完成值", "进度", "状态")
YEAR_END_WIDTHS_MM = (22, 38, 25, 25, 25, 21)
CELL_PAD_TWIPS = 68  # 1.2 mm left and right, so 水环境治理 and 序时进度 fit on one line

TITLE_SIZE = 22  # 二号
BODY_SIZE = 16  # 三号
TABLE_SIZE = 10.5  # 五号
NOTE_SIZE = 9  # 小五: the measure under a figure, the note under a table
HEADER_SIZE = 10.5
LINE_PITCH = 28  # points: about 22 lines on a page, the usual for 三号 body text

INK = "1A1A1A"
MUTED = "5A5A5A"
DEMO_COLOR = "B3261E"
STATUS_TINT = 0.78  # status cells: the status colour mixed with this much white, black text on top

DocxObject = Any  # documents, paragraphs, runs, tables and cells of python-docx
Annex = Callable[[DocxObject], None]
CHAR = Pt(BODY_SIZE)  # one character of body text: indents are counted in characters


# ---------------------------------------------------------------- fonts and styles


def _run(
    paragraph: DocxObject, words: str, *, font: str = BODY_FONT, size: float = BODY_SIZE, bold: bool = False, color: str = INK
) -> DocxObject:
    run = paragraph.add_run(words)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor.from_string(color)
    ooxml.word_run_fonts(run._r.get_or_add_rPr(), font, LATIN)
    return run


def _font_table(doc: DocxObject) -> None:
    """Declare the Chinese faces with their aliases and GB2312 charset (86), so substitution stays Chinese."""
    fonts_part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    ooxml.rewrite_part(fonts_part, lambda root: ooxml.font_table_entries(root, BULLETIN_FONT_TABLE))


def _exact_lines(paragraph_format: DocxObject) -> None:
    paragraph_format.space_before = paragraph_format.space_after = Pt(0)
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(LINE_PITCH)


def _heading_style(style: DocxObject, face: str, size: float) -> None:
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = RGBColor.from_string("000000")
    rpr = style.element.get_or_add_rPr()
    color = rpr.find(qn("w:color"))
    for attr in ("w:themeColor", "w:themeShade"):
        color.attrib.pop(qn(attr), None)
    ooxml.word_run_fonts(rpr, face, LATIN)
    _exact_lines(style.paragraph_format)
    style.paragraph_format.keep_with_next = True


def _styles(doc: DocxObject) -> None:
    """Normal and headings in Chinese faces, black, zh-CN: anything not styled run by run still reads right."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    ooxml.word_run_fonts(defaults, BODY_FONT, LATIN)
    lang = defaults.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    ooxml.word_run_fonts(normal.element.get_or_add_rPr(), BODY_FONT, LATIN)
    _exact_lines(normal.paragraph_format)
    for name, face, size in (
        ("Heading 1", HEADING_FONT, BODY_SIZE),
        ("Heading 2", SUBHEADING_FONT, BODY_SIZE),
        ("Title", TITLE_FONT, TITLE_SIZE),
    ):
        _heading_style(doc.styles[name], face, size)
    # the Title style draws a blue rule under itself; an official title has none
    title_ppr = doc.styles["Title"].element.pPr
    border = title_ppr.find(qn("w:pBdr"))
    if border is not None:
        title_ppr.remove(border)


# ---------------------------------------------------------------- small layout helpers


def _paragraph(
    container: DocxObject,
    words: str = "",
    *,
    style: str | None = None,
    indent: bool = True,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    **run_kw: Any,
) -> DocxObject:
    para = container.add_paragraph(style=style)
    para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = CHAR * 2  # two characters
    if words:
        _run(para, words, **run_kw)
    return para


def _shade(element_pr: DocxObject, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ooxml.place_in_order(element_pr, shd)


def _border(paragraph: DocxObject, sides: tuple[str, ...], size: str, space: str, color: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", size), ("space", space), ("color", color)):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    ooxml.place_in_order(ppr, borders)


def _box(paragraph: DocxObject, color: str) -> None:
    """A thin border round a paragraph (the demo notice)."""
    _border(paragraph, ("top", "left", "bottom", "right"), "8", "4", color)
    _shade(paragraph._p.get_or_add_pPr(), "FDECEA")


def _rule_below(paragraph: DocxObject, color: str = "000000") -> None:
    _border(paragraph, ("bottom",), "6", "1", color)


def _field(paragraph: DocxObject, instruction: str, placeholder: str, **run_kw: Any) -> None:
    """A Word field (PAGE, NUMPAGES); each of its runs carries the fonts too."""
    for kind, words in (("begin", None), ("instr", instruction), ("separate", None), ("text", placeholder), ("end", None)):
        run = _run(paragraph, "", **run_kw)
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {words} "
        elif kind == "text":
            run.text = words
            continue
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._r.append(node)


def _tint(color: str, white: float = STATUS_TINT) -> str:
    color = color.lstrip("#")
    rgb = [int(color[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * white):02X}" for c in rgb)


def _cell(
    cell: DocxObject,
    words: str,
    *,
    font: str = BODY_FONT,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    fill: str | None = None,
    under: str = "",
) -> None:
    """One table cell; ``under`` is a second line in small muted type (the measure under a figure)."""
    para = cell.paragraphs[0]
    para.alignment = align
    pf = para.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = pf.space_after = Pt(1)
    run = _run(para, words, font=font, size=TABLE_SIZE)
    if under:
        run.add_break()
        _run(para, under, font=font, size=NOTE_SIZE, color=MUTED)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if fill:
        _shade(cell._tc.get_or_add_tcPr(), fill)


def _cell_padding(table: DocxObject) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(CELL_PAD_TWIPS))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    ooxml.place_in_order(table._tbl.tblPr, margins)


def _row_flags(row: DocxObject, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        trpr.append(OxmlElement(tag))


# ---------------------------------------------------------------- the document


def _page(doc: DocxObject, report: MonthStatus) -> None:
    """A4 portrait with GB/T 9704 margins, the running header (and demo flag), the page number, properties."""
    _page_frame(doc, running_header(report), report.demo)
    core = doc.core_properties
    core.title = text.report_title(report)
    core.subject = text.SUBJECT
    core.author = f"{towns.name()}政府工作报告目标跟踪"
    core.language = "zh-CN"


def _page_frame(doc: DocxObject, running: str, demo: bool) -> None:
    """A4 portrait with GB/T 9704 margins, the running header (and demo flag) and the page number."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    section.different_first_page_header_footer = False
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(header, running, size=HEADER_SIZE, color=MUTED)
    if demo:
        _run(header, f"　{DEMO_FLAG}", font=HEADING_FONT, size=HEADER_SIZE, bold=True, color=DEMO_COLOR)
    _rule_below(header, "8C8C8C")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", size=14)
    _field(footer, "PAGE", "1", size=14)
    _run(footer, " —", size=14)


def _text_width(words: str) -> float:
    """Width in characters of body text: a digit or latin letter is half a Chinese character."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in words)


class _Bulletin:
    def __init__(self, report: MonthStatus, areas: list[Area] | None, issued: date | None, annex: Annex | None = None):
        self.report = report
        self.annex = annex
        self.slides = outline(report, areas)
        self.summary = summary_of(self.slides)
        self.formal = text.formal(issued)
        self.sections = text.section_titles(report)
        self.doc = Document()
        _styles(self.doc)
        _font_table(self.doc)
        _page(self.doc, report)

    def heading(self, words: str, level: int = 1) -> None:
        para = self.doc.add_paragraph(style=f"Heading {level}")
        para.paragraph_format.first_line_indent = CHAR * 2
        para.paragraph_format.space_before = Pt(6) if level == 1 else Pt(0)
        _run(para, words, font=HEADING_FONT if level == 1 else SUBHEADING_FONT, color="000000")

    def title(self) -> None:
        number = _paragraph(self.doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(number, self.formal.number)
        _paragraph(self.doc, indent=False)
        para = self.doc.add_paragraph(style="Title")
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.line_spacing = Pt(36)
        para.paragraph_format.space_after = Pt(12)
        first, rest = text.title_lines(self.report)
        _run(para, first, font=TITLE_FONT, size=TITLE_SIZE, color="000000").add_break()
        _run(para, rest, font=TITLE_FONT, size=TITLE_SIZE, color="000000")
        line = _paragraph(self.doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(line, text.period_line(self.report), font=SUBHEADING_FONT)
        if self.report.demo:
            notice = _paragraph(self.doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
            notice.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            notice.paragraph_format.space_before = Pt(6)
            _run(notice, f"【{DEMO_MARK}】", font=HEADING_FONT, size=12, bold=True, color=DEMO_COLOR)
            _run(notice, DEMO_NOTICE.removeprefix(f"{DEMO_MARK}："), size=12, color=DEMO_COLOR)
            _box(notice, DEMO_COLOR)
        _paragraph(self.doc, indent=False)  # one blank line before the body, as in a printed document
        _paragraph(self.doc, self.formal.recipients, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)  # 主送: flush left
        _paragraph(self.doc, text.opening(self.report))

    def overview(self) -> None:
        self.heading(self.sections[0])
        for words in text.overview_paragraphs(self.report, self.summary):
            _paragraph(self.doc, words)
        self.indicator_table()
        if words := tasks_text.counts_sentence(self.report):  # after table 1, which the paragraphs above refer to
            _paragraph(self.doc, words)

    def indicator_table(self) -> None:
        caption = _paragraph(self.doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        caption.paragraph_format.space_before = Pt(6)
        caption.paragraph_format.keep_with_next = True
        _run(caption, text.table_caption(self.report), font=HEADING_FONT, size=12)
        groups = [(s.title, s.indicators) for s in self.slides if isinstance(s, AreaSlide) and s.indicators]
        if not groups:
            _paragraph(self.doc, text.NO_INDICATORS)
            return
        header, widths = (YEAR_END_HEADER, YEAR_END_WIDTHS_MM) if self.report.final else (TABLE_HEADER, TABLE_WIDTHS_MM)
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _cell_padding(table)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)  # the grid: LibreOffice and WPS lay out from it, Word from the cells
        for cell, words, width in zip(table.rows[0].cells, header, widths, strict=True):
            cell.width = Mm(width)
            _cell(cell, words, font=HEADING_FONT, fill="E7E9EC")
        _row_flags(table.rows[0], header=True)
        for area_name, items in groups:
            self.area_rows(table, area_name, items, widths)
        note = _paragraph(self.doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
        note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        note.paragraph_format.space_before = Pt(3)
        note.paragraph_format.space_after = Pt(6)
        _run(note, text.table_note(self.report), size=NOTE_SIZE, color=MUTED)

    def area_rows(self, table: DocxObject, area_name: str, items: tuple[IndicatorStatus, ...], widths: tuple[int, ...]) -> None:
        """One row per indicator of an area, the area's name in one merged cell down the first column."""
        first = len(table.rows)
        month = self.report.month
        for item in items:
            row = table.add_row()
            _row_flags(row)
            cells = row.cells
            for cell, width in zip(cells, widths, strict=True):
                cell.width = Mm(width)
            figure, measure = text.table_progress(item)
            _cell(cells[1], item.name, align=WD_ALIGN_PARAGRAPH.LEFT)
            _cell(cells[2], wording.target_text(item))
            _cell(cells[3], wording.value_text(item, month))
            _cell(cells[4], figure, under=measure)
            if not self.report.final:
                _cell(cells[5], fmt_pct(item.time_progress))
            color = STATUS_COLORS.get(item.status or "")
            _cell(cells[-1], status_label(item.status), fill=_tint(color) if color else None)
            if item is not items[-1]:  # an area's rows stay on one page, so its merged cell is never blank
                for cell in cells:
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
        _cell(table.rows[first].cells[0], area_name)
        if len(table.rows) - first > 1:
            table.cell(first, 0).merge(table.cell(len(table.rows) - 1, 0))

    def lead_paragraph(self, lead: str, words: str) -> DocxObject:
        para = _paragraph(self.doc)
        _run(para, lead, font=SUBHEADING_FONT)
        _run(para, words)
        return para

    def progress(self) -> None:
        self.heading(self.sections[1])
        if intro := text.unjudged(self.report, self.summary):
            _paragraph(self.doc, intro)
            return
        leads = text.progress_paragraphs(self.report)
        for lead in leads:
            self.lead_paragraph(lead.lead, lead.text)
        if task_lead := tasks_text.progress_lead(self.report, len(leads) + 1):
            self.lead_paragraph(task_lead.lead, task_lead.text)

    def attention(self) -> None:
        self.heading(self.sections[2])
        intro, groups = text.attention_groups(self.report, self.summary)
        if intro:
            _paragraph(self.doc, intro)
            return
        for group in groups:
            if group.text:
                self.lead_paragraph(f"{group.heading}。", group.text)
                continue
            self.heading(group.heading, level=2)
            if not group.items:
                _paragraph(self.doc, group.empty)
            for index, item in enumerate(group.items, start=1):
                self.attention_item(text.item_paragraph(index, item), item.row.status)
        self.task_attention(len(groups) + 1)

    def task_attention(self, number: int) -> None:
        """存在问题 of 重点工作: each task needing attention with its 牵头单位, 责任领导 and latest 进展情况."""
        group = tasks_text.attention_group(self.report, number)
        if group is None:
            return
        self.heading(group.heading, level=2)
        if not group.items:
            _paragraph(self.doc, group.empty)
        for words, status in group.items:
            self.attention_item(words, status)
        if group.unreported:
            _paragraph(self.doc, group.unreported)

    def attention_item(self, words: text.ItemParagraph, status: str | None) -> None:
        para = _paragraph(self.doc)
        _run(para, words.lead, font=HEADING_FONT)
        mark_color = STATUS_COLORS[LAGGING].lstrip("#") if status in (LAGGING, NOT_DONE) else INK
        _run(para, words.status_mark, font=HEADING_FONT, color=mark_color)
        _run(para, words.body)
        _run(para, words.note_label, font=SUBHEADING_FONT)
        _run(para, words.note, color=INK if words.has_note else DEMO_COLOR)

    def next_steps(self) -> None:
        self.heading(self.sections[3])
        sentences = bulletin_next.next_steps(self.report, self.summary.reported, self.formal)
        if task_sentence := tasks_text.next_step(self.report, self.formal):
            sentences.append(task_sentence)
        if not sentences:
            _paragraph(self.doc, bulletin_next.nothing_to_do(self.report))
            return
        for index, sentence in enumerate(sentences, start=1):
            self.lead_paragraph(f"（{cn_number(index)}）", sentence)

    def signature(self) -> None:
        """落款: the issuing office centred over the date, the date four characters from the right margin. The body's
        last paragraph keeps with it: a page holding only the 落款 is not a valid page of a 公文."""
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        for _ in range(2):  # room for the seal
            _paragraph(self.doc, indent=False).paragraph_format.keep_with_next = True
        date_indent = 4.0
        issuer_indent = max(0.0, date_indent + (_text_width(self.formal.date_text) - _text_width(self.formal.issuer)) / 2)
        for words, indent in ((self.formal.issuer, issuer_indent), (self.formal.date_text, date_indent)):
            para = _paragraph(self.doc, words, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            para.paragraph_format.right_indent = Pt(BODY_SIZE * indent)
            para.paragraph_format.keep_with_next = True

    def build(self) -> bytes:
        self.title()
        self.overview()
        self.progress()
        self.attention()
        self.next_steps()
        self.signature()
        if self.annex:
            self.annex(self.doc)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def build_report(report: MonthStatus, areas: list[Area] | None = None, issued: date | None = None, annex: Annex | None = None) -> bytes:
    """The month's 通报 for one ``build_status`` object, dated ``issued`` (default today), as .docx bytes; ``annex``
    adds pages after the 落款 (the 督办 附件)."""
    return _Bulletin(report, areas, issued, annex).build()


def report_for_month(con: duckdb.DuckDBPyConnection, year: int, month: int, issued: date | None = None) -> bytes:
    from tracker import duban_doc  # it lays out with this module's helpers

    report = status_mod.build_status(con, year, month)
    return build_report(report, status_mod.areas(con), issued, duban_doc.annex_for(con, report, issued))


def timed_report_for_month(con: duckdb.DuckDBPyConnection, year: int, month: int, issued: date | None = None) -> tuple[bytes, float]:
    """The document and the seconds it took to build (status query included)."""
    started = time.perf_counter()
    data = report_for_month(con, year, month, issued)
    return data, time.perf_counter() - started

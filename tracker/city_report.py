"""The city's 通报 as a Word file: 一、总体情况 / 二、各镇街推进情况 / 三、共同指标对比 / 四、需要关注的问题 / 五、下一步工作.

Every figure is a town's own verdict (``tracker.city_outline`` over ``tracker.city``); a town that reported nothing is
named 未填报, never counted as zeros. The layout is the town 通报's (``tracker.report_doc`` helpers: A4, GB/T 9704
margins, 三号仿宋 body, 黑体 and 楷体 headings). No 文号 or 落款: the platform does not know the city's issuing office,
and it does not invent one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt

from tracker.city_outline import RUNNING_HEADER, TITLE, CityMonth, SharedIndicator, TownItem, counts_of, rate_text, unreported
from tracker.fonts import HEADING_FONT, SUBHEADING_FONT, TITLE_FONT
from tracker.labels import STATUS_COLORS, cn_number, fmt_pct, status_label
from tracker.meeting import DEMO_MARK
from tracker.model import LAGGING, NO_DATA, NOT_DONE
from tracker.report_doc import (
    CHAR,
    DEMO_COLOR,
    MUTED,
    NOTE_SIZE,
    TITLE_SIZE,
    DocxObject,
    _box,
    _cell,
    _cell_padding,
    _font_table,
    _page_frame,
    _paragraph,
    _row_flags,
    _run,
    _styles,
    _tint,
)

__all__ = ["SECTIONS", "build_city_report"]

SECTIONS = ("一、总体情况", "二、各镇街推进情况", "三、共同指标对比", "四、需要关注的问题", "五、下一步工作")
COUNT_WORDS = {"已完成": "已完成", "正常": "进度正常", "预警": "预警", "滞后": "滞后", "未完成": "未完成", "未填报": "未填报"}
TOWN_FIXED_MM = {"镇街": 24, "事项": 13, "填报率": 19, "升级督办": 16, "督办事项": 16}  # the statuses share the rest of 156 mm
SHARED_HEADER = ("镇街", "目标", "完成值", "进度", "状态")
SHARED_WIDTHS_MM = (24, 30, 32, 46, 24)
PER_TOWN = 3  # items named per town in 四 (escalated first); the rest counted, in the town's own 通报


def _heading(doc: DocxObject, words: str, level: int = 1) -> None:
    para = doc.add_paragraph(style=f"Heading {level}")
    para.paragraph_format.first_line_indent = CHAR * 2
    para.paragraph_format.space_before = Pt(6) if level == 1 else Pt(0)
    _run(para, words, font=HEADING_FONT if level == 1 else SUBHEADING_FONT, color="000000")


def _caption(doc: DocxObject, words: str) -> None:
    caption = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.keep_with_next = True
    _run(caption, words, font=HEADING_FONT, size=12)


def _note(doc: DocxObject, words: str) -> None:
    note = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    note.paragraph_format.space_before = Pt(3)
    note.paragraph_format.space_after = Pt(6)
    _run(note, words, size=NOTE_SIZE, color=MUTED)


def _grid(doc: DocxObject, header: Sequence[str], widths: Sequence[float]) -> DocxObject:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_padding(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for cell, words, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.width = Mm(width)
        _cell(cell, words, font=HEADING_FONT, fill="E7E9EC")
    _row_flags(table.rows[0], header=True)
    return table


def _row(
    table: DocxObject, words: Sequence[str], widths: Sequence[float], status: str | None = None, status_col: int = -1, keep: bool = True
) -> None:
    """A row; ``keep`` holds it on the page of the next one (a short table is never split from its total)."""
    row = table.add_row()
    _row_flags(row)
    for index, (cell, text, width) in enumerate(zip(row.cells, words, widths, strict=True)):
        cell.width = Mm(width)
        color = STATUS_COLORS.get(status or "") if index == status_col % len(words) else None
        _cell(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER, fill=_tint(color) if color else None)
        cell.paragraphs[0].paragraph_format.keep_with_next = keep


def _counts_clause(counts: dict[str, int], statuses: Sequence[str]) -> str:
    return "，".join(f"{COUNT_WORDS[s]}{counts[s]}项" for s in statuses)


def _names(rows: Sequence) -> str:
    return "、".join(r.name for r in rows)


class _CityBulletin:
    def __init__(self, facts: CityMonth):
        self.facts = facts
        self.doc = Document()
        _styles(self.doc)
        _font_table(self.doc)
        _page_frame(self.doc, f"{RUNNING_HEADER} · 数据月份：{facts.period}", facts.demo)
        core = self.doc.core_properties
        core.title = self.title_text
        core.subject = TITLE + "通报"
        core.author = RUNNING_HEADER
        core.language = "zh-CN"

    @property
    def title_text(self) -> str:
        return f"{TITLE}通报（{self.facts.period}）"

    def title(self) -> None:
        para = self.doc.add_paragraph(style="Title")
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.line_spacing = Pt(36)
        para.paragraph_format.space_after = Pt(12)
        _run(para, "中山市各镇街政府工作报告", font=TITLE_FONT, size=TITLE_SIZE, color="000000").add_break()
        _run(para, f"目标任务推进情况通报（{self.facts.period}）", font=TITLE_FONT, size=TITLE_SIZE, color="000000")
        if self.facts.demo:
            notice = _paragraph(self.doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
            notice.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            notice.paragraph_format.space_before = Pt(6)
            _run(notice, f"【{DEMO_MARK}】", font=HEADING_FONT, size=12, bold=True, color=DEMO_COLOR)
            _run(notice, f"{self.facts.demo_who}的月度实际值为系统生成的演示数据，并非各部门真实填报。", size=12, color=DEMO_COLOR)
            _box(notice, DEMO_COLOR)
        _paragraph(self.doc, indent=False)

    def overview(self) -> None:
        facts = self.facts
        _heading(self.doc, SECTIONS[0])
        rate = "—" if facts.report_rate is None else fmt_pct(facts.report_rate)
        _paragraph(
            self.doc,
            f"截至{facts.year}年{facts.month}月底，全市{len(facts.rows)}个镇街纳入跟踪，各镇街按本镇街政府工作报告目标、"
            f"用同一套规则自行评定，共评定事项{facts.items}项（指标、项目和重点工作），其中"
            f"{_counts_clause(facts.totals, facts.statuses)}；事项填报率{rate}。",
        )
        _paragraph(self.doc, f"连续滞后达到升级督办的事项{facts.escalated}项，办理中的督办事项{facts.open_actions}项。")
        if facts.unreported:
            _paragraph(self.doc, f"{_names(facts.unreported)}本月未填报任何事项，其情况无法评定，列为“{NO_DATA}”，不计作零。")
        if facts.unreachable:
            _paragraph(self.doc, facts.unreachable_text)

    def towns_table(self) -> None:
        facts = self.facts
        _heading(self.doc, SECTIONS[1])
        _paragraph(self.doc, "各镇街推进情况见表1，按薄弱程度排列（未填报的镇街在前，其次为滞后、未完成事项占比高的镇街）。")
        _caption(self.doc, f"表1　各镇街推进情况（{facts.period}）")
        share = (156 - sum(TOWN_FIXED_MM.values())) / len(facts.statuses)
        header = ["镇街", "事项", *(s for s in facts.statuses), "填报率", "升级督办", "督办事项"]
        widths = [TOWN_FIXED_MM["镇街"], TOWN_FIXED_MM["事项"], *([share] * len(facts.statuses))]
        widths += [TOWN_FIXED_MM["填报率"], TOWN_FIXED_MM["升级督办"], TOWN_FIXED_MM["督办事项"]]
        table = _grid(self.doc, header, widths)
        for r in facts.rows:
            silent = unreported(r)
            judged = ["—" if silent and s != NO_DATA else str(counts_of(r)[s]) for s in facts.statuses]
            words = [r.name, str(r.items), *judged, rate_text(r), str(r.escalated), str(r.open_actions)]
            _row(table, words, widths, NO_DATA if silent else None, status_col=0)
        total_rate = "—" if facts.report_rate is None else fmt_pct(facts.report_rate)
        totals = [str(facts.totals[s]) for s in facts.statuses]
        escalated, actions = facts.escalated, facts.open_actions
        _row(table, ["全市合计", str(facts.items), *totals, total_rate, str(escalated), str(actions)], widths)  # kept with its note
        _note(
            self.doc,
            "注：各项数字为各镇街自行评定结果之和；“—”表示该镇街本月未填报、无法评定；"
            "填报率＝本月已填报事项÷本月应评定事项；升级督办为连续滞后达到督办单、约谈等步骤的事项。",
        )

    def shared(self) -> None:
        facts = self.facts
        _heading(self.doc, SECTIONS[2])
        if not facts.shared:
            _paragraph(self.doc, "本月各镇街之间暂无共同跟踪的指标。")
            return
        _paragraph(self.doc, f"{len(facts.shared)}项指标由两个以上镇街共同跟踪，各镇街完成情况对比如下（目标为各镇街本镇街报告所定）。")
        for number, indicator in enumerate(facts.shared, start=2):
            self.shared_indicator(number, indicator)

    def shared_indicator(self, number: int, indicator: SharedIndicator) -> None:
        ranked = [p for p in indicator.points if p.bar is not None]
        missing = [p.town for p in indicator.points if p.bar is None]
        said = []
        if len(ranked) > 1:
            said.append(f"{ranked[0].town}{ranked[0].progress}，居首；{ranked[-1].town}{ranked[-1].progress}")
        elif ranked:
            said.append(f"{ranked[0].town}{ranked[0].progress}")
        if missing:
            said.append(f"{'、'.join(missing)}本月未填报")
        para = _paragraph(self.doc)
        _run(para, f"{indicator.name}。", font=SUBHEADING_FONT)
        _run(para, "；".join(said) + "。" if said else "")
        _caption(self.doc, f"表{number}　{indicator.name}")
        table = _grid(self.doc, SHARED_HEADER, SHARED_WIDTHS_MM)
        for p in indicator.points:
            words = [p.town, p.target, p.value, p.progress, status_label(p.status)]
            _row(table, words, SHARED_WIDTHS_MM, p.status, status_col=-1, keep=p is not indicator.points[-1])

    def attention(self) -> None:
        facts = self.facts
        _heading(self.doc, SECTIONS[3])
        by_town: dict[str, list[TownItem]] = {}
        for item in facts.attention:
            by_town.setdefault(item.town, []).append(item)
        word = "未完成" if facts.final else "滞后"
        groups = 0
        if by_town:
            groups += 1
            _heading(self.doc, f"（{cn_number(groups)}）{word}及升级督办事项", level=2)
            for town, items in by_town.items():
                self.town_items(town, items, word)
        if facts.unreported:
            groups += 1
            _heading(self.doc, f"（{cn_number(groups)}）未填报的镇街", level=2)
            _paragraph(self.doc, f"{_names(facts.unreported)}本月未填报任何事项（{NO_DATA}），无法评定其推进情况。")
        partial = [r for r in facts.rows if r.items and not unreported(r) and r.reported < r.items]
        if partial:
            groups += 1
            _heading(self.doc, f"（{cn_number(groups)}）填报不全的镇街", level=2)
            named = "、".join(f"{r.name}（{fmt_pct(r.report_rate)}）" for r in partial)
            _paragraph(self.doc, f"本月填报率未达100%的镇街{len(partial)}个：{named}。")
        if not groups:
            _paragraph(self.doc, f"本月各镇街均已填报，没有{word}或升级督办事项。")

    def town_items(self, town: str, items: list[TownItem], word: str) -> None:
        lagging = sum(1 for i in items if i.status in (LAGGING, NOT_DONE))
        escalated = sum(1 for i in items if i.escalation)
        para = _paragraph(self.doc)
        _run(para, f"{town}：", font=HEADING_FONT)
        head = f"{word}{lagging}项" + (f"，其中升级督办{escalated}项" if escalated else "")
        named = []
        for i in items[:PER_TOWN]:
            step = f"，已升级{i.escalation}（连续{i.consecutive_lagging}个月滞后）" if i.escalation else ""
            named.append(f"{i.name}（{i.type_name}，{i.status}，{i.progress}，牵头单位{i.department_name}{step}）")
        rest = f"；另有{len(items) - PER_TOWN}项，见该镇街本月通报" if len(items) > PER_TOWN else ""
        _run(para, f"{head}：" + "；".join(named) + rest + "。")

    def next_steps(self) -> None:
        facts = self.facts
        _heading(self.doc, SECTIONS[4])
        sentences = []
        if facts.attention:
            word = "未完成" if facts.final else "滞后"
            sentences.append(f"有{word}事项的镇街对照本镇街政府工作报告目标，逐项分析原因，明确整改措施和完成时限。")
        if any(r.escalated for r in facts.rows):
            sentences.append("对已升级督办的事项，相关镇街按督办要求限期办理，及时报送办理进展。")
        if facts.unreported or any(r.items and r.reported < r.items for r in facts.rows):
            sentences.append("未填报、填报不全的镇街尽快补报本月数据和进展情况。")
        sentences.append("各镇街继续按月报送目标任务推进情况，确保数据真实、准确、及时。")
        for index, sentence in enumerate(sentences, start=1):
            para = _paragraph(self.doc)
            _run(para, f"（{cn_number(index)}）", font=SUBHEADING_FONT)
            _run(para, sentence)

    def build(self) -> bytes:
        self.title()
        self.overview()
        self.towns_table()
        self.shared()
        self.attention()
        self.next_steps()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def build_city_report(facts: CityMonth) -> bytes:
    """The city's 通报 for one month (``city_outline.city_month``), as .docx bytes."""
    return _CityBulletin(facts).build()

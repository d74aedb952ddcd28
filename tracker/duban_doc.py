"""The 督办单 (one item) and the 催报通知 (one department) as Word files, in the 通报's faces and page (the layout
helpers of ``tracker.report_doc``; words from ``tracker.supervision``), and the 通报's 附件 of the month's 督办事项
and escalated items.

- 督办单: the item, its facts (target, value, 序时进度 or stage, months lagging), the requirement (its open actions, or
  the standard request for measures), the deadline, 主送 the lead department, 抄送 the supporting ones.
- 催报通知: what one department owes for the month (未填报 items, 滞后 items without a 情况说明, overdue actions).
"""

from __future__ import annotations

import io
import time
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from tracker import actions, config, store, supervision, wording
from tracker import bulletin_text as text
from tracker import status as status_mod
from tracker.errors import Refusal
from tracker.fonts import HEADING_FONT, SUBHEADING_FONT, TITLE_FONT
from tracker.labels import DEMO_NOTICE, cn_date, cn_number
from tracker.meeting import DEMO_MARK
from tracker.model import AnyItem, MonthStatus
from tracker.report_doc import (
    BODY_SIZE,
    DEMO_COLOR,
    TITLE_SIZE,
    Annex,
    DocxObject,
    _box,
    _cell,
    _cell_padding,
    _font_table,
    _page,
    _paragraph,
    _row_flags,
    _rule_below,
    _run,
    _styles,
)
from tracker.supervision import Owed, Supervision

RED = "C00000"  # the 版头 of a 督办 document
NOTICE_WORKING_DAYS = 3
FORM_LABEL_MM, FORM_VALUE_MM = 30, 126


class DubanError(Refusal, ValueError):
    """A 督办单 or 催报通知 that cannot be made (an unknown item or department); Chinese, for users."""


def _document(report: MonthStatus) -> DocxObject:
    doc = Document()
    _styles(doc)
    _font_table(doc)
    _page(doc, report)
    return doc


def _masthead(doc: DocxObject, title: str, number: str) -> None:
    """The red 版头 (issuing office), the document's title and its number over a red rule."""
    head = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(head, text.formal().issuer, font=TITLE_FONT, size=TITLE_SIZE, color=RED)
    name = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    name.paragraph_format.line_spacing = Pt(40)
    _run(name, title, font=TITLE_FONT, size=26, color="000000")
    line = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(line, number)
    _rule_below(line, RED)


def _number(kind: str, issued: date) -> str:
    """``三乡督办〔2023〕　　号``: the number left blank for the office, as on the 通报."""
    return f"{config.settings().doc_number_prefix}{kind}〔{issued.year}〕　　号"


def _demo(doc: DocxObject, report: MonthStatus) -> None:
    if report.demo:
        notice = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
        notice.paragraph_format.space_before = Pt(6)
        _run(notice, f"【{DEMO_MARK}】", font=HEADING_FONT, size=12, bold=True, color=DEMO_COLOR)
        _run(notice, DEMO_NOTICE.removeprefix(f"{DEMO_MARK}："), size=12, color=DEMO_COLOR)
        _box(notice, DEMO_COLOR)


def _signature(doc: DocxObject, issued: date) -> None:
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    for words in (text.formal(issued).issuer, cn_date(issued)):
        para = _paragraph(doc, words, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        para.paragraph_format.right_indent = Pt(BODY_SIZE * 4)
        para.paragraph_format.keep_with_next = True


def _save(doc: DocxObject) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- 督办单


def requirement(item: AnyItem, facts: Supervision, issued: date) -> tuple[list[str], date]:
    """What the 督办单 asks, and by when: the item's open actions, or the standard request for measures."""
    mine = facts.actions_of(item.code)
    if mine:
        return [supervision.action_line(a, facts.today) for a in mine], min(a.due for a in mine)
    deadline = text.formal(issued).deadline
    ask = (f"请{item.department_name}会同配合单位分析滞后原因，制定整改措施和追赶计划，"
           f"于{cn_date(deadline)}前书面报送镇督查室，并按月报送进展。")  # fmt: skip
    return [ask], deadline


def duban_docx(report: MonthStatus, code: str, facts: Supervision, issued: date | None = None) -> bytes:
    item = supervision.find_item(report, code)
    if item is None:
        raise DubanError(f"{report.year}年没有编码为“{code}”的事项（指标、项目或重点工作）。")
    issued = issued or date.today()
    doc = _document(report)
    _masthead(doc, "督　办　单", _number("办", issued))
    _demo(doc, report)
    asks, deadline = requirement(item, facts, issued)
    step = f"（{supervision.escalation_line(item)}）" if item.escalation else ""
    rows = [
        ("督办事项", f"【{supervision.kind_name(item)}】{item.name}{step}"),
        ("报告原文", wording.source_text(item) or "—"),  # a copied item's sentence says it is last year's
        ("主送", item.department_name),
        ("抄送", "、".join(item.support_department_names) or "—"),
        ("责任领导", supervision.leader_text(item.leader)),
        ("基本情况", f"截至{report.year}年{report.month}月，{supervision.item_facts(item, report.month)}"),
        ("督办要求", "\n".join(f"{n}. {a}" for n, a in enumerate(asks, start=1)) if len(asks) > 1 else asks[0]),
        ("办结时限", cn_date(deadline)),
        ("办理情况反馈", "（由责任单位填写，加盖公章后报镇督查室）\n\n\n"),
    ]
    _paragraph(doc, indent=False).paragraph_format.line_spacing = Pt(10)  # a little air under the 版头
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_padding(table)
    for column, width in zip(table.columns, (FORM_LABEL_MM, FORM_VALUE_MM), strict=True):
        column.width = Mm(width)  # the grid: LibreOffice and WPS lay out from it, Word from the cells
    for label, words in rows:
        row = table.add_row()
        _row_flags(row)
        left, right = row.cells
        left.width, right.width = Mm(FORM_LABEL_MM), Mm(FORM_VALUE_MM)
        _cell(left, label, font=HEADING_FONT, fill="E7E9EC")
        _cell(right, words, align=WD_ALIGN_PARAGRAPH.LEFT)
        for run in right.paragraphs[0].runs:
            run.font.size = Pt(12)
    _paragraph(doc, f"请{item.department_name}收到本督办单后抓紧办理，按时限将办理情况反馈镇督查室。")
    _signature(doc, issued)
    return _save(doc)


def duban_for_item(con: store.Connection, code: str, year: int, month: int, issued: date | None = None) -> bytes:
    report = status_mod.build_status(con, year, month)
    return duban_docx(report, code, supervision.supervision_for(con, report, issued), issued)


def duban_file_name(name: str, year: int, month: int) -> str:
    return f"督办单_{name[:20]}_{year}年{month}月.docx"


# ---------------------------------------------------------------- 催报通知


def notice_docx(report: MonthStatus, owed: Owed, issued: date | None = None) -> bytes:
    issued = issued or date.today()
    doc = _document(report)
    _masthead(doc, "催　报　通　知", _number("催", issued))
    _demo(doc, report)
    _paragraph(doc, indent=False)
    _paragraph(doc, f"{owed.department_name}：", indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    period = f"{report.year}年{report.month}月"
    if owed.empty:
        _paragraph(doc, f"经核查，截至{cn_date(issued)}，你单位{period}的数据、情况说明和督办事项均已按时报送，无需补报。")
        _signature(doc, issued)
        return _save(doc)
    _paragraph(doc, f"经核查，截至{cn_date(issued)}，你单位{period}以下事项尚未按时报送或办结，请于收到本通知后"
                    f"{NOTICE_WORKING_DAYS}个工作日内通过系统补报，并将逾期原因书面报镇督查室。")  # fmt: skip
    groups = [
        ("未填报的事项", [f"【{supervision.kind_name(i)}】{i.name}" for i in owed.unreported]),
        ("未报送情况说明的滞后、预警事项", [f"【{supervision.kind_name(i)}】{i.name}（{i.status}）" for i in owed.unexplained]),
        ("逾期未办结的督办事项", [supervision.action_line(a, issued) for a in owed.overdue_actions]),
    ]
    number = 0
    for heading, lines in groups:
        if not lines:
            continue
        number += 1
        para = _paragraph(doc)
        _run(para, f"{cn_number(number)}、{heading}（{len(lines)}项）", font=HEADING_FONT)
        for n, line in enumerate(lines, start=1):
            _paragraph(doc, f"{n}. {line}")
    _signature(doc, issued)
    return _save(doc)


def notice_for_department(con: store.Connection, department: str, year: int, month: int, issued: date | None = None) -> bytes:
    names = dict(con.execute("select code, name from department").fetchall())
    if department not in names:
        raise DubanError(f"部门编码“{department}”不存在（可选：{'、'.join(names)}）。")
    report = status_mod.build_status(con, year, month)
    owed = supervision.overdue_for(report, department, actions.list_actions(con, year=year, today=issued), issued)
    if owed.department_name == department:
        owed = Owed(department, names[department], owed.unreported, owed.unexplained, owed.overdue_actions)
    return notice_docx(report, owed, issued)


def timed_notices(con: store.Connection, year: int, month: int) -> tuple[dict[str, bytes], float]:
    """Every department's 催报通知 for the month, and the seconds it took."""
    started = time.perf_counter()
    codes = [c for (c,) in con.execute("select code from department order by code").fetchall()]
    out = {c: notice_for_department(con, c, year, month) for c in codes}
    return out, time.perf_counter() - started


def notice_file_name(department_name: str, year: int, month: int) -> str:
    return f"催报通知_{department_name}_{year}年{month}月.docx"


# ---------------------------------------------------------------- the 通报's 附件


def bulletin_annex(doc: DocxObject, facts: Supervision, report: MonthStatus) -> None:
    """附件: the month's open 督办事项 and escalated items, on a page of its own after the 落款."""
    label = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    label.paragraph_format.page_break_before = True
    _run(label, "附件", font=HEADING_FONT)
    title = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(title, f"{report.year}年{report.month}月督办事项及升级督办情况", font=TITLE_FONT, size=18)
    _paragraph(doc, indent=False)
    para = _paragraph(doc)
    _run(para, f"一、办理中的督办事项（{len(facts.actions)}项）", font=HEADING_FONT)
    if not facts.actions:
        _paragraph(doc, "本月没有办理中的督办事项。")
    for n, a in enumerate(facts.actions, start=1):
        para = _paragraph(doc)
        _run(para, f"{n}. {a.item_name}：", font=SUBHEADING_FONT)
        _run(para, f"{supervision.action_line(a, facts.today)}；最新进展：{supervision.latest_progress(a)}。")
    para = _paragraph(doc)
    _run(para, f"二、连续滞后升级督办的事项（{len(facts.escalated)}项）", font=HEADING_FONT)
    if not facts.escalated:
        _paragraph(doc, "本月没有连续滞后达到升级条件的事项。")
    for n, item in enumerate(facts.escalated, start=1):
        para = _paragraph(doc)
        _run(para, f"{n}. {item.name}（{item.department_name}）：", font=SUBHEADING_FONT)
        _run(para, f"{supervision.escalation_line(item)}。")


def annex_for(con: store.Connection, report: MonthStatus, issued: date | None = None) -> Annex:
    facts = supervision.supervision_for(con, report, issued)
    return lambda doc: bulletin_annex(doc, facts, report)

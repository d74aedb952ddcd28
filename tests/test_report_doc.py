"""The Word 通报: open the .docx with python-docx and compare what it says with ``build_status``."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from tests.conftest import DOC_MONTH, DOC_YEAR, ROOT, app_page
from tracker import bulletin_text, fonts, meeting, ooxml, report_doc, status, store
from tracker.labels import status_label
from tracker.model import LAGGING, NO_DATA, NO_TARGET, NOT_DONE, STATUSES, WARNING, YEAR_END_STATUSES, MonthStatus

YEAR, MONTH = DOC_YEAR, DOC_MONTH
ISSUED = date(2023, 7, 5)  # the document's date: the 落款, the 文号's year and the start of the 整改 deadline
WORD_FOR = bulletin_text.COUNT_WORDS
SECTIONS = bulletin_text.MONTHLY_SECTIONS


def open_doc(data: bytes):
    assert data[:2] == b"PK", "a .docx is a zip file"
    return Document(io.BytesIO(data))


def body_text(doc) -> str:
    """Paragraphs and table cells in document order."""
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def header_text(doc) -> str:
    return "\n".join(p.text for s in doc.sections for p in s.header.paragraphs)


def section_text(doc, number: int) -> str:
    """The paragraphs between the ``number``-th section heading and the next one."""
    out, current = [], 0
    for para in doc.paragraphs:
        if para.style.name == "Heading 1":
            current += 1
            continue
        if current == number:
            out.append(para.text)
    return "\n".join(out)


def parse_counts(sentence: str, noun: str, measure: str, statuses=STATUSES) -> dict[str, int]:
    """``16项年度量化指标中，已完成1项、进度正常4项……`` → {status: count}; a status not named counts 0."""
    match = re.search(rf"(\d+){measure}{noun}中，([^；。]*)", sentence)
    assert match, f"no count sentence for {noun} in: {sentence}"
    clause = match.group(2)
    return {s: int(m.group(1)) if (m := re.search(rf"{WORD_FOR[s]}(\d+){measure}", clause)) else 0 for s in statuses}


def monthly_counts(items) -> dict[str, int]:
    """``status_counts`` for a month before the deadline: 未完成 is not a monthly verdict."""
    return {s: n for s, n in status.status_counts(items).items() if s in STATUSES}


@pytest.fixture
def report(june_status) -> MonthStatus:
    return june_status


@pytest.fixture
def doc(con):
    return open_doc(report_doc.report_for_month(con, YEAR, MONTH, ISSUED))


def test_title_period_and_sections_in_order(doc, report):
    """文号, title, the data month with 序时进度, then 总体情况 / 主要进展 / 存在问题 / 下一步工作 as first-level headings."""
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert title.text.replace("\n", "") == f"三乡镇{YEAR}年政府工作报告目标任务推进情况通报（{YEAR}年{MONTH}月）"
    after = doc.paragraphs[[p._p for p in doc.paragraphs].index(title._p) + 1]
    assert after.text == f"数据月份：{YEAR}年{MONTH}月　　序时进度：50%"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、主要进展", "三、存在问题", "四、下一步工作"]


def before_annex(paragraphs: list) -> list:
    """The body: the paragraphs before the 督办 附件 (texts or python-docx paragraphs)."""
    texts = [p if isinstance(p, str) else p.text for p in paragraphs]
    return paragraphs[: texts.index("附件")] if "附件" in texts else paragraphs


def test_formal_elements(doc):
    """文号 with the number left blank, 主送 flush left, the opening, 落款 and the document's date at the end of the body
    (the 督办 附件 follows on a page of its own)."""
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "三乡督〔2023〕　　号"
    assert "各村（社区）、镇属各部门：" in texts
    recipients = doc.paragraphs[texts.index("各村（社区）、镇属各部门：")]
    assert recipients.paragraph_format.first_line_indent in (None, 0)
    assert texts[texts.index("各村（社区）、镇属各部门：") + 1].startswith(f"现将截至{YEAR}年{MONTH}月底")
    filled = before_annex([p for p in doc.paragraphs if p.text])
    assert doc.paragraphs[len(before_annex(doc.paragraphs))].paragraph_format.page_break_before
    assert [p.text for p in filled[-2:]] == ["三乡镇人民政府督查室", "2023年7月5日"]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in filled[-2:])
    # 整改措施 are due rectify_days (10) after the document's date
    assert "于2023年7月15日前将整改措施报送三乡镇人民政府督查室" in section_text(doc, 4)


def test_the_document_date_defaults_to_today(con):
    doc = open_doc(report_doc.report_for_month(con, YEAR, MONTH))
    today = date.today()
    assert before_annex([p.text for p in doc.paragraphs if p.text])[-1] == f"{today.year}年{today.month}月{today.day}日"
    assert doc.paragraphs[0].text == f"三乡督〔{today.year}〕　　号"


def test_page_is_a4_portrait(doc):
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert len(doc.sections) == 1


def test_overview_counts_equal_status_counts(doc, report):
    """The count sentence in 总体情况 says exactly what ``status_counts`` says of the annual items, and says what
    is counted: 16 annual quantified targets (not 21), the tracked items named apart."""
    text = section_text(doc, 1)
    assert parse_counts(text, "年度量化指标", "项") == monthly_counts(report.indicators)
    assert parse_counts(text, "重点项目", "个") == monthly_counts(report.projects)
    assert f"{len(report.indicators)}项年度量化指标中" in text
    assert f"{len(report.projects)}个重点项目中" in text
    assert sum(monthly_counts(report.indicators).values()) == len(report.indicators) == 16
    assert f"另有跟踪事项{len(report.tracked)}项" in text and "不计入上述统计" in text
    assert "21项" not in text


def test_overview_states_the_tolerance_and_the_warning_margin(doc):
    """The reader is told how a colour is decided, with the numbers in settings.toml (2 and 10 points)."""
    text = section_text(doc, 1)
    assert "低于序时进度不超过2个百分点的，为进度正常" in text
    assert "低于序时进度2至10个百分点的为预警" in text and "低于10个百分点以上的为滞后" in text


def test_indicator_table_lists_every_indicator_with_its_status(doc, report, con):
    (table,) = doc.tables
    header = [c.text for c in table.rows[0].cells]
    assert header == ["领域", "指标", "目标", "完成值", "进度", "序时进度", "状态"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in rows] == [i.name for i in report.indicators]
    for cells, item in zip(rows, report.indicators, strict=True):
        assert cells[0] == item.area_name  # merged area cells read the same on every row
        assert cells[6] == status_label(item.status)  # status as words, not only a colour
        if item.completion is not None:
            assert cells[4].endswith(item.measure)  # the measure under the figure: 完成率 / 较上年末进度 / 对照目标值
        if item.time_progress is None:
            assert cells[5] == "—"  # a level that must hold has no 序时进度
    by_code = {i.code: cells for i, cells in zip(report.indicators, rows, strict=True)}
    assert by_code["pretreat_coverage"][4].endswith("较上年末进度")
    assert by_code["worse_than_v_rivers"][4] == "减少1条\n较上年末"
    assert by_code["forest_tending"][3] == "367.1亩（5月数）"  # a stale value carries its month
    assert by_code["new_industrial_above_scale"][2] == "≥35家（力争）"  # the report's qualifier kept
    areas_in_order = list(dict.fromkeys(r[0] for r in rows))
    assert areas_in_order == [a.name for a in status.areas(con) if a.name in areas_in_order]


def test_every_lagging_and_warning_item_is_in_the_problems_section(doc, report):
    text = section_text(doc, 3)
    lagging = [i for i in report.indicators if i.status == LAGGING]
    assert lagging, "the demo month should have lagging indicators"
    for item in [*report.indicators, *report.projects]:
        if item.status in (LAGGING, WARNING):
            assert item.name in text, item.name
            assert item.department_name in text
    for item in lagging:
        line = next(p for p in text.splitlines() if item.name in p)
        assert f"【{LAGGING}】" in line
        assert f"低于序时进度{item.gap_pp:.1f}个百分点" in line
        assert "截至6月底序时进度50%" in line
    assert bulletin_text.MISSING_NOTE in text  # the demo data has no 情况说明 yet
    on_track = [i for i in report.indicators if i.status not in (LAGGING, WARNING)]
    assert not any(f"{i.name}【" in text for i in on_track)


def test_explanation_text_replaces_the_missing_note(demo_db):
    with store.connect(demo_db) as con:
        item = next(i for i in status.build_status(con, YEAR, MONTH).indicators if i.status == LAGGING)
        batch = store.new_batch(con, "explanation", "测试员")
        con.execute("insert into explanation values (?, ?, ?, ?, ?)", [item.code, YEAR, MONTH, "受台风影响，7月集中推进", batch])
        doc = open_doc(report_doc.report_for_month(con, YEAR, MONTH))
    line = next(p.text for p in doc.paragraphs if re.match(rf"\d+\. {re.escape(item.name)}【", p.text))
    assert "情况说明：受台风影响，7月集中推进。（测试员" in line
    assert meeting.NO_EXPLANATION not in line


def test_a_routine_note_under_a_lagging_verdict_reads_as_missing(demo_db):
    """ "【滞后】…情况说明：按计划推进。" contradicts itself: such a note reads （未报送情况说明）, in the 通报 and the deck."""
    with store.connect(demo_db) as con:
        item = next(i for i in status.build_status(con, YEAR, MONTH).indicators if i.status == LAGGING)
        batch = store.new_batch(con, "explanation", "测试员")
        con.execute("insert into explanation values (?, ?, ?, ?, ?)", [item.code, YEAR, MONTH, "目前按计划推进。", batch])
        doc = open_doc(report_doc.report_for_month(con, YEAR, MONTH, ISSUED))
    line = next(p.text for p in doc.paragraphs if re.match(rf"\d+\. {re.escape(item.name)}【", p.text))
    assert line.endswith("情况说明：（未报送情况说明）。")
    for para in section_text(doc, 3).splitlines():
        if f"【{LAGGING}】" in para or f"【{WARNING}】" in para:
            assert not any(phrase in para for phrase in meeting.ROUTINE_NOTES), para


def test_next_steps_name_each_department_with_lagging_items(doc, report):
    text = section_text(doc, 4)
    departments = {i.department_name for i in [*report.indicators, *report.projects] if i.status in (LAGGING, WARNING)}
    for dept in departments:
        assert f"请{dept}对照年度目标" in text, dept
    quiet = {i.department_name for i in [*report.indicators, *report.projects]} - departments
    for dept in quiet:
        assert f"请{dept}对照年度目标" not in text


def test_demo_notice_in_every_page_header_and_under_the_title(doc):
    assert all(not s.different_first_page_header_footer for s in doc.sections)
    for section in doc.sections:
        assert meeting.DEMO_MARK in "\n".join(p.text for p in section.header.paragraphs)
    under_title = "\n".join(p.text for p in doc.paragraphs[:7])
    assert "并非各部门真实填报" in under_title


def test_every_run_has_an_east_asian_font(doc):
    """python-docx writes only ascii/hAnsi; every run, headers and footers included, names its Chinese face."""
    parts = [doc.element.body, *(s.header._element for s in doc.sections), *(s.footer._element for s in doc.sections)]
    runs = 0
    for part in parts:
        for run in part.iter(qn("w:r")):
            faces = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
            assert faces is not None and faces.get(qn("w:eastAsia")), run.xpath("string(.)")
            assert faces.get(qn("w:eastAsia")) in fonts.BULLETIN_FONT_TABLE
            runs += 1
    assert runs > 200
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    for para in headings:
        assert {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in para.runs} == {fonts.HEADING_FONT}
    body = next(p for p in doc.paragraphs if "年度量化指标中" in p.text)
    assert {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in body.runs} == {fonts.BODY_FONT}


def test_month_without_data_says_no_data_and_has_no_demo_notice(empty_db):
    with store.connect(empty_db) as con:
        report = status.build_status(con, YEAR, MONTH)
        assert not report.demo
        doc = open_doc(report_doc.build_report(report, status.areas(con)))
    text = body_text(doc)
    assert NO_DATA in section_text(doc, 1)
    assert NO_DATA in section_text(doc, 3)
    assert "情况见第二部分" not in section_text(doc, 1)  # 主要进展 has nothing to show
    assert meeting.DEMO_MARK not in text
    assert meeting.DEMO_MARK not in header_text(doc)
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == list(SECTIONS)
    counts = parse_counts(section_text(doc, 1), "年度量化指标", "项")
    assert counts == monthly_counts(report.indicators)
    assert "按时报送" in section_text(doc, 4)


def run_cli(demo_db, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "report", *args],
        cwd=ROOT,
        env={**os.environ, "TRACKER_DB": str(demo_db)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_writes_a_report(demo_db, tmp_path):
    out = tmp_path / "通报.docx"
    result = run_cli(demo_db, "--year", str(YEAR), "--month", str(MONTH), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stdout
    doc = Document(str(out))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == list(SECTIONS)


def test_cli_takes_the_document_date(demo_db, tmp_path):
    out = tmp_path / "通报.docx"
    result = run_cli(demo_db, "--year", str(YEAR), "--month", "12", "--date", "2024-01-08", "-o", str(out))
    assert result.returncode == 0, result.stderr
    texts = before_annex([p.text for p in Document(str(out)).paragraphs if p.text])
    assert texts[0] == "三乡督〔2024〕　　号" and texts[-1] == "2024年1月8日"
    bad = run_cli(demo_db, "--year", str(YEAR), "--month", "6", "--date", "7月5日", "-o", str(tmp_path / "x.docx"))
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


@pytest.mark.parametrize("month, name", [("13", "x.docx"), ("0", "x.docx"), ("6", "x.pptx")])
def test_cli_refuses_bad_month_or_suffix(demo_db, tmp_path, month, name):
    result = run_cli(demo_db, "--year", str(YEAR), "--month", month, "-o", str(tmp_path / name))
    assert result.returncode == 2
    assert not (tmp_path / name).exists()


def test_meeting_page_offers_the_word_download(demo_db):
    at = app_page("pages/meeting.py", timeout=90)
    labels = [getattr(b.proto, "label", "") for b in at.get("download_button")]
    assert "下载通报(Word)" in labels
    assert "下载PPT" in labels


def test_property_children_follow_the_schema_order(doc):
    """Word rejects a file whose pPr / tcPr / tblPr children are out of order; check every one we wrote to."""
    checked = 0
    for tag, order in ooxml.SCHEMA_ORDER.items():
        rank = {qn(t): i for i, t in enumerate(order)}
        parts = [doc.element.body, *(s.header._element for s in doc.sections)]
        for element in (e for part in parts for e in part.iter(qn(tag))):
            positions = [rank[child.tag] for child in element]
            assert positions == sorted(positions), [child.tag for child in element]
            checked += 1
    assert checked > 100


def test_a_level_that_must_hold_is_measured_against_its_target_not_time_progress(con):
    """文物巡查 must cover 51 sites every month: June's 47 is 'below the target', not 'below 序时进度'."""
    from tracker import report_doc, status

    report = status.build_status(con, 2023, 6)
    patrol = next(i for i in report.indicators if i.code == "heritage_patrol")
    assert patrol.gap_basis == "target"
    text = "\n".join(p.text for p in Document(io.BytesIO(report_doc.build_report(report))).paragraphs)
    line = next(t for t in text.splitlines() if "不可移动文物安全巡查" in t and "百分点" in t)
    assert "低于目标值" in line and "序时进度" not in line


# ---------------------------------------------------------------- December: the year-end verdict

YEAR_END_ISSUED = date(2024, 1, 8)


@pytest.fixture
def december(con) -> MonthStatus:
    return status.build_status(con, YEAR, 12)


@pytest.fixture
def december_doc(con):
    return open_doc(report_doc.report_for_month(con, YEAR, 12, YEAR_END_ISSUED))


def year_end_counts(items) -> dict[str, int]:
    return {s: n for s, n in status.status_counts(items).items() if s in YEAR_END_STATUSES}


def test_december_reads_as_a_year_end_verdict(december_doc, december):
    """全年完成情况: its own title and sections, 已完成 N 项 / 未完成 N 项 equal to status_counts, no 序时 at all."""
    assert december.final
    title = next(p for p in december_doc.paragraphs if p.style.name == "Title").text.replace("\n", "")
    assert title == f"三乡镇{YEAR}年政府工作报告目标任务全年完成情况通报"
    headings = [p.text for p in december_doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(bulletin_text.YEAR_END_SECTIONS) == ["一、全年目标完成情况", "二、主要成效", "三、存在问题", "四、下一步工作"]
    overview = section_text(december_doc, 1)
    counts = parse_counts(overview, "年度量化指标", "项", YEAR_END_STATUSES)
    assert counts == year_end_counts(december.indicators)
    assert counts[NOT_DONE] > 0 and sum(counts.values()) == len(december.indicators)
    assert parse_counts(overview, "重点项目", "个", YEAR_END_STATUSES) == year_end_counts(december.projects)
    assert f"已完成{counts['已完成']}项、未完成{counts[NOT_DONE]}项" in overview
    text = body_text(december_doc)
    assert "力争尽快达到序时进度" not in text
    assert "序时" not in text  # no 序时 to catch up: not in the words, not in the table
    assert [c.text for c in december_doc.tables[0].rows[0].cells] == ["领域", "指标", "年度目标", "全年完成值", "进度", "状态"]
    for word in (LAGGING, WARNING):
        assert f"【{word}】" not in text


def test_december_lists_every_unfinished_item_and_asks_for_causes_and_carry_over(december_doc, december):
    problems, steps = section_text(december_doc, 3), section_text(december_doc, 4)
    unfinished = [i for i in december.items if i.status == NOT_DONE]
    assert unfinished
    for item in unfinished:
        line = next(p for p in problems.splitlines() if f"{item.name}【" in p)
        assert f"【{NOT_DONE}】" in line
    for dept in {i.department_name for i in unfinished}:
        sentence = next(p for p in steps.splitlines() if f"{dept}：未完成年度目标" in p)
        assert "分析未完成原因" in sentence and "结转至2024年" in sentence and "于2024年1月18日前" in sentence
    fishpond = next(p for p in problems.splitlines() if "鱼塘尾水治理【" in p)
    assert "年度目标745亩，全年累计完成609.9亩，完成率81.9%；距年度目标尚差135.1亩" in fishpond


@pytest.mark.parametrize("month", [6, 12])
def test_no_machine_words_in_the_text(con, month):
    """Never "inf", "None", "nan" (nor "NaT") anywhere a reader looks."""
    text = body_text(open_doc(report_doc.report_for_month(con, YEAR, month, ISSUED)))
    for word in ("inf", "None", "nan", "NaN", "NaT", "Infinity"):
        assert word not in text, word


def test_june_wording_of_sums_levels_and_items_that_must_hold(doc):
    """Sums read "年度目标150套，1—6月累计完成34套"; levels name their measure and 上年末; 劣V类 reads as a change."""
    problems, progress = section_text(doc, 3), section_text(doc, 2)
    assert "年度目标150套，1—6月累计完成34套，完成率22.7%；截至6月底序时进度50%，低于序时进度27.3个百分点" in problems
    assert "较上年末进度33.3%（上年末38.2%）" in problems
    assert "每月目标51处，6月底为47处，对照目标值92.2%（目标100%）；低于目标值7.8个百分点" in problems
    assert "劣V类河涌数量6月底为5条，达到目标（每月目标不超过6条），较上年末减少1条" in progress
    assert "提前完成年度目标1项：市场主体总量" in progress  # 主要进展: what is done ahead of time
    assert "同比增长36.0%（上年同期25套）" in problems  # 同比 where last year's data exists


def test_a_year_without_targets_says_so(con):
    report = status.build_status(con, 2024, 1)
    text = body_text(open_doc(report_doc.build_report(report, status.areas(con), ISSUED)))
    assert "2024年政府工作报告目标尚未录入" in text
    assert "均按序时推进" not in text  # nothing was judged, so nothing is said to be on track
    first = next(p for p in text.splitlines() if "尚未录入" in p)
    assert NO_DATA not in first and f"均为“{NO_TARGET}”" in first

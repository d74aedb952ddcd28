"""The Word 通报: open the .docx with python-docx and compare what it says with ``build_status``."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.conftest import DOC_MONTH, DOC_YEAR, ROOT, app_page
from tracker import bulletin_text, fonts, meeting, ooxml, report_doc, status, store
from tracker.labels import status_label
from tracker.model import LAGGING, NO_DATA, STATUSES, WARNING, MonthStatus

YEAR, MONTH = DOC_YEAR, DOC_MONTH
WORD_FOR = bulletin_text.COUNT_WORDS


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


def parse_counts(sentence: str, noun: str, measure: str) -> dict[str, int]:
    """``21项量化指标中，已完成1项、进度正常8项……`` → {status: count}; a status not named counts 0."""
    match = re.search(rf"(\d+){measure}{noun}中，([^；。]*)", sentence)
    assert match, f"no count sentence for {noun} in: {sentence}"
    clause = match.group(2)
    return {s: int(m.group(1)) if (m := re.search(rf"{WORD_FOR[s]}(\d+){measure}", clause)) else 0 for s in STATUSES}


def monthly_counts(items) -> dict[str, int]:
    """``status_counts`` for a month before the deadline: 未完成 is not a monthly verdict."""
    return {s: n for s, n in status.status_counts(items).items() if s in STATUSES}


@pytest.fixture
def report(june_status) -> MonthStatus:
    return june_status


@pytest.fixture
def doc(con):
    return open_doc(report_doc.report_for_month(con, YEAR, MONTH))


def test_title_period_and_sections_in_order(doc, report):
    """Title, the data month with 序时进度, then 总体情况 / 进度滞后事项 / 下一步工作 as first-level headings."""
    title = f"三乡镇{YEAR}年政府工作报告目标任务推进情况通报（{YEAR}年{MONTH}月）"
    assert doc.paragraphs[0].text.replace("\n", "") == title
    assert doc.paragraphs[1].text == f"数据月份：{YEAR}年{MONTH}月　　序时进度：50.0%"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、进度滞后事项", "三、下一步工作"]


def test_page_is_a4_portrait(doc):
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert len(doc.sections) == 1


def test_overview_counts_equal_status_counts(doc, report):
    """The count sentence in 总体情况 says exactly what ``status_counts`` says, for indicators and projects."""
    text = section_text(doc, 1)
    assert parse_counts(text, "量化指标", "项") == monthly_counts(report.indicators)
    assert parse_counts(text, "重点项目", "个") == monthly_counts(report.projects)
    assert f"{len(report.indicators)}项量化指标中" in text
    assert f"{len(report.projects)}个重点项目中" in text


def test_indicator_table_lists_every_indicator_with_its_status(doc, report, con):
    (table,) = doc.tables
    header = [c.text for c in table.rows[0].cells]
    assert header == ["领域", "指标", "目标", "完成值", "完成率", "序时进度", "状态"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in rows] == [i.name for i in report.indicators]
    for cells, item in zip(rows, report.indicators, strict=True):
        assert cells[0] == item.area_name  # merged area cells read the same on every row
        assert cells[6] == status_label(item.status)  # status as words, not only a colour
    areas_in_order = list(dict.fromkeys(r[0] for r in rows))
    assert areas_in_order == [a.name for a in status.areas(con) if a.name in areas_in_order]


def test_every_lagging_and_warning_item_is_in_section_two(doc, report):
    text = section_text(doc, 2)
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
    assert meeting.NO_EXPLANATION in text  # the demo data has no 情况说明 yet
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


def test_next_steps_name_each_department_with_lagging_items(doc, report):
    text = section_text(doc, 3)
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
    under_title = "\n".join(p.text for p in doc.paragraphs[:4])
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
    body = next(p for p in doc.paragraphs if "量化指标中" in p.text)
    assert {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in body.runs} == {fonts.BODY_FONT}


def test_month_without_data_says_no_data_and_has_no_demo_notice(empty_db):
    with store.connect(empty_db) as con:
        report = status.build_status(con, YEAR, MONTH)
        assert not report.demo
        doc = open_doc(report_doc.build_report(report, status.areas(con)))
    text = body_text(doc)
    assert NO_DATA in section_text(doc, 1)
    assert NO_DATA in section_text(doc, 2)
    assert meeting.DEMO_MARK not in text
    assert meeting.DEMO_MARK not in header_text(doc)
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == list(bulletin_text.SECTION_TITLES)
    counts = parse_counts(section_text(doc, 1), "量化指标", "项")
    assert counts == monthly_counts(report.indicators)
    assert "按时报送" in section_text(doc, 3)


def test_build_time_is_interactive(con):
    started = time.perf_counter()
    report_doc.report_for_month(con, YEAR, MONTH)
    assert time.perf_counter() - started < 5


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
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == list(bulletin_text.SECTION_TITLES)


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

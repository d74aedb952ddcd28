"""The meeting deck: open the .pptx with python-pptx and compare what it says with ``build_status``."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn

from tests.conftest import DOC_MONTH, DOC_YEAR, ROOT
from tracker import deck, fonts, meeting, status, store
from tracker.labels import status_label
from tracker.model import LAGGING, NO_DATA, NOT_DONE, STATUSES, WARNING, YEAR_END_STATUSES, MonthStatus

YEAR, MONTH = DOC_YEAR, DOC_MONTH


def open_deck(data: bytes) -> Presentation:
    assert data[:2] == b"PK", "a .pptx is a zip file"
    return Presentation(io.BytesIO(data))


def slide_texts(slide) -> list[str]:
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return texts


def all_text(prs) -> str:
    return "\n".join(t for s in prs.slides for t in slide_texts(s))


def titles(prs) -> list[str]:
    return [s.name for s in prs.slides]


def charts(slide):
    return [shape.chart for shape in slide.shapes if shape.has_chart]


@pytest.fixture
def report(june_status) -> MonthStatus:
    return june_status


@pytest.fixture
def prs(con) -> Presentation:
    return open_deck(deck.deck_for_month(con, YEAR, MONTH))


def base_titles(prs) -> list[str]:
    """Slide titles without continuation slides."""
    return [t for t in titles(prs) if not t.endswith("（续）")]


def test_slides_in_meeting_order(prs, report, area_list):
    """Title, 总体情况, one slide per area in order, 重点项目, 重点工作, 跟踪事项, 滞后事项清单, 督办事项, 连续滞后升级督办;
    continuations follow their slide."""
    expected = [
        f"三乡镇{YEAR}年政府工作报告目标推进情况",
        "总体情况：序时进度 50.0%",
        *[a.name for a in area_list],
        "重点项目推进情况",
        "重点工作推进情况",
        "跟踪事项（不计入年度统计）",
        "滞后事项清单",
        "督办事项",
        "连续滞后升级督办",
    ]
    assert base_titles(prs) == expected
    all_titles = titles(prs)
    for index, title in enumerate(all_titles):
        if title.endswith("（续）"):
            assert all_titles[index - 1].removesuffix("（续）") == title.removesuffix("（续）")
    # the on-screen title is the same text as the slide's name
    for slide in list(prs.slides)[1:]:
        assert slide.name in slide_texts(slide)


def test_deck_is_16_by_9(prs):
    assert round(prs.slide_width / 914400, 3) == 13.333
    assert prs.slide_height / 914400 == 7.5


def test_area_charts_show_completion_and_time_progress(prs, report, area_list):
    """Each area slide has a native bar chart whose 完成率 series is build_status's completion, in order."""
    slides = {s.name: s for s in prs.slides}
    checked = 0
    for area in area_list:
        items = [i for i in report.indicators if i.area == area.code]
        found = charts(slides[area.name])
        assert len(found) == 1, area.name
        chart = found[0]
        assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
        series = {s.name: list(s.values) for s in chart.plots[0].series}
        # bars are drawn bottom-up, so the chart lists the indicators in reverse
        assert list(reversed(series["完成率"])) == [pytest.approx(i.completion) if i.completion is not None else None for i in items]
        # no 序时 marker for an item that must hold every month (time_progress None)
        assert list(reversed(series["序时进度"])) == [pytest.approx(i.time_progress) if i.time_progress else None for i in items]
        assert len(list(chart.plots[0].categories)) == len(items)
        checked += len(items)
    assert checked == len(report.indicators)


def test_summary_chart_counts_statuses_per_area(prs, report, area_list):
    summary = list(prs.slides)[1]
    (chart,) = charts(summary)
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    assert list(chart.plots[0].categories) == [a.name for a in area_list]
    for series in chart.plots[0].series:
        assert series.name in STATUSES
        expected = [sum(1 for i in report.indicators if i.area == a.code and i.status == series.name) for a in area_list]
        assert list(series.values) == expected
    text = "\n".join(slide_texts(summary))
    for name in STATUSES:  # the monthly verdicts; 未完成 appears only at year-end
        assert status_label(name) in text
    assert f"量化指标 {len(report.indicators)} 项" in text
    assert f"重点项目 {len(report.projects)} 个" in text


def test_lagging_items_listed_with_department_and_explanation_state(prs, report):
    text = all_text(prs)
    for area in {i.area_name for i in report.indicators}:
        assert area in text
    lagging = [i for i in report.indicators if i.status in (LAGGING, WARNING)]
    assert lagging, "the demo month should have lagging items"
    for item in lagging:
        assert item.name in text
        assert item.department_name in text
    assert meeting.NO_EXPLANATION in text  # the demo data has no 情况说明 yet
    assert status_label(LAGGING) in text and status_label(WARNING) in text
    lagging_slides = [s for s in prs.slides if s.name.startswith("滞后事项清单")]
    listed = "\n".join(t for s in lagging_slides for t in slide_texts(s))
    for item in report.indicators + report.projects:
        if item.status == LAGGING:
            assert item.name[:12] in listed  # names may be clipped in the table cell
        elif item.status == WARNING:
            assert item.name[:12] not in listed


def test_explanation_text_appears_in_deck(demo_db):
    with store.connect(demo_db) as con:
        item = next(i for i in status.build_status(con, YEAR, MONTH).indicators if i.status == LAGGING)
        batch = store.new_batch(con, "explanation", "测试员")
        con.execute("insert into explanation values (?, ?, ?, ?, ?)", [item.code, YEAR, MONTH, "受台风影响，7月集中推进", batch])
        text = all_text(open_deck(deck.deck_for_month(con, YEAR, MONTH)))
    assert "受台风影响，7月集中推进" in text


def test_every_slide_has_footer_with_month_and_demo_mark(prs):
    for slide in prs.slides:
        text = "\n".join(slide_texts(slide))
        assert f"数据月份：{YEAR}年{MONTH}月" in text, slide.name
        assert meeting.DEMO_MARK in text, slide.name


def test_every_run_has_an_east_asian_font(prs):
    """python-pptx only writes <a:latin>; every run must also name the east-asian face."""
    runs = 0
    for slide in prs.slides:
        for rpr in slide._element.iter(qn("a:rPr")):
            ea = rpr.find(qn("a:ea"))
            assert ea is not None and ea.get("typeface") == fonts.DECK_FONT, slide.name
            assert rpr.find(qn("a:latin")).get("typeface") == fonts.DECK_FONT
            runs += 1
        for chart in charts(slide):
            assert chart._chartSpace.find(".//" + qn("a:ea")).get("typeface") == fonts.DECK_FONT
    assert runs > 100


def test_month_without_data_says_no_data(empty_db):
    with store.connect(empty_db) as con:
        report = status.build_status(con, YEAR, MONTH)
        assert not report.demo
        prs = open_deck(deck.build_deck(report, status.areas(con)))
        areas = status.areas(con)
    text = all_text(prs)
    assert NO_DATA in text
    assert "尚无填报" in text
    assert "尚无进度填报" in text  # one sentence, not slides listing every project as 未填报
    assert base_titles(prs)[2:-4] == [a.name for a in areas]  # then 重点项目, 重点工作, 跟踪事项, 滞后事项清单
    assert "本月各项重点工作均为“未填报”：尚无进展填报。" in text
    for slide in prs.slides:
        assert meeting.DEMO_MARK not in "\n".join(slide_texts(slide))
    # no completion to chart: the area slides say so instead of drawing empty bars
    assert not any(charts(s) for s in prs.slides if s.name in {a.name for a in areas})


def test_cli_writes_a_deck(demo_db, tmp_path):
    out = tmp_path / "会议.pptx"
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "deck", "--year", str(YEAR), "--month", str(MONTH), "-o", str(out)],
        cwd=ROOT,
        env={**os.environ, "TRACKER_DB": str(demo_db)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stdout
    prs = Presentation(str(out))
    assert base_titles(prs)[-3:] == ["滞后事项清单", "督办事项", "连续滞后升级督办"]
    assert any(charts(s) for s in prs.slides)


def test_cli_refuses_bad_month(demo_db, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "deck", "--year", str(YEAR), "--month", "13", "-o", str(tmp_path / "x.pptx")],
        cwd=ROOT,
        env={**os.environ, "TRACKER_DB": str(demo_db)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert not (tmp_path / "x.pptx").exists()


def test_december_deck_is_the_year_end_verdict(con, area_list):
    """December: 年度目标完成情况 with 已完成/未完成 tiles, no 序时 bars, and 未完成事项清单 listing every unfinished item."""
    report = status.build_status(con, YEAR, 12)
    prs = open_deck(deck.build_deck(report, area_list))
    names = base_titles(prs)
    assert names[1] == "年度目标完成情况" and names[-1] == "未完成事项清单"
    summary = "\n".join(slide_texts(list(prs.slides)[1]))
    for name in YEAR_END_STATUSES:
        assert status_label(name) in summary
    for name in (WARNING, LAGGING):
        assert status_label(name) not in summary
    (chart,) = charts(list(prs.slides)[1])
    assert [s.name for s in chart.plots[0].series] == list(YEAR_END_STATUSES)
    for slide in prs.slides:
        for chart in charts(slide):
            assert "序时进度" not in [s.name for s in chart.plots[0].series]
    listed = "\n".join(t for s in prs.slides if s.name.startswith("未完成事项清单") for t in slide_texts(s))
    for item in report.items:
        if item.status == NOT_DONE:
            assert item.name[:12] in listed
    assert "力争尽快达到序时进度" not in all_text(prs)


def test_tracked_items_have_their_own_slide(prs, report):
    (slide,) = [s for s in prs.slides if s.name == "跟踪事项（不计入年度统计）"]
    text = "\n".join(slide_texts(slide))
    assert report.tracked
    for item in report.tracked:
        assert item.name[:12] in text
    summary = "\n".join(slide_texts(list(prs.slides)[1]))
    assert f"另有跟踪事项 {len(report.tracked)} 项" in summary and f"年度量化指标 {len(report.indicators)} 项" in summary

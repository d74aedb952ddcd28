"""The city's deck, 通报 and ``city`` command over two towns: the demo 三乡镇 and 横栏镇 added from files made for the
tests (it has reported nothing). Every count is the towns' own; a town with nothing reported is named 未填报, not 0."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from tests.conftest import ARTIFACTS
from tests.test_towns import HENGLAN, HOME, cli, write_town_files
from tracker import actions, city_deck, city_outline, city_report, config, status, store, towns
from tracker.auth import User
from tracker.model import ALL_STATUSES, NO_DATA, STATUSES, status_counts

JSON_KEYS = {"code", "name", "counts", "reporting_rate", "escalated", "open_actions"}


@pytest.fixture
def two_towns(demo_db, tmp_path) -> Path:
    """三乡镇 (demo data, one open 督办事项) and 横栏镇 added from its files (nothing reported)."""
    data, queries = write_town_files(tmp_path / "henglan-files")
    towns.add(HENGLAN, data, queries)
    with store.connect() as con:
        report = status.build_status(con, 2023, 6)
    lagging = next(i for i in report.all_items if i.status == "滞后")
    actions.create_action(lagging.code, 2023, 6, "7月底前报送整改措施", date(2023, 7, 31), User("admin", "admin"))
    return demo_db


def own_counts() -> dict[str, dict[str, int]]:
    """Each town's counts from its own store, by name: what the city documents must add up."""
    out = {}
    for town in towns.installed():
        with config.use_town(town.code), store.connect() as con:
            out[town.name] = status_counts(status.build_status(con, 2023, 6).all_items)
    return out


def deck_texts(data: bytes) -> tuple[list[str], dict[str, list[list[str]]]]:
    """Every text of the deck, and the rows of its tables by slide name."""
    prs = Presentation(io.BytesIO(data))
    texts, tables = [], {}
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                rows = [[c.text for c in row.cells] for row in shape.table.rows]
                name = slide.name.removesuffix("（续）")  # a continued table adds its rows without its header
                tables[name] = tables.get(name, []) + (rows[1:] if name in tables else rows)
    return texts, tables


def test_the_city_deck_adds_up_the_towns_own_counts(two_towns):
    facts = city_outline.city_month(2023, 6)
    data = city_deck.build_city_deck(facts)
    texts, tables = deck_texts(data)
    joined = "\n".join(texts)
    assert city_outline.TITLE in joined and "2023年6月" in joined
    assert "演示数据：三乡镇的月度实际值为系统生成" in joined  # 三乡镇's figures are demo; 横栏镇 has none
    rollup = tables["各镇街推进情况（由弱到强）"]
    header, rows = rollup[0], {r[1].removesuffix("（演示）"): r for r in rollup[1:]}
    assert set(rows) == {"三乡镇", "横栏镇"}
    assert [r[1] for r in rollup[1:]] == ["横栏镇", "三乡镇（演示）"]  # the town that reported nothing first
    own = own_counts()
    for status_name in STATUSES:
        column = header.index(status_name)
        assert int(rows["三乡镇"][column]) == own["三乡镇"][status_name]
    # 横栏镇 reported nothing: named 未填报, its judged columns empty, never zeros
    henglan = rows["横栏镇"]
    assert henglan[header.index("填报率")] == NO_DATA
    assert henglan[header.index(NO_DATA)] == str(own["横栏镇"][NO_DATA]) == "2"
    assert all(henglan[header.index(s)] == "—" for s in STATUSES if s != NO_DATA)
    totals = {s: sum(c[s] for c in own.values()) for s in ALL_STATUSES}
    assert facts.totals == totals
    assert all(f"{s} {totals[s]}" in joined for s in STATUSES)  # the totals line: ✔ 已完成 5 …
    assert f"本月{NO_DATA}：横栏镇" in joined
    assert int(rows["三乡镇"][header.index("督办事项")]) == 1
    # a native chart per shared indicator, 横栏镇 on it as 未填报
    prs = Presentation(io.BytesIO(data))
    shared = next(s for s in prs.slides if s.name == "共同指标对比：市场主体总量")
    chart = next(sh.chart for sh in shared.shapes if sh.has_chart)
    assert set(chart.plots[0].categories) == {"三乡镇", f"横栏镇（{NO_DATA}）"}
    assert chart.font.size.pt >= 14  # read on a projector
    # the attention slide names the town with each item
    attention = tables["各镇街升级督办及滞后事项"]
    assert len(attention) > 1 and all(r[0] == "三乡镇" for r in attention[1:])
    assert "None" not in joined


def test_the_city_report_adds_up_the_towns_own_counts_and_names_the_silent_town(two_towns):
    facts = city_outline.city_month(2023, 6)
    doc = Document(io.BytesIO(city_report.build_city_report(facts)))
    text = "\n".join(p.text for p in doc.paragraphs)
    for section in city_report.SECTIONS:
        assert section in text
    own = own_counts()
    total = {s: sum(c[s] for c in own.values()) for s in ALL_STATUSES}
    assert f"共评定事项{sum(sum(c.values()) for c in own.values())}项" in text
    assert f"滞后{total['滞后']}项" in text and f"未填报{total[NO_DATA]}项" in text
    assert "横栏镇本月未填报任何事项" in text  # in 总体情况 and 需要关注的问题
    assert "横栏镇本月未填报" in text.split("四、需要关注的问题")[1]
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert set(rows) == {"三乡镇", "横栏镇", "全市合计"}
    for status_name in STATUSES:
        column = header.index(status_name)
        assert int(rows["三乡镇"][column]) == own["三乡镇"][status_name]
        assert int(rows["全市合计"][column]) == total[status_name]
    assert rows["横栏镇"][header.index("填报率")] == NO_DATA and rows["横栏镇"][header.index("已完成")] == "—"
    shared = doc.tables[1]
    assert {r.cells[0].text: r.cells[2].text for r in shared.rows[1:]}["横栏镇"] == NO_DATA
    assert "三乡镇：滞后" in text  # its lagging items, with the town's name
    everything = text + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "None" not in everything and "nan" not in everything


def test_city_command_json_and_files(two_towns, tmp_path):
    result = cli(two_towns, "city", "--year", "2023", "--month", "6", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    assert [r["code"] for r in rows] == [HENGLAN, HOME]  # weakest first: 横栏镇 reported nothing
    assert all(JSON_KEYS <= set(r) for r in rows)
    own = own_counts()
    assert {r["name"]: r["counts"] for r in rows} == own
    home = rows[1]
    assert home["open_actions"] == 1 and home["escalated"] > 0 and 0 < home["reporting_rate"] < 1
    table = cli(two_towns, "city", "--year", "2023", "--month", "6")
    assert "横栏镇" in table.stdout and "本月未填报：横栏镇" in table.stdout and "全市合计" in table.stdout
    deck, report = tmp_path / "全市.pptx", tmp_path / "全市.docx"
    assert cli(two_towns, "city", "deck", "--year", "2023", "--month", "6", "--out", str(deck)).returncode == 0
    assert cli(two_towns, "city", "report", "--year", "2023", "--month", "6", "--out", str(report)).returncode == 0
    assert any(s.name == "各镇街推进情况（由弱到强）" for s in Presentation(str(deck)).slides)
    assert Document(str(report)).tables[0].rows[1].cells[0].text == "横栏镇"
    refused = cli(two_towns, "city", "deck", "--year", "2023", "--month", "13", "--out", str(deck))
    assert refused.returncode == 2 and "月份必须在 1 到 12 之间" in refused.stderr


def test_the_city_page_offers_both_downloads(two_towns):
    from tests.test_pages import open_page

    at = open_page("city", 6, year="2023")
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"下载全市汇报PPT", "下载全市通报"} <= labels
    from components import city_downloads
    from components.data import city_versions

    deck = city_downloads.city_deck_bytes(2023, 6, city_versions())
    assert any("横栏镇" in sh.text_frame.text for s in Presentation(io.BytesIO(deck)).slides for sh in s.shapes if sh.has_text_frame)


@pytest.mark.slow
def test_the_city_documents_render_in_libreoffice(two_towns, tmp_path):
    """LibreOffice opens both files and prints them to PDF pages (PNGs kept as artifacts for a reader to look at)."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    assert soffice and pdftoppm, "LibreOffice and poppler-utils are needed"
    facts = city_outline.city_month(2023, 6)
    (tmp_path / "city_deck.pptx").write_bytes(city_deck.build_city_deck(facts))
    (tmp_path / "city_report.docx").write_bytes(city_report.build_city_report(facts))
    out = ARTIFACTS / "city_docs"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("city_deck.pptx", "city_report.docx"):
        profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
        subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / name)],
                       check=True, capture_output=True, timeout=180)  # fmt: skip
        pdf = tmp_path / Path(name).with_suffix(".pdf").name
        subprocess.run([pdftoppm, "-r", "50", "-png", str(pdf), str(out / Path(name).stem)], check=True, timeout=120)
    pages = sorted(out.glob("city_deck*.png")), sorted(out.glob("city_report*.png"))
    assert len(pages[0]) == len(Presentation(str(tmp_path / "city_deck.pptx")).slides) and len(pages[1]) >= 2


@pytest.mark.slow
@pytest.mark.browser
def test_both_city_downloads_in_chromium(two_towns, browser):
    """全市总览 in a real server and Chromium: each button gives its file (built on click), which opens and names both
    towns; the page has no exception."""
    from tests.conftest import StreamlitServer, assert_no_exception, screenshot

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = StreamlitServer(two_towns, ARTIFACTS / "streamlit_city_docs.log")
    try:
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", accept_downloads=True)
        tab = context.new_page()
        tab.goto(f"{server.url}/city?year=2023&month=6")
        tab.get_by_text("下载全市汇报材料").first.wait_for(timeout=120_000)
        files = {}
        for label in ("下载全市汇报PPT", "下载全市通报"):
            button = tab.get_by_role("button", name=label)
            button.scroll_into_view_if_needed()
            with tab.expect_download(timeout=120_000) as download:
                button.click()
            files[label] = (download.value.suggested_filename, Path(download.value.path()).read_bytes())
        screenshot(tab, "city_downloads_390")
        assert_no_exception(tab)
        context.close()
    finally:
        server.stop()
    deck_name, deck = files["下载全市汇报PPT"]
    report_name, report = files["下载全市通报"]
    assert deck_name == "中山市各镇街工作报告目标推进_2023年06月.pptx" and report_name.endswith("通报_2023年06月.docx")
    _, tables = deck_texts(deck)
    assert {"横栏镇", "三乡镇（演示）"} <= {row[1] for row in tables["各镇街推进情况（由弱到强）"]}
    assert "横栏镇本月未填报任何事项" in "\n".join(p.text for p in Document(io.BytesIO(report)).paragraphs)

"""AppTest of the leader pages (总览, six area pages, 指标详情, 重点项目) on demo, empty and partial data."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, app_page
from tracker import store
from tracker.indicators import registry

AREAS = ["economy", "rural", "water", "ecology", "culture", "livelihood"]
AREA_NAMES = {
    "economy": "经济发展",
    "rural": "乡村振兴",
    "water": "水环境治理",
    "ecology": "生态绿美",
    "culture": "文化建设",
    "livelihood": "民生保障",
}
PAGES = ["overview", *[f"area_{a}" for a in AREAS], "indicator", "projects"]
LAGGING_CODE = "new_service_above_scale"
LAGGING_NAME = "新增规模以上服务业、限额以上批零住餐企业"


def open_page(page: str, month: int | None = 6, **params: str) -> AppTest:
    """The app with the sidebar month (and other URL parameters) set as a forwarded link would, on ``page``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if month is not None:
        at.query_params["month"] = str(month)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame(at: AppTest, column: str):
    """The first dataframe on the page that has ``column``."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with column {column!r}: {[list(d.value.columns) for d in at.dataframe]}")


def charts(at: AppTest) -> list[dict]:
    return [{"spec": json.loads(c.proto.spec), "config": json.loads(c.proto.config)} for c in at.get("plotly_chart")]


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [t.value for t in at.title] + [h.value for h in at.header] + [s.value for s in at.subheader]
    return "\n".join(parts)


@pytest.fixture
def month_without_data(demo_db):
    """The demo database with every figure and project report of July 2023 removed."""
    with store.connect(demo_db) as con:
        con.execute("delete from figure where year = 2023 and month = 7")
        con.execute("delete from project_progress where year = 2023 and month = 7")
    return demo_db


# --- every page, three kinds of data ------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_demo_data(demo_db, page):
    """Each page renders with a title, the demo banner and charts that carry the shared toolbar config."""
    at = open_page(page)
    assert at.title, "page has no title"
    assert any("演示数据" in w.value for w in at.warning), "demo banner missing"
    for chart in charts(at):
        assert chart["config"]["displaylogo"] is False
        assert chart["config"]["toImageButtonOptions"]["filename"].startswith("2023年6月")
        assert chart["config"]["toImageButtonOptions"]["filename"].endswith("演示数据")  # a downloaded PNG says so
        assert chart["spec"]["layout"]["font"]["size"] >= 16


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_empty_data(empty_db, page):
    """Targets but no figures at all: no exception, no demo banner, statuses say 未填报 rather than zero."""
    at = open_page(page, month=None)
    assert not any("演示数据" in w.value for w in at.warning)
    if page.startswith("area_"):
        table = frame(at, "指标")
        assert len(table) > 0 and set(table["状态"]) <= {"○ 未填报", "未设目标"}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_for_a_month_without_data(month_without_data, page):
    """A month nobody reported (July) in an otherwise full year: every page renders, nothing reads as zero."""
    at = open_page(page, month=7)
    if page.startswith("area_"):
        assert (frame(at, "指标")["状态"] == "○ 未填报").all()
        assert "2023年7月" in text_of(at)


# --- 总览 --------------------------------------------------------------------------------------------------


def test_overview_lists_lagging_items_with_gap_and_department(demo_db):
    """June 2023: the service-enterprise indicator lags 16.7 points and its department answers for it."""
    at = open_page("overview")
    attention = frame(at, "事项")
    row = attention[attention["事项"] == LAGGING_NAME]
    assert len(row) == 1
    assert row.iloc[0]["状态"] == "✖ 滞后"
    assert row.iloc[0]["责任部门"] == "经济发展和科技统计局"
    assert row.iloc[0]["差距"] == "低于序时进度16.7个百分点"
    assert set(attention["状态"]) <= {"✖ 滞后", "▲ 预警"}
    assert {"指标", "项目"} <= set(attention["类型"]), "projects must be listed too"
    # worst first: every 滞后 row comes before any 预警 row
    states = list(attention["状态"])
    assert states == sorted(states, key=lambda s: s != "✖ 滞后")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["序时进度"] == "50.0%"


def test_overview_in_december_lists_unfinished_items_without_talk_of_time_progress(demo_db):
    at = open_page("overview", month=12)
    attention = frame(at, "事项")
    assert set(attention["状态"]) == {"✘ 未完成"}
    assert not any("序时" in str(gap) for gap in attention["差距"])
    row = attention[attention["事项"] == "鱼塘尾水治理"].iloc[0]
    assert row["差距"] == "距年度目标尚差135.1亩"


def test_overview_ranks_departments_by_share_on_track(demo_db):
    at = open_page("overview")
    ranking = frame(at, "正常率")
    assert list(ranking["排名"]) == list(range(1, len(ranking) + 1))
    assert list(ranking["正常率"]) == sorted(ranking["正常率"], reverse=True)
    assert (ranking["正常或已完成"] <= ranking["事项数"]).all()


def test_overview_respects_area_filter(demo_db):
    at = open_page("overview", area="水环境治理")
    attention = frame(at, "事项")
    assert len(attention) > 0 and set(attention["领域"]) == {"水环境治理"}
    assert LAGGING_NAME not in set(attention["事项"])


def test_overview_with_nothing_to_flag(empty_db):
    at = open_page("overview", month=None)
    assert any("没有滞后或预警" in s.value or "没有未完成" in s.value for s in at.success)


# --- area pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("area", AREAS)
def test_area_table_has_one_row_per_indicator(demo_db, area):
    """The table lists exactly the area's indicators (from the SQL registry), with status text and trend."""
    at = open_page(f"area_{area}")
    expected = {i.name for i in registry().values() if i.area == area and i.basis != "track"}
    table = frame(at, "完成率")
    assert set(table["指标"]) == expected and len(table) == len(expected)
    tracked = {i.name for i in registry().values() if i.area == area and i.basis == "track"}
    if tracked:  # multi-year goals and commitments without a number: their own table, out of the annual counts
        tables = [d.value for d in at.dataframe if "上年同期" in d.value.columns and "完成率" not in d.value.columns]
        assert len(tables) == 1 and set(tables[0]["指标"]) == tracked
    assert table["状态"].str.contains("正常|预警|滞后|已完成|未填报|未设目标").all()
    assert all(len(trend) >= 1 for trend in table["走势"])
    assert at.title[0].value == AREA_NAMES[area]
    [download] = at.get("download_button")
    assert download.proto.label == "下载本表（Excel）"


def test_area_chart_has_a_bar_per_indicator_and_time_progress(demo_db):
    at = open_page("area_water")
    completion = next(c for c in charts(at) if "_完成率" in c["config"]["toImageButtonOptions"]["filename"])
    bars = [t for t in completion["spec"]["data"] if t["type"] == "bar"]
    assert len(bars[0]["y"]) == sum(1 for i in registry().values() if i.area == "water" and i.basis != "track")
    assert any(t.get("name") == "序时进度" for t in completion["spec"]["data"])


def test_area_projects_listed_with_stage_and_percent(demo_db):
    at = open_page("area_water")
    projects = frame(at, "项目")
    assert {"计划节点", "实际节点", "完成百分比", "状态"} <= set(projects.columns)
    assert "茅湾涌防洪排涝整治工程一期" in set(projects["项目"])


# --- 指标详情 ----------------------------------------------------------------------------------------------


def test_indicator_page_opens_from_link_with_code(demo_db):
    """?indicator=CODE opens that indicator: its sentence from the report, its target note and its lineage."""
    at = open_page("indicator", indicator=LAGGING_CODE)
    assert at.header[0].value == LAGGING_NAME
    quote = " ".join(i.value for i in at.info)
    assert "报告原文" in quote and "新增规模以上服务业、限额以上批零住餐企业12家以上" in quote.replace("\\", "")
    lineage = frame(at, "批次")
    assert list(lineage["月份"]) == [f"{m}月" for m in range(1, 7)]
    assert {"填报人", "填报时间", "备注", "演示数据"} <= set(lineage.columns)
    [chart] = charts(at)
    names = {t.get("name") for t in chart["spec"]["data"]}
    assert {"当月值", "累计值", "全年目标", "序时进度", "2022年同期", "预计全年"} <= names


def test_indicator_select_box_switches_indicator(demo_db):
    at = open_page("indicator")
    at.selectbox(key="indicator").set_value("fishpond_tailwater").run()
    assert not at.exception
    assert at.header[0].value == "鱼塘尾水治理"


def test_indicator_page_escapes_uploaded_text(demo_db):
    """A note typed by staff is shown as text, never as HTML."""
    with store.connect(demo_db) as con:
        con.execute("update figure set note = '<img src=x onerror=alert(1)>' where metric = ? and month = 3", [LAGGING_CODE])
    at = open_page("indicator", indicator=LAGGING_CODE)
    lineage = frame(at, "备注")
    assert "<img src=x onerror=alert(1)>" in set(lineage["备注"])
    assert not any("<img" in m.value for m in at.markdown if m.proto.allow_html)


# --- 重点项目 ---------------------------------------------------------------------------------------------


def test_projects_page_lists_every_project(demo_db):
    at = open_page("projects")
    table = frame(at, "项目")
    assert len(table) == 33
    expected = {"年度节点", "计划节点", "实际节点", "完成百分比", "状态", "责任部门", "更新时间", "报告原文"}
    assert expected <= set(table.columns)
    [timeline] = charts(at)
    assert len([t for t in timeline["spec"]["data"] if t["type"] == "bar"][0]["y"]) == 33


def test_projects_filter_by_area_and_status(demo_db):
    at = open_page("projects")
    at.multiselect(key="project_areas").set_value(["culture"]).run()
    table = frame(at, "项目")
    assert set(table["领域"]) == {"文化建设"} and len(table) == 8
    at.multiselect(key="project_status").set_value(["滞后"]).run()
    table = frame(at, "项目")
    assert set(table["状态"]) == {"✖ 滞后"} and "修缮平南信道郑公祠" in set(table["项目"])


# --- speed --------------------------------------------------------------------------------------------------


def test_indicator_page_names_the_missing_month(demo_db):
    """抚育森林面积 has no June 2023 figure: in July the page says 缺报：6月 instead of counting it as zero."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["year"] = "2023"
    at.query_params["month"] = "7"
    at.query_params["indicator"] = "forest_tending"
    at.run()
    at.switch_page("pages/indicator.py").run()
    assert not at.exception
    assert any("缺报：6月" in w.value for w in at.warning)


# --- words on screen: measures, 上年末, qualifiers, stale months, demo gaps ----------------------------------


def metrics_of(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_indicator_page_names_the_measure_the_base_and_the_qualifier(demo_db):
    """七大行业污水预处理设施覆盖率 is a level: 较上年末进度 with 上年末 38.2%, target 力争60%, and it is a 时点指标."""
    at = open_page("indicator", indicator="pretreat_coverage")
    metrics = metrics_of(at)
    assert metrics["全年目标"] == "≥60%（力争）"
    assert metrics["较上年末进度"] == "33.3%" and metrics["上年末"] == "38.2%"
    assert metrics["序时进度"] == "50.0%"
    market = open_page("indicator", indicator="market_entities")
    assert "时点指标" in text_of(market) and "水平" not in text_of(market)


def test_indicator_page_judges_an_item_that_must_hold_against_its_target(demo_db):
    """文物巡查 must cover 51 sites each month: 对照目标, never 对照序时; November shows October's figure with its month."""
    at = open_page("indicator", indicator="heritage_patrol")
    metrics = metrics_of(at)
    assert metrics["每月目标"] == "≥51处"
    assert metrics["评定方式"] == "对照目标值" and metrics["对照目标值"] == "92.2%"
    (delta,) = [m.proto.delta for m in at.metric if m.label == "对照目标值"]
    assert "对照目标" in delta and "序时" not in delta
    november = metrics_of(open_page("indicator", month=11, indicator="heritage_patrol"))
    assert november["11月末数值"] == "51处（10月数）"


def test_projects_page_defines_each_stage(demo_db):
    at = open_page("projects")
    captions = " ".join(c.value for c in at.caption)
    assert "前期：立项、设计、报批等开工前工作（尚未开工的均属前期）" in captions
    [timeline] = charts(at)
    assert timeline["spec"]["layout"]["xaxis"]["ticktext"] == ["前期", "在建", "完工", "投用"]  # one vocabulary


def test_reporting_page_marks_demo_gaps_as_demo(demo_db):
    """The overdue list on demo data comes from gaps left on purpose: the page says so instead of naming real delays."""
    at = AppTest.from_file(str(ROOT / "pages" / "reporting.py"), default_timeout=60).run()
    assert not at.exception
    assert any("演示数据" in w.value for w in at.warning)
    assert "逾期未报齐（演示数据）" in [s.value for s in at.subheader]
    assert any("并非各部门真实逾期" in c.value for c in at.caption)


def test_reporting_page_without_demo_data_has_no_demo_mark(empty_db):
    at = AppTest.from_file(str(ROOT / "pages" / "reporting.py"), default_timeout=60).run()
    assert not at.exception
    assert not any("演示数据" in w.value for w in at.warning)
    assert "逾期未报齐" in [s.value for s in at.subheader]


# --- issue 14: the report's sentence in lists, "—" for empty cells, names in words, years, the meeting link -----


def test_overview_attention_list_carries_the_report_sentence(demo_db):
    """Beside every item on 总览, the report's own sentence (the table's 报告原文 and the phone cards' 报告原文)."""
    at = open_page("overview")
    attention = frame(at, "事项")
    row = attention[attention["事项"] == LAGGING_NAME].iloc[0]
    assert "新增规模以上服务业、限额以上批零住餐企业12家以上" in row["报告原文"]
    assert attention["报告原文"].str.len().gt(0).all()
    cards = "\n".join(h.proto.body for h in at.get("html"))
    assert cards.count('class="ux-card"') == len(attention)
    assert "新增规模以上服务业、限额以上批零住餐企业12家以上" in cards


@pytest.mark.parametrize("page", [*PAGES, "reporting", "map"])
def test_every_table_shows_a_dash_for_an_empty_cell(demo_db, page):
    """Streamlit writes "None" into an empty cell unless told otherwise; every table on these pages says "—"."""
    if page == "map":
        at = app_page("pages/map.py", query={"month": "6"})
        at.selectbox(key="map_place").set_value("RC05").run()
    else:
        at = open_page(page)
    assert at.dataframe, "no table on the page"
    for table in at.dataframe:
        assert table.proto.placeholder == "—", list(table.value.columns)
        assert "item" not in (table.value.index.name or "")


def test_lineage_names_the_demo_uploader_in_words(demo_db):
    """填报人 of a demo batch reads 演示数据（经济发展和科技统计局）, not the batch's user code 演示-econ."""
    at = open_page("indicator", indicator=LAGGING_CODE)
    assert set(frame(at, "批次")["填报人"]) == {"演示数据（经济发展和科技统计局）"}


def test_department_ranking_puts_the_share_next_to_the_name(demo_db):
    ranking = frame(open_page("overview"), "正常率")
    assert list(ranking.columns[:3]) == ["排名", "责任部门", "正常率"]


def test_sidebar_offers_only_years_with_targets_or_data(demo_db):
    """The year box lists the years that have targets, projects or figures (2022 has last year's figures)."""
    at = open_page("overview")
    with store.connect(demo_db) as con:
        with_something = {
            int(y)
            for (y,) in con.execute(
                "select year from target_current union select year from figure_current union select year from project"
            ).fetchall()
        }
    assert set(at.selectbox(key="year").options) == {str(y) for y in with_something} == {"2022", "2023"}


def test_overview_of_a_year_without_targets_says_so(demo_db):
    """2022 has figures (last year's baseline) but no targets: the page says so instead of judging against nothing."""
    at = open_page("overview", month=12, year="2022")
    assert "2022年尚未录入政府工作报告目标" in text_of(at)
    assert "对照2022年政府工作报告目标" not in text_of(at)
    assert any("尚未录入目标" in i.value for i in at.info)
    at = open_page("overview", month=12, year="2023")
    assert "对照2023年政府工作报告目标" in text_of(at)


def test_meeting_link_to_a_later_slide_can_step_back(demo_db):
    """/meeting?slide=5: 上一页 is enabled at once (a disabled button also ignores ←) and goes to slide 4."""
    at = app_page("pages/meeting.py", query={"year": "2023", "month": "6", "slide": "5"})
    assert at.session_state["slide"] == 5
    assert not at.button(key="slide_prev").disabled
    at.button(key="slide_prev").click().run()
    assert not at.exception and at.session_state["slide"] == 4

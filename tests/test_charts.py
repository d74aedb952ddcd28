"""Figure-level tests of components.charts: data, palette, Chinese text, projector-sized fonts."""

from __future__ import annotations

import pandas as pd
import pytest

from components import charts
from tests.conftest import indicator_status_record
from tracker import drilldown, status
from tracker.labels import STATUS_COLORS
from tracker.model import DONE, LAGGING, NO_DATA, NOT_DONE, ON_TRACK, WARNING, YEAR_END_STATUSES, IndicatorStatus, MonthStatus


@pytest.fixture
def june(june_status) -> MonthStatus:
    return june_status


def _item(code: str, state: str | None, completion: float | None, **extra) -> IndicatorStatus:
    return indicator_status_record(code=code, name=f"指标{code}", status=state, completion=completion, **extra)


def test_config_names_the_png_and_hides_the_logo():
    config = charts.plotly_config(charts.chart_filename(2023, 6, "水环境治理", "完成率"))
    assert config == {
        "displaylogo": False,
        "displayModeBar": "hover",
        "modeBarButtons": [["toImage"]],  # one button: the toolbar stays clear of the title
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "2023年6月_水环境治理_完成率"},
    }


def test_completion_chart_bars_colours_and_labels():
    items = [_item("a", LAGGING, 0.2), _item("b", DONE, 1.8), _item("c", NO_DATA, None)]
    fig = charts.completion_chart(items, "完成率与序时进度", "水环境治理 · 2023年6月")
    bar = fig.data[0]
    # plotly draws the first category at the bottom, so the list is reversed to read top-down
    assert list(bar.y) == ["c", "b", "a"]
    assert list(bar.marker.color) == [STATUS_COLORS[NO_DATA], STATUS_COLORS[DONE], STATUS_COLORS[LAGGING]]
    assert bar.x[1] == charts.COMPLETION_CAP  # 180% is cut at the cap ...
    assert "180.0%" in bar.text[1]  # ... but the label still says the real value
    assert "✖ 滞后" in bar.text[2] and "○ 未填报" in bar.text[0]
    # an empty bar (no data, or 0%) keeps its words: plotly.js draws an empty bar's text only "outside"
    assert list(bar.textposition) == ["outside", "auto", "auto"]
    assert "责任部门" in bar.hovertemplate and "上年末" in bar.hovertemplate
    assert [row[7] for row in bar.customdata] == ["完成率"] * 3  # the hover names the measure
    assert [a.text for a in fig.layout.annotations] == ["指标c", "指标b", "指标a"]
    tp = next(t for t in fig.data if t.name == "序时进度")
    assert list(tp.x) == [50.0, 50.0, 50.0]


def test_completion_chart_names_the_measure_and_skips_time_progress_where_it_does_not_apply():
    items = [
        _item("keep", WARNING, 0.922, time_progress=None, gap_basis="target", measure="对照目标值"),
        _item("level", LAGGING, 0.333, measure="较上年末进度", base=38.2),
        _item("sum", ON_TRACK, 0.6),
    ]
    fig = charts.completion_chart(items, "完成率与序时进度")
    tp = next(t for t in fig.data if t.name == "序时进度")
    assert list(tp.y) == ["sum", "level"]  # no marker for the item that must hold every month
    labels = [a.text for a in fig.layout.annotations]
    assert "指标keep（对照目标值）" in labels and "指标level（较上年末进度）" in labels and "指标sum" in labels
    assert "进度" in fig.layout.xaxis.title.text
    final = charts.completion_chart(items, "年度完成情况", final=True)
    assert [t.name for t in final.data] == ["完成率"]  # December: no 序时 marker at all


def test_demo_figures_say_so_in_the_png_and_its_name(monkeypatch):
    shown = {}
    monkeypatch.setattr(charts.st, "plotly_chart", lambda fig, config, key, theme: shown.update(fig=fig, config=config))
    charts.show(charts.completion_chart([_item("a", ON_TRACK, 0.5)], "完成率与序时进度"), "2023年6月_水环境治理_完成率", demo=True)
    assert shown["config"]["toImageButtonOptions"]["filename"] == "2023年6月_水环境治理_完成率_演示数据"
    assert shown["fig"].layout.title.text == "完成率与序时进度（演示数据）"
    charts.show(charts.completion_chart([_item("a", ON_TRACK, 0.5)], None), "x", demo=True)
    assert any(a.text == "<b>演示数据</b>" for a in shown["fig"].layout.annotations)
    charts.show(charts.completion_chart([_item("a", ON_TRACK, 0.5)], "标题"), "y")
    assert shown["config"]["toImageButtonOptions"]["filename"] == "y" and shown["fig"].layout.title.text == "标题"


def test_projector_font_sizes(june):
    figs = [
        charts.completion_chart(june.indicators, "完成率"),
        charts.project_timeline(june.projects, "重点项目"),
        charts.status_count_chart({"水环境治理": status.status_counts(june.indicators)}, "状态"),
    ]
    for fig in figs:
        assert fig.layout.font.size >= 16
        assert fig.layout.title.font.size >= 20
        assert fig.layout.xaxis.tickfont.size >= 16
        assert fig.layout.yaxis.tickfont.size >= 16


def test_orange_fill_gets_dark_text():
    """White on orange fails contrast on a projector: 预警 and 未填报 use dark text."""
    assert charts.text_on_status(WARNING) == "#1A1A1A"
    assert charts.text_on_status(NO_DATA) == "#1A1A1A"
    assert charts.text_on_status(LAGGING) == "#FFFFFF"


def test_status_count_chart_stacks_every_status_in_chinese():
    counts = {"经济发展": {LAGGING: 1, ON_TRACK: 4, DONE: 1, WARNING: 0, NO_DATA: 0}}
    fig = charts.status_count_chart(counts, "各领域事项状态")
    assert fig.layout.barmode == "stack"
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"✖ 滞后", "▲ 预警", "○ 未填报", "● 正常", "✔ 已完成"}
    assert list(by_name["● 正常"].x) == [4]
    assert by_name["✖ 滞后"].marker.color == STATUS_COLORS[LAGGING]
    assert "事项数" in fig.layout.xaxis.title.text
    year_end = charts.status_count_chart({"经济发展": {DONE: 2, NOT_DONE: 1}}, "年终", statuses=YEAR_END_STATUSES)
    assert {t.name for t in year_end.data} == {"✔ 已完成", "✘ 未完成", "○ 未填报"}


def test_indicator_chart_series(con, june):
    item = next(i for i in june.indicators if i.code == "new_service_above_scale")
    history = drilldown.indicator_history(con, item.code, 2023)
    fig = charts.indicator_chart(history, item, 2023, 6)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["当月值"].x) == [f"{m}月" for m in range(1, 7)]
    assert list(by_name["累计值"].y) == [1, 1, 2, 2, 3, 4]
    assert set(by_name["全年目标"].y) == {12}
    assert by_name["序时进度"].y[5] == pytest.approx(6)  # 12 × 6/12
    assert len(by_name["2022年同期"].x) == 12
    forecast = by_name["预计全年"]
    assert list(forecast.x) == ["6月", "12月"] and forecast.y[1] == pytest.approx(12 * item.forecast)
    assert fig.layout.xaxis.title.text == "月份" and "家" in fig.layout.yaxis.title.text


def test_indicator_chart_without_data_or_target():
    history = pd.DataFrame(
        {
            "month": range(1, 13),
            "value": [None] * 12,
            "to_date": [None] * 12,
            "last_year_value": [None] * 12,
            "last_year_to_date": [None] * 12,
            "time_progress": [m / 12 for m in range(1, 13)],
        }
    )
    item = _item("x", NO_DATA, None, target=None, kind="level", forecast=None)
    fig = charts.indicator_chart(history, item, 2023, 6)
    names = {t.name for t in fig.data}
    assert "全年目标" not in names and "预计全年" not in names and "2022年同期" not in names


@pytest.mark.parametrize(
    "stage,percent,expected",
    [
        ("未开工", None, 0.5),  # a stored 未开工 reads as 前期
        ("前期", None, 0.5),
        ("在建", 40, 1.4),
        ("在建", None, 1.5),
        ("完工", 100, 2.5),
        ("投用", 100, 4.0),
        (None, None, None),
        ("在建", 140, 2.0),
    ],
)
def test_stage_position(stage, percent, expected):
    assert charts.stage_position(stage, percent) == (pytest.approx(expected) if expected is not None else None)


def test_project_timeline_rows_status_first(june):
    fig = charts.project_timeline(june.projects, "重点项目节点")
    bar = next(t for t in fig.data if t.type == "bar")
    assert len(bar.y) == len(june.projects)
    lagging = next(p for p in june.projects if p.status == LAGGING)
    note = next(a.text for a in fig.layout.annotations if lagging.name in a.text)
    assert note.index("✖ 滞后") < note.index(lagging.name)  # status first: never cut off on a phone
    assert list(fig.layout.xaxis.ticktext) == ["前期", "在建", "完工", "投用"]
    plan = next(t for t in fig.data if t.name == "计划应达")
    assert plan.marker.symbol == "diamond"

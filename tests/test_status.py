"""The assembled status report on the demo data and on an empty database."""

import math

import pytest

from tracker import drilldown, model, status, store
from tracker.model import STATUSES


@pytest.fixture
def june(con):
    return status.build_status(con, 2023, 6)


def test_june_has_time_progress_one_half_and_every_status(june):
    assert june.time_progress == 0.5
    seen = {i.status for i in june.indicators} | {p.status for p in june.projects}
    assert set(STATUSES) <= seen


def test_every_indicator_and_project_is_listed_with_its_source(june):
    assert len(june.indicators) == 16  # the year's quantified targets
    assert len(june.tracked) == 5  # 三个一百 (multi-year), 水浸黑点 and 9个村 污水治理 (no number in the report)
    assert len(june.projects) == 33
    assert all(i.source and i.target is not None for i in june.indicators)
    assert all(i.source and i.tracked and i.status in ("正常", "预警", "未填报") for i in june.tracked)
    multi_year = {i.code: i.target for i in june.tracked if i.target is not None}
    assert multi_year == {"firms_over_100m": 100, "firms_over_10b": 1, "clusters_over_10b": 1}  # 三个一百, shown as such
    assert all(p.source and p.planned_stage for p in june.projects)


def test_cumulative_value_is_the_sum_to_date(con, june):
    monthly = con.execute(
        "select sum(value) from figure_current where metric = 'cultural_events' and year = 2023 and month <= 6"
    ).fetchone()[0]
    item = next(i for i in june.indicators if i.code == "cultural_events")
    assert item.value == monthly
    assert item.completion == pytest.approx(monthly / 290, abs=1e-4)


def test_unreported_month_is_no_data_not_zero(june):
    item = next(i for i in june.indicators if i.code == "forest_tending")
    assert item.status == "未填报"
    assert item.completion is None


def test_last_year_target_rule_uses_last_decembers_value(con, june):
    item = next(i for i in june.indicators if i.code == "worse_than_v_rivers")
    december = con.execute(
        "select value from figure_current where metric = 'worse_than_v_rivers' and year = 2022 and month = 12"
    ).fetchone()[0]
    assert item.target == december and item.direction == "down"


def test_same_period_last_year_is_reported(june):
    item = next(i for i in june.indicators if i.code == "new_industrial_above_scale")
    assert item.last_year is not None and item.last_year > 0


def test_demo_flag_travels(june):
    assert june.demo is True
    assert all(i.demo for i in june.indicators if i.value is not None)


def test_area_filter(con):
    water = status.build_status(con, 2023, 6, "water")
    assert {i.area for i in water.indicators} == {"water"}
    assert {p.area for p in water.projects} == {"water"}


def test_empty_database_reports_everything_as_no_data(empty_db):

    with store.connect(empty_db) as con:
        report = status.build_status(con, 2023, 6)
        assert status.latest_period(con) is None
    assert report.demo is False
    assert {i.status for i in report.indicators} == {"未填报"}
    assert {p.status for p in report.projects} == {"未填报"}


def test_history_has_twelve_months_and_missing_months_stay_empty(con):
    history = drilldown.indicator_history(con, "forest_tending", 2023)
    assert list(history["month"]) == list(range(1, 13))
    june = history[history["month"] == 6].iloc[0]
    assert june.value is None or june.value != june.value  # None or NaN, never 0


def test_attention_items_are_worst_first_and_include_projects(june):
    items = model.attention_items(june)
    assert {i.item_type for i in items} == {"indicator", "project"}
    assert {i.status for i in items} == {"滞后", "预警"}
    severities = [i.status for i in items]
    assert severities == sorted(severities, key=lambda s: s != "滞后")


def test_department_ranking_is_by_share_on_track(june):
    ranking = model.department_ranking(june)
    shares = [r["share"] for r in ranking]
    assert shares == sorted(shares, reverse=True)
    assert sum(r["items"] for r in ranking) == len(june.indicators) + len(june.projects)


def test_an_earlier_gap_is_named_and_the_month_judged_on_what_was_reported(con):
    """抚育森林面积 has no June figure: June is 未填报; July is judged on the months reported, June named as missing."""
    june = next(i for i in status.build_status(con, 2023, 6).indicators if i.code == "forest_tending")
    assert june.status == "未填报" and june.missing_months == [6]
    july = next(i for i in status.build_status(con, 2023, 7).indicators if i.code == "forest_tending")
    assert july.status not in ("未填报", "未设目标")
    assert july.missing_months == [6]
    reported = con.execute(
        "select sum(value) from figure_current where metric = 'forest_tending_mu' and year = 2023 and month <= 7"
    ).fetchone()[0]
    assert july.value == pytest.approx(reported)  # the sum of what was reported: June is not read as zero
    december = next(i for i in status.build_status(con, 2023, 12).indicators if i.code == "forest_tending")
    assert december.status in ("已完成", "未完成") and december.missing_months == [6]
    may = next(i for i in status.build_status(con, 2023, 5).indicators if i.code == "forest_tending")
    assert may.status != "未填报" and may.missing_months == []


def test_over_the_year_no_finished_sum_falls_back_and_december_is_a_verdict(con):
    """Every month of 2023: a cumulative item once 已完成 stays so; December holds no 预警/滞后; no tracked goal counted."""
    months = {m: status.build_status(con, 2023, m) for m in range(1, 13)}
    done_since: dict[str, int] = {}
    for m, report in months.items():
        for item in report.indicators:
            if item.kind == "cumulative" and item.code in done_since:
                assert item.status == "已完成", f"{item.code} fell back in month {m} after 已完成 in {done_since[item.code]}"
            if item.kind == "cumulative" and item.status == "已完成":
                done_since.setdefault(item.code, m)
        assert not {i.code for i in report.indicators} & {"firms_over_100m", "firms_over_10b", "clusters_over_10b"}
        assert sum(status.status_counts(report.indicators).values()) == len(report.indicators)
    assert "rental_housing" in done_since and done_since["rental_housing"] < 12
    december = months[12]
    assert december.final and not {i.status for i in december.items} & {"预警", "滞后", "正常"}
    for item in december.indicators + december.tracked:
        for number in (item.completion, item.gap_pp, item.forecast, item.value):
            assert number is None or math.isfinite(number)


def test_stale_value_carries_its_month(con):
    """文物巡查 has no November report: November is 未填报 and the value shown is October's, labelled as such."""
    from tracker import wording

    patrol = next(i for i in status.build_status(con, 2023, 11).indicators if i.code == "heritage_patrol")
    assert patrol.status == "未填报" and patrol.value_month == 10
    assert wording.value_text(patrol, 11).endswith("（10月数）")

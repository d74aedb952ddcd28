"""Growth-rate targets (地区生产总值增长8%左右): 累计增速 against the target rate, the rules at their edges and a
second town's targets, made for these tests, judged end to end from uploaded figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import TODAY, make_csv
from tracker import db, indicators, ingest, model, status, wording
from tracker.auth import User
from tracker.progress import MEASURE_GROWTH, Rules, growth_reading, judge_growth

RULES = Rules(growth_margin_pp=2.0, approx_pct=5.0)


# ---------------------------------------------------------------- the reading: which figures make a rate


def test_cumulative_amounts_sum_both_years_to_the_month():
    reading = growth_reading("cumulative", {1: 10, 2: 12, 3: 11}, {1: 10, 2: 10, 3: 10, 4: 10}, 3)
    assert reading.amount == 33 and reading.amount_last_year == 30
    assert reading.rate == pytest.approx(10.0)


def test_a_missing_month_this_year_gives_no_rate_and_names_it():
    reading = growth_reading("cumulative", {1: 10, 3: 11}, {1: 10, 2: 10, 3: 10}, 3)
    assert reading.rate is None and reading.missing == (2,)
    assert reading.reason == "缺2月数据，无法计算累计增速"


def test_no_base_last_year_is_no_rate_not_growth_from_zero():
    reading = growth_reading("cumulative", {1: 10, 2: 12}, {}, 2)
    assert reading.rate is None and reading.amount == 22
    assert reading.reason == "缺上年1月、2月数据，无法计算累计增速"
    assert judge_growth(reading.rate, 8.0, RULES).status == model.NO_DATA


def test_year_to_date_amount_reported_as_published():
    reading = growth_reading("level", {6: 108.0}, {6: 100.0}, 6)
    assert reading.rate == pytest.approx(8.0)
    assert growth_reading("level", {5: 108.0}, {6: 100.0}, 6).reason == "6月累计值未填报"
    assert growth_reading("level", {6: 108.0}, {}, 6).reason == "缺上年同期累计值，无法计算累计增速"


def test_a_base_that_is_not_positive_gives_no_rate():
    reading = growth_reading("level", {6: 5.0}, {6: 0.0}, 6)
    assert reading.rate is None and reading.reason == "上年同期累计值不为正数，增速无意义"


def test_the_rate_itself_reported():
    assert growth_reading("ratio", {6: 7.2}, {}, 6).rate == 7.2
    assert growth_reading("ratio", {5: 7.2}, {}, 6).reason == "6月累计增速未填报"


# ---------------------------------------------------------------- the verdict


@pytest.mark.parametrize(
    ("rate", "expected", "gap"),
    [
        (9.0, model.ON_TRACK, -1.0),  # above the target
        (8.0, model.ON_TRACK, 0.0),  # at it
        (6.0, model.WARNING, 2.0),  # exactly the margin below
        (5.99, model.LAGGING, 2.01),  # past the margin
        (-1.0, model.LAGGING, 9.0),  # falling
    ],
)
def test_rate_against_target_mid_year(rate, expected, gap):
    verdict = judge_growth(rate, 8.0, RULES)
    assert verdict.status == expected
    assert verdict.gap_pp == pytest.approx(gap)
    assert verdict.measure == MEASURE_GROWTH and verdict.completion is None


def test_a_rate_reached_mid_year_is_not_done_before_december():
    assert judge_growth(12.0, 8.0, RULES).status == model.ON_TRACK
    assert judge_growth(12.0, 8.0, RULES, final=True).status == model.DONE
    assert judge_growth(7.0, 8.0, RULES, final=True).status == model.NOT_DONE


def test_about_a_rate_is_met_within_the_approx_share():
    # 增长8%左右: 7.6% counts (5% of 8), 7.5% does not.
    assert judge_growth(7.6, 8.0, RULES, qualifier="约", final=True).status == model.DONE
    assert judge_growth(7.5, 8.0, RULES, qualifier="约", final=True).status == model.NOT_DONE
    assert judge_growth(7.5, 8.0, RULES, final=True).status == model.NOT_DONE


def test_no_target_and_no_rate():
    assert judge_growth(5.0, None, RULES).status == model.NO_TARGET
    assert judge_growth(None, 8.0, RULES).status == model.NO_DATA


# ---------------------------------------------------------------- a second town's targets, end to end

TOWN_METRICS = [
    "gdp_ytd,地区生产总值（累计值）,亿元,econ,stock,false,,0,,统计部门公布的1月至当月累计值",
    "fai_month,固定资产投资（当月）,亿元,econ,flow,false,,0,,当月完成固定资产投资额",
    "industry_growth,规上工业总产值累计增速,%,econ,stock,false,,-100,,统计部门公布的1月至当月累计增速",
]
TOWN_TARGETS = [
    "gdp_growth,2023,8,>=,fixed,原文“地区生产总值增长8%左右”",
    "fai_growth,2023,46.9,>=,fixed,原文“固定资产投资增长46.9%左右”",
    "industry_growth,2023,8,>=,fixed,原文“规上工业总产值增速8%左右”",
]
TOWN_QUERIES = {
    "gdp_growth": ("地区生产总值增速", "亿元", "level", "gdp_ytd", "地区生产总值增长8%左右"),
    "fai_growth": ("固定资产投资增速", "亿元", "cumulative", "fai_month", "固定资产投资增长46.9%左右"),
    "industry_growth": ("规上工业总产值增速", "%", "ratio", "industry_growth", "规上工业总产值增速8%左右"),
}


@pytest.fixture
def town(tmp_path, monkeypatch) -> Path:
    """A town whose report opens with three growth-rate targets: the repository's files plus these."""
    data_dir, queries = tmp_path / "data", tmp_path / "queries"
    shutil.copytree(db.config.DATA_DIR, data_dir, ignore=shutil.ignore_patterns("*.duckdb*", "backups"))
    shutil.copytree(db.config.QUERIES_DIR, queries)
    with open(data_dir / "metrics.csv", "a", encoding="utf-8") as fh:
        fh.write("\n".join(TOWN_METRICS) + "\n")
    with open(data_dir / "targets.csv", "a", encoding="utf-8") as fh:
        fh.write("\n".join(TOWN_TARGETS) + "\n")
    for code, (name, unit, kind, metric, sentence) in TOWN_QUERIES.items():
        (queries / "economy" / f"{code}.sql").write_text(
            f"-- name: {name}\n-- unit: {unit}\n-- kind: {kind}\n-- direction: up\n-- department: econ\n"
            f"-- metrics: {metric}\n-- basis: growth\n-- qualifier: 约\n-- source: {sentence}。\n"
            f"select year, month, value from figure_current where metric = '{metric}' and year = $year and place is null\n",
            encoding="utf-8",
        )
    monkeypatch.setenv("TRACKER_QUERIES", str(queries))
    path = db.build(tmp_path / "town.duckdb", data_dir=data_dir, demo=False)
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


def _upload(rows: list[list]) -> None:
    # Last year's base is an admin's to enter (staff write the tracked years only).
    staff = User("admin", "admin") if any(r[1] < 2023 for r in rows) else User("econ_staff", "staff", "econ")
    data = make_csv(rows, header=("指标编码", "年", "月", "数值"))
    report = ingest.prepare(data, "check.csv", staff, today=TODAY)
    assert report.ok, [str(e) for e in report.errors]
    result = ingest.commit(make_csv(rows, header=("指标编码", "年", "月", "数值")), f"f{len(rows)}-{rows[0]}.csv", staff, today=TODAY)
    assert result.batch_id


def test_second_town_growth_targets_judged_from_uploaded_figures(town):
    # Last year's base and this year's figures to June, as the town's statistics office would report them.
    _upload([["gdp_ytd", 2022, 6, 100.0], ["gdp_ytd", 2023, 6, 106.5]])
    _upload([["fai_month", year, m, v] for year, v in ((2022, 10.0), (2023, 14.0)) for m in range(1, 7)])
    _upload([["industry_growth", 2023, 6, 4.0]])
    with db.store.connect(town) as con:
        items = {i.code: i for i in status.indicator_status(con, 2023, 6)}
    gdp, fai, industry = items["gdp_growth"], items["fai_growth"], items["industry_growth"]
    # 106.5 over 100: 6.5%, 1.5 points below 8%: within the 2-point margin.
    assert (gdp.value, gdp.unit, gdp.status, gdp.gap_pp) == (6.5, "%", model.WARNING, 1.5)
    assert (gdp.amount, gdp.amount_last_year, gdp.amount_unit) == (106.5, 100.0, "亿元")
    assert gdp.time_progress is None and gdp.completion is None and gdp.measure == MEASURE_GROWTH
    # 84 over 60: 40%, 6.9 points below 46.9%.
    assert fai.value == 40.0 and fai.status == model.LAGGING and fai.amount == 84.0
    # The rate reported as published: 4% against 8%.
    assert industry.value == 4.0 and industry.status == model.LAGGING and industry.amount is None
    assert wording.target_text(gdp) == "增速≥8%（约）"
    assert wording.target_phrase(gdp) == "年度目标增长约8%"
    assert wording.reached_phrase(gdp, 6) == "1—6月累计增长6.5%（累计106.5亿元，上年同期100亿元）"
    assert wording.gap_text(gdp) == "低于目标增速1.5个百分点"


def test_second_town_without_last_year_is_unreported_with_the_reason(town):
    _upload([["gdp_ytd", 2023, 6, 106.5]])
    with db.store.connect(town) as con:
        gdp = {i.code: i for i in status.indicator_status(con, 2023, 6)}["gdp_growth"]
    assert gdp.status == model.NO_DATA and gdp.value is None
    assert gdp.reason == "缺上年同期累计值，无法计算累计增速"
    assert wording.reached_phrase(gdp, 6) == gdp.reason
    # And the status of the whole month carries it like any other item.
    assert indicators.registry()["gdp_growth"].basis == "growth"


def test_indicator_page_shows_growth_against_target_rate(town):
    from tests.test_pages import charts, open_page

    _upload([["gdp_ytd", 2022, m, 20.0 * m] for m in range(1, 7)])
    _upload([["gdp_ytd", 2023, m, 21.3 * m] for m in range(1, 7)])
    at = open_page("indicator", 6, year="2023", indicator="gdp_growth")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["1—6月累计增速"] == "6.5%"
    assert metrics["全年目标"] == "增速≥8%（约）"
    assert metrics["较目标增速"] == "-1.5个百分点"
    assert metrics["评定方式"] == "对照目标增速"
    assert any("增速指标" in m.value for m in at.markdown)
    assert metrics["本年累计"] == "127.8亿元" and metrics["上年同期累计"] == "120亿元"
    spec = charts(at)[0]["spec"]
    lines = {t["name"]: t["y"] for t in spec["data"]}
    assert lines["累计增速"] == pytest.approx([6.5] * 6)
    assert lines["目标增速"] == [8] * 12


def test_the_bulletin_says_a_rate_on_target_in_words(town):
    from tracker import bulletin_text

    _upload([["gdp_ytd", 2022, 12, 200.0]])
    _upload([["gdp_ytd", 2023, 12, 217.0]])
    with db.store.connect(town) as con:
        report = status.build_status(con, 2023, 12)
    text = "".join(p.text for p in bulletin_text.progress_paragraphs(report))
    assert "完成年度目标1项：地区生产总值增速全年累计增长8.5%（累计217亿元，上年同期200亿元），年度目标增长约8%。" in text
    assert "None" not in text and "—" not in text

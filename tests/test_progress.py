"""The 序时进度 rules at their edges: the month before and after, December, a target of zero, 约, tolerance."""

import math

import pytest

from tracker import progress as p
from tracker.model import STAGE_DEFINITIONS, STAGES

RULES = p.Rules(margin_pp=10.0, tolerance_pp=2.0, approx_pct=5.0)
STRICT = p.Rules(margin_pp=10.0, tolerance_pp=0.0, approx_pct=5.0)


def test_time_progress_is_month_over_twelve():
    assert p.time_progress(1) == pytest.approx(1 / 12)
    assert p.time_progress(6) == 0.5
    assert p.time_progress(12) == 1.0


def test_time_progress_follows_a_declared_plan_curve():
    plan = (0.1, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0)
    assert p.time_progress(2, plan) == 0.3
    assert p.time_progress(12, plan) == 1.0


@pytest.mark.parametrize("month", [0, 13])
def test_time_progress_refuses_months_outside_the_year(month):
    with pytest.raises(ValueError):
        p.time_progress(month)


def test_cumulative_exactly_on_time_progress_is_on_track():
    verdict = p.judge_cumulative(50, 100, 0.5, RULES)
    assert verdict.status == p.ON_TRACK
    assert verdict.completion == 0.5
    assert verdict.forecast == pytest.approx(1.0)


def test_within_the_tolerance_below_time_progress_is_still_on_track():
    assert p.judge_cumulative(48, 100, 0.5, RULES).status == p.ON_TRACK  # 2.0 points below
    assert p.judge_cumulative(47.9, 100, 0.5, RULES).status == p.WARNING  # 2.1 points below
    assert p.judge_cumulative(48, 100, 0.5, STRICT).status == p.WARNING  # no band: amber at once


def test_cumulative_exactly_ten_points_below_is_a_warning():
    assert p.judge_cumulative(40, 100, 0.5, RULES).status == p.WARNING


def test_cumulative_just_past_the_margin_is_lagging():
    verdict = p.judge_cumulative(39.9, 100, 0.5, RULES)
    assert verdict.status == p.LAGGING
    assert verdict.gap_pp == pytest.approx(10.1)


def test_cumulative_reaching_the_target_is_done_even_early():
    assert p.judge_cumulative(35, 35, 1 / 12, RULES).status == p.DONE


def test_november_may_lag_but_december_is_done_or_not_done():
    assert p.judge_cumulative(30, 35, p.time_progress(11), RULES).status == p.WARNING
    assert p.judge_cumulative(34, 35, 1.0, RULES, final=True).status == p.NOT_DONE
    assert p.judge_cumulative(35, 35, 1.0, RULES, final=True).status == p.DONE
    assert p.judge_cumulative(3, 36, p.time_progress(1), RULES).status == p.ON_TRACK


def test_about_a_number_is_met_within_the_stated_tolerance():
    """约800亩: 760 (95%) meets it; 759 does not, and without 约 neither does 799."""
    assert p.judge_cumulative(760, 800, 1.0, RULES, qualifier="约", final=True).status == p.DONE
    assert p.judge_cumulative(759, 800, 1.0, RULES, qualifier="约", final=True).status == p.NOT_DONE
    assert p.judge_cumulative(799, 800, 1.0, RULES, final=True).status == p.NOT_DONE
    assert p.judge_cumulative(799, 800, 1.0, RULES, qualifier="力争", final=True).status == p.NOT_DONE


def test_no_data_is_its_own_state_never_zero():
    verdict = p.judge_cumulative(None, 100, 0.5, RULES)
    assert verdict.status == p.NO_DATA
    assert verdict.completion is None
    assert p.judge_level(None, 100, ">=", 0.5, RULES).status == p.NO_DATA


def test_a_reported_zero_is_a_value_not_missing_data():
    assert p.judge_cumulative(0, 100, 0.5, RULES).status == p.LAGGING


def test_no_target_is_its_own_state_not_no_data():
    for verdict in (p.judge_cumulative(10, None, 0.5, RULES), p.judge_cumulative(None, None, 0.5, RULES)):
        assert verdict.status == p.NO_TARGET and verdict.completion is None
    assert p.judge_level(None, None, ">=", 0.5, RULES).status == p.NO_TARGET


def test_zero_target_up_is_done_without_dividing_by_zero():
    verdict = p.judge_cumulative(0, 0, 0.5, RULES)
    assert verdict.status == p.DONE and verdict.completion is None


def test_cumulative_direction_down_is_a_ceiling():
    assert p.judge_cumulative(40, 100, 0.5, RULES, direction="down").status == p.ON_TRACK
    assert p.judge_cumulative(60, 100, 0.5, RULES, direction="down").status == p.WARNING
    assert p.judge_cumulative(101, 100, 0.5, RULES, direction="down").status == p.LAGGING
    assert p.judge_cumulative(101, 100, 1.0, RULES, direction="down", final=True).status == p.NOT_DONE
    assert p.judge_cumulative(90, 100, 1.0, RULES, direction="down", final=True).status == p.DONE


def test_level_reach_measures_progress_from_last_year_end_and_names_it():
    # 28,000 last December, target 30,000: 29,000 in June is exactly half way = on track.
    verdict = p.judge_level(29000, 30000, ">=", 0.5, RULES, base=28000)
    assert verdict.completion == 0.5 and verdict.status == p.ON_TRACK
    assert verdict.measure == p.MEASURE_FROM_BASE
    assert p.judge_level(28700, 30000, ">=", 0.5, RULES, base=28000).status == p.LAGGING


def test_level_without_last_year_uses_value_over_target():
    verdict = p.judge_level(45, 100, ">=", 0.5, RULES)
    assert verdict.status == p.WARNING and verdict.measure == p.MEASURE_SHARE


def test_level_reaching_target_is_done():
    assert p.judge_level(30010, 30000, ">=", 0.5, RULES, base=28000).status == p.DONE


def test_level_forecast_needs_three_months_and_does_not_extrapolate_a_january_jump():
    assert p.level_forecast([(1, 29271.0)], 28468, 30000, "up") is None
    assert p.level_forecast([(1, 29271.0), (2, 29300.0)], 28468, 30000, "up") is None
    # +100 a month from 29,000 in March reaches 29,900 by December: (29,900 - 28,000) / 2,000 = 95%.
    forecast = p.level_forecast([(1, 28800.0), (2, 28900.0), (3, 29000.0)], 28000, 30000, "up")
    assert forecast == pytest.approx(0.95)


def test_ratio_maintain_is_judged_against_the_target_each_month():
    verdict = p.judge_level(100, 100, ">=", 0.5, RULES, basis="maintain")
    assert verdict.status == p.ON_TRACK and verdict.measure == p.MEASURE_AGAINST_TARGET
    assert p.judge_level(92.2, 100, ">=", 0.5, RULES, basis="maintain").status == p.WARNING
    assert p.judge_level(89, 100, ">=", 0.5, RULES, basis="maintain").status == p.LAGGING
    # 序时进度 plays no part: the same value gives the same verdict in January and in June.
    assert p.judge_level(92.2, 100, ">=", 1 / 12, RULES, basis="maintain").status == p.WARNING


def test_maintain_at_year_end_is_done_only_when_held_all_year():
    assert p.judge_level(100, 100, ">=", 1.0, RULES, basis="maintain", final=True).status == p.DONE
    assert p.judge_level(100, 100, ">=", 1.0, RULES, basis="maintain", final=True, held_all_year=False).status == p.NOT_DONE
    assert p.judge_level(99, 100, ">=", 1.0, RULES, basis="maintain", final=True).status == p.NOT_DONE


def test_a_count_kept_down_reads_as_a_change_not_a_percentage_above_100():
    verdict = p.judge_level(5, 6, "<=", 0.5, RULES, direction="down", basis="maintain")
    assert verdict.status == p.ON_TRACK and verdict.completion is None and verdict.measure == p.MEASURE_CHANGE
    over = p.judge_level(7, 6, "<=", 0.5, RULES, direction="down", basis="maintain")
    assert over.status == p.LAGGING and over.gap_pp is None


def test_reduce_to_zero_never_divides_by_zero():
    verdict = p.judge_level(3, 0, "<=", 0.5, RULES, direction="down", base=6)
    assert verdict.completion == pytest.approx(0.5) and verdict.status == p.ON_TRACK
    for v in (verdict.completion, verdict.gap_pp):
        assert v is None or math.isfinite(v)
    assert p.judge_level(0, 0, "<=", 0.5, RULES, direction="down", base=6).status == p.DONE
    maintain = p.judge_level(2, 0, "<=", 0.5, RULES, direction="down", basis="maintain")
    assert maintain.status == p.LAGGING and maintain.gap_pp is None and maintain.completion is None


def test_level_direction_down_reach_from_base():
    # 10 black spots last year, at most 4 this year: 7 by June is exactly half way.
    verdict = p.judge_level(7, 4, "<=", 0.5, RULES, direction="down", base=10)
    assert verdict.completion == 0.5 and verdict.status == p.ON_TRACK


def test_track_basis_warns_only_when_falling_below_last_year():
    assert p.judge_level(80, 100, ">=", 0.5, RULES, basis="track", last_year_same=78).status == p.ON_TRACK
    assert p.judge_level(77, 100, ">=", 0.5, RULES, basis="track", last_year_same=78).status == p.WARNING
    assert p.judge_level(None, None, ">=", 0.5, RULES, basis="track").status == p.NO_DATA


def test_planned_stage_follows_start_and_finish():
    assert p.planned_stage(2, "完工", 3, 10) == "前期"
    assert p.planned_stage(3, "完工", 3, 10) == "在建"
    assert p.planned_stage(10, "完工", 3, 10) == "完工"
    assert p.planned_stage(12, "在建", 10, None) == "在建"
    assert p.planned_stage(9, "在建", 10, None) == "前期"


def test_milestone_statuses():
    assert p.judge_milestone(None, None, 6, "完工", 1, 12, RULES).status == p.NO_DATA
    assert p.judge_milestone("完工", 100, 6, "完工", 1, 12, RULES).status == p.DONE
    assert p.judge_milestone("在建", 50, 6, "完工", 1, 12, RULES).status == p.ON_TRACK
    assert p.judge_milestone("在建", 48, 6, "完工", 1, 12, RULES).status == p.ON_TRACK  # within the band
    assert p.judge_milestone("在建", 42, 6, "完工", 1, 12, RULES).status == p.WARNING
    assert p.judge_milestone("在建", 30, 6, "完工", 1, 12, RULES).status == p.LAGGING
    assert p.judge_milestone("前期", 0, 10, "在建", 9, None, RULES).status == p.WARNING
    assert p.judge_milestone("未开工", 0, 10, "完工", 3, 12, RULES).status == p.LAGGING


def test_a_stored_not_started_stage_reads_as_early_stage():
    """One stage vocabulary: 前期 covers a work not yet started; an older 未开工 is judged exactly as 前期."""
    assert "未开工" not in STAGES and STAGES[0] == "前期"
    for month in (3, 6, 10, 12):
        old = p.judge_milestone("未开工", 0, month, "完工", 3, 12, RULES)
        assert old == p.judge_milestone("前期", 0, month, "完工", 3, 12, RULES)
    assert p.planned_stage(6, "未开工", None, None) == "前期"
    assert set(STAGE_DEFINITIONS) == set(STAGES)


def test_projects_at_the_deadline_are_done_or_not_done():
    assert p.judge_milestone("在建", 95, 12, "完工", 1, 12, RULES).status == p.NOT_DONE
    assert p.judge_milestone("在建", 30, 11, "完工", 1, 12, RULES).status == p.LAGGING
    assert p.judge_milestone("完工", 100, 12, "完工", 1, 12, RULES).status == p.DONE


def test_an_ongoing_work_is_never_done_during_the_year_and_done_at_year_end_when_under_way():
    """持续推进 (ongoing) works have no completion this year; 年内动工 works are done once started."""
    assert p.judge_milestone("在建", 52, 6, "在建", 3, None, RULES, ongoing=True).status == p.ON_TRACK
    assert p.judge_milestone("在建", 10, 10, "在建", 9, None, RULES, ongoing=False).status == p.DONE
    assert p.judge_milestone("在建", 90, 12, "在建", 3, None, RULES, ongoing=True).status == p.DONE
    assert p.judge_milestone("前期", None, 12, "在建", 3, None, RULES, ongoing=True).status == p.NOT_DONE

"""The 序时进度 rules at their edges."""

import pytest

from tracker import progress as p

MARGIN = 10.0


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
    verdict = p.judge_cumulative(50, 100, 0.5, MARGIN)
    assert verdict.status == p.ON_TRACK
    assert verdict.completion == 0.5
    assert verdict.forecast == pytest.approx(1.0)


def test_cumulative_exactly_ten_points_below_is_a_warning():
    assert p.judge_cumulative(40, 100, 0.5, MARGIN).status == p.WARNING


def test_cumulative_just_past_the_margin_is_lagging():
    verdict = p.judge_cumulative(39.9, 100, 0.5, MARGIN)
    assert verdict.status == p.LAGGING
    assert verdict.gap_pp == pytest.approx(10.1)


def test_cumulative_reaching_the_target_is_done_even_early():
    assert p.judge_cumulative(35, 35, 1 / 12, MARGIN).status == p.DONE


def test_january_and_december_edges():
    assert p.judge_cumulative(3, 36, p.time_progress(1), MARGIN).status == p.ON_TRACK
    assert p.judge_cumulative(2, 36, p.time_progress(1), MARGIN).status == p.WARNING
    assert p.judge_cumulative(34, 35, p.time_progress(12), MARGIN).status == p.WARNING
    assert p.judge_cumulative(31, 35, p.time_progress(12), MARGIN).status == p.LAGGING


def test_no_data_is_its_own_state_never_zero():
    verdict = p.judge_cumulative(None, 100, 0.5, MARGIN)
    assert verdict.status == p.NO_DATA
    assert verdict.completion is None
    assert p.judge_level(None, 100, ">=", 0.5, MARGIN).status == p.NO_DATA


def test_a_reported_zero_is_a_value_not_missing_data():
    assert p.judge_cumulative(0, 100, 0.5, MARGIN).status == p.LAGGING


def test_missing_target_gives_no_status_and_no_completion():
    verdict = p.judge_cumulative(10, None, 0.5, MARGIN)
    assert verdict.status is None and verdict.completion is None


def test_zero_target_up_is_done_without_dividing_by_zero():
    verdict = p.judge_cumulative(0, 0, 0.5, MARGIN)
    assert verdict.status == p.DONE and verdict.completion is None


def test_cumulative_direction_down_is_a_ceiling():
    assert p.judge_cumulative(40, 100, 0.5, MARGIN, "down").status == p.ON_TRACK
    assert p.judge_cumulative(60, 100, 0.5, MARGIN, "down").status == p.WARNING
    assert p.judge_cumulative(101, 100, 0.5, MARGIN, "down").status == p.LAGGING


def test_level_reach_measures_progress_from_last_years_value():
    # 28,000 last December, target 30,000: 29,000 in June is exactly half way = on track.
    verdict = p.judge_level(29000, 30000, ">=", 0.5, MARGIN, base=28000)
    assert verdict.completion == 0.5
    assert verdict.status == p.ON_TRACK
    assert p.judge_level(28700, 30000, ">=", 0.5, MARGIN, base=28000).status == p.LAGGING


def test_level_without_last_year_uses_value_over_target():
    assert p.judge_level(45, 100, ">=", 0.5, MARGIN).status == p.WARNING


def test_level_reaching_target_is_done():
    assert p.judge_level(30010, 30000, ">=", 0.5, MARGIN, base=28000).status == p.DONE


def test_ratio_maintain_holds_every_month():
    assert p.judge_level(100, 100, ">=", 0.5, MARGIN, basis="maintain").status == p.ON_TRACK
    assert p.judge_level(92, 100, ">=", 0.5, MARGIN, basis="maintain").status == p.WARNING
    assert p.judge_level(89, 100, ">=", 0.5, MARGIN, basis="maintain").status == p.LAGGING


def test_level_direction_down_maintain():
    assert p.judge_level(5, 6, "<=", 0.5, MARGIN, direction="down", basis="maintain").status == p.ON_TRACK
    assert p.judge_level(7, 6, "<=", 0.5, MARGIN, direction="down", basis="maintain").status == p.LAGGING


def test_level_direction_down_reach_from_base():
    # 10 black spots last year, at most 4 this year: 7 by June is exactly half way.
    verdict = p.judge_level(7, 4, "<=", 0.5, MARGIN, direction="down", base=10)
    assert verdict.completion == 0.5 and verdict.status == p.ON_TRACK


def test_track_basis_warns_only_when_falling_below_last_year():
    assert p.judge_level(80, 100, ">=", 0.5, MARGIN, basis="track", last_year_same=78).status == p.ON_TRACK
    assert p.judge_level(77, 100, ">=", 0.5, MARGIN, basis="track", last_year_same=78).status == p.WARNING


def test_planned_stage_follows_start_and_finish():
    assert p.planned_stage(2, "完工", 3, 10) == "前期"
    assert p.planned_stage(3, "完工", 3, 10) == "在建"
    assert p.planned_stage(10, "完工", 3, 10) == "完工"
    assert p.planned_stage(12, "在建", 10, None) == "在建"
    assert p.planned_stage(9, "在建", 10, None) == "前期"


def test_milestone_statuses():
    assert p.judge_milestone(None, None, 6, "完工", 1, 12, MARGIN).status == p.NO_DATA
    assert p.judge_milestone("完工", 100, 6, "完工", 1, 12, MARGIN).status == p.DONE
    assert p.judge_milestone("在建", 50, 6, "完工", 1, 12, MARGIN).status == p.ON_TRACK
    assert p.judge_milestone("在建", 42, 6, "完工", 1, 12, MARGIN).status == p.WARNING
    assert p.judge_milestone("在建", 30, 6, "完工", 1, 12, MARGIN).status == p.LAGGING
    assert p.judge_milestone("前期", 0, 10, "在建", 9, None, MARGIN).status == p.WARNING
    assert p.judge_milestone("未开工", 0, 10, "完工", 3, 12, MARGIN).status == p.LAGGING


def test_an_ongoing_work_is_on_track_but_never_done():
    """持续推进 (ongoing) works have no completion this year; 年内动工 works are done once started."""
    assert p.judge_milestone("在建", 52, 6, "在建", 3, None, MARGIN, ongoing=True).status == p.ON_TRACK
    assert p.judge_milestone("在建", 10, 10, "在建", 9, None, MARGIN, ongoing=False).status == p.DONE

"""The words of the 通报 and the meeting outline as pure functions: no Word file, no database for most cases."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import indicator_status_record
from tracker import bulletin_text, config, meeting, wording
from tracker.model import DONE, LAGGING, NOT_DONE, ON_TRACK, WARNING, Explanation


@pytest.mark.parametrize(
    "note, routine",
    [
        ("按计划推进", True),
        ("按计划推进。", True),
        ("目前项目按计划推进中", True),
        ("进展顺利", True),
        ("正常推进，", True),
        ("受台风影响，7月集中推进", False),
        ("按计划推进存在困难：征地未完成", False),
        ("进度滞后，正协调解决", False),
        ("", False),
    ],
)
def test_a_routine_note_is_recognised(note, routine):
    assert meeting.is_routine(note) is routine


@pytest.mark.parametrize("status", [LAGGING, WARNING, NOT_DONE])
def test_a_routine_note_is_no_explanation_for_an_item_that_lags(status):
    assert meeting.explanation_for("按计划推进", status) == ""
    assert meeting.explanation_for("受台风影响，7月集中推进", status) == "受台风影响，7月集中推进"


def test_a_routine_note_stands_for_an_item_on_track():
    assert meeting.explanation_for("按计划推进", ON_TRACK) == "按计划推进"


def test_a_lagging_row_with_a_routine_note_says_no_explanation():
    item = indicator_status_record(status=LAGGING, gap_pp=20.0, explanation=Explanation("按计划推进", "王", "2023-07-03"))
    row = meeting.indicator_row(item, 6)
    assert row.explanation == meeting.NO_EXPLANATION and not row.has_explanation


def test_wording_of_changes_and_year_on_year():
    rate = indicator_status_record(unit="%", value=45.5, last_year=32.7, change=7.3, value_month=6)
    assert wording.change_text(rate) == "较上年末提高7.3个百分点"
    assert wording.yoy_text(rate, 6) == "同比提高12.8个百分点（上年同期32.7%）"
    count = indicator_status_record(unit="套", value=34.0, last_year=25.0, value_month=6)
    assert wording.yoy_text(count, 6) == "同比增长36.0%（上年同期25套）"
    assert wording.yoy_text(count, 7) == ""  # a value from an earlier month is not compared with the same month
    small_base = indicator_status_record(value=26.0, last_year=2.0, unit="条", value_month=12)
    assert wording.yoy_text(small_base, 12) == "同比增加24条（上年同期2条）"  # not "增长1200.0%"
    assert wording.short_pct(0.5) == "50%" and wording.short_pct(0.2267) == "22.7%" and wording.short_pct(None) == "—"


def test_facts_of_a_sum_a_level_and_an_item_that_must_hold():
    rental = indicator_status_record(
        name="提供保障性租赁住房", unit="套", target=150.0, value=34.0, completion=0.2267, time_progress=0.5, gap_pp=27.33,
        status=LAGGING, last_year=25.0,
    )  # fmt: skip
    assert wording.indicator_facts(rental, 6) == (
        "年度目标150套，1—6月累计完成34套，完成率22.7%；截至6月底序时进度50%，低于序时进度27.3个百分点；同比增长36.0%（上年同期25套）"
    )
    level = indicator_status_record(
        kind="ratio", unit="%", target=60.0, qualifier="力争", value=45.5, base=38.2, completion=0.333, measure="较上年末进度",
        gap_pp=16.7, status=LAGGING,
    )  # fmt: skip
    assert wording.indicator_facts(level, 6).startswith("年度目标力争60%，6月底为45.5%，较上年末进度33.3%（上年末38.2%）")
    patrol = indicator_status_record(
        kind="level", basis="maintain", unit="处", target=51.0, value=47.0, completion=0.9216, measure="对照目标值",
        time_progress=None, gap_pp=7.84, gap_basis="target", status=WARNING,
    )  # fmt: skip
    facts = wording.indicator_facts(patrol, 6)
    assert facts == "每月目标51处，6月底为47处，对照目标值92.2%（目标100%）；低于目标值7.8个百分点"
    assert "序时" not in facts


def test_year_end_facts_never_talk_of_time_progress():
    fish = indicator_status_record(
        unit="亩", target=745.0, value=609.9, completion=0.8187, time_progress=1.0, gap_pp=18.13, status=NOT_DONE, final=True,
        value_month=12,
    )  # fmt: skip
    facts = wording.indicator_facts(fish, 12)
    assert facts == "年度目标745亩，全年累计完成609.9亩，完成率81.9%；距年度目标尚差135.1亩"
    assert wording.gap_text(fish) == "距年度目标尚差135.1亩"  # the overview table and xlsx say the same, never 序时
    done = indicator_status_record(unit="套", target=150.0, value=150.0, completion=1.0, status=DONE, final=True, value_month=11)
    assert wording.gap_text(done) == ""
    assert wording.reached_phrase(done, 12) == "1—11月累计完成150套（12月未填报）"


def test_formal_elements_come_from_settings():
    settings = config.Settings(doc_number_prefix="三乡督", recipients="各村（社区）、镇属各部门", issuer="督查室", rectify_days=10)
    formal = bulletin_text.formal(date(2023, 12, 28), settings)
    assert formal.number == "三乡督〔2023〕　　号"
    assert formal.recipients == "各村（社区）、镇属各部门："
    assert formal.date_text == "2023年12月28日" and formal.deadline_text == "2024年1月7日"  # across the year end


def test_the_lagging_list_is_titled_as_what_it_is(june_status, con):
    from tracker import status

    june = meeting.outline(june_status)
    (lagging,) = [s for s in june if isinstance(s, meeting.LaggingSlide)]
    assert lagging.title == "滞后事项清单" and lagging.rows
    assert all(r.status == LAGGING for r in lagging.rows)
    assert "需研究决策事项" not in [s.title for s in june]
    december = meeting.outline(status.build_status(con, 2023, 12))
    (year_end,) = [s for s in december if isinstance(s, meeting.LaggingSlide)]
    assert year_end.title == "未完成事项清单" and all(r.status == NOT_DONE for r in year_end.rows)
    assert meeting.summary_of(december).title == "年度目标完成情况"
    (tracked,) = [s for s in december if isinstance(s, meeting.TrackedSlide)]
    assert tracked.title == "跟踪事项（不计入年度统计）" and len(tracked.rows) == 5

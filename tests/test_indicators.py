"""The SQL-file registry: headers are checked, every file runs, parameters are bound."""

import pytest

from tracker import indicators
from tracker.indicators import IndicatorFileError, load_file, registry, run

GOOD_HEADER = """-- name: 测试指标
-- unit: 个
-- kind: cumulative
-- direction: up
-- department: econ
-- metrics: four_small_gardens
-- source: 原文
"""


def write(tmp_path, body: str, area="economy", code="probe"):
    folder = tmp_path / area
    folder.mkdir(exist_ok=True)
    path = folder / f"{code}.sql"
    path.write_text(body, encoding="utf-8")
    return path


def test_registry_reads_every_file_once_with_area_from_folder():
    found = registry()
    assert len(found) == 21
    assert found["river_interception"].area == "water"
    assert registry() is found


@pytest.mark.parametrize("code", sorted(registry()))
def test_every_sql_file_runs_on_demo_data_and_returns_year_month_value(con, code):
    frame = run(con, registry()[code], 2023)
    assert {"year", "month", "value"} <= set(frame.columns)
    assert set(frame.columns) <= {"year", "month", "value", "place"}
    assert len(frame) > 0, f"{code} returned nothing for 2023"
    assert frame["month"].between(1, 12).all()
    assert (frame["year"] == 2023).all()


def test_missing_header_key_names_file_and_key(tmp_path):
    path = write(tmp_path, GOOD_HEADER.replace("-- unit: 个\n", "") + "select $year")
    with pytest.raises(IndicatorFileError, match=r"probe\.sql.*'unit'"):
        load_file(path)


def test_bad_kind_is_refused(tmp_path):
    path = write(tmp_path, GOOD_HEADER.replace("cumulative", "sum") + "select $year")
    with pytest.raises(IndicatorFileError, match="'kind'"):
        load_file(path)


def test_unknown_header_key_is_refused(tmp_path):
    path = write(tmp_path, GOOD_HEADER + "-- colour: red\nselect $year")
    with pytest.raises(IndicatorFileError, match="'colour'"):
        load_file(path)


def test_bad_plan_curve_is_refused(tmp_path):
    path = write(tmp_path, GOOD_HEADER + "-- plan: 0.5,0.4\nselect $year")
    with pytest.raises(IndicatorFileError, match="'plan'"):
        load_file(path)


def test_inline_comment_after_a_value_is_ignored(tmp_path):
    path = write(tmp_path, GOOD_HEADER.replace("-- kind: cumulative", "-- kind: cumulative   -- cumulative | level") + "select $year")
    assert load_file(path).kind == "cumulative"


def test_duplicate_codes_across_areas_are_refused(tmp_path):
    write(tmp_path, GOOD_HEADER + "select $year", area="economy")
    write(tmp_path, GOOD_HEADER + "select $year", area="water")
    indicators._registry.cache_clear()
    try:
        with pytest.raises(IndicatorFileError, match="defined twice"):
            registry(tmp_path)
    finally:
        indicators._registry.cache_clear()


def test_query_that_ignores_the_year_is_refused(tmp_path):
    path = write(tmp_path, GOOD_HEADER + "select 2023 as year, 1 as month, 1.0 as value")
    with pytest.raises(IndicatorFileError, match=r"\$year"):
        load_file(path)


def test_year_is_a_bound_parameter(con, tmp_path):
    path = write(tmp_path, GOOD_HEADER + "select $year as year, 1 as month, 1.0 as value")
    frame = run(con, load_file(path), 2031)
    assert frame["year"].tolist() == [2031]


def test_query_without_required_columns_is_refused(con, tmp_path):
    path = write(tmp_path, GOOD_HEADER + "select 1 as month, 2 as value where $year > 0")
    with pytest.raises(IndicatorFileError, match="year"):
        run(con, load_file(path), 2023)


def test_values_inside_a_callers_transaction_leave_it_open(con):
    """Reading indicator values must never end a transaction the caller has open."""
    from tracker.indicators import values

    con.execute("begin")
    con.execute("insert into meta values ('probe', 'inside')")
    frame = values(con, [2023])
    assert len(frame) > 0
    con.execute("commit")
    assert con.execute("select value from meta where key = 'probe'").fetchone() == ("inside",)


def test_values_are_recomputed_when_a_batch_is_reverted(con):
    from tracker.indicators import values

    def june_events():
        frame = values(con, [2023], ["cultural_events"])
        return frame[frame["month"] == 6]["value"].iloc[0]

    before = june_events()
    batch = con.execute("insert into batch (kind, user_name, created_at) values ('figures', 't', now()) returning id").fetchone()[0]
    con.execute("insert into figure values ('cultural_events', 2023, 6, null, 999, null, ?)", [batch])
    assert june_events() == 999
    con.execute("update batch set status = 'reverted' where id = ?", [batch])
    assert june_events() == before

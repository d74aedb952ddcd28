"""Schema 4 (project and task keyed by code and year) and starting a year from last year's items (tracker.years)."""

from __future__ import annotations

import json

import duckdb
import psycopg
import pytest

from tests.conftest import add_users, run, write
from tracker import bulletin_text, db, ingest, model, pgadmin, pgstore, status, store, years
from tracker.auth import PermissionDenied, User

ADMIN = User("admin", "admin")
PROJECT_HEADER = "项目编码,年,月,阶段,形象进度,进展情况"
TASK_HEADER = "事项编码,年,月,进展情况,完成情况"

# The five tables as schema 3 declared them: project and task keyed by their code alone.
SCHEMA_3 = """
create table project (
    code varchar primary key, year integer not null, name varchar not null,
    area varchar not null references area (code), department varchar not null references department (code),
    project_type varchar, place varchar, milestone varchar, target_stage varchar not null,
    ongoing boolean not null default false, start_month integer, finish_month integer, source varchar not null
);
create table project_progress (
    project varchar not null references project (code), year integer not null,
    month integer not null check (month between 1 and 12),
    stage varchar not null, percent double precision, note varchar, batch_id integer not null references batch (id),
    problem varchar
);
create table project_plan (
    project varchar not null references project (code), year integer not null,
    start_month integer check (start_month between 1 and 12), finish_month integer check (finish_month between 1 and 12),
    note varchar, batch_id integer not null references batch (id)
);
create table task (
    code varchar primary key, year integer not null, name varchar not null,
    area varchar not null references area (code), department varchar not null references department (code),
    deadline_month integer not null default 12 check (deadline_month between 1 and 12),
    qualifier varchar not null default '' check (qualifier in ('', '力争', '确保', '约')),
    ongoing boolean not null default true, source varchar not null
);
create table task_progress (
    task varchar not null references task (code), year integer not null,
    month integer not null check (month between 1 and 12),
    progress varchar, self_assessment varchar not null check (self_assessment in ('已完成', '正常推进', '滞后')),
    problem varchar, batch_id integer not null references batch (id)
);
"""
TABLES = ("project", "project_progress", "project_plan", "task", "task_progress")
SCHEMA_3_COLUMNS = {
    "project": "code, year, name, area, department, project_type, place, milestone, target_stage, ongoing, start_month, "
    "finish_month, source",
    "task": "code, year, name, area, department, deadline_month, qualifier, ongoing, source",
}


def table_rows(path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(con.execute(f"select {SCHEMA_3_COLUMNS.get(t, '*')} from {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        con.close()


def status_json(year: int, month: int) -> str:
    with store.connect() as con:
        return json.dumps(status.build_status(con, year, month).to_json(), ensure_ascii=False, sort_keys=True, default=str)


def make_schema_3(path) -> None:
    """Turn a schema-4 file back into what a deployed schema-3 file holds (same rows, the old keys, version 3)."""
    con = duckdb.connect(str(path))
    try:
        for t in TABLES:
            con.execute(f"create temp table old_{t} as select {SCHEMA_3_COLUMNS.get(t, '*')} from {t}")
        for t in ("project_progress", "project_plan", "task_progress", "project", "task"):
            con.execute(f"drop table {t}")
        con.execute(SCHEMA_3)
        for t in TABLES:
            con.execute(f"insert into {t} select * from old_{t}")
        con.execute("update meta set value = '3' where key = 'schema_version'")
    finally:
        con.close()


@pytest.fixture
def admin_db(demo_db):
    add_users(demo_db, ("admin", "admin", None), ("wang", "staff", "water"), ("viewer1", "viewer", None))
    return demo_db


def test_a_schema_3_file_is_upgraded_in_place_keeping_every_row(demo_db):
    with store.connect() as con:
        con.execute("insert into project_plan select code, year, 3, 9, 'plan', 1 from project where code = 'P_MAOWAN_1'")
    before = table_rows(demo_db)
    assert all(before[t] for t in TABLES)
    make_schema_3(demo_db)
    store._READY.clear()
    with store.connect() as con:
        assert db.schema_version(con) == db.SCHEMA_VERSION == 5
        keys = dict(
            con.execute(
                "select table_name, constraint_column_names from duckdb_constraints() where constraint_type = 'PRIMARY KEY' "
                "and table_name in ('project', 'task')"
            ).fetchall()
        )
    assert keys == {"project": ["code", "year"], "task": ["code", "year"]}
    assert table_rows(demo_db) == before


def test_a_failed_upgrade_changes_nothing(demo_db, monkeypatch):
    make_schema_3(demo_db)
    before = table_rows(demo_db)
    store._READY.clear()

    def broken(con):
        con.execute("create table if not exists half_done (x integer)")
        raise duckdb.CatalogException("simulated")

    monkeypatch.setattr(db, "upgrade", broken)
    with pytest.raises(store.DatabaseDamaged):
        with store.connect():
            pass
    con = duckdb.connect(str(demo_db), read_only=True)
    assert con.execute("select value from meta where key = 'schema_version'").fetchone() == ("3",)
    assert not con.execute("select * from duckdb_tables() where table_name = 'half_done'").fetchall()
    con.close()
    assert table_rows(demo_db) == before


def test_an_older_postgresql_store_is_rekeyed_by_year(pg_db):
    """The same upgrade on PostgreSQL: keys altered in place, every row kept."""
    with psycopg.connect(pg_db, autocommit=True) as pg:
        before = {t: pg.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
        for child, name in (("project_progress", "project"), ("project_plan", "project"), ("task_progress", "task")):
            fk = pg.execute(
                "select conname from pg_constraint where contype = 'f' and conrelid = to_regclass(%s) and confrelid = to_regclass(%s)",
                [child, name],
            ).fetchone()
            pg.execute(f'alter table {child} drop constraint "{fk[0]}"')
        for table in ("project", "task"):
            pg.execute(f"alter table {table} drop constraint {table}_pkey, add primary key (code)")
            pg.execute(f"alter table {table} drop column source_year")
        pg.execute("alter table project_progress add foreign key (project) references project (code)")
        pg.execute("update meta set value = '3' where key = 'schema_version'")
    pgadmin.forget(pg_db)
    pgstore.close_all(pg_db)
    years.start_year(2024, ADMIN)
    with psycopg.connect(pg_db, autocommit=True) as pg:
        keys = pg.execute(
            "select conrelid::regclass::text, array_length(conkey, 1) from pg_constraint where contype = 'p' "
            "and conrelid in (to_regclass('project'), to_regclass('task'))"
        ).fetchall()
        assert sorted(keys) == [("project", 2), ("task", 2)]
        after = {t: pg.execute(f"select count(*) from {t} where year = 2023").fetchone()[0] for t in TABLES}
        assert pg.execute("select value from meta where key = 'schema_version'").fetchone() == (str(db.SCHEMA_VERSION),)
        assert pg.execute("select count(*) from project where year = 2024").fetchone() == (33,)
    assert after == before


def test_the_same_code_in_two_years_holds_separate_progress(admin_db, tmp_path, capsys):
    years.start_year(2024, ADMIN)
    first = write(tmp_path, "p23.csv", PROJECT_HEADER, "P_MAOWAN_1,2023,11,在建,80,推进中")
    second = write(tmp_path, "p24.csv", PROJECT_HEADER, "P_MAOWAN_1,2024,2,在建,85,续建")
    tasks = write(tmp_path, "t24.csv", TASK_HEADER, "T_AIR_QUALITY,2024,2,按计划推进,正常推进")
    for path in (first, second, tasks):
        code, out, err = run(capsys, "import", path, "--user", "wang" if path != tasks else "admin")
        assert code == 0, out + err
    with store.connect() as con:
        old = next(p for p in status.build_status(con, 2023, 11).projects if p.code == "P_MAOWAN_1")
        new = next(p for p in status.build_status(con, 2024, 2).projects if p.code == "P_MAOWAN_1")
        task = next(t for t in status.build_status(con, 2024, 2).tasks if t.code == "T_AIR_QUALITY")
        untouched = next(t for t in status.build_status(con, 2023, 2).tasks if t.code == "T_AIR_QUALITY")
    assert (old.percent, old.note) == (80.0, "推进中") and (new.percent, new.note) == (85.0, "续建")
    assert new.source_year == 2023 and old.source_year is None
    assert task.progress == "按计划推进" and untouched.progress != "按计划推进"


def test_starting_a_year_copies_items_blank_targets_and_assignments_and_leaves_last_year_alone(admin_db):
    before = [status_json(2023, m) for m in (6, 12)]
    with store.connect() as con:
        old = years.counts(con, 2023)
    started = years.start_year(2024, ADMIN)
    assert [status_json(2023, m) for m in (6, 12)] == before
    counts = started.counts
    assert (counts.projects, counts.tasks, counts.indicators) == (old.projects, old.tasks, old.indicators)
    assert counts.assignments == old.assignments and counts.targets_pending == old.indicators - 1  # one last_year rule
    with store.connect() as con:
        targets = con.execute("select indicator, value, rule, note from target_current where year = 2024").fetchall()
        report = status.build_status(con, 2024, 3)
        plans = con.execute("select count(*) from project_plan_current where year = 2024 and start_month is not null").fetchone()
        batch = con.execute("select kind, user_name, rows from batch where id = ?", [started.batch_id]).fetchone()
        audit = con.execute("select detail from audit where action = 'year.start'").fetchall()
    assert all(value is None for _, value, _, _ in targets)  # never 2023's number
    assert {rule for _, _, rule, _ in targets} == {"fixed", "last_year"}
    assert all("2024" in note for *_, note in targets)
    assert plans == (0,)  # the town's planned months were a plan for 2023
    assert batch == ("year", "admin", counts.items) and len(audit) == 1
    pending = [i for i in report.indicators if i.status == model.TARGET_PENDING]
    blank = {code for code, _, rule, _ in targets if rule == "fixed"}
    assert len(blank) == counts.targets_pending
    assert {i.code for i in pending} == blank - {t.code for t in report.tracked}  # a tracked goal is never judged
    assert all(i.completion is None and i.gap_pp is None for i in pending)
    assert model.NO_DATA not in {i.status for i in pending}
    assert {p.source_year for p in report.projects} == {2023} and {t.source_year for t in report.tasks} == {2023}
    maowan = next(p for p in report.projects if p.code == "P_MAOWAN_1")
    assert maowan.support_departments == ["nature"]
    assert report.to_json()["indicators"][0]["status"] == model.TARGET_PENDING


def test_a_year_with_items_is_refused_and_only_admins_start_years(admin_db):
    with pytest.raises(PermissionDenied):
        years.start_year(2024, User("wang", "staff", "water"))
    with pytest.raises(years.YearError, match="2023年已有事项"):
        years.start_year(2023, ADMIN, source=2022)
    with pytest.raises(years.YearError, match="2021年没有可复制的事项"):
        years.start_year(2022, ADMIN)
    years.start_year(2024, ADMIN)
    with pytest.raises(years.YearError, match="2024年已有事项"):
        years.start_year(2024, ADMIN)
    with store.connect() as con:
        assert store.one(con, "select count(*) from batch where kind = 'year'") == (1,)


def test_revert_removes_the_copied_items_until_something_is_reported(admin_db, tmp_path, capsys):
    before = status_json(2023, 12)
    started = years.start_year(2024, ADMIN)
    ingest.revert(started.batch_id, ADMIN)
    with store.connect() as con:
        assert years.counts(con, 2024).items == 0
        (detail,) = store.one(con, "select detail from audit where action = 'year.revert'")
        assert len(json.loads(detail)["projects"]) == 33 and "P_MAOWAN_1" in json.loads(detail)["projects"]
        assert 2024 not in [y.year for y in years.list_years(con) if y.items]
    assert status_json(2023, 12) == before
    again = years.start_year(2024, ADMIN)  # a reverted start may be made again
    path = write(tmp_path, "p.csv", PROJECT_HEADER, "P_MAOWAN_1,2024,1,在建,10,开工")
    assert run(capsys, "import", path, "--user", "wang")[0] == 0
    with pytest.raises(years.YearError, match="项目进展1条"):
        years.revert_year(again.batch_id, ADMIN)
    with store.connect() as con:
        assert years.counts(con, 2024).projects == 33


def test_the_bulletin_says_targets_are_to_be_entered(admin_db):
    years.start_year(2024, ADMIN)
    with store.connect() as con:
        report = status.build_status(con, 2024, 3)
    pending = sum(i.status == model.TARGET_PENDING for i in report.indicators)
    clause = bulletin_text.counts_clause(model.status_counts(report.indicators), len(report.indicators), "项指标", "项",
                                         model.STATUSES, pending)  # fmt: skip
    assert f"{model.TARGET_PENDING}{pending}项" in clause and model.NO_TARGET not in clause
    assert bulletin_text.unjudged_word(report) == model.TARGET_PENDING


def strict(text: str):
    def refuse(name: str):
        raise ValueError(name)

    return json.loads(text, parse_constant=refuse)


def test_cli_year_start_and_list(admin_db, capsys):
    code, out, _ = run(capsys, "year", "list", "--json")
    assert code == 0 and 2024 not in [y["year"] for y in strict(out)]
    code, _, err = run(capsys, "year", "start", "2024", "--user", "wang")
    assert code == 1 and "管理员" in err
    code, out, _ = run(capsys, "year", "start", "2024", "--from", "2023", "--user", "admin")
    assert code == 0 and "已由2023年开始2024年" in out and "可撤销" in out
    code, _, err = run(capsys, "year", "start", "2024", "--user", "admin")
    assert code == 1 and "2024年已有事项" in err
    code, out, _ = run(capsys, "year", "list", "--json")
    listed = {y["year"]: y for y in strict(out)}
    assert listed[2024] == {"year": 2024, "indicators": 19, "projects": 33, "tasks": 54, "targets_pending": 18, "assignments": 108}
    assert listed[2023]["targets_pending"] == 0 and listed[2023]["projects"] == 33
    code, out, _ = run(capsys, "status", "--year", "2024", "--month", "2", "--json")
    assert model.TARGET_PENDING in {i["status"] for i in strict(out)["indicators"]}


def test_cli_year_start_honours_the_town(demo_db, tmp_path):
    from tests.test_towns import HENGLAN, cli, write_town_files

    data, queries = write_town_files(tmp_path / "henglan-files")
    assert cli(demo_db, "towns", "add", HENGLAN, "--data", str(data), "--queries", str(queries)).returncode == 0
    added = cli(demo_db, "--town", HENGLAN, "users", "add", "hl_admin", "--role", "admin", stdin="a-long-password\na-long-password\n")
    assert added.returncode == 0, added.stderr
    started = cli(demo_db, "year", "start", "2024", "--user", "hl_admin", "--town", HENGLAN)
    assert started.returncode == 0, started.stderr
    theirs = {y["year"]: y for y in strict(cli(demo_db, "--town", HENGLAN, "year", "list", "--json").stdout)}
    ours = {y["year"]: y for y in strict(cli(demo_db, "year", "list", "--json").stdout)}
    assert theirs[2024]["indicators"] == 2 and theirs[2024]["targets_pending"] == 2
    assert 2024 not in ours or ours[2024]["indicators"] == 0


def test_the_targets_page_starts_a_year_and_the_sidebar_offers_it(demo_db):
    """开始新年度 on 目标管理 (admins): preview, confirm, success; then the overview's 年度 box lists the year and its
    indicators show 目标待录入, not 未填报."""
    from tests.test_pages import open_page
    from tests.test_upload_pages import ADMIN as PAGE_ADMIN
    from tests.test_upload_pages import STAFF, all_text, frame_with, page

    assert "开始新年度" not in [s.value for s in page("targets", STAFF).subheader]
    at = page("targets", PAGE_ADMIN)
    assert at.selectbox(key="new_year").value == 2024 and at.selectbox(key="new_year_source").value == 2023
    preview = frame_with(at, "2023年现有")
    assert list(preview["2023年现有"]) == [33, 54, 108, 19]
    assert at.button(key="new_year_start").disabled
    at.checkbox(key="new_year_agree").check().run()
    at.button(key="new_year_start").click().run()
    assert not at.exception
    assert any("已开始2024年" in s.value and "18项指标目标待录入" in s.value for s in at.success), all_text(at)
    assert 2024 not in at.selectbox(key="new_year").options
    overview = open_page("overview", year="2024", month="3")
    assert "2024" in overview.selectbox(key="year").options
    assert any("15项指标目标待录入" in i.value for i in overview.info)
    assert "目标待录入" in " ".join(str(e.value) for e in overview.markdown)  # the area cards count them apart


def test_the_deck_and_the_bulletin_of_a_started_year_say_targets_are_to_be_entered(admin_db):
    from datetime import date

    from pptx import Presentation

    from tests.test_report_doc import body_text, open_doc
    from tracker import deck, report_doc

    years.start_year(2024, ADMIN)
    with store.connect() as con:
        report = status.build_status(con, 2024, 3)
        slides = Presentation(__import__("io").BytesIO(deck.deck_for_month(con, 2024, 3)))
        text = body_text(open_doc(report_doc.build_report(report, status.areas(con), date(2024, 4, 5))))
    said = " ".join(shape.text_frame.text for slide in slides.slides for shape in slide.shapes if shape.has_text_frame)
    tables = " ".join(
        cell.text for slide in slides.slides for shape in slide.shapes if shape.has_table for row in shape.table.rows for cell in row.cells
    )
    assert model.TARGET_PENDING in said + tables
    assert f"{model.TARGET_PENDING}15项" in text and "未设目标" not in text


def test_targets_open_on_the_started_year_and_entering_one_judges_it(admin_db):
    years.start_year(2024, ADMIN)
    with store.connect() as con:
        assert ingest.planning_year(con) == 2024
    ingest.commit_targets([ingest.TargetRow("cultural_events", 2024, 320.0, ">=", "原文（2024年报告）")], ADMIN)
    with store.connect() as con:
        event = next(i for i in status.build_status(con, 2024, 3).indicators if i.code == "cultural_events")
        assert ingest.planning_year(con) == 2024  # the other blanks still wait
    assert event.target == 320.0 and event.status != model.TARGET_PENDING and not event.target_pending

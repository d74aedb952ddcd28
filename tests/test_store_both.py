"""The core writes and reads on both stores: the DuckDB file and PostgreSQL (a real server, see tests/pgserver.py).

Every test here runs twice (``any_store``); the PostgreSQL-only ones check what PostgreSQL itself holds, through a
plain psycopg connection that bypasses the tracker's in-memory read copy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg
import pytest

from bench.upload import FLOWS
from tests.conftest import ROOT, TODAY, counts, current, make_csv
from tracker import backups, config, db, ingest, pgadmin, pgstore, store
from tracker.auth import User
from tracker.status import build_status

ADMIN = User("boss", "admin", None)
STAFF = User("c1", "staff", "culture")
TABLES = ("area", "department", "metric", "place", "batch", "figure", "target", "project", "project_progress", "task",
          "task_progress", "item_assignment")  # fmt: skip


def table_counts() -> dict[str, int]:
    with store.connect() as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def pg_rows(sql: str, params=None) -> list[tuple]:
    """What PostgreSQL holds, read without the tracker."""
    with psycopg.connect(config.database_url()) as pg:
        return pg.execute(sql, params).fetchall()


def test_build_seeds_the_same_rows_on_both_stores(any_store, demo_db_template, monkeypatch):
    mine = table_counts()
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    with store.connect(demo_db_template) as con:
        reference = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    assert mine == reference and mine["figure"] > 1000


def test_upload_is_all_or_nothing(any_store):
    """A file with one bad row changes nothing; the same file fixed commits every row in one batch."""
    before = counts()
    bad = make_csv([["cultural_events", 2024, 1, 7, None, None], ["cultural_events", 2024, 2, "七", None, None]])
    with pytest.raises(ingest.ValidationFailed):
        ingest.commit(bad, "bad.csv", STAFF, today=TODAY)
    assert counts() == before
    good = make_csv([["cultural_events", 2024, 1, 7, None, None], ["cultural_events", 2024, 2, 9, None, None]])
    result = ingest.commit(good, "good.csv", STAFF, today=TODAY)
    assert result.batch_id and result.rows == 2
    assert counts()[:2] == (before[0] + 2, before[1] + 1)
    assert (current("cultural_events", 2024, 1), current("cultural_events", 2024, 2)) == (7, 9)


def test_duplicate_file_is_written_once(any_store):
    data = make_csv([["cultural_events", 2024, 1, 44, None, None]])
    first = ingest.commit(data, "a.csv", STAFF, today=TODAY)
    again = ingest.commit(data, "a-copy.csv", STAFF, today=TODAY)
    assert again.duplicate_of == first.batch_id and again.batch_id is None
    with store.connect() as con:
        assert con.execute("select count(*) from batch where sha256 = ?", [first.report.parsed.sha256]).fetchone() == (1,)


def test_revert_brings_the_previous_value_back_and_is_audited(any_store):
    before = current("cultural_events", 2024, 1)
    result = ingest.commit(make_csv([["cultural_events", 2024, 1, 123, None, None]]), "r.csv", STAFF, today=TODAY)
    assert current("cultural_events", 2024, 1) == 123
    ingest.revert(result.batch_id, ADMIN)
    assert current("cultural_events", 2024, 1) == before
    with store.connect() as con:
        actions = [r[0] for r in con.execute("select action from audit where user_name in ('c1', 'boss') order by id").fetchall()]
        detail = json.loads(con.execute("select detail from audit where action = 'figures.commit'").fetchone()[0])
    assert actions[-2:] == ["figures.commit", "batch.revert"] or "figures.commit" in actions and any("revert" in a for a in actions)
    assert detail["batch"] == result.batch_id


def test_status_of_a_month_is_the_same_on_both_stores(any_store, demo_db_template, monkeypatch):
    with store.connect() as con:
        mine = build_status(con, 2023, 6).to_json()
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    with store.connect(demo_db_template) as con:
        reference = build_status(con, 2023, 6).to_json()
    assert mine == reference


def _upload_in_process(i: int, same_file: bool = False) -> subprocess.Popen:
    row = "[FLOWS[0], 2024, 1, 4242, None, 'same']" if same_file else f"[FLOWS[{i}], 2024, 1, {1000 + i}, None, 'p{i}']"
    code = (
        "from bench.upload import FLOWS; from tests.conftest import make_csv, TODAY; from tracker import ingest;"
        f"from tracker.auth import User; r = ingest.commit(make_csv([{row}]),"
        f" 'p{i}.csv', User('boss', 'admin', None), today=TODAY); print(r.batch_id, r.duplicate_of)"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, text=True)


def test_uploads_from_several_processes_are_serialised_without_loss(any_store):
    before = counts()
    procs = [_upload_in_process(i) for i in range(6)]
    ids = [int(p.communicate(timeout=180)[0].strip().splitlines()[-1].split()[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(set(ids)) == 6
    assert counts()[:2] == (before[0] + 6, before[1] + 6)
    assert [current(FLOWS[i], 2024, 1) for i in range(6)] == [1000 + i for i in range(6)]


def test_the_same_file_from_several_processes_is_stored_once(any_store):
    """The duplicate-file rule holds across processes: one commit, the others told it is a duplicate of it."""
    before = counts()
    procs = [_upload_in_process(i, same_file=True) for i in range(4)]
    answers = [p.communicate(timeout=180)[0].strip().splitlines()[-1].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    committed = [int(a[0]) for a in answers if a[0] != "None"]
    assert len(committed) == 1
    assert sorted(a[1] for a in answers) == sorted(["None"] + [str(committed[0])] * 3)
    assert counts()[:2] == (before[0] + 1, before[1] + 1)


# ---------------------------------------------------------------- PostgreSQL itself


def test_writes_land_in_postgresql_with_the_ids_the_caller_saw(pg_db):
    result = ingest.commit(make_csv([["cultural_events", 2024, 1, 77, None, None]]), "x.csv", STAFF, today=TODAY)
    assert pg_rows("select value from figure where batch_id = %s", [result.batch_id]) == [(77.0,)]
    assert pg_rows("select user_name, file_name from batch where id = %s", [result.batch_id]) == [("c1", "x.csv")]
    assert pg_rows("select count(*) from audit where action = 'figures.commit'")[0][0] == 1


def test_a_preview_rolled_back_elsewhere_keeps_ids_in_step(pg_db):
    """A preview stages rows and rolls back (PostgreSQL burns the sequence values); the next commit's batch id
    is still the one PostgreSQL stored."""
    data = make_csv([["cultural_events", 2024, 1, 5, None, None]])
    ingest.prepare(data, "p.csv", STAFF, today=TODAY)
    proc = _upload_in_process(3)  # another process previews nothing but commits: its ids come from PostgreSQL
    proc.communicate(timeout=120)
    result = ingest.commit(data, "p.csv", STAFF, today=TODAY)
    assert pg_rows("select file_name from batch where id = %s", [result.batch_id]) == [("p.csv",)]
    with store.connect() as con:
        assert con.execute("select max(id) from batch").fetchone()[0] == pg_rows("select max(id) from batch")[0][0]


def test_a_write_by_another_process_is_read_at_the_next_connect(pg_db):
    assert current(FLOWS[3], 2024, 1) != 1003
    stamp = store.data_version()
    proc = _upload_in_process(3)
    proc.communicate(timeout=120)
    assert store.data_version() != stamp
    assert current(FLOWS[3], 2024, 1) == 1003


def test_reads_do_not_change_the_stamp(pg_db):
    stamp = store.data_version()
    with store.connect() as con:
        build_status(con, 2023, 6)
        ingest.prepare(make_csv([["cultural_events", 2024, 1, 5, None, None]]), "p.csv", STAFF, today=TODAY)
    assert store.data_version() == stamp


def test_init_force_rebuilds_postgresql_from_data(pg_db):
    ingest.commit(make_csv([["cultural_events", 2024, 1, 55, None, None]]), "y.csv", STAFF, today=TODAY)
    assert pg_rows("select count(*) from batch where file_name = 'y.csv'") == [(1,)]
    db.build(force=True)
    assert pg_rows("select count(*) from batch where file_name = 'y.csv'") == [(0,)]
    assert table_counts()["figure"] == pg_rows("select count(*) from figure")[0][0]


def test_an_older_postgresql_schema_is_brought_up_to_date_on_first_connect(pg_db):
    """The same migration as the DuckDB file's: a store of an older schema version gets the missing tables."""
    with psycopg.connect(pg_db, autocommit=True) as pg:
        pg.execute("drop table login_throttle")
        pg.execute("update meta set value = '1' where key = 'schema_version'")
    pgadmin.forget(pg_db)
    pgstore.close_all(pg_db)
    with store.connect() as con:
        assert con.execute("select count(*) from login_throttle").fetchone() == (0,)
    assert pg_rows("select value from meta where key = 'schema_version'") == [(str(db.SCHEMA_VERSION),)]
    assert pg_rows("select count(*) from login_throttle") == [(0,)]


def test_statements_are_routed_by_what_they_do():
    assert pgstore.is_local("select 1") and pgstore.is_local("create or replace temp table x as select 1")
    assert pgstore.is_local("drop table if exists temp.figure_current")
    assert not pgstore.is_local("with x as (select 1) insert into t select * from x")
    assert not pgstore.is_local("insert into t values (?)") and not pgstore.is_local("update batch set status = ?")


def test_sql_translation_for_postgresql():
    assert pgstore.pg_sql("select * from t where a = ? and b like '%?%'", [1]) == "select * from t where a = %s and b like '%%?%%'"
    assert pgstore.pg_sql("x double, y double precision", None) == "x double precision, y double precision"
    assert pgstore.pg_sql("where list_contains(?, code)", [[1]]) == "where code = any(%s)"


@pytest.mark.parametrize("page", ["overview", "indicator", "projects", "tasks", "map", "meeting", "reporting", "history", "upload"])
def test_pages_render_on_postgresql(pg_db, page):
    from tests.conftest import app_page

    at = app_page(f"pages/{page}.py", user=User("boss", "admin", None) if page in ("reporting", "history", "upload") else None)
    assert not at.exception
    assert at.main.children  # the page drew something from the store


def test_backup_and_restore_on_postgresql(pg_db, tmp_path):
    """A backup is one committed state; restoring it brings that state back, and writing goes on after it."""
    kept = ingest.commit(make_csv([["cultural_events", 2024, 1, 61, None, None]]), "kept.csv", STAFF, today=TODAY)
    backup = backups.backup(tmp_path)
    assert backup.exists() and backup.stat().st_mode & 0o777 == 0o600
    at_backup = table_counts()
    ingest.commit(make_csv([["cultural_events", 2024, 2, 62, None, None]]), "lost.csv", STAFF, today=TODAY)
    backups.restore(backup)
    assert table_counts() == at_backup
    assert pg_rows("select count(*) from batch where file_name in ('kept.csv', 'lost.csv')") == [(1,)]
    assert (current("cultural_events", 2024, 1), current("cultural_events", 2024, 2)) != (61, 62)
    after = ingest.commit(make_csv([["cultural_events", 2024, 2, 63, None, None]]), "after.csv", STAFF, today=TODAY)
    assert after.batch_id > kept.batch_id
    assert pg_rows("select file_name from batch where id = %s", [after.batch_id]) == [("after.csv",)]


def test_migrate_a_duckdb_file_into_an_empty_postgresql_database(demo_db, pg_admin):
    from tests import pgserver

    name = pgserver.create_database(pg_admin)
    url = pgserver.url_of(name)
    try:
        done = subprocess.run([sys.executable, "-m", "tracker", "migrate-to", url], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "TRACKER_DB": str(demo_db)}, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "各表行数一致" in done.stdout
        with store.connect(demo_db) as con:
            figures = con.execute("select count(*) from figure").fetchone()[0]
        with psycopg.connect(url) as pg:
            assert pg.execute("select count(*) from figure").fetchone()[0] == figures
    finally:
        pgstore.close_all(url)
        pgserver.drop_database(pg_admin, name)

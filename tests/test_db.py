"""Building the store from data/: schema version, idempotence, versioned figures."""

import duckdb

from tracker import db, store


def table_dump(path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute("select table_name from information_schema.tables where table_type = 'BASE TABLE' order by 1").fetchall()
        ]
        return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in tables}


def test_init_twice_gives_the_same_database(tmp_path):
    first = db.build(tmp_path / "a.duckdb")
    second = db.build(tmp_path / "b.duckdb")
    assert table_dump(first) == table_dump(second)


def test_init_keeps_an_existing_database_unless_forced(tmp_path):
    path = db.build(tmp_path / "t.duckdb")
    with store.connect(path) as con:
        con.execute("insert into meta values ('marker', 'kept')")
    db.build(path)
    with store.connect(path) as con:
        assert con.execute("select value from meta where key = 'marker'").fetchone() == ("kept",)
    db.build(path, force=True)
    with store.connect(path) as con:
        assert con.execute("select count(*) from meta where key = 'marker'").fetchone() == (0,)


def test_connect_builds_a_missing_database(tmp_path):
    path = tmp_path / "new.duckdb"
    with store.connect(path) as con:
        assert db.schema_version(con) == db.SCHEMA_VERSION
    assert path.exists()


def test_seed_contents(con):
    assert con.execute("select count(*) from area").fetchone()[0] == 6
    assert con.execute("select count(*) from place where kind in ('village', 'community')").fetchone()[0] == 17
    assert con.execute("select count(*) from place where kind = 'channel'").fetchone()[0] == 28
    assert con.execute("select bool_and(schematic) from place").fetchone()[0] is True
    assert con.execute("select bool_and(demo) from batch where kind = 'figures'").fetchone()[0] is True


def test_newest_batch_wins_and_a_revert_restores_the_old_value(con):
    before = con.execute("select value from figure_current where metric = 'cultural_events' and year = 2023 and month = 6").fetchone()[0]
    batch = store.new_batch(con, "figures", "tester")
    con.execute("insert into figure values ('cultural_events', 2023, 6, null, 99, '更正', ?)", [batch])
    assert con.execute(
        "select value, user_name from figure_current where metric = 'cultural_events' and year = 2023 and month = 6"
    ).fetchone() == (99, "tester")
    con.execute("update batch set status = 'reverted' where id = ?", [batch])
    assert (
        con.execute("select value from figure_current where metric = 'cultural_events' and year = 2023 and month = 6").fetchone()[0]
        == before
    )
    # Nothing was deleted: both versions are still stored.
    assert con.execute("select count(*) from figure where metric = 'cultural_events' and year = 2023 and month = 6").fetchone()[0] == 2


def test_data_version_changes_when_the_file_changes(demo_db):
    before = store.data_version(demo_db)
    with store.connect(demo_db) as con:
        store.audit(con, "tester", "probe")
    assert store.data_version(demo_db) != before


def test_build_leaves_no_temporary_files(tmp_path):
    db.build(tmp_path / "t.duckdb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.duckdb"]


def test_a_reader_and_a_writer_in_one_process_do_not_clash(demo_db):
    """A page reading while an upload commits in another thread of the same server."""
    import threading

    errors = []
    with store.connect(demo_db) as writer:
        writer.execute("begin")
        writer.execute("insert into meta values ('w', '1')")

        def read():
            try:
                with store.connect(demo_db) as reader:
                    reader.execute("select count(*) from figure_current").fetchone()
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(30)
        writer.execute("commit")
    assert errors == []

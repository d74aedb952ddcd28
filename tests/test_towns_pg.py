"""Towns on PostgreSQL: each town in a database of its own (a real server, tests/pgserver.py), the home town on its
DuckDB file. An upload in one town is not seen in another; a town's status on PostgreSQL is the one its files give
on DuckDB; the city's roll-up reads every store; a town whose server cannot be reached is named and spares the rest.
"""

from __future__ import annotations

import json
import os
import shutil
import threading

import psycopg
import pytest

from tests import pgserver
from tests.conftest import TODAY, make_csv, run
from tests.test_towns import HENGLAN, HOME, cli, write_town_files
from tracker import city, config, ingest, pgstore, status, store, towns
from tracker.auth import User
from tracker.model import ALL_STATUSES, status_counts

DONGFENG = "442000103"  # 东凤镇: 三乡镇's own files and demo data, on PostgreSQL
DONGFENG_FILE = "442000101"  # 黄圃镇: the same files on a DuckDB file, to compare with
HENGLAN_FILE = "442000105"  # 古镇镇: 横栏镇's files on a DuckDB file, to compare with
ADMIN = User("boss", "admin", None)


def pg_tables(url: str) -> int:
    """Tables and sequences in the database, read without the tracker."""
    with psycopg.connect(url) as pg:
        row = pg.execute(
            "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relkind in ('r', 'S')"
        ).fetchone()
    assert row is not None
    return int(row[0])


def figures_in(code: str) -> int:
    with config.use_town(code), store.connect() as con:
        return int(store.one(con, "select count(*) from figure")[0])


@pytest.fixture
def databases(pg_admin):
    """Empty PostgreSQL databases on demand; every one dropped afterwards."""
    made: list[str] = []

    def new() -> str:
        made.append(pgserver.create_database(pg_admin))
        return pgserver.url_of(made[-1])

    yield new
    for name in made:
        pgstore.close_all(pgserver.url_of(name))
        pgserver.drop_database(pg_admin, name)


@pytest.fixture
def pg_towns(demo_db, tmp_path, monkeypatch, databases) -> dict[str, str]:
    """三乡镇 on its DuckDB file (demo); 东凤镇 from 三乡镇's files with the demo data and 横栏镇 from its own files,
    each on its own PostgreSQL database. The URLs by town code."""
    monkeypatch.delenv("TRACKER_TOWNS", raising=False)
    henglan_data, henglan_queries = write_town_files(tmp_path / "henglan-files")
    urls = {DONGFENG: databases(), HENGLAN: databases()}
    towns.add(DONGFENG, config.DATA_DIR, demo=True, database_url=urls[DONGFENG])
    towns.add(HENGLAN, henglan_data, henglan_queries, database_url=urls[HENGLAN])
    return urls


def test_towns_add_with_a_database_url_builds_the_towns_own_database(demo_db, tmp_path, monkeypatch, databases):
    monkeypatch.delenv("TRACKER_TOWNS", raising=False)
    url = databases()
    data, queries = write_town_files(tmp_path / "henglan-files")
    added = cli(demo_db, "towns", "add", HENGLAN, "--data", str(data), "--queries", str(queries), "--database-url", url)
    assert added.returncode == 0, added.stderr
    assert f"已添加 横栏镇（442000110）：数据库 {url}" in added.stdout
    folder = config.town_dir(HENGLAN)
    settings = folder / "data" / "settings.toml"
    assert config.settings(settings).database_url == url
    assert settings.stat().st_mode & 0o777 == 0o600  # it may hold a password
    assert not (folder / "tracker.duckdb").exists()  # the store is the database, not a file
    listed = {t["code"]: t for t in json.loads(cli(demo_db, "towns", "--json").stdout)}
    assert listed[HENGLAN]["database"] == url and listed[HOME]["database"] == ""
    with psycopg.connect(url) as pg:  # what PostgreSQL itself holds
        assert pg.execute("select indicator, value from target order by indicator").fetchall() == [
            ("gdp_growth", 7.0),
            ("market_entities", 20000.0),
        ]
        (detail,) = pg.execute("select detail from audit where action = 'town_add'").fetchone()
    assert json.loads(detail)["town"] == HENGLAN and json.loads(detail)["database"] == url
    theirs = json.loads(cli(demo_db, "--town", HENGLAN, "status", "--year", "2023", "--month", "6", "--json").stdout)
    assert {i["code"] for i in theirs["indicators"]} == {"market_entities", "gdp_growth"}


def test_an_upload_in_one_town_is_not_seen_in_another(pg_towns):
    before = {code: figures_in(code) for code in (HOME, DONGFENG, HENGLAN)}
    upload = make_csv([["cultural_events", 2024, 1, 71, None, "东凤镇上传"]])
    with config.use_town(DONGFENG):
        result = ingest.commit(upload, "dongfeng.csv", ADMIN, today=TODAY)
    assert result.batch_id is not None
    after = {code: figures_in(code) for code in (HOME, DONGFENG, HENGLAN)}
    assert after == {**before, DONGFENG: before[DONGFENG] + 1}
    for code, url in pg_towns.items():  # read in PostgreSQL itself, past the tracker's in-memory copies
        with psycopg.connect(url) as pg:
            found = pg.execute("select count(*) from figure where note = '东凤镇上传'").fetchone()
        assert found == ((1,) if code == DONGFENG else (0,))
    with store.connect() as con:  # the home town's file
        assert store.one(con, "select count(*) from figure where note = '东凤镇上传'") == (0,)
    # And the other way: the home town's upload stays in its file.
    ingest.commit(make_csv([["cultural_events", 2024, 2, 5, None, "三乡镇上传"]]), "home.csv", ADMIN, today=TODAY)
    with psycopg.connect(pg_towns[DONGFENG]) as pg:
        assert pg.execute("select count(*) from figure where note = '三乡镇上传'").fetchone() == (0,)


def test_a_towns_status_on_postgresql_is_what_its_files_give_on_duckdb(pg_towns, tmp_path, capsys):
    towns.add(DONGFENG_FILE, config.DATA_DIR, demo=True)
    henglan_data, henglan_queries = write_town_files(tmp_path / "henglan-again")
    towns.add(HENGLAN_FILE, henglan_data, henglan_queries)
    assert [t.database != "" for t in towns.installed()] == [False, False, True, False, True]
    for on_pg, on_file in ((DONGFENG, DONGFENG_FILE), (HENGLAN, HENGLAN_FILE)):
        for month in ("6", "12"):
            code_pg, out_pg, _ = run(capsys, "--town", on_pg, "status", "--year", "2023", "--month", month, "--json")
            code_file, out_file, _ = run(capsys, "--town", on_file, "status", "--year", "2023", "--month", month, "--json")
            assert code_pg == code_file == 0
            assert json.loads(out_pg) == json.loads(out_file)
    june = json.loads(run(capsys, "--town", DONGFENG, "status", "--year", "2023", "--month", "6", "--json")[1])
    assert june["demo"] is True and len(june["indicators"]) > 10 and len(june["projects"]) == 33


def test_the_city_rollup_reads_every_store_and_sums_their_own_statuses(pg_towns):
    reports = city.town_statuses(2023, 6)
    assert list(reports) == [HOME, DONGFENG, HENGLAN]
    own = {}
    for code in reports:
        with config.use_town(code), store.connect() as con:
            own[code] = status_counts(status.build_status(con, 2023, 6).all_items)
    rows = city.rollup(reports, city.open_actions(2023, 6))
    assert [(r.code, r.error) for r in rows] == [(HOME, None), (DONGFENG, None), (HENGLAN, None)]
    assert {r.code: dict(r.counts) for r in rows} == own
    assert city.totals(rows) == {s: sum(c[s] for c in own.values()) for s in ALL_STATUSES}
    assert own[DONGFENG] == own[HOME] and sum(own[HENGLAN].values()) == 2  # same files, same verdicts


def break_town(code: str, url: str) -> None:
    """Point the town's settings at a URL that cannot be used (the file as an operator would edit it)."""
    settings = config.town_dir(code) / "data" / "settings.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace(json.dumps(config.settings(settings).database_url), json.dumps(url)), encoding="utf-8")
    config._settings.cache_clear()
    assert config.settings(settings).database_url == url


@pytest.fixture
def wrong_password_url(pg_admin, pg_towns):
    """横栏镇's database over TCP as a role whose password is not the one given."""
    role = f"tracker_pw_{os.getpid()}"
    with psycopg.connect(pg_admin, autocommit=True) as pg:
        pg.execute(f"create role {role} login password 'the-right-one'")
    dbname = pg_towns[HENGLAN].split("///")[1].split("?")[0]
    yield f"postgresql://{role}:not-the-password@127.0.0.1/{dbname}"
    with psycopg.connect(pg_admin, autocommit=True) as pg:
        pg.execute(f"drop role if exists {role}")


@pytest.mark.parametrize("broken", ["wrong password", "server unreachable"])
def test_a_town_whose_database_cannot_be_reached_is_named_and_spares_the_others(pg_towns, demo_db, wrong_password_url, broken, capsys):
    good_rows = {r.code: r for r in city.rollup(city.town_statuses(2023, 6))}
    bad = wrong_password_url if broken == "wrong password" else "postgresql:///nothing?host=/nonexistent-socket-dir"
    break_town(HENGLAN, bad)
    code, out, err = run(capsys, "--town", HENGLAN, "status", "--year", "2023", "--month", "6", "--json")
    assert code == 1 and out == ""
    assert err.startswith("横栏镇（442000110）的数据库无法连接（PostgreSQL 服务器没有应答，或数据库地址、用户名、密码不对）")
    assert "not-the-password" not in err and "failed" not in err  # no password, no English for users
    for other in (HOME, DONGFENG):  # the other towns' commands work
        assert run(capsys, "--town", other, "status", "--year", "2023", "--month", "6", "--json")[0] == 0
    rows = {r.code: r for r in city.rollup(city.town_statuses(2023, 6), city.open_actions(2023, 6))}
    assert list(rows) == [HOME, DONGFENG, HENGLAN]
    henglan = rows[HENGLAN]
    assert henglan.error == city.UNREACHABLE == "数据库无法连接"
    assert henglan.items is None and set(henglan.counts.values()) == {None} and henglan.report_rate is None  # never zeros
    assert rows[HOME] == good_rows[HOME] and rows[DONGFENG] == good_rows[DONGFENG]
    assert city.totals(list(rows.values())) == {s: rows[HOME].counts[s] + rows[DONGFENG].counts[s] for s in ALL_STATUSES}
    # The city's documents and command name it and count it nowhere.
    from tracker import city_outline

    facts = city_outline.city_month(2023, 6)
    assert [r.code for r in facts.unreachable] == [HENGLAN] and HENGLAN not in {r.code for r in facts.rows}
    assert facts.unreachable_text == "横栏镇数据库无法连接，本期未能读取其数据，未纳入统计。"
    code, out, _ = run(capsys, "city", "--year", "2023", "--month", "6", "--json")
    listed = {t["code"]: t for t in json.loads(out)}
    assert code == 0 and listed[HENGLAN]["error"] == "数据库无法连接" and listed[HENGLAN]["items"] is None


def test_the_city_page_renders_with_one_town_unreachable(pg_towns):
    from tests.conftest import app_page

    break_town(HENGLAN, "postgresql:///nothing?host=/nonexistent-socket-dir")
    at = app_page("pages/city.py", query={"year": "2023", "month": "6"})
    assert at.title[0].value == "全市总览"
    frame = at.dataframe[0].value
    shown = frame.set_index("镇街") if "镇街" in frame.columns else frame
    names = [str(n) for n in shown.index]
    assert any(n.startswith("三乡镇") for n in names) and any(n.startswith("东凤镇") for n in names)
    henglan = shown.loc[[n for n in names if n.startswith("横栏镇")][0]]
    assert henglan["事项"] is None or henglan.isna()["事项"]  # no zero for a town not read


# ---------------------------------------------------------------- refusals leave nothing behind


def test_the_home_towns_database_is_never_another_towns(pg_db, tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_TOWNS", raising=False)
    data, queries = write_town_files(tmp_path / "files")
    before = pg_tables(pg_db)
    for spelling in (pg_db, pg_db + "&connect_timeout=3"):
        with pytest.raises(towns.TownError, match="是三乡镇（平台所在镇街）的数据库，不能给横栏镇使用"):
            towns.add(HENGLAN, data, queries, database_url=spelling)
    assert not config.town_dir(HENGLAN).exists() and pg_tables(pg_db) == before


def test_another_towns_database_is_refused(pg_towns, tmp_path):
    data, queries = write_town_files(tmp_path / "files")
    with pytest.raises(towns.TownError, match="已是东凤镇的数据库"):
        towns.add("442000106", data, queries, database_url=pg_towns[DONGFENG])
    assert not config.town_dir("442000106").exists()


def test_a_database_that_is_not_empty_is_refused_and_left_alone(demo_db, tmp_path, monkeypatch, databases):
    monkeypatch.delenv("TRACKER_TOWNS", raising=False)
    url = databases()
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("create table someone_elses (x int)")
        pg.execute("insert into someone_elses values (1)")
    data, queries = write_town_files(tmp_path / "files")
    with pytest.raises(towns.TownError, match=r"横栏镇的数据库 .* 不是空的（已有 1 个表或序列）"):
        towns.add(HENGLAN, data, queries, database_url=url)
    with psycopg.connect(url) as pg:
        assert pg.execute("select x from someone_elses").fetchall() == [(1,)]
    assert pg_tables(url) == 1 and not config.town_dir(HENGLAN).exists()


def test_a_build_that_fails_leaves_no_folder_and_an_empty_database(demo_db, tmp_path, monkeypatch, databases):
    monkeypatch.delenv("TRACKER_TOWNS", raising=False)
    url = databases()
    data, queries = write_town_files(tmp_path / "files")
    good_targets = (data / "targets.csv").read_text(encoding="utf-8")
    (data / "targets.csv").write_text(good_targets.replace(",20000,", ",两万,"), encoding="utf-8")
    with pytest.raises(towns.TownError, match="建库失败"):
        towns.add(HENGLAN, data, queries, database_url=url)
    assert pg_tables(url) == 0
    assert not config.town_dir(HENGLAN).exists() and not list(config.towns_dir().glob(".*"))
    # A failure after the build committed (the audit row refused): what the build made is dropped again.
    (data / "targets.csv").write_text(good_targets, encoding="utf-8")
    real_audit = store.audit

    def refuse(con, user, action, detail=None, at=None):
        if action == "town_add":
            raise store.StoreError("磁盘已满（测试）")
        return real_audit(con, user, action, detail, at)

    monkeypatch.setattr(store, "audit", refuse)
    with pytest.raises(store.StoreError):
        towns.add(HENGLAN, data, queries, database_url=url)
    assert pg_tables(url) == 0 and not config.town_dir(HENGLAN).exists()
    monkeypatch.setattr(store, "audit", real_audit)
    assert towns.add(HENGLAN, data, queries, database_url=url).database == url  # the same database, now whole


def test_a_url_that_is_not_postgresqls_is_refused(demo_db, tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_TOWNS", raising=False)
    data, queries = write_town_files(tmp_path / "files")
    with pytest.raises(towns.TownError, match="数据库地址应以 postgresql:// 开头"):
        towns.add(HENGLAN, data, queries, database_url="mysql://somewhere/db")
    assert not config.town_dir(HENGLAN).exists()


def test_a_town_whose_own_settings_name_its_database(demo_db, tmp_path, monkeypatch, databases):
    """The settings.toml that comes with the town's files may name its database instead of --database-url."""
    monkeypatch.delenv("TRACKER_TOWNS", raising=False)
    url = databases()
    data, queries = write_town_files(tmp_path / "files")
    (data / "settings.toml").write_text(
        f'[bulletin]\nissuer = "横栏镇人民政府督查室"\n\n[database]\ndatabase_url = "{url}"\n', encoding="utf-8"
    )
    with pytest.raises(towns.TownError, match="已写有 database_url"):
        towns.add(HENGLAN, data, queries, database_url=url)
    town = towns.add(HENGLAN, data, queries)
    assert town.database == url and pg_tables(url) > 10
    with config.use_town(HENGLAN):
        assert config.settings().issuer == "横栏镇人民政府督查室"
    shutil.rmtree(tmp_path / "files")


def test_backup_and_health_of_a_town_on_postgresql(pg_towns, capsys):
    code, out, err = run(capsys, "--town", HENGLAN, "backup")
    assert code == 0, err
    made = list((config.town_dir(HENGLAN) / "backups").glob("tracker-*.duckdb"))
    assert len(made) == 1 and str(made[0]) in out  # in the town's own folder, not among the home town's backups
    code, out, _ = run(capsys, "--town", HENGLAN, "health", "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    break_town(HENGLAN, "postgresql:///nothing?host=/nonexistent-socket-dir")
    code, out, _ = run(capsys, "--town", HENGLAN, "health", "--json")
    assert code == 1 and json.loads(out)["ok"] is False
    assert run(capsys, "--town", DONGFENG, "health", "--json")[0] == 0


def test_two_towns_writers_do_not_wait_on_each_other(pg_towns):
    """One town's write transaction held open: another town's write goes through meanwhile (its own database, its
    own lock in this process too); a second write of the same town waits for the first."""
    held, let_go = threading.Event(), threading.Event()
    events: list[str] = []
    done = {code: threading.Event() for code in ("other town", "same town")}

    def write(code: str, name: str, hold: bool = False) -> None:
        with config.use_town(code), store.writing() as con:
            events.append(f"{name} in")
            store.audit(con, "bench", "lock_test", {"writer": name})
            if hold:
                held.set()
                let_go.wait(120)
            events.append(f"{name} out")
        if name in done:
            done[name].set()

    first = threading.Thread(target=write, args=(DONGFENG, "first", True))
    first.start()
    assert held.wait(120)
    other = threading.Thread(target=write, args=(HENGLAN, "other town"))
    same = threading.Thread(target=write, args=(DONGFENG, "same town"))
    other.start()
    same.start()
    finished_while_held = done["other town"].wait(120)
    let_go.set()
    for thread in (first, other, same):
        thread.join(120)
    assert finished_while_held and events.index("other town out") < events.index("first out")
    assert events.index("first out") < events.index("same town in")
    with config.use_town(DONGFENG), store.connect() as con:
        assert store.one(con, "select count(*) from audit where action = 'lock_test'") == (2,)

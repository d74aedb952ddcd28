"""Towns as tenants: a second town added from files made for these tests, side by side with 三乡镇, each in a store
of its own; a town's users can neither read nor write another town's data, through the CLI and the functions."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, TODAY, make_csv
from tracker import config, status, store, towns

HENGLAN = "442000110"  # 横栏镇
HOME = "442000114"  # 三乡镇


def write_town_files(folder: Path) -> tuple[Path, Path]:
    """横栏镇's files in the formats of data/: two departments, two metrics, a level target and a growth target."""
    data, queries = folder / "data", folder / "queries"
    data.mkdir(parents=True)
    shutil.copy(config.DATA_DIR / "areas.csv", data / "areas.csv")
    (data / "departments.csv").write_text("code,name,note\necon,经济发展局,\nmarket,市场监管分局,\n", encoding="utf-8")
    (data / "metrics.csv").write_text(
        "code,name,unit,department,kind,per_place,place_kind,min_value,max_value,description\n"
        "market_entities,市场主体总量,家,market,stock,false,,0,,月末实有市场主体户数\n"
        "gdp_ytd,地区生产总值（累计值）,亿元,econ,stock,false,,0,,统计部门公布的1月至当月累计值\n",
        encoding="utf-8",
    )
    (data / "targets.csv").write_text(
        "indicator,year,value,comparator,rule,note\n"
        "market_entities,2023,20000,>=,fixed,原文“市场主体总量突破2万家”\n"
        "gdp_growth,2023,7,>=,fixed,原文“地区生产总值增长7%左右”\n",
        encoding="utf-8",
    )
    (queries / "economy").mkdir(parents=True)
    (queries / "economy" / "gdp_growth.sql").write_text(
        "-- name: 地区生产总值增速\n-- unit: 亿元\n-- kind: level\n-- direction: up\n-- department: econ\n-- metrics: gdp_ytd\n"
        "-- basis: growth\n-- qualifier: 约\n-- source: 地区生产总值增长7%左右。\n"
        "select year, month, value from figure_current where metric = 'gdp_ytd' and year = $year and place is null\n",
        encoding="utf-8",
    )
    return data, queries


def cli(home_db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "TRACKER_DB": str(home_db)}
    env.pop("TRACKER_TOWNS", None)
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], cwd=ROOT, input=stdin, text=True, capture_output=True, env=env, timeout=180
    )


@pytest.fixture
def two_towns(demo_db, tmp_path) -> Path:
    """The demo 三乡镇 and 横栏镇 added from its files, through the command line."""
    data, queries = write_town_files(tmp_path / "henglan-files")
    result = cli(demo_db, "towns", "add", HENGLAN, "--data", str(data), "--queries", str(queries))
    assert result.returncode == 0, result.stderr
    assert "已添加 横栏镇（442000110）" in result.stdout
    return demo_db


def test_towns_list_and_status_of_each(two_towns):
    listed = json.loads(cli(two_towns, "towns", "--json").stdout)
    assert [(t["code"], t["name"], t["home"]) for t in listed] == [(HOME, "三乡镇", True), (HENGLAN, "横栏镇", False)]
    assert listed[1]["geometry"] is False  # no places.geojson: the map says so
    theirs = json.loads(cli(two_towns, "--town", HENGLAN, "status", "--year", "2023", "--month", "6", "--json").stdout)
    codes = {i["code"] for i in theirs["indicators"] + theirs["tracked"]}
    # The shared file whose metric 横栏镇 reports, and its own growth file; none of 三乡镇's other indicators.
    assert codes == {"market_entities", "gdp_growth"}
    assert not theirs["projects"] and not theirs["tasks"]
    assert all(i["status"] == "未填报" for i in theirs["indicators"])


def test_the_home_town_sees_exactly_what_it_saw_before(demo_db, tmp_path):
    before = cli(demo_db, "status", "--year", "2023", "--month", "6", "--json").stdout
    data, queries = write_town_files(tmp_path / "files")
    assert cli(demo_db, "towns", "add", HENGLAN, "--data", str(data), "--queries", str(queries)).returncode == 0
    assert cli(demo_db, "status", "--year", "2023", "--month", "6", "--json").stdout == before
    assert cli(demo_db, "status", "--year", "2023", "--month", "6", "--json", "--town", HOME).stdout == before


def test_a_towns_user_cannot_write_or_act_in_another_town(two_towns):
    added = cli(two_towns, "--town", HENGLAN, "users", "add", "hl_market", "--role", "staff", "--department", "market",
                stdin="a-long-password\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    upload = two_towns.parent / "market.csv"
    upload.write_bytes(make_csv([["market_entities", 2023, 6, 21000]], header=("指标编码", "年", "月", "数值")))
    with store.connect(two_towns) as con:
        home_before = con.execute("select count(*) from figure").fetchone()[0]
    # In 三乡镇 the user does not exist: refused, nothing written there.
    refused = cli(two_towns, "import", str(upload), "--user", "hl_market")
    assert refused.returncode != 0 and "hl_market" in refused.stderr
    # In its own town the same file is accepted, and 三乡镇's store is untouched.
    accepted = cli(two_towns, "import", str(upload), "--user", "hl_market", "--town", HENGLAN)
    assert accepted.returncode == 0, accepted.stderr
    with store.connect(two_towns) as con:
        assert con.execute("select count(*) from figure").fetchone()[0] == home_before
    theirs = json.loads(cli(two_towns, "--town", HENGLAN, "status", "--year", "2023", "--month", "6", "--json").stdout)
    market = next(i for i in theirs["indicators"] if i["code"] == "market_entities")
    assert market["value"] == 21000 and market["status"] == "已完成"


def test_an_unknown_town_is_refused_by_every_command(two_towns):
    result = cli(two_towns, "--town", "442000999", "status", "--year", "2023", "--month", "6")
    assert result.returncode == 1
    assert "镇街代码 442000999 不在本平台：已有 442000114（三乡镇）、442000110（横栏镇）" in result.stderr
    # An official town not added here is refused too, not created empty.
    assert cli(two_towns, "--town", "442000101", "status", "--year", "2023", "--month", "6").returncode == 1
    assert not (two_towns.parent / "towns" / "442000101").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d, q: None, "横栏镇（442000110）已在本平台，不能重复添加"),
        (lambda d, q: (d / "targets.csv").unlink(), "缺少文件：targets.csv"),
        (lambda d, q: (d / "departments.csv").write_text("code,title\necon,经济发展局\n", encoding="utf-8"), "缺少列 name"),
        (lambda d, q: (d / "metrics.csv").write_text((d / "metrics.csv").read_text(encoding="utf-8").replace("gdp_ytd", "gdp"),
                                                     encoding="utf-8"),
         "gdp_growth.sql 引用了 metrics.csv 中没有的填报项：gdp_ytd"),
    ],
)  # fmt: skip
def test_a_town_that_cannot_be_added_leaves_nothing(demo_db, tmp_path, monkeypatch, change, message):
    monkeypatch.setenv("TRACKER_TOWNS", str(tmp_path / "towns"))
    data, queries = write_town_files(tmp_path / "files")
    if message.startswith("横栏镇"):
        towns.add(HENGLAN, data, queries)
    change(data, queries)
    before = sorted(p.name for p in (tmp_path / "towns").iterdir()) if (tmp_path / "towns").exists() else []
    with pytest.raises(towns.TownError, match=message):
        towns.add(HENGLAN, data, queries)
    after = sorted(p.name for p in (tmp_path / "towns").iterdir()) if (tmp_path / "towns").exists() else []
    assert after == before  # no half-built town, no staging folder left behind


def test_a_code_not_on_the_official_list_is_refused(demo_db, tmp_path):
    with pytest.raises(towns.TownError, match="442009999 不在中山市官方镇街名录中"):
        towns.add("442009999", tmp_path, None)


def test_each_town_reads_its_own_store_in_one_process(two_towns):
    """The functions the pages call, switching town in one process: each sees its own indicators and users."""
    with config.use_town(HENGLAN):
        with store.connect() as con:
            theirs = {i.code for i in status.build_status(con, 2023, 6).indicators}
            their_users = con.execute("select count(*) from users").fetchone()[0]
        assert towns.name() == "横栏镇"
    with store.connect() as con:
        ours = {i.code for i in status.build_status(con, 2023, 6).indicators}
    assert theirs == {"market_entities", "gdp_growth"}
    assert "market_entities" in ours and "gdp_growth" not in ours and len(ours) > 10
    assert their_users == 0
    assert towns.name() == "三乡镇"


def test_the_city_rollup_is_the_sum_of_each_towns_own_status(two_towns):
    from tracker import city

    reports = city.town_statuses(2023, 6)
    rows = city.rollup(reports)
    assert [r.name for r in rows] == ["三乡镇", "横栏镇"]
    for row in rows:
        with config.use_town(row.code), store.connect() as con:
            own = status.build_status(con, 2023, 6)
        assert row.counts == status.status_counts(own.all_items)
        assert row.items == len(own.all_items)
    assert city.totals(rows) == {s: sum(r.counts[s] for r in rows) for s in rows[0].counts}
    henglan = rows[1]
    assert henglan.items == 2 and henglan.reported == 0 and henglan.report_rate == 0
    shared = city.shared_indicators(reports)
    assert set(shared["code"]) == {"market_entities"} and list(shared["town_name"]) == ["三乡镇", "横栏镇"]


def test_city_page_and_the_town_switch(two_towns):
    from tests.test_pages import open_page, text_of

    at = open_page("city", 6, year="2023")
    towns_table = at.dataframe[0].value
    assert list(towns_table["镇街"]) == ["三乡镇（演示数据）", "横栏镇"]
    assert list(towns_table["进入"]) == ["./?town=三乡镇&year=2023&month=6", "./?town=横栏镇&year=2023&month=6"]
    assert "市场主体总量" in list(at.dataframe[1].value["指标"])
    # The switch: the same app on 横栏镇 shows its own items only, and its name.
    at = open_page("overview", 6, year="2023", town="横栏镇")
    assert at.sidebar.selectbox(key="town").value == HENGLAN
    page = text_of(at)
    assert "**经济发展**\n指标 2 项" in page and "**水环境治理**\n指标 0 项" in page  # 横栏镇's own two indicators
    with config.use_town(HENGLAN):
        assert config.db_path() == two_towns.parent / "towns" / HENGLAN / "tracker.duckdb"


def test_a_reviewed_draft_becomes_a_new_towns_items(demo_db, tmp_path):
    """报告提取 → a draft folder → a new town: every drafted indicator, project and task is an item of the new
    town, with the report's sentence beside it, reported by its lead department (issue 18's last step)."""
    draft = tmp_path / "draft"
    made = cli(demo_db, "extract", str(config.DATA_DIR / "source" / "work-report-2023-p24.txt"), "--year", "2023", "--out-dir", str(draft))
    assert made.returncode == 0, made.stderr
    added = cli(demo_db, "towns", "add", "442000115", "--data", str(draft))
    assert added.returncode == 0, added.stderr
    assert "已添加 板芙镇（442000115）" in added.stdout
    items = json.loads(cli(demo_db, "--town", "442000115", "items", "--year", "2023", "--json").stdout)
    drafted = {kind: len(list(csv.DictReader(open(draft / f"{kind}s.csv", encoding="utf-8")))) for kind in ("indicator", "project", "task")}
    kinds = {kind: sum(1 for i in items if i["kind"] == kind) for kind in drafted}
    assert kinds == drafted and kinds["indicator"] >= 15 and kinds["project"] >= 30 and kinds["task"] >= 20
    market = next(i for i in items if i["code"] == "market_entities")
    assert "推动市场主体总量突破3万家" in market["source"] and market["lead_department"]
    theirs = json.loads(cli(demo_db, "--town", "442000115", "status", "--year", "2023", "--month", "6", "--json").stdout)
    judged = {i["code"]: i for i in theirs["indicators"]}
    assert judged["market_entities"]["target"] == 30000 and judged["market_entities"]["status"] == "未填报"
    # A sum over months from its name, a level otherwise; the generated query says it should be checked.
    assert judged["new_industrial_above_scale"]["kind"] == "cumulative" and judged["market_entities"]["kind"] == "level"
    assert "口径请牵头单位核对" in judged["market_entities"]["description"]
    # 三乡镇 is untouched.
    ours = json.loads(cli(demo_db, "status", "--year", "2023", "--month", "6", "--json").stdout)
    assert ours["demo"] is True and len(ours["projects"]) == 33


def _zip(folder: Path, inside: str = "") -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for path in folder.rglob("*"):
            if path.is_file():
                zf.write(path, f"{inside}{path.relative_to(folder)}")
    return out.getvalue()


def test_add_from_zip_as_the_page_does(demo_db, tmp_path, monkeypatch):
    from tracker.auth import PermissionDenied, User

    monkeypatch.setenv("TRACKER_TOWNS", str(tmp_path / "towns"))
    data, queries = write_town_files(tmp_path / "files")
    admin = User("admin", "admin")
    archive = _zip(tmp_path / "files", "横栏镇/")
    with pytest.raises(PermissionDenied):
        towns.add_from_zip(HENGLAN, archive, User("econ", "staff", "econ"))
    with pytest.raises(towns.TownError, match="不是 zip"):
        towns.add_from_zip(HENGLAN, b"not a zip", admin)
    import io
    import zipfile

    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../escape.csv", "x")
    with pytest.raises(towns.TownError, match="路径不安全"):
        towns.add_from_zip(HENGLAN, evil.getvalue(), admin)
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "towns" / HENGLAN).exists()
    town = towns.add_from_zip(HENGLAN, archive, admin)
    assert town.name == "横栏镇" and town.store.exists()
    with config.use_town(HENGLAN), store.connect() as con:
        assert con.execute("select user_name, action from audit where action = 'town_add'").fetchall() == [("admin", "town_add")]
    # Only the platform's own administrators add towns: not an administrator of another town.
    with config.use_town(HENGLAN), pytest.raises(towns.TownError, match="只有市级管理员或三乡镇（平台所在镇街）的管理员可以添加镇街"):
        towns.add_from_zip("442000101", archive, admin)


def test_towns_page_lists_towns_and_is_read_only_without_an_admin(two_towns):
    from tests.test_pages import open_page

    at = open_page("towns", None)
    assert list(at.dataframe[0].value["镇街"]) == ["三乡镇", "横栏镇"]
    assert any("只能查看" in i.value for i in at.info)


def test_the_city_rollup_is_kept_until_a_town_writes(two_towns, monkeypatch):
    from tracker import city, ingest
    from tracker.auth import User

    first = city.rollup(city.town_statuses(2023, 6))
    opened = []
    real = store.connect
    monkeypatch.setattr(store, "connect", lambda *a, **k: opened.append(a) or real(*a, **k))
    assert city.rollup(city.town_statuses(2023, 6)) == first and not opened  # warm: no store opened
    with config.use_town(HENGLAN):
        data = make_csv([["market_entities", 2023, 6, 20500]], header=("指标编码", "年", "月", "数值"))
        ingest.commit(data, "m.csv", User("admin", "admin"), today=TODAY)
    after = {r.code: r for r in city.rollup(city.town_statuses(2023, 6))}
    assert after[HENGLAN].reported == 1 and after[HOME] == first[0]


def test_a_town_that_needs_a_login_shows_nothing_to_another_towns_user(demo_db, tmp_path, monkeypatch):
    """A city deployment ([auth] anonymous_view = false): 三乡镇's staff, logged in, switch to 横栏镇 and are nobody
    there (no account in its store): no page of 横栏镇 shows, and its upload page has no writer."""
    from tests.conftest import app_page
    from tracker.auth import User, create_user

    monkeypatch.setenv("TRACKER_TOWNS", str(tmp_path / "towns"))
    data, queries = write_town_files(tmp_path / "files")
    (data / "settings.toml").write_text("[auth]\nanonymous_view = false\n", encoding="utf-8")
    towns.add(HENGLAN, data, queries)
    with store.connect(demo_db) as con:
        create_user(con, "sx_econ", "staff", "a-long-password", department="econ")
    ours = User("sx_econ", "staff", "econ")
    at = app_page("pages/overview.py", user=ours, query={"year": "2023", "month": "6"})
    assert at.session_state["user"] == ours and at.dataframe  # at home: logged in, the overview shows
    # The overview is app.py's default page: no page switch, which under AppTest would drop ?town=.
    from streamlit.testing.v1 import AppTest

    from tracker.auth import start_session

    theirs = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    theirs.session_state["user"], theirs.session_state["auth_session"] = ours, start_session(ours)
    for key, value in {"year": "2023", "month": "6", "town": "横栏镇"}.items():
        theirs.query_params[key] = value
    theirs.run()
    assert not theirs.exception
    assert any("本系统需要登录后查看" in i.value for i in theirs.info)
    assert not theirs.dataframe and not theirs.metric  # nothing of 横栏镇 is shown
    assert "user" not in theirs.session_state  # the login of 三乡镇 is not a login of 横栏镇


def test_the_city_rollup_counts_escalated_items_and_open_actions_per_town(two_towns):
    from datetime import date

    from tracker import actions, city
    from tracker.auth import User

    reports = city.town_statuses(2023, 6)
    lagging = next(i for i in reports[HOME].all_items if i.status == "滞后")
    actions.create_action(lagging.code, 2023, 6, "7月底前报送整改措施", date(2023, 7, 31), User("admin", "admin"))
    rows = {r.code: r for r in city.rollup(reports, city.open_actions(2023, 6))}
    assert rows[HOME].open_actions == 1 and rows[HENGLAN].open_actions == 0
    assert rows[HOME].escalated == sum(1 for i in reports[HOME].all_items if i.escalation) > 0
    assert city.open_actions(2023, 5)[HOME] == 0  # not yet arisen in May

"""City roles: accounts of the city's own store that read every town, and (the city's 督查室) review in any of them;
none of them writes a town's data, and no town account can become one."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, TODAY, make_csv
from tests.test_towns import HENGLAN, HOME, cli, write_town_files
from tracker import auth, city_users, config, ingest, review, store, towns
from tracker.auth import User

PASSWORD = "Qx7-harbor-lamp"


def city_account(home_db, name: str, role: str) -> None:
    result = cli(home_db, "users", "add", name, "--role", role, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert f"已创建用户“中山市·{name}”（{auth.ROLE_NAMES[role]}）" in result.stdout


@pytest.fixture
def two_towns(demo_db, tmp_path):
    """The demo 三乡镇 and 横栏镇 added from its files (as in test_towns)."""
    data, queries = write_town_files(tmp_path / "henglan-files")
    assert cli(demo_db, "towns", "add", HENGLAN, "--data", str(data), "--queries", str(queries)).returncode == 0
    return demo_db


@pytest.fixture
def two_towns_with_city(two_towns):
    city_account(two_towns, "zs_duban", "city-supervisor")
    city_account(two_towns, "zs_view", "city-viewer")
    city_account(two_towns, "zs_admin", "city-admin")
    return two_towns


def test_city_accounts_live_in_the_citys_own_store(two_towns_with_city):
    home_db = two_towns_with_city
    listed = json.loads(cli(home_db, "users", "list", "--city", "--json").stdout)
    assert {(u["name"], u["role"]) for u in listed} == {
        ("中山市·zs_admin", "city-admin"),
        ("中山市·zs_duban", "city-supervisor"),
        ("中山市·zs_view", "city-viewer"),
    }
    # No town has them: 三乡镇's and 横栏镇's users tables are untouched.
    assert json.loads(cli(home_db, "users", "list", "--json").stdout) == []
    assert json.loads(cli(home_db, "--town", HENGLAN, "users", "list", "--json").stdout) == []
    assert (home_db.parent / "towns" / config.city_code() / "tracker.duckdb").exists()
    # The city's store is no town: it is not served as one, and holds no items.
    assert [t.code for t in towns.installed()] == [HOME, HENGLAN]
    # A city account belongs to no department, and a city role is not a town's.
    refused = cli(home_db, "users", "add", "zs_x", "--role", "city-viewer", "--department", "econ", stdin=PASSWORD + "\n")
    assert refused.returncode == 1 and "市级账号不属于任何部门" in refused.stderr


def test_no_town_account_can_take_a_city_accounts_name(demo_db):
    with store.connect() as con, pytest.raises(auth.UserError, match="用户名只能包含"):
        auth.create_user(con, "中山市·zs_duban", "admin", PASSWORD)
    assert auth.load_user("中山市·zs_duban") is None  # no city accounts yet: nobody
    # Reading or changing city accounts before there are any makes no store.
    assert json.loads(cli(demo_db, "users", "list", "--city", "--json").stdout) == []
    refused = cli(demo_db, "users", "disable", "中山市·zs_duban")
    assert refused.returncode == 1 and "本平台还没有市级账号" in refused.stderr
    assert not (demo_db.parent / "towns").exists()


def test_the_city_supervisor_reviews_and_locks_in_any_town(two_towns_with_city):
    home_db = two_towns_with_city
    with config.use_town(HENGLAN):  # 横栏镇's 经济发展局 submits June
        ingest.commit(
            make_csv([["gdp_ytd", 2023, 6, 120]], header=("指标编码", "年", "月", "数值")), "gdp.csv", User("hl", "admin"), today=TODAY
        )
    for town in (HOME, HENGLAN):
        department = "econ"
        accepted = cli(home_db, "--town", town, "review", "--year", "2023", "--month", "6", "--department", department,
                       "--user", "中山市·zs_duban", "--accept")  # fmt: skip
        assert accepted.returncode == 0, accepted.stderr
        locked = cli(home_db, "--town", town, "lock", "--year", "2023", "--month", "6", "--user", "中山市·zs_duban")
        assert locked.returncode == 0, locked.stderr
        with config.use_town(town), store.connect() as con:
            who = {r[0] for r in con.execute("select user_name from audit where action in ('review.accept', 'month.lock')").fetchall()}
            assert who == {"中山市·zs_duban"}  # attributed in the town's own audit, under the qualified name
            assert con.execute("select locked_by from month_lock").fetchall() == [("中山市·zs_duban",)]


def test_city_roles_write_no_towns_data(two_towns_with_city, tmp_path):
    home_db = two_towns_with_city
    upload = tmp_path / "econ.csv"
    upload.write_bytes(make_csv([["new_industrial_above_scale", 2023, 6, 30]], header=("指标编码", "年", "月", "数值")))
    with store.connect(home_db) as con:
        before = con.execute("select count(*) from figure").fetchone()[0]
    for name, why in (("中山市·zs_duban", "督查室账号"), ("中山市·zs_view", "不能填报"), ("中山市·zs_admin", "不能填报")):
        refused = cli(home_db, "import", str(upload), "--user", name)
        assert refused.returncode == 1 and why in refused.stderr, refused.stderr
    with store.connect(home_db) as con:
        assert con.execute("select count(*) from figure").fetchone()[0] == before
    # A city viewer reviews nothing, and no city role unlocks a month (a town administrator's act).
    viewer = cli(home_db, "review", "--year", "2023", "--month", "6", "--department", "econ", "--user", "中山市·zs_view", "--accept")
    assert viewer.returncode == 1 and "不是督查室或管理员账号" in viewer.stderr
    for user in (city_users.load("中山市·zs_duban"), city_users.load("中山市·zs_admin")):
        with pytest.raises(auth.PermissionDenied):
            auth.require_writer(user)
        with pytest.raises(auth.PermissionDenied):
            auth.require_admin(user)


def test_a_disabled_city_account_is_nobody_everywhere(two_towns_with_city):
    home_db = two_towns_with_city
    assert cli(home_db, "users", "disable", "中山市·zs_duban").returncode == 0
    refused = cli(home_db, "--town", HENGLAN, "review", "--year", "2023", "--month", "6", "--department", "econ",
                  "--user", "中山市·zs_duban", "--accept")  # fmt: skip
    assert refused.returncode == 1 and "不存在或已停用" in refused.stderr


def test_city_logins_are_counted_in_the_citys_store(two_towns_with_city):
    user = city_users.login("zs_duban", PASSWORD, "10.0.0.9")
    assert user == User("中山市·zs_duban", "city-supervisor", None)
    with pytest.raises(auth.LoginFailed):
        city_users.login("zs_duban", "wrong-password-1", "10.0.0.9")
    with city_users.serving(), store.connect() as con:
        assert store.one(con, "select count(*) from login_throttle where scope = 'account'")[0] == 1
    with store.connect() as con:  # 三乡镇 saw no login at all
        assert store.one(con, "select count(*) from login_throttle")[0] == 0
    # A town account's name and password are no city login.
    with store.connect() as con:
        auth.create_user(con, "sx_admin", "admin", PASSWORD + "x")
    with pytest.raises(auth.LoginFailed):
        city_users.login("sx_admin", PASSWORD + "x")


def test_adding_towns_is_for_the_city_admin(two_towns_with_city):
    assert towns.require_platform_admin(city_users.load("中山市·zs_admin")).role == "city-admin"
    with pytest.raises(auth.PermissionDenied):
        towns.require_platform_admin(city_users.load("中山市·zs_duban"))
    with config.use_town(HENGLAN), pytest.raises(towns.TownError, match="只有市级管理员"):
        towns.require_platform_admin(User("hl_admin", "admin"))  # another town's administrator


def test_towns_list_json_and_add_with_a_name(two_towns, tmp_path):
    listed = json.loads(cli(two_towns, "towns", "list", "--json").stdout)
    assert [{k: t[k] for k in ("code", "name", "items", "users")} for t in listed] == [
        {"code": HOME, "name": "三乡镇", "items": 108, "users": 0},
        {"code": HENGLAN, "name": "横栏镇", "items": 2, "users": 0},
    ]
    data, queries = write_town_files(tmp_path / "files")
    wrong = cli(two_towns, "towns", "add", "442000103", "--name", "横栏镇", "--from", str(data), "--queries", str(queries))
    assert wrong.returncode == 1 and "在官方名录中是“东凤镇”，不是“横栏镇”" in wrong.stderr
    assert not (two_towns.parent / "towns" / "442000103").exists()
    right = cli(two_towns, "towns", "add", "442000103", "--name", "东凤镇", "--from", str(data), "--queries", str(queries))
    assert right.returncode == 0, right.stderr


def test_city_page_is_for_city_accounts_where_a_town_needs_a_login(demo_db, tmp_path, monkeypatch):
    """A city deployment: 横栏镇 needs a login. Anonymous visitors and 三乡镇's own users do not see the city's
    comparison; a city viewer does, and reads 横栏镇's pages, which its own town's login could not."""
    from streamlit.testing.v1 import AppTest

    from tracker.auth import start_session

    monkeypatch.setenv("TRACKER_TOWNS", str(tmp_path / "towns"))
    data, queries = write_town_files(tmp_path / "files")
    (data / "settings.toml").write_text("[auth]\nanonymous_view = false\n", encoding="utf-8")
    towns.add(HENGLAN, data, queries)
    viewer = city_users.create("zs_view", "city-viewer", PASSWORD)
    assert not city_users.can_view_city(None)
    assert not city_users.can_view_city(User("sx_admin", "admin"))
    assert city_users.can_view_city(viewer)

    def overview(user: User | None, town: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if user is not None:
            at.session_state["user"], at.session_state["auth_session"] = user, start_session(user)
        for key, value in {"year": "2023", "month": "6", "town": town}.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        return at

    at = overview(viewer, "横栏镇")
    assert at.session_state["user"] == viewer  # still logged in after the users table was checked
    assert at.metric and not any("本系统需要登录后查看" in i.value for i in at.info)
    assert "已登录：中山市·zs_view（市级查看）" in [c.value for c in at.sidebar.caption]
    assert not overview(None, "横栏镇").metric


def test_the_city_supervisor_reviews_on_the_page(two_towns_with_city):
    from tests.conftest import app_page

    boss = city_users.load("中山市·zs_duban")
    with store.connect() as con:
        before = store.one(con, "select count(*) from review_event")[0]
    at = app_page("pages/review.py", user=boss, query={"year": "2023", "month": "6"})
    labels = [b.label for b in at.button]
    assert "锁定2023年6月" in labels and "解锁2023年6月" not in labels  # a 督查室's buttons; unlocking is a town admin's
    review.review(2023, 6, "econ", boss, accept=False, comment="请补充说明")
    with store.connect() as con:
        assert store.one(con, "select count(*) from review_event")[0] == before + 1
    # The upload page has no writer for a city account.
    at = app_page("pages/upload.py", user=boss, query={"year": "2023", "month": "6"})
    assert not at.get("file_uploader")
    with pytest.raises(auth.PermissionDenied):
        data = make_csv([["new_industrial_above_scale", 2023, 6, 30]], header=("指标编码", "年", "月", "数值"))
        ingest.commit(data, "x.csv", boss, today=TODAY)


def test_the_city_admin_manages_city_accounts_on_the_users_page(two_towns_with_city):
    from tests.conftest import app_page

    boss = city_users.load("中山市·zs_admin")
    at = app_page("pages/users.py", user=boss)
    table = at.dataframe[0].value
    assert sorted(table["用户名"]) == ["zs_admin", "zs_duban", "zs_view"]
    assert set(table["角色"]) == {"市级管理员", "市督查室", "市级查看"}
    assert at.selectbox(key="users_new_role").options == ["市级查看", "市督查室", "市级管理员"]  # no 填报员 in the city
    at.text_input(key="users_new_name").input("zs_duban2")
    at.selectbox(key="users_new_role").select("supervisor")
    at.text_input(key="users_new_password").input(PASSWORD)
    at.text_input(key="users_new_password2").input(PASSWORD)
    next(b for b in at.button if b.label == "新建用户").click().run()
    assert not at.exception and any("已新建用户“zs_duban2”" in s.value for s in at.success)
    assert city_users.load("中山市·zs_duban2") == User("中山市·zs_duban2", "city-supervisor", None)
    with store.connect() as con:  # 三乡镇's own accounts untouched
        assert store.one(con, "select count(*) from users")[0] == 0
    with city_users.serving(), store.connect() as con:
        assert con.execute("select user_name from audit where action = 'user.add' order by id desc limit 1").fetchone() == (
            "中山市·zs_admin",
        )

"""Two towns on one server, in a real Chromium against ``streamlit run serve.py``: the 镇街 switch, a login that
belongs to one town (its own cookie and store: logged in on 横栏镇, anonymous on 三乡镇, logged in again on the way
back), and the 全市总览 page at 1920 and 390 px."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ARTIFACTS, LoginServer, assert_no_exception, goto, login_in_sidebar, screenshot, wait_for_app
from tests.test_towns import HENGLAN, write_town_files
from tracker import auth, city_users, config, sessions, store, towns

pytestmark = pytest.mark.browser
HL_STAFF, HL_PASSWORD = "hl_market_web", "henglan-web-password"
CITY_SUPERVISOR, CITY_PASSWORD = "zs_duban_web", "city-web-password-7"


@pytest.fixture(scope="module")
def town_server(demo_db_template, tmp_path_factory):
    root = tmp_path_factory.mktemp("browser_towns")
    path = root / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    data, queries = write_town_files(root / "henglan-files")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRACKER_DB", str(path))
        mp.delenv("TRACKER_TOWNS", raising=False)
        towns.add(HENGLAN, data, queries)
        with config.use_town(HENGLAN), store.connect() as con:
            auth.create_user(con, HL_STAFF, "staff", HL_PASSWORD, department="market")
        city_users.create(CITY_SUPERVISOR, "city-supervisor", CITY_PASSWORD)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    srv = LoginServer(path, ARTIFACTS / "streamlit_towns.log")
    yield srv
    srv.stop()


def sidebar_text(tab) -> str:
    return tab.inner_text("[data-testid='stSidebar']")


def test_a_login_belongs_to_its_town(town_server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    tab = context.new_page()
    goto(tab, town_server, query="town=横栏镇&year=2023&month=6")
    assert tab.get_by_role("combobox", name="镇街").input_value() == "横栏镇"
    login_in_sidebar(tab, HL_STAFF, HL_PASSWORD)
    assert "已登录：hl_market_web（填报员 · 市场监管分局）" in sidebar_text(tab)
    names = {c["name"] for c in context.cookies()}
    with config.use_town(HENGLAN):
        assert sessions.cookie_name(True) in names  # 横栏镇's own cookie
    assert sessions.cookie_name(True) not in names  # none for 三乡镇
    tab.reload()
    tab.get_by_text("已登录：hl_market_web").wait_for(timeout=30_000)
    # On 三乡镇 the same browser is nobody: 横栏镇's account does not exist there.
    goto(tab, town_server, query="town=三乡镇&year=2023&month=6")
    assert "已登录" not in sidebar_text(tab) and "登录（填报需要登录）" in sidebar_text(tab)
    # Nor can it upload there: 三乡镇's 数据填报 page has no uploader for it.
    goto(tab, town_server, "upload", "town=三乡镇")
    tab.get_by_text("尚未登录：填报需要用填报员或管理员账号登录").wait_for(timeout=30_000)
    assert tab.locator("[data-testid='stFileUploader']").count() == 0
    goto(tab, town_server, query="town=横栏镇&year=2023&month=6")
    tab.get_by_text("已登录：hl_market_web").wait_for(timeout=30_000)
    # Moving to another page through the navigation stays in the town (and logged in there).
    tab.locator("[data-testid='stSidebarNav']").get_by_text("指标详情").click()
    tab.get_by_role("combobox", name="选择指标").wait_for(timeout=30_000)
    wait_for_app(tab)
    assert tab.get_by_role("combobox", name="镇街").input_value() == "横栏镇"
    assert "已登录：hl_market_web" in sidebar_text(tab)
    assert_no_exception(tab)
    context.close()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (390, 844)])
def test_city_page(town_server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    tab = context.new_page()
    goto(tab, town_server)
    goto(tab, town_server, "city", "year=2023&month=6")
    main = tab.inner_text("[data-testid='stMain']")
    assert "全市总览" in main and "各镇街事项状态" in main and "各镇街共有的指标" in main
    assert_no_exception(tab)
    shot = screenshot(tab, f"city_{width}")
    assert shot.stat().st_size > 10_000
    context.close()


def test_a_city_login_reads_and_reviews_in_every_town(town_server, browser):
    """The city's 督查室 logs in once (account kind 市级账号) and is logged in on every town, with the city's own cookie;
    logging out ends it everywhere."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    tab = context.new_page()
    goto(tab, town_server, query="town=三乡镇&year=2023&month=6")
    sidebar = tab.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("登录（填报需要登录）").click()
    sidebar.get_by_text("中山市（市级账号）").click()
    sidebar.get_by_label("用户名").fill(CITY_SUPERVISOR)
    sidebar.get_by_label("密码").fill(CITY_PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    tab.get_by_text(f"已登录：中山市·{CITY_SUPERVISOR}（市督查室）").wait_for(timeout=30_000)
    names = {c["name"] for c in context.cookies()}
    with city_users.serving():
        assert sessions.cookie_name(True) in names  # the city's own cookie
    assert sessions.cookie_name(True) not in names  # no login of 三乡镇's
    for town in ("横栏镇", "三乡镇"):
        goto(tab, town_server, query=f"town={town}&year=2023&month=6")
        tab.get_by_text(f"已登录：中山市·{CITY_SUPERVISOR}（市督查室）").wait_for(timeout=30_000)
        assert "全市总览" in tab.inner_text("[data-testid='stSidebarNav']")
    # On 横栏镇's 审核与锁定 page the city's 督查室 may lock the month.
    goto(tab, town_server, "review", "town=横栏镇&year=2023&month=6")
    tab.get_by_role("button", name="锁定2023年6月").wait_for(timeout=30_000)
    assert_no_exception(tab)
    tab.get_by_role("button", name="退出登录").click()
    sidebar.get_by_text("登录（填报需要登录）").wait_for(timeout=30_000)
    goto(tab, town_server, query="town=三乡镇&year=2023&month=6")
    assert "已登录" not in sidebar_text(tab)
    with store.connect(town_server.db_path.parent / "towns" / config.city_code() / "tracker.duckdb") as con:
        assert store.one(con, "select count(*) from session where revoked_reason = 'logout'")[0] == 1
    context.close()

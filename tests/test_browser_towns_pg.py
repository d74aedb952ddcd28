"""Towns on PostgreSQL in a real Chromium against ``streamlit run serve.py``: 三乡镇 on its DuckDB file, 东凤镇 on a
PostgreSQL database of its own, 横栏镇 on one whose server cannot be reached. The 全市总览 page shows the first two
and 横栏镇's row without counts (never zeros), at 1920 and 390 px; 东凤镇's own overview works; 横栏镇's says why not."""

from __future__ import annotations

import json
import shutil

import pytest

from tests import pgserver
from tests.conftest import ARTIFACTS, LoginServer, assert_no_exception, goto, screenshot
from tests.test_towns import HENGLAN, write_town_files
from tracker import config, pgstore, towns

pytestmark = pytest.mark.browser
DONGFENG = "442000103"
UNREACHABLE = "postgresql:///nothing?host=/nonexistent-socket-dir"


@pytest.fixture(scope="module")
def pg_town_server(demo_db_template, pg_admin, tmp_path_factory):
    root = tmp_path_factory.mktemp("browser_towns_pg")
    path = root / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    data, queries = write_town_files(root / "henglan-files")
    names = [pgserver.create_database(pg_admin) for _ in range(2)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRACKER_DB", str(path))
        mp.delenv("TRACKER_TOWNS", raising=False)
        mp.delenv("TRACKER_DATABASE_URL", raising=False)
        towns.add(DONGFENG, config.DATA_DIR, demo=True, database_url=pgserver.url_of(names[0]))
        towns.add(HENGLAN, data, queries, database_url=pgserver.url_of(names[1]))
        settings = config.town_dir(HENGLAN) / "data" / "settings.toml"  # its server "goes down"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(text.replace(json.dumps(pgserver.url_of(names[1])), json.dumps(UNREACHABLE)), encoding="utf-8")
        config._settings.cache_clear()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        srv = LoginServer(path, ARTIFACTS / "streamlit_towns_pg.log")
    yield srv
    srv.stop()
    for name in names:
        pgstore.close_all(pgserver.url_of(name))
        pgserver.drop_database(pg_admin, name)


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (390, 844)])
def test_city_page_with_a_town_whose_database_is_down(pg_town_server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    tab = context.new_page()
    goto(tab, pg_town_server, "city", "year=2023&month=6")
    tab.get_by_text("各镇街事项状态").first.wait_for(timeout=60_000)
    main = tab.inner_text("[data-testid='stMain']")
    assert "全市总览" in main and "全市合计" in main
    assert_no_exception(tab)
    grid = tab.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    grid.scroll_into_view_if_needed()
    shot = screenshot(tab, f"city_pg_{width}")
    assert shot.stat().st_size > 10_000
    context.close()


def test_a_town_on_postgresql_and_a_town_whose_server_is_down(pg_town_server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    tab = context.new_page()
    goto(tab, pg_town_server, query="town=东凤镇&year=2023&month=6")
    assert tab.get_by_role("combobox", name="镇街").input_value() == "东凤镇"
    assert "总览" in tab.inner_text("[data-testid='stMain']")
    assert_no_exception(tab)
    goto(tab, pg_town_server, query="town=横栏镇&year=2023&month=6")
    main = tab.inner_text("[data-testid='stApp']")
    assert "横栏镇（442000110）的数据库无法连接" in main and "socket" not in main
    screenshot(tab, "town_pg_down_1920")
    context.close()

"""What a leader sees in Chromium (issue 14): a phone shows every item's status, gap and department; maps fit;
no English, "None", "nan" or "NaT" on any page; a ?slide=5 link steps back with ←; screenshots of every page."""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlencode, urlparse

import pytest

from tests.conftest import ARTIFACTS, PAGES, LoginServer, StreamlitServer, assert_no_exception, goto, wait_for_app, wait_until_quiet
from tracker import auth, model, status, store
from tracker.escalation import escalated_first

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# An iPhone's User-Agent: the app sizes maps for a phone by it (deck.gl zooms in pixels, CSS cannot change that).
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
JUNE = {"year": "2023", "month": "6"}

# Latin words a Chinese reader expects: file formats, product names and key names. Anything else fails the walk.
ALLOWED_WORDS = {"Excel", "PPT", "Word", "MB", "CSV", "XLSX", "xlsx", "csv", "ZIP", "zip", "GBK", "UTF", "SHA", "PNG", "Ctrl", "Enter",
                 "GeoJSON"}  # fmt: skip
# Never shown for a missing value: "—" is (with its meaning in the column's help).
MISSING_WORDS = ("None", "nan", "NaN", "NaT", "null", "undefined")
ADMIN, ADMIN_PASSWORD = "uxwalk", "ux-walk-password-1"


@pytest.fixture(scope="module")
def login_server(browser_db):
    """serve.py (the login-cookie routes) on the shared browser database: the walks that log in need it."""
    srv = LoginServer(browser_db, ARTIFACTS / "streamlit-ux-login.log")
    yield srv
    srv.stop()


def visible_text(tab) -> str:
    """``document.body.innerText`` without icon ligatures (``:material/…:`` icons are drawn from their English
    names by the icon font; the text is never shown)."""
    return tab.evaluate(
        """() => {
            const hide = document.createElement("style");
            hide.textContent = "[translate='no'], [data-testid='stIconMaterial'], [data-testid='stAlertDynamicIcon'] "
                + "{display: none !important}";
            document.head.appendChild(hide);
            try { return document.body.innerText; } finally { hide.remove(); }
        }"""
    )


def foreign_words(text: str, also_allowed: set[str] = frozenset()) -> set[str]:
    words = set(re.findall(r"[A-Za-z]{2,}", text))
    return {w for w in words if w not in ALLOWED_WORDS | also_allowed} | {w for w in MISSING_WORDS if re.search(rf"\b{w}\b", text)}


def full_screenshot(tab, name: str) -> None:
    """The whole page, not only the viewport: Streamlit scrolls inside its own container, so grow the viewport to
    the content for the picture and put it back."""
    tab.wait_for_function(  # every table and chart that is shown (not the wide table hidden on a phone) is drawn
        "() => [...document.querySelectorAll(\"[data-testid='stDataFrame'], .js-plotly-plot\")]"
        ".filter(e => e.getClientRects().length).every(e => e.querySelector('canvas, .main-svg'))"
    )
    size = tab.viewport_size
    height = tab.evaluate(
        "() => Math.max(...[...document.querySelectorAll(\"[data-testid='stMain'], [data-testid='stSidebarContent']\")]"
        ".map(e => e.scrollHeight))"
    )
    tab.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12_000)})
    tab.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    tab.set_viewport_size(size)


def settle(tab) -> None:
    """Until the page stops changing: ``wait_for_app`` can pass before a slow run has shown its status widget."""
    wait_for_app(tab)
    wait_until_quiet(tab)
    wait_for_app(tab)


def open_page(tab, server, path: str, query: dict[str, str] | None = None) -> None:
    goto(tab, server, path, urlencode(query or {}))
    settle(tab)
    assert_no_exception(tab)


@pytest.fixture
def phone(browser):
    """A 390×844 phone: touch, no hover, an iPhone's User-Agent."""
    context = browser.new_context(viewport=PHONE, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="module")
def admin(server, browser_db):
    """An administrator in the shared server's database, to see the pages behind a login."""
    with store.connect(browser_db) as con:
        if not store.one(con, "select count(*) from users where name = ?", [ADMIN])[0]:
            auth.create_user(con, ADMIN, "admin", ADMIN_PASSWORD)
    return ADMIN


def login(tab, name: str, password: str) -> None:
    sidebar = tab.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("登录（填报需要登录）").click()
    sidebar.get_by_role("textbox", name="用户名").fill(name)
    sidebar.get_by_role("textbox", name="密码").fill(password)
    sidebar.get_by_role("button", name="登录").click()
    wait_for_app(tab)
    tab.get_by_text(f"已登录：{name}").wait_for(timeout=30_000)


def nav_to(tab, title: str) -> None:
    """Click a page in the sidebar navigation, opening the sidebar first where a page collapsed it (会议模式)."""
    expand = tab.locator("[data-testid='stExpandSidebarButton']")
    if expand.is_visible():
        expand.click()
    link = tab.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first
    path = urlparse(link.get_attribute("href") or "").path
    link.click()
    tab.wait_for_function("path => location.pathname === path", arg=path)
    settle(tab)


# --- point 2: the phone ------------------------------------------------------------------------------------


def test_phone_attention_list_shows_status_gap_and_department(server, browser_db, phone):
    """At 390 px every attention item shows its status, gap and department inside the screen, no sideways
    scrolling; the report's sentence opens with a tap. The wide table is not shown on the phone."""
    open_page(phone, server, "", JUNE)
    with store.connect(browser_db) as con:
        # escalated items first (tracker.escalation), then the one severity order
        expected = escalated_first(model.attention_items(status.build_status(con, 2023, 6)))
    cards = phone.locator(".ux-card")
    assert cards.count() == len(expected) > 0
    assert not phone.locator(".st-key-wide-attention").is_visible()
    for i, item in enumerate(expected):
        card = cards.nth(i)
        text = card.inner_text()
        assert item.name in text and item.status in text and (item.department_name or "—") in text
        assert "差距" in text
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (item.name, box)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    first = cards.first
    first.locator("summary").click()
    assert expected[0].source[:12] in first.locator("details p").inner_text()
    full_screenshot(phone, "ux-overview-390")


def test_wide_screen_attention_table_has_the_report_sentence(server, page):
    """At 1920 px the attention list is the table, with 报告原文 as a column; the cards are not shown."""
    open_page(page, server, "", JUNE)
    table = page.locator(".st-key-wide-attention [data-testid='stDataFrame']")
    table.wait_for()
    assert "报告原文" in table.locator("table").first.text_content()
    assert not page.locator(".ux-card").first.is_visible()


def test_phone_maps_fit_the_width(server, phone):
    """The map page and an area page's map are no wider than the phone, and nothing scrolls sideways."""
    for path in ("map", "area_water"):
        open_page(phone, server, path, JUNE)
        chart = phone.locator("[data-testid='stDeckGlJsonChart']").first
        chart.scroll_into_view_if_needed()
        chart.locator("canvas").first.wait_for(timeout=30_000)
        box = chart.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (path, box)
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], path
    full_screenshot(phone, "ux-map-390")


def test_phone_chart_toolbar_is_hidden_and_titles_are_clear(server, phone):
    """On a touch screen Plotly's toolbar (which sits over a chart's title) is not shown."""
    open_page(phone, server, "area_water", JUNE)
    chart = phone.locator(".js-plotly-plot").first
    chart.wait_for()
    chart.tap()
    assert phone.locator(".js-plotly-plot .modebar-container").first.is_hidden()


# --- point 3: Chinese everywhere, no "None" ----------------------------------------------------------------


def test_no_english_on_any_page(login_server, page, admin):
    server = login_server
    """Every page, as a visitor and as an administrator (who also sees the uploaders): no English word, no
    None/nan/NaT. Streamlit's own fixed English is translated by components/i18n.py; what is left is listed in
    ALLOWED_WORDS (file formats and key names), plus the logged-in user's own name."""
    open_page(page, server, "", JUNE)
    found = {}
    for title, _, shot in PAGES:
        nav_to(page, title)
        assert_no_exception(page)
        if words := foreign_words(visible_text(page)):
            found[shot] = words
    assert page.get_by_text("View", exact=False).count() == 0
    login(page, admin, ADMIN_PASSWORD)
    for title, _, shot in PAGES[12:]:
        nav_to(page, title)
        assert_no_exception(page)
        if words := foreign_words(visible_text(page), {admin}):
            found[f"{shot} (admin)"] = words
    assert not found, found


def test_uploader_speaks_chinese(login_server, page, admin):
    server = login_server
    """The file uploader's button and size line are Chinese (Streamlit prints "Upload" and "10MB per file")."""
    open_page(page, server, "")
    login(page, admin, ADMIN_PASSWORD)
    nav_to(page, "目标管理")
    uploader = page.locator("[data-testid='stFileUploader']").first
    uploader.wait_for()
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stFileUploader']\").innerText.includes('per file')")
    text = uploader.inner_text()
    assert "浏览文件" in text and "每个文件最大 10 MB" in text
    assert "Upload" not in text.replace("upload", "")


def test_table_toolbar_and_column_menu_speak_chinese(server, page):
    """The table's toolbar buttons and a column's menu (sort, statistics, pin, hide) are Chinese."""
    open_page(page, server, "", JUNE)
    grid = page.locator(".st-key-wide-attention [data-testid='stDataFrame']")
    grid.hover()
    labels = [b.get_attribute("aria-label") or "" for b in grid.locator("[data-testid='stElementToolbar'] button").all()]
    assert "下载为 CSV" in labels and not foreign_words(" ".join(labels), {"CSV"})
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 30, box["y"] + 19)  # the first column's header opens its menu
    menu = page.get_by_role("menu").first
    menu.get_by_text("升序排列").wait_for()
    menu.get_by_text("统计").hover()
    page.get_by_text("不同值").first.wait_for()  # the statistics of the column
    assert not foreign_words(visible_text(page))


# --- point 6: the meeting deep link ------------------------------------------------------------------------


def test_meeting_link_to_slide_5_steps_back_with_arrow_left(server, page):
    """/meeting?slide=5: 上一页 is enabled, ← goes to slide 4 and the URL follows; 上一页 goes to 3."""
    open_page(page, server, "meeting", {**JUNE, "slide": "5"})
    position = page.locator(".mm-pos")
    assert position.inner_text().startswith("5 / ")
    previous = page.get_by_role("button", name="上一页")
    assert previous.is_enabled()
    position.click()  # focus on the slide, not on a widget that would take the key
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('.mm-pos')?.innerText.startsWith('4 / ')")
    wait_for_app(page)
    assert "slide=4" in page.url
    previous.click()
    page.wait_for_function("() => document.querySelector('.mm-pos')?.innerText.startsWith('3 / ')")
    assert_no_exception(page)


# --- screenshots of every page, both sizes -----------------------------------------------------------------


@pytest.mark.parametrize("size", ["1920", "390"])
def test_screenshots_of_every_page(server, browser, size):
    """Every page at 1920×1080 and on a 390×844 phone, June 2023, opened by its link: no English there either;
    the pictures are for review in tests/artifacts/ux-<page>-<size>.png."""
    if size == "390":
        context = browser.new_context(viewport=PHONE, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True, locale="zh-CN")
    else:
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    tab = context.new_page()
    try:
        open_page(tab, server, "", JUNE)
        found = {}
        for _, path, shot in PAGES:
            open_page(tab, server, path, JUNE)
            full_screenshot(tab, f"ux-{shot}-{size}")
            if words := foreign_words(visible_text(tab)):
                found[shot] = words
        assert not found, found
    finally:
        context.close()


# --- point 9: nothing reaches outside at start-up ----------------------------------------------------------

# Loaded into the server process (PYTHONPATH): every name lookup or connection to a host other than this machine
# is written down and refused, so the test itself never reaches the internet.
RECORDER = """
import os, socket
LOCAL = {None, "", "localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}
def _record(what):
    with open(os.environ["OUTSIDE_LOG"], "a", encoding="utf-8") as log:
        log.write(what + "\\n")
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host not in LOCAL:
        _record(f"lookup {host}")
        raise socket.gaierror(socket.EAI_NONAME, "refused by the test")
    return _getaddrinfo(host, *args, **kwargs)
_connect = socket.socket.connect
def connect(self, address):
    if isinstance(address, tuple) and address[0] not in LOCAL:
        _record(f"connect {address[0]}:{address[1]}")
        raise OSError("refused by the test")
    return _connect(self, address)
socket.getaddrinfo = getaddrinfo
socket.socket.connect = connect
"""


def test_first_start_reaches_nothing_outside(demo_db_template, browser, tmp_path):
    """``streamlit run app.py`` with only our .streamlit/config.toml (no address on the command line) looks up no
    name and opens no connection beyond this machine while it starts and serves the first page. Without
    server.address/browser.serverAddress, Streamlit probes 8.8.8.8 and asks checkip.amazonaws.com for its external IP;
    on an intranet whose DNS does not answer that blocked the first page for ~10 s."""
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(RECORDER, encoding="utf-8")
    log = tmp_path / "outside.log"
    db_path = tmp_path / "tracker.duckdb"
    shutil.copy(demo_db_template, db_path)
    env = {"OUTSIDE_LOG": str(log), "PYTHONPATH": str(tmp_path / "hook")}
    server = StreamlitServer(db_path, tmp_path / "streamlit.log", env=env, config_only=True)
    try:
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        tab = context.new_page()
        tab.goto(server.url)
        tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        context.close()
    finally:
        server.stop()
    printed = (tmp_path / "streamlit.log").read_text()
    assert "External URL" not in printed and "Network URL" not in printed
    assert not log.exists(), log.read_text()

"""Logins in a real Chromium against ``streamlit run serve.py`` (issue 14.1, 14.7 and 15.3): a login survives a reload
and a new tab through an HttpOnly, Secure, SameSite=Strict cookie; logout in one tab ends the login in the other at
its next rerun; a client that replays a copied Streamlit session id without the cookie gets nothing; the routes
that set the cookie refuse cross-site requests. Screenshots of the login box and 用户管理 at 1920 and 390 px."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request

import pytest

from tests.conftest import ARTIFACTS, LoginServer, assert_no_exception, goto, login_in_sidebar, screenshot, wait_for_app
from tracker import auth, sessions, store

pytestmark = pytest.mark.browser
STAFF, STAFF_PASSWORD = "econ_web", "econ-web-password"
ADMIN, ADMIN_PASSWORD = "boss_web", "the-boss-web-secret"


@pytest.fixture(scope="module")
def login_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_login") / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    with store.connect(path) as con:
        auth.create_user(con, STAFF, "staff", STAFF_PASSWORD, department="econ")
        auth.create_user(con, ADMIN, "admin", ADMIN_PASSWORD)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    srv = LoginServer(path, ARTIFACTS / "streamlit_login.log")
    yield srv
    srv.stop()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    yield ctx
    ctx.close()


def open_upload_page(tab, server) -> None:
    """数据填报, reached the way a user does (the first request of a fresh server goes to the root)."""
    goto(tab, server)
    goto(tab, server, "upload")


def logged_in(tab) -> bool:
    return tab.locator("[data-testid='stSidebar']").get_by_text("已登录：").count() > 0


def rerun(tab) -> None:
    """What a user's next click does: Streamlit reruns the script (the R shortcut, on the page body)."""
    tab.locator("[data-testid='stMain'] h1").first.click()
    tab.keyboard.press("r")
    wait_for_app(tab)


def test_login_survives_reload_and_new_tabs_and_logout_ends_it_in_every_tab(login_server, context):
    tab = context.new_page()
    open_upload_page(tab, login_server)
    tab.get_by_text("尚未登录").first.wait_for(timeout=30_000)  # the page may still be drawing under load
    login_in_sidebar(tab, STAFF, STAFF_PASSWORD)
    tab.get_by_text("第一步：下载本月填报模板").wait_for()
    assert tab.locator("[data-testid='stSidebar']").get_by_text("已登录：econ_web（填报员 · 经济发展和科技统计局）").count() == 1

    (cookie,) = [c for c in context.cookies() if c["name"] == sessions.cookie_name(True)]
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert STAFF not in cookie["value"] and "staff" not in cookie["value"] and STAFF_PASSWORD not in cookie["value"]
    assert sessions.cookie_name(True) not in tab.evaluate("document.cookie")  # page scripts cannot read it
    with store.connect(login_server.db_path) as con:
        stored = [r[0] for r in con.execute("select token_hash from session where revoked_at is null").fetchall()]
    assert sessions.digest(cookie["value"]) in stored and cookie["value"] not in stored

    tab.reload()
    wait_for_app(tab)
    assert logged_in(tab), "F5 lost the login"
    tab.get_by_text("第一步：下载本月填报模板").wait_for()

    other = context.new_page()
    open_upload_page(other, login_server)
    assert logged_in(other), "a new tab is not logged in"
    screenshot(other, "login_second_tab")

    tab.get_by_role("button", name="退出登录").click()
    wait_for_app(tab)
    tab.locator("[data-testid='stSidebar']").get_by_text("登录（填报需要登录）").wait_for()
    assert not logged_in(tab)
    rerun(other)
    # the rerun may not have started when wait_for_app returns on a loaded machine: wait for its result
    other.locator("[data-testid='stSidebar']").get_by_text("登录（填报需要登录）").wait_for(timeout=30_000)
    assert not logged_in(other), "the other tab kept the login after logout"
    assert "尚未登录" in other.inner_text("[data-testid='stMain']")
    assert_no_exception(other)


def _replay(server, session_id: str, cookie: str | None) -> bytes:
    """A client that is not the browser: it opens Streamlit's websocket with a copied session id (and, for the
    control, the cookie), asks for a rerun and returns every frame of it."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    headers = {"Cookie": f"{sessions.cookie_name(True)}={cookie}"} if cookie else None
    uri = server.url.replace("http://", "ws://") + "/_stcore/stream"
    frames: list[bytes] = []
    with connect(
        uri, subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN", session_id], origin=server.url, additional_headers=headers, max_size=None
    ) as ws:
        ask = BackMsg()
        ask.rerun_script.query_string = ""
        ask.rerun_script.page_script_hash = ""
        ws.send(ask.SerializeToString())
        while True:
            frame = ws.recv(timeout=60)
            assert isinstance(frame, bytes)
            frames.append(frame)
            if ForwardMsg.FromString(frame).HasField("script_finished"):
                return b"".join(frames)


def test_a_copied_session_id_without_the_cookie_gives_nothing(login_server, context):
    """Issue 15.3: the victim's tab stays open and logged in; the session id alone opens an anonymous page."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    seen: list[str] = []

    def watch(socket) -> None:
        def frame(payload) -> None:
            if isinstance(payload, bytes):
                message = ForwardMsg.FromString(payload)
                if message.HasField("new_session") and message.new_session.initialize.session_id:
                    seen.append(message.new_session.initialize.session_id)

        socket.on("framereceived", frame)

    tab = context.new_page()
    tab.on("websocket", watch)
    goto(tab, login_server)
    login_in_sidebar(tab, ADMIN, ADMIN_PASSWORD)
    assert seen, "no session id seen on the websocket"
    victim = seen[-1]
    (cookie,) = [c["value"] for c in context.cookies() if c["name"] == sessions.cookie_name(True)]

    stolen = _replay(login_server, victim, cookie=None)
    assert "已登录".encode() not in stolen and "登录（填报需要登录）".encode() in stolen
    control = _replay(login_server, victim, cookie=cookie)  # the same replay with the cookie: logged in
    assert f"已登录：{ADMIN}".encode() in control


def _post(server, path: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(server.url + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_cookie_routes_refuse_cross_site_requests_and_made_up_tickets(login_server):
    same = {"Origin": login_server.url, "Content-Type": "application/json"}
    assert _post(login_server, "/_auth/claim", b'{"ticket": "made-up"}', same) == 403
    assert _post(login_server, "/_auth/claim", b'{"ticket": "made-up"}', same | {"Origin": "http://evil.example"}) == 403
    assert _post(login_server, "/_auth/claim", b"ticket=made-up", same | {"Content-Type": "application/x-www-form-urlencoded"}) == 403
    assert _post(login_server, "/_auth/claim", b"{not json", same) == 400
    assert _post(login_server, "/_auth/logout", b"", {"Origin": "http://evil.example"}) == 403
    assert _post(login_server, "/_auth/logout", b"", {"Origin": login_server.url}) == 204


@pytest.mark.parametrize("width, height", [(1920, 1080), (390, 844)])
def test_login_box_and_user_administration_look_right(login_server, browser, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", is_mobile=width < 500)
    tab = ctx.new_page()
    try:
        goto(tab, login_server)
        sidebar = tab.locator("[data-testid='stSidebar']")
        if not sidebar.is_visible():
            tab.locator("[data-testid='stExpandSidebarButton']").click()
        sidebar.get_by_text("登录（填报需要登录）").click()
        sidebar.get_by_label("用户名").fill(ADMIN)
        sidebar.get_by_label("密码").fill("wrong-password-typed")
        sidebar.get_by_role("button", name="登录").click()
        sidebar.get_by_text(auth.GENERIC_FAILURE).wait_for()
        box = sidebar.locator("[data-testid='stExpander']").filter(has_text="登录（填报需要登录）")
        box.scroll_into_view_if_needed()
        box.screenshot(path=str(ARTIFACTS / f"login_box_{width}.png"))
        sidebar.get_by_label("密码").fill(ADMIN_PASSWORD)
        sidebar.get_by_role("button", name="登录").click()
        tab.get_by_text(f"已登录：{ADMIN}").wait_for(timeout=30_000)
        wait_for_app(tab)
        goto(tab, login_server, "users")
        if width < 500 and sidebar.is_visible():  # a phone shows the page with the sidebar closed
            sidebar.locator("[data-testid='stSidebarCollapseButton'] button").click()
            wait_for_app(tab)
        tab.get_by_role("heading", name="用户管理").wait_for()
        tab.get_by_text("新建用户").first.wait_for()
        tab.locator("[data-testid='stMain'] [data-testid='stDataFrame']").first.wait_for()
        tab.locator("[data-testid='stMain']").get_by_role("textbox", name="用户名").wait_for()
        wait_for_app(tab)
        assert_no_exception(tab)
        screenshot(tab, f"users_page_{width}")
        assert tab.evaluate("document.documentElement.scrollWidth") <= width + 1, "the page scrolls sideways"
    finally:
        ctx.close()

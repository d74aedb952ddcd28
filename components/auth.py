"""Who is using this browser, the login / logout box in the sidebar, and the two HTTP routes that set and clear
the HttpOnly session cookie (``tracker.sessions`` holds the rules; this is the Streamlit and Starlette glue).

Why routes: an HttpOnly cookie can only be set by an HTTP response, and Streamlit talks to the browser over a
websocket. Streamlit 1.67's ``st.App`` (Starlette) takes extra routes, so ``serve.py`` starts the app with
``routes()``: ``POST /_auth/claim`` swaps a one-time login ticket for the cookie, ``POST /_auth/logout`` clears it.
The login form stays a Streamlit form (Chinese messages in place, the password checked in ``tracker.auth``); on
success the page posts the ticket and reloads, so its new websocket carries the cookie.

Every script run reads the cookie of *this* websocket (``st.context.cookies``) and looks its token up: the login
is bound to the cookie, not to the Streamlit session, so a client that replays a copied session id without the
cookie is anonymous. The lookup is remembered per session until the database file changes (a logout, a disabled
account or a role change anywhere is a write) or the login expires: a rerun with nothing changed reads nothing.

Under AppTest (which replaces Streamlit's runtime with a mock and cannot send cookies) there is no browser: the
login a test puts in ``st.session_state["user"]`` (with ``"auth_session"``) stands, as it always did.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import streamlit as st

from tracker import auth, city_users, config, sessions, store, towns
from tracker.auth import ROLE_NAMES, LoginFailed, Session, User, start_session

CLAIM_PATH = "/_auth/claim"
LOGOUT_PATH = "/_auth/logout"
_EXPIRED = "_auth_expired"
_CHECKED = "_auth_checked"
_HANDOFF = "_auth_handoff"
_CLEAR_COOKIE = "_auth_clear_cookie"
_ROUTES_INSTALLED = False


# ---------------------------------------------------------------- routes (Starlette, mounted by serve.py)


def _base_path() -> str:
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _same_origin(headers) -> bool:
    """A request the page itself made: its Origin names this host (a cross-site form or script cannot)."""
    origin, host = headers.get("origin"), headers.get("host")
    return bool(origin and host and urlsplit(origin).netloc == host)


def _set_cookie(response, token: str, expires: datetime, name: str) -> None:
    secure = config.settings().cookie_secure
    max_age = max(int((expires - datetime.now()).total_seconds()), 0)
    response.set_cookie(name, token, max_age=max_age, path="/", secure=secure, httponly=True, samesite="strict")


def _served_town(code: object) -> str | None:
    """The tenant a login route acts for: a town served here or the city's accounts (refused otherwise), None for
    the home town."""
    if code in (None, "", config.home_town()):
        return None
    if code == config.city_code() and city_users.exists():
        return code
    if not isinstance(code, str) or code not in {t.code for t in towns.installed()}:
        raise ValueError("unknown town")
    return code


def routes() -> list:
    """The routes ``serve.py`` hands to ``st.App``: the session cookie is set and cleared only here."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    global _ROUTES_INSTALLED
    _ROUTES_INSTALLED = True
    no_store = {"Cache-Control": "no-store"}

    def _claim(ticket: str, town: str | None) -> tuple[str, datetime, str] | None:
        with config.use_town(town), store.writing() as con:
            found = sessions.claim(con, ticket)
            return None if found is None else (*found, sessions.cookie_name())

    async def claim(request: Request) -> Response:
        if not _same_origin(request.headers) or request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return Response(status_code=403, headers=no_store)
        body = await request.body()
        try:
            sent = json.loads(body[:1024])
            ticket, town = str(sent.get("ticket", "")), _served_town(sent.get("town"))
        except (ValueError, AttributeError):
            return Response(status_code=400, headers=no_store)
        try:
            found = await run_in_threadpool(_claim, ticket, town)
        except store.StoreError:
            return Response(status_code=503, headers=no_store)
        if found is None:
            return Response(status_code=403, headers=no_store)
        response = Response(status_code=204, headers=no_store)
        _set_cookie(response, *found)
        return response

    def _end(request: Request, town: str | None) -> str:
        with config.use_town(town):
            name = sessions.cookie_name()
            with store.writing() as con:
                sessions.end(con, request.cookies.get(name))
        return name

    async def logout(request: Request) -> Response:
        if not _same_origin(request.headers):
            return Response(status_code=403, headers=no_store)
        secure = config.settings().cookie_secure
        try:
            town = _served_town(json.loads((await request.body())[:1024] or b"{}").get("town"))
        except (ValueError, AttributeError):
            return Response(status_code=400, headers=no_store)
        with config.use_town(town):
            name = sessions.cookie_name(secure)
        try:
            await run_in_threadpool(_end, request, town)
        except store.StoreError:
            pass  # the cookie is cleared below all the same; the login page ended it already
        response = Response(status_code=204, headers=no_store)
        response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="strict")
        return response

    base = _base_path()
    return [Route(base + CLAIM_PATH, claim, methods=["POST"]), Route(base + LOGOUT_PATH, logout, methods=["POST"])]


def _fetch_script(path: str, body: dict[str, str] | None, then: str) -> str:
    """A script element that posts to one of our routes and then runs ``then`` (only our own constant text and a
    ticket of URL-safe base64 characters and a town code go in: nothing a user typed)."""
    payload = json.dumps(json.dumps(body or {}))
    return (
        "<script>(async () => {"
        f"const r = await fetch({json.dumps(_base_path() + path)}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'application/json'}}, body: {payload}}}).catch(() => null);"
        f"{then}"
        "})();</script>"
    )


# ---------------------------------------------------------------- who is logged in


def _served() -> bool:
    """Whether a real Streamlit server runs this script (a browser behind a websocket), not AppTest's mock."""
    from streamlit import runtime
    from streamlit.runtime import Runtime

    # AppTest's stand-in is a MagicMock(spec=Runtime): it passes isinstance, but its type is not Runtime.
    return runtime.exists() and type(runtime.get_instance()) is Runtime


@dataclass(frozen=True)
class _Checked:
    """The last lookup of this session's cookie, valid while the database file is unchanged (user None: the
    cookie logs nobody in)."""

    digest: str
    version: tuple
    user: User | None
    expires_at: datetime


def _cookie_token() -> tuple[str | None, str | None]:
    """This browser's login token here and the tenant it belongs to: the town's own login first, else a city
    account's (tenant: the city's code)."""
    token = st.context.cookies.get(sessions.cookie_name())
    if token or config.is_city() or not city_users.exists():
        return token, None
    with city_users.serving():
        return st.context.cookies.get(sessions.cookie_name()), config.city_code()


def _tenant(code: str | None):
    """Serve the tenant of a login: the city's accounts for a city login, else the town being served."""
    return city_users.serving() if code == config.city_code() else nullcontext()


def _client_address() -> str:
    """The browser's address as the server saw it (behind a trusted proxy, its X-Forwarded-For; see README)."""
    return (st.context.ip_address if _served() else None) or auth.LOCAL_ADDRESS


def current_user() -> User | None:
    """The logged-in user of this browser, or None for an anonymous viewer."""
    if not _served():
        return _memory_user()
    token, tenant = _cookie_token()
    checked: _Checked | None = st.session_state.get(_CHECKED)
    if not token:
        st.session_state.pop(_CHECKED, None)
        return None
    now = datetime.now()
    with _tenant(tenant):
        digest, version = sessions.digest(token), store.data_version()
        if checked and checked.digest == digest and checked.version == version and (checked.user is None or checked.expires_at > now):
            return checked.user
        with store.connect() as con:
            found = sessions.lookup(con, token, now)
    if found is None:
        if checked and checked.digest == digest and checked.user is not None and checked.expires_at <= now:
            st.session_state[_EXPIRED] = True
        st.session_state[_CHECKED] = _Checked(digest, version, None, now)
        return None
    user = city_users.served_as(found.user) if tenant else found.user
    st.session_state[_CHECKED] = _Checked(digest, version, user, found.expires_at)
    return user


def _memory_user() -> User | None:
    """AppTest's login (no browser, no cookie): ``session_state["user"]`` while its ``auth_session`` is fresh."""
    session: Session | None = st.session_state.get("auth_session")
    user = st.session_state.get("user")
    if user is None:
        return None
    if session is None or session.expired():
        _forget_memory()
        st.session_state[_EXPIRED] = True
        return None
    st.session_state["auth_session"] = session.touch()
    return user


def _refresh_memory(user: User) -> User | None:
    """AppTest's login follows the users table at each full app run (a disabled or changed account)."""
    fresh = auth.load_user(user.name)
    if fresh is None:
        _forget_memory()
    elif fresh != user:
        st.session_state["user"] = fresh
    return fresh


def _forget_memory() -> None:
    st.session_state.pop("user", None)
    st.session_state.pop("auth_session", None)


def sign_in(name: str, password: str, city: bool = False) -> User:
    """Check the password (tracker does the counting and waiting) and start the login: in a browser, hand the
    page a one-time ticket for the cookie; under AppTest, remember the user in the session. ``city``: a city
    account, checked and kept in the city's own store."""
    if _served() and not _ROUTES_INSTALLED:
        raise LoginFailed("登录功能需要用 streamlit run serve.py 启动本系统（见 README“安全”一节），请联系管理员。")
    tenant = config.city_code() if city else None
    with _tenant(tenant):
        user = auth.login(name, password, _client_address())
    st.session_state.pop(_EXPIRED, None)
    if not _served():
        st.session_state["user"] = city_users.served_as(user) if city else user
        st.session_state["auth_session"] = start_session(st.session_state["user"])
        return st.session_state["user"]
    with _tenant(tenant), store.writing() as con:
        st.session_state[_HANDOFF] = (sessions.begin(con, user, _client_address(), st.context.headers.get("User-Agent")), tenant)
    return city_users.served_as(user) if city else user


def logout() -> None:
    """End this browser's login everywhere (every tab, every server process) and clear its cookie."""
    if not _served():
        _forget_memory()
        return
    token, tenant = _cookie_token()
    if token:
        with _tenant(tenant), store.writing() as con:
            sessions.end(con, token)
    st.session_state.pop(_CHECKED, None)
    st.session_state[_CLEAR_COOKIE] = tenant or config.town_code()


# ---------------------------------------------------------------- the sidebar box


def _handoff(ticket: str, tenant: str | None) -> None:
    """Post the ticket for the cookie (of the town, or of the city for a city account), then reload so the new
    websocket carries it."""
    failed = "登录未能完成：请刷新页面后重新登录；如仍不行，请联系管理员（本系统需用 serve.py 启动）。"
    show_failure = f"document.getElementById('auth-handoff').textContent = {json.dumps(failed)};"
    then = f"if (r && r.ok) {{ window.location.reload(); }} else {{ {show_failure} }}"
    claim = _fetch_script(CLAIM_PATH, {"ticket": ticket, "town": tenant or config.town_code()}, then)
    st.html(f"<p id='auth-handoff'>正在登录……</p>{claim}", unsafe_allow_javascript=True)


def _department_name(code: str | None) -> str:
    if not code:
        return ""
    from components.data import load_periods

    return load_periods()["departments"].get(code, code)


def render_login() -> User | None:
    """The sidebar box: who is logged in and a logout button, or the login form. With anonymous viewing off,
    nobody sees any page before logging in."""
    user = current_user()
    if user is not None and not _served():
        user = _refresh_memory(user)
    with st.sidebar:
        handoff = st.session_state.pop(_HANDOFF, None)
        if handoff and user is None:
            _handoff(*handoff)
            st.stop()
        if cleared := st.session_state.pop(_CLEAR_COOKIE, None):
            st.html(_fetch_script(LOGOUT_PATH, {"town": cleared}, ""), unsafe_allow_javascript=True)
        if st.session_state.pop(_EXPIRED, False):
            st.info("登录已超时，请重新登录。", icon=":material/timer_off:")
        if user is not None:
            dept = f" · {_department_name(user.department)}" if user.department else ""
            st.caption(f"已登录：{user.name}（{ROLE_NAMES.get(user.role, user.role)}{dept}）")
            st.button("退出登录", key="logout", icon=":material/logout:", on_click=logout)
            return user
        with st.expander("登录（填报需要登录）", expanded=not config.settings().anonymous_view):
            _login_form()
    if not config.settings().anonymous_view:
        st.info("本系统需要登录后查看，请在左侧登录。", icon=":material/lock:")
        st.stop()
    return None


def _login_form() -> None:
    with st.form("login_form", clear_on_submit=False):
        # Only where the city has accounts: a town's own users see the form they always saw.
        kinds = [towns.name(), f"{config.city_name()}（市级账号）"] if city_users.exists() else [towns.name()]
        kind = st.radio("账号所属", kinds, key="login_kind", horizontal=True) if len(kinds) > 1 else kinds[0]
        name = st.text_input("用户名", key="login_name", autocomplete="username")
        password = st.text_input("密码", type="password", key="login_password", autocomplete="current-password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        try:
            sign_in(name, password, city=kind != kinds[0])
        except LoginFailed as exc:
            st.error(str(exc))
            return
        except store.StoreError as exc:
            st.error(str(exc))
            return
        st.rerun()

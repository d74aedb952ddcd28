"""Who is using this browser session, and the login / logout box in the sidebar.

``st.session_state["user"]`` holds the logged-in ``User`` (other pages read it through ``current_user()``);
``st.session_state["auth_session"]`` holds the ``tracker.auth.Session`` whose inactivity timeout ends it.
"""

from __future__ import annotations

import streamlit as st

from tracker import config
from tracker.auth import ROLE_NAMES, LoginFailed, Session, User, load_user, login, start_session

_EXPIRED = "_auth_expired"


def current_user() -> User | None:
    """The logged-in user of this session, or None for an anonymous viewer. Ends expired sessions."""
    session: Session | None = st.session_state.get("auth_session")
    user = st.session_state.get("user")
    if user is None:
        return None
    if session is None or session.expired():
        logout()
        st.session_state[_EXPIRED] = True
        return None
    st.session_state["auth_session"] = session.touch()
    return user


def logout() -> None:
    st.session_state.pop("user", None)
    st.session_state.pop("auth_session", None)


def sign_in(name: str, password: str) -> User:
    """Check the password (tracker does the counting and locking) and start the session."""
    user = login(name, password)
    st.session_state["user"] = user
    st.session_state["auth_session"] = start_session(user)
    st.session_state.pop(_EXPIRED, None)
    return user


def _refresh(user: User) -> User | None:
    """A disabled or changed account takes effect at the next rerun, not at the next login."""
    fresh = load_user(user.name)
    if fresh != user:
        if fresh is None:
            logout()
            return None
        st.session_state["user"] = fresh
    return fresh


def render_login() -> User | None:
    """The sidebar box: who is logged in and a logout button, or the login form. With anonymous viewing off,
    nobody sees any page before logging in."""
    user = current_user()
    if user is not None:
        user = _refresh(user)
    with st.sidebar:
        if st.session_state.pop(_EXPIRED, False):
            st.info("登录已超时，请重新登录。", icon=":material/timer_off:")
        if user is not None:
            dept = f" · {user.department}" if user.department else ""
            st.caption(f"已登录：{user.name}（{ROLE_NAMES.get(user.role, user.role)}{dept}）")
            if st.button("退出登录", key="logout", icon=":material/logout:"):
                logout()
                st.rerun()
            return user
        with st.expander("登录（填报需要登录）", expanded=not config.settings().anonymous_view):
            _login_form()
    if not config.settings().anonymous_view:
        st.info("本系统需要登录后查看，请在左侧登录。", icon=":material/lock:")
        st.stop()
    return None


def _login_form() -> None:
    with st.form("login_form", clear_on_submit=False):
        name = st.text_input("用户名", key="login_name")
        password = st.text_input("密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        try:
            sign_in(name, password)
        except LoginFailed as exc:
            st.error(str(exc))
            return
        st.rerun()

"""Who is using this browser session. The login form itself lives here too."""

from __future__ import annotations

import streamlit as st

from tracker.auth import User


def current_user() -> User | None:
    """The logged-in user of this session, or None for an anonymous viewer."""
    return st.session_state.get("user")

"""tracker.sessions: browser logins held by an HttpOnly cookie's random token, stored as a sha256, claimed once
from a one-time ticket, ended by logout, a disabled account or a new password, and seen by every process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from tests.conftest import ROOT
from tracker import auth, config, sessions, store
from tracker.auth import User

NOW = datetime(2024, 3, 1, 9, 0)
STAFF = User("water1", "staff", "water")


@pytest.fixture
def staff(empty_db):
    with store.connect() as con:
        auth.create_user(con, "water1", "staff", "water-password", department="water")
        auth.create_user(con, "admin1", "admin", "the-admin-password")
    return empty_db


def login(now: datetime = NOW) -> str:
    """A ticket, then the cookie's token: what the login form and the /_auth/claim route do."""
    with store.writing() as con:
        ticket = sessions.begin(con, STAFF, "10.0.0.5", "Chromium", now)
    with store.writing() as con:
        claimed = sessions.claim(con, ticket, now)
    assert claimed is not None
    return claimed[0]


def live(token: str, now: datetime = NOW) -> User | None:
    with store.connect() as con:
        found = sessions.lookup(con, token, now)
    return found.user if found else None


def test_a_claimed_ticket_gives_a_token_that_logs_in_and_only_its_hash_is_stored(staff):
    with store.writing() as con:
        ticket = sessions.begin(con, STAFF, "10.0.0.5", "Chromium", NOW)
        token, expires = sessions.claim(con, ticket, NOW)
        stored = con.execute("select token_hash, ticket_hash, user_name, address from session").fetchall()
    assert token != ticket and len(token) >= 40
    assert expires == NOW + timedelta(seconds=config.settings().session_seconds)
    assert stored == [(sessions.digest(token), None, "water1", "10.0.0.5")]
    assert token not in repr(stored) and ticket not in repr(stored)
    assert live(token) == STAFF


def test_a_ticket_is_claimed_once_and_only_in_time(staff):
    with store.writing() as con:
        ticket = sessions.begin(con, STAFF, None, None, NOW)
        late = sessions.begin(con, STAFF, None, None, NOW)
        assert sessions.claim(con, ticket, NOW) is not None
        assert sessions.claim(con, ticket, NOW) is None
        assert sessions.claim(con, late, NOW + timedelta(seconds=sessions.TICKET_SECONDS + 1)) is None
        assert sessions.claim(con, "made-up", NOW) is None
        assert sessions.claim(con, "", NOW) is None


def test_unknown_expired_and_ended_tokens_log_nobody_in(staff):
    token = login()
    assert live("made-up-token") is None and live("") is None and live(None) is None
    assert live(token, NOW + timedelta(seconds=config.settings().session_seconds + 1)) is None
    with store.writing() as con:
        assert sessions.end(con, token) is True
        assert sessions.end(con, token) is False
    assert live(token) is None


def test_disabling_the_account_or_a_new_password_ends_its_logins(staff):
    first, second = login(), login()
    with store.connect() as con:
        auth.reset_password(con, "water1", "another-water-secret")
    assert live(first) is None and live(second) is None
    third = login()
    with store.connect() as con:
        auth.disable_user(con, "water1")
    assert live(third) is None
    with store.writing() as con:
        ticket = sessions.begin(con, STAFF, None, None, NOW)
        assert sessions.claim(con, ticket, NOW) is None  # a disabled account cannot claim a pending ticket


def test_a_role_change_shows_at_the_next_lookup(staff):
    token = login()
    with store.connect() as con:
        auth.set_role(con, "water1", "viewer")
    assert live(token) == User("water1", "viewer", None)


def test_another_process_sees_the_login_and_its_end(staff):
    """Several server processes share one store: a login made here is valid there, a logout here ends it there."""
    token = login()
    probe = (
        "import sys; from datetime import datetime; from tracker import sessions, store\n"
        "with store.connect() as con: found = sessions.lookup(con, sys.argv[1], datetime(2024, 3, 1, 9, 5))\n"
        "print(found.user.name if found else 'nobody')"
    )

    def other_process() -> str:
        env = {**os.environ, "TRACKER_DB": str(staff)}
        run = subprocess.run([sys.executable, "-c", probe, token], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert other_process() == "water1"
    with store.writing() as con:
        sessions.end(con, token)
    assert other_process() == "nobody"


def test_the_cookie_name_follows_the_secure_setting():
    assert sessions.cookie_name(True) == "__Host-tracker_session"
    assert sessions.cookie_name(False) == "tracker_session"

"""Browser logins that survive a reload and a new tab, and end everywhere at logout (issue 14, point 1).

A login is a row of ``session``. The browser holds a random token in a cookie that is HttpOnly (page scripts
cannot read it), SameSite=Strict and Secure; the database keeps only the token's sha256, so a copy of the
database file logs nobody in. The cookie carries no name, role or password: every script run looks the token up
(``lookup``), so logout, a disabled account or a new password end the login at the next rerun of every tab, in
every server process that shares the store.

How the cookie is set (an HttpOnly cookie can only come from an HTTP response): the login form checks the
password and ``begin`` stores a one-time *ticket* (its sha256, valid ``TICKET_SECONDS``); the page posts the
ticket to the server's ``/_auth/claim`` route, which ``claim``s it for a fresh token and answers with the
cookie; the page reloads and its websocket carries the cookie. The ticket is never the cookie's value.

No streamlit here: the routes and the login box are ``components/auth.py``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from tracker import config
from tracker.auth import User

COOKIE = "tracker_session"
TICKET_SECONDS = 60
KEEP_DAYS = 30  # ended logins are kept this long (who logged in from where), then removed
_SECRET_BYTES = 32


def cookie_name(secure: bool | None = None) -> str:
    """``__Host-`` binds a Secure cookie to this host and path ``/`` (browsers refuse it otherwise). Each town has a
    cookie of its own (``tracker_session_<code>``; the home town's has no suffix): its sessions are in its own store,
    and one browser may stay logged in to several towns."""
    secure = config.settings().cookie_secure if secure is None else secure
    name = COOKIE if config.is_home_town() else f"{COOKIE}_{config.town_code()}"
    return f"__Host-{name}" if secure else name


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(_SECRET_BYTES)


@dataclass(frozen=True)
class LoginSession:
    """A live browser login: who (as the users table says now) and until when."""

    id: int
    user: User
    expires_at: datetime


def begin(con: duckdb.DuckDBPyConnection, user: User, address: str | None, user_agent: str | None, now: datetime | None = None) -> str:
    """A login for ``user`` whose password was just checked: the one-time ticket the browser claims. Call inside a
    write transaction. Removes logins that ended more than ``KEEP_DAYS`` ago."""
    now = now or datetime.now()
    ticket = _new_secret()
    con.execute("delete from session where expires_at < ?", [now - timedelta(days=KEEP_DAYS)])
    con.execute(
        "insert into session (user_name, ticket_hash, ticket_expires, created_at, expires_at, address, user_agent) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [
            user.name,
            digest(ticket),
            now + timedelta(seconds=TICKET_SECONDS),
            now,
            now + timedelta(seconds=config.settings().session_seconds),
            (address or "")[:64],
            (user_agent or "")[:300],
        ],
    )
    return ticket


def claim(con: duckdb.DuckDBPyConnection, ticket: str, now: datetime | None = None) -> tuple[str, datetime] | None:
    """Exchange a ticket, once and in time, for the cookie's token: (token, expires_at), or None. Call inside a
    write transaction (two claims of one ticket: the second finds nothing)."""
    now = now or datetime.now()
    if not ticket or len(ticket) > 200:
        return None
    token = _new_secret()
    row = con.execute(
        """
        update session set token_hash = ?, ticket_hash = null, claimed_at = ?
        where ticket_hash = ? and ticket_expires >= ? and revoked_at is null and expires_at > ?
          and user_name in (select name from users where not disabled)
        returning expires_at
        """,
        [digest(token), now, digest(ticket), now, now],
    ).fetchone()
    return (token, row[0]) if row else None


def lookup(con: duckdb.DuckDBPyConnection, token: str | None, now: datetime | None = None) -> LoginSession | None:
    """The live login of a cookie's token, with the user's current role and department; None when the token is
    unknown, ended, expired or its account disabled. Reads only."""
    now = now or datetime.now()
    if not token or len(token) > 200:
        return None
    row = con.execute(
        """
        select s.id, u.name, u.role, u.department, s.expires_at
        from session s join users u on u.name = s.user_name
        where s.token_hash = ? and s.revoked_at is null and s.expires_at > ? and not u.disabled
        """,
        [digest(token), now],
    ).fetchone()
    return LoginSession(int(row[0]), User(row[1], row[2], row[3]), row[4]) if row else None


def end(con: duckdb.DuckDBPyConnection, token: str | None, reason: str = "logout", now: datetime | None = None) -> bool:
    """End the login of a cookie's token (logout); whether one was live."""
    if not token or len(token) > 200:
        return False
    row = con.execute(
        "update session set revoked_at = ?, revoked_reason = ? where token_hash = ? and revoked_at is null returning id",
        [now or datetime.now(), reason, digest(token)],
    ).fetchone()
    return row is not None


def end_all(con: duckdb.DuckDBPyConnection, user_name: str, reason: str, now: datetime | None = None) -> int:
    """End every login of an account (disabled, new password); how many were live or pending."""
    rows = con.execute(
        "update session set revoked_at = ?, revoked_reason = ? where user_name = ? and revoked_at is null returning id",
        [now or datetime.now(), reason, user_name],
    ).fetchall()
    return len(rows)

"""Users, roles, passwords, login throttling and the permission checks every write goes through (inside tracker,
not only in the UI). Browser logins that survive a reload are ``tracker.sessions``.

Passwords are hashed with argon2id (argon2-cffi): it is the winner of the Password Hashing Competition and
OWASP's first choice, memory-hard (so GPU guessing of a stolen database file is slow), salts every hash
itself, and ``check_needs_rehash`` lets us raise its cost later without forcing a password reset.

Rules, shown to users in Chinese:

- Names are compared after NFKC and case folding: ``ａｄｍｉｎ1``, ``Admin1`` and ``admin1`` are one name.
- A password has at least ``MIN_PASSWORD`` characters, is not mostly one or two characters repeated, does not
  contain the user name and is not on the common-password list (``data/common_passwords.txt``).
- A failed login answers the same whether the name is unknown, the password wrong or the account disabled.
- Failed logins are counted per account name *at one client address* and per client address over all names
  (``login_throttle``); past ``max_failed_logins`` (or ``max_failed_per_address``) that address waits a doubling
  time. A stranger guessing elsewhere never locks the owner out. Failures are forgotten an hour after the last.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tracker import config, store
from tracker.errors import Refusal

ROLES = ("viewer", "staff", "supervisor", "admin")
# City accounts (``tracker.city_users``): kept in the city's own store with a town role, served to a town as these.
CITY_ROLES = ("city-viewer", "city-supervisor", "city-admin")
ROLE_NAMES = {
    "viewer": "查看",
    "staff": "填报员",
    "supervisor": "督查室",
    "admin": "管理员",
    "city-viewer": "市级查看",
    "city-supervisor": "市督查室",
    "city-admin": "市级管理员",
}
MIN_PASSWORD = 10
MIN_DISTINCT = 4  # "aaaaaaaaaa", "ababababab" and ten spaces are not passwords
COMMON_PASSWORDS = config.DATA_DIR / "common_passwords.txt"
GENERIC_FAILURE = "用户名或密码不正确。"
LOCAL_ADDRESS = "本机"  # the client address of a browser on the server itself (Streamlit reports none)
FORGET_SECONDS = 3600  # failures are forgotten this long after the last one (or after the lock ends)
_NAME = re.compile(r"^[\w.\-\u4e00-\u9fff]{1,40}$")
_hasher = PasswordHasher()
# Serialises the lock check and the failure count of logins in this process (DuckDB's file lock already
# serialises processes): parallel wrong passwords must count one by one and stop at the lock.
_LOGIN_LOCK = threading.Lock()
_RETRIES = 5


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified when the user name does not exist, so a wrong name costs as long as a wrong password (no telling
    which names exist from the response time). Hashed at the first such login, not at import: argon2id is slow on
    purpose, and every page, CLI command and test imports this module."""
    return _hasher.hash("not-a-password-of-anyone")


class PermissionDenied(Refusal, PermissionError):
    """The user may not make this write. The message is shown to the user as it is (Chinese)."""


class LoginFailed(PermissionError):
    """Wrong name or password, a disabled account or too many attempts. The message is shown as it is."""


class UserError(Refusal, ValueError):
    """A bad user-management request (name taken, weak password, unknown department...)."""


@dataclass(frozen=True)
class User:
    name: str  # a city account's carries the city's name: "中山市·张三" (no town name can contain "·")
    role: str  # viewer | staff | supervisor | admin, or a city role: city-viewer | city-supervisor | city-admin
    department: str | None = None  # staff are bound to one department

    @property
    def is_admin(self) -> bool:
        """The town's administrator (a city admin is not: it adds towns, it does not run a town's data)."""
        return self.role == "admin"

    @property
    def is_city(self) -> bool:
        return self.role in CITY_ROLES

    @property
    def can_write(self) -> bool:
        return self.role in ("staff", "admin")

    @property
    def can_review(self) -> bool:
        """督查室, the city's 督查室 and admins review submissions and lock months (``require_supervisor``)."""
        return self.role in ("supervisor", "city-supervisor", "admin")


def require_admin(user: User | None) -> User:
    if user is None or user.role != "admin":
        raise PermissionDenied("只有管理员可以执行此操作，请用管理员账号登录。")
    return user


def require_writer(user: User | None, department: str | None = None) -> User:
    """Staff may write their own department's data; admins any; viewers and anonymous visitors nothing."""
    if user is None:
        raise PermissionDenied("请先登录后再填报。")
    if user.role == "viewer":
        raise PermissionDenied(f"账号“{user.name}”只有查看权限，不能填报或修改数据。")
    if user.role in ("supervisor", "city-supervisor"):
        raise PermissionDenied(f"账号“{user.name}”是督查室账号，负责审核和锁定，不能填报或修改数据。")
    if not user.can_write:  # an allow-list: a role added later writes nothing until it is named here
        raise PermissionDenied(f"账号“{user.name}”（{ROLE_NAMES.get(user.role, user.role)}）不能填报或修改镇街的数据。")
    if user.role == "staff" and department is not None and department != user.department:
        raise PermissionDenied(f"账号“{user.name}”属于部门“{user.department}”，不能填报部门“{department}”的数据。")
    return user


def require_supervisor(user: User | None) -> User:
    """督查室 (supervisor) and admins review submissions and 情况说明, lock months, set and close 督办事项; nobody else."""
    if user is None:
        raise PermissionDenied("请先用督查室或管理员账号登录。")
    if not user.can_review:
        raise PermissionDenied(f"账号“{user.name}”不是督查室或管理员账号，不能审核、锁定或督办。")
    return user


# ---------------------------------------------------------------- names and passwords


def normalize_name(name: str | None) -> str:
    """The form every name is compared (and new names stored) in: NFKC (full-width → plain), case-folded, trimmed."""
    return unicodedata.normalize("NFKC", name or "").strip().casefold()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The short list of passwords everyone tries first (case-folded)."""
    if not COMMON_PASSWORDS.exists():
        return frozenset()
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, name: str = "") -> str | None:
    """Why a password may not be used (Chinese), or None."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符。"
    if len(set(password.strip())) < MIN_DISTINCT:
        return f"密码不能全是空格或少数几个重复的字符（至少 {MIN_DISTINCT} 种不同字符）。"
    folded = unicodedata.normalize("NFKC", password).casefold()
    if folded in common_passwords() or folded.strip() in common_passwords():
        return "这个密码太常见（在常用密码清单里），请换一个。"
    if name and len(normalize_name(name)) >= 3 and normalize_name(name) in folded:
        return "密码不能包含用户名。"
    return None


def check_password(password: str, name: str = "") -> None:
    problem = password_problem(password, name)
    if problem:
        raise UserError(problem)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# ---------------------------------------------------------------- users


_USER_COLUMNS = "name, department, role, password_hash, disabled, created_at"


def _find(con: duckdb.DuckDBPyConnection, name: str) -> tuple[Any, ...] | None:
    """The users row whose name is ``name`` once both are normalised (there are few users: compared here)."""
    wanted = normalize_name(name)
    if not wanted:
        return None
    for row in con.execute(f"select {_USER_COLUMNS} from users").fetchall():
        if normalize_name(row[0]) == wanted:
            return tuple(row)
    return None


def _existing(con: duckdb.DuckDBPyConnection, name: str) -> tuple[Any, ...]:
    row = _find(con, name)
    if row is None:
        raise UserError(f"用户“{name}”不存在。")
    return row


def get_user(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    """The enabled user of that name, or None (unknown or disabled)."""
    row = _find(con, name)
    if row is None or row[4]:
        return None
    return User(name=row[0], role=row[2], department=row[1])


def load_user(name: str) -> User | None:
    """The enabled user of that name here; a city account's qualified name ("中山市·张三") is looked up in the city's
    own store (``tracker.city_users``)."""
    from tracker import city_users  # imports this module

    if city_users.raw_name(name) is not None:
        return city_users.load(name)
    with store.connect() as con:
        return get_user(con, name)


def list_users(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> list[dict[str, Any]]:
    """Every account: name, role, department, disabled, created_at, open browser logins, waiting (any address
    of this name locked now)."""
    now = now or datetime.now()
    rows = con.execute(
        """
        select u.name, u.role, u.department, u.disabled, u.created_at,
               (select count(*) from session s where s.user_name = u.name and s.token_hash is not null
                and s.revoked_at is null and s.expires_at > ?) as sessions
        from users u order by u.name
        """,
        [now],
    ).fetchall()
    locked = {
        key.split("\n", 1)[0]
        for (key,) in con.execute("select key from login_throttle where scope = 'account' and locked_until > ?", [now]).fetchall()
    }
    keys = ("name", "role", "department", "disabled", "created_at", "sessions")
    return [dict(zip(keys, r, strict=True)) | {"locked": normalize_name(r[0]) in locked} for r in rows]


def _check_role(con: duckdb.DuckDBPyConnection, role: str, department: str | None) -> str | None:
    """The department the account keeps (None for viewers and admins without one); UserError when it cannot."""
    if role not in ROLES:
        raise UserError(f"角色必须是 {' / '.join(ROLES)} 之一。")
    if config.is_city() and role == "staff":
        raise UserError("市级账号不属于任何镇街的部门，角色只能是市级查看、市督查室或市级管理员。")
    if role == "staff" and not department:
        raise UserError("填报员（staff）必须指定所属部门：--department 部门编码。")
    if department and not con.execute("select 1 from department where code = ?", [department]).fetchone():
        raise UserError(f"部门编码“{department}”不存在。")
    return department or None


def _enabled_admins(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select name from users where role = 'admin' and not disabled").fetchall()}


def create_user(
    con: duckdb.DuckDBPyConnection, name: str, role: str, password: str, department: str | None = None, actor: str = "cli"
) -> User:
    """Add a user (stored under its normalised name). From the CLI (the first admin) or the 用户管理 page."""
    name = normalize_name(name)
    if not _NAME.match(name):
        raise UserError("用户名只能包含中文、字母、数字、下划线、点和减号，最长 40 个字符。")
    department = _check_role(con, role, department)
    check_password(password, name)
    if _find(con, name):
        raise UserError(f"用户名“{name}”已存在（大小写、全角半角不同也算同一个名字）。")
    with store.transaction(con):
        con.execute(
            "insert into users (name, department, role, password_hash, created_at) values (?, ?, ?, ?, ?)",
            [name, department, role, hash_password(password), datetime.now()],
        )
        store.audit(con, actor, "user.add", {"name": name, "role": role, "department": department})
    return User(name, role, department)


def disable_user(con: duckdb.DuckDBPyConnection, name: str, actor: str = "cli") -> None:
    """Disable an account and end its browser logins at once (every tab sees it at its next rerun)."""
    from tracker import sessions  # imports this module

    row = _existing(con, name)
    if row[2] == "admin" and _enabled_admins(con) == {row[0]}:
        raise UserError("不能停用唯一启用的管理员账号：请先新建或启用另一个管理员。")
    with store.transaction(con):
        con.execute("update users set disabled = true where name = ?", [row[0]])
        ended = sessions.end_all(con, row[0], "disabled")
        store.audit(con, actor, "user.disable", {"name": row[0], "sessions_ended": ended})


def enable_user(con: duckdb.DuckDBPyConnection, name: str, actor: str = "cli") -> None:
    row = _existing(con, name)
    with store.transaction(con):
        con.execute("update users set disabled = false where name = ?", [row[0]])
        store.audit(con, actor, "user.enable", {"name": row[0]})


def reset_password(con: duckdb.DuckDBPyConnection, name: str, password: str, actor: str = "cli") -> None:
    """A new password: the account's browser logins end and its waits after failed logins are lifted."""
    from tracker import sessions  # imports this module

    row = _existing(con, name)
    check_password(password, row[0])
    with store.transaction(con):
        con.execute("update users set password_hash = ? where name = ?", [hash_password(password), row[0]])
        ended = sessions.end_all(con, row[0], "password")
        _clear_throttle(con, row[0])
        store.audit(con, actor, "user.password", {"name": row[0], "sessions_ended": ended})


def set_role(con: duckdb.DuckDBPyConnection, name: str, role: str, department: str | None = None, actor: str = "cli") -> User:
    """Change an account's role and department; it takes effect at the user's next rerun, no new login needed."""
    row = _existing(con, name)
    department = _check_role(con, role, department)
    if row[2] == "admin" and role != "admin" and not row[4] and _enabled_admins(con) == {row[0]}:
        raise UserError("不能取消唯一启用的管理员的管理员角色：请先新建或启用另一个管理员。")
    with store.transaction(con):
        con.execute("update users set role = ?, department = ? where name = ?", [role, department, row[0]])
        store.audit(
            con, actor, "user.role", {"name": row[0], "role": role, "department": department, "old_role": row[2], "old_department": row[1]}
        )
    return User(row[0], role, department)


def unlock_user(con: duckdb.DuckDBPyConnection, name: str, actor: str = "cli") -> int:
    """Lift the waits after failed logins of this name at every address; how many were lifted."""
    row = _existing(con, name)
    with store.transaction(con):
        lifted = _clear_throttle(con, row[0])
        store.audit(con, actor, "user.unlock", {"name": row[0], "lifted": lifted})
    return lifted


def _clear_throttle(con: duckdb.DuckDBPyConnection, name: str) -> int:
    prefix = normalize_name(name) + "\n"
    found = con.execute("select count(*) from login_throttle where scope = 'account' and starts_with(key, ?)", [prefix]).fetchone()
    con.execute("delete from login_throttle where scope = 'account' and starts_with(key, ?)", [prefix])
    return int(found[0]) if found else 0


# ---------------------------------------------------------------- logins


def lock_duration(failed: int, max_failed: int, lock_seconds: int) -> int:
    """Seconds to wait after ``failed`` consecutive failures: 0 below the limit, then doubling each time."""
    if failed < max_failed:
        return 0
    return lock_seconds * 2 ** min((failed - max_failed), 16)


def _throttle_keys(name: str, address: str) -> list[tuple[str, str]]:
    return [("account", f"{normalize_name(name)}\n{address}"), ("address", address)]


def _waiting(con: duckdb.DuckDBPyConnection, keys: list[tuple[str, str]], now: datetime) -> datetime | None:
    """Until when this name at this address (or this address) must wait, or None."""
    (account, account_key), (scope, address_key) = keys
    row = con.execute(
        "select max(locked_until) from login_throttle where locked_until > ? and ((scope = ? and key = ?) or (scope = ? and key = ?))",
        [now, account, account_key, scope, address_key],
    ).fetchone()
    return row[0] if row and row[0] else None


def _wait_message(until: datetime, now: datetime) -> str:
    wait = int((until - now).total_seconds()) + 1
    return f"登录尝试次数过多，请 {wait} 秒后再试。"


def authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str, address: str | None = None, now: datetime | None = None) -> User:
    """Check a login from a client ``address``. Every failure says the same (``GENERIC_FAILURE``) and counts
    toward this name at this address and toward this address; past the limits that address waits."""
    now = now or datetime.now()
    address = address or LOCAL_ADDRESS
    keys = _throttle_keys(name, address)
    until = _waiting(con, keys, now)
    if until is not None:
        raise LoginFailed(_wait_message(until, now))
    row = _find(con, name)
    try:
        _hasher.verify(row[3] if row else _dummy_hash(), password or "")
        ok = row is not None and not row[4]  # a disabled account answers exactly like a wrong password
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        left, seconds = _count_failure(con, name, address, now)
        if seconds:
            raise LoginFailed(f"{GENERIC_FAILURE}尝试次数过多，请 {seconds} 秒后再试。")
        raise LoginFailed(f"{GENERIC_FAILURE}再失败 {left} 次需要等待一段时间才能再试。")
    assert row is not None
    user_name, department, role, stored = row[0], row[1], row[2], row[3]
    with _LOGIN_LOCK:  # a parallel failure may have locked this address while the password was checked
        until = _waiting(con, keys, now)
        if until is not None:
            raise LoginFailed(_wait_message(until, now))
        with store.transaction(con):
            if _hasher.check_needs_rehash(stored):
                con.execute("update users set password_hash = ? where name = ?", [hash_password(password), user_name])
            con.execute("delete from login_throttle where scope = 'account' and key = ?", [keys[0][1]])
            store.audit(con, user_name, "login", {"address": address})
    return User(user_name, role, department)


def _count_failure(con: duckdb.DuckDBPyConnection, name: str, address: str, now: datetime) -> tuple[int, int]:
    """Count one failed login for the name at the address and for the address, atomically: (failures left before
    the name at this address must wait, seconds it must wait now). Raises LoginFailed when a parallel attempt
    made it wait in the meantime. A write conflict with another connection is retried."""
    cfg = config.settings()
    limits = {"account": cfg.max_failed_logins, "address": cfg.max_failed_per_address}
    keys = _throttle_keys(name, address)
    for attempt in range(_RETRIES):
        with _LOGIN_LOCK:
            try:
                con.execute("begin")
                until = _waiting(con, keys, now)
                if until is not None:
                    raise LoginFailed(_wait_message(until, now))
                counts: dict[str, int] = {}
                seconds = 0
                for scope, key in keys:
                    row = con.execute(
                        "select failures, locked_until, last_failure from login_throttle where scope = ? and key = ?", [scope, key]
                    ).fetchone()
                    failures = 0
                    if row is not None and now - max(row[2], row[1] or row[2]) < timedelta(seconds=FORGET_SECONDS):
                        failures = int(row[0])
                    failures += 1
                    wait = lock_duration(failures, limits[scope], cfg.lock_seconds)
                    con.execute(
                        "insert into login_throttle values (?, ?, ?, ?, ?) on conflict (scope, key) do update "
                        "set failures = excluded.failures, locked_until = excluded.locked_until, last_failure = excluded.last_failure",
                        [scope, key, failures, now + timedelta(seconds=wait) if wait else None, now],
                    )
                    counts[scope] = failures
                    seconds = max(seconds, wait)
                detail = {"name": normalize_name(name)[:40], "address": address, "failures": counts, "wait_seconds": seconds}
                store.audit(con, normalize_name(name)[:40] or "—", "login.failed", detail)
                con.execute("commit")
                return max(limits["account"] - counts["account"], 0), seconds
            except duckdb.TransactionException:
                store.rollback(con)
            except BaseException:
                store.rollback(con)
                raise
        time.sleep(0.01 * (attempt + 1))
    raise LoginFailed("登录请求过于频繁，请稍后再试。")


def login(name: str, password: str, address: str | None = None, now: datetime | None = None) -> User:
    with store.connect() as con:
        return authenticate(con, name, password, address, now)


@dataclass(frozen=True)
class Session:
    """A login kept in a Streamlit session's memory, for AppTest (which cannot send cookies); a browser's login
    is ``tracker.sessions``. It ends after ``session_seconds`` without activity."""

    user: User
    started: datetime
    last_seen: datetime

    def expired(self, now: datetime | None = None) -> bool:
        now = now or datetime.now()
        return (now - self.last_seen).total_seconds() > config.settings().session_seconds

    def touch(self, now: datetime | None = None) -> Session:
        return Session(self.user, self.started, now or datetime.now())


def start_session(user: User, now: datetime | None = None) -> Session:
    now = now or datetime.now()
    return Session(user, now, now)

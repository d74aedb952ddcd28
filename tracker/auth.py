"""Users, roles and the permission checks every write goes through (inside tracker, not only in the UI).

Passwords are hashed with argon2id (argon2-cffi): it is the winner of the Password Hashing Competition and
OWASP's first choice, memory-hard (so GPU guessing of a stolen database file is slow), salts every hash
itself, and ``check_needs_rehash`` lets us raise its cost later without forcing a password reset.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tracker import config, store

ROLES = ("viewer", "staff", "admin")
ROLE_NAMES = {"viewer": "查看", "staff": "填报员", "admin": "管理员"}
MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w.\-\u4e00-\u9fff]{1,40}$")
_hasher = PasswordHasher()
# Verified when the user name does not exist, so a wrong name costs as long as a wrong password
# (no telling which names exist from the response time).
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")
# Serialises the lock check and the failure count of logins in this process (DuckDB's file lock already
# serialises processes): parallel wrong passwords must count one by one and stop at the lock.
_LOGIN_LOCK = threading.Lock()
_RETRIES = 5


class PermissionDenied(PermissionError):
    """The user may not make this write. The message is shown to the user as it is (Chinese)."""


class LoginFailed(PermissionError):
    """Wrong name or password, a disabled or a locked account. The message is shown as it is."""


class UserError(ValueError):
    """A bad user-management request (name taken, weak password, unknown department...)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str  # viewer | staff | admin
    department: str | None = None  # staff are bound to one department

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_write(self) -> bool:
        return self.role in ("staff", "admin")


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
    if user.role == "staff" and department is not None and department != user.department:
        raise PermissionDenied(f"账号“{user.name}”属于部门“{user.department}”，不能填报部门“{department}”的数据。")
    return user


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _row_to_user(row) -> User:
    return User(name=row[0], role=row[2], department=row[1])


def get_user(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    """The enabled user of that name, or None (unknown or disabled)."""
    row = con.execute("select name, department, role from users where name = ? and not disabled", [name]).fetchone()
    return _row_to_user(row) if row else None


def load_user(name: str) -> User | None:

    with store.connect() as con:
        return get_user(con, name)


def list_users(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute(
        "select name, role, department, disabled, failed_logins, locked_until, created_at from users order by name"
    ).fetchall()
    keys = ("name", "role", "department", "disabled", "failed_logins", "locked_until", "created_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def create_user(
    con: duckdb.DuckDBPyConnection, name: str, role: str, password: str, department: str | None = None, actor: str = "cli"
) -> User:
    """Add a user. Called from the CLI (whoever can run it on the server owns the database file anyway)."""

    name = (name or "").strip()
    if not _NAME.match(name):
        raise UserError("用户名只能包含中文、字母、数字、下划线、点和减号，最长 40 个字符。")
    if role not in ROLES:
        raise UserError(f"角色必须是 {' / '.join(ROLES)} 之一。")
    if role == "staff" and not department:
        raise UserError("填报员（staff）必须指定所属部门：--department 部门编码。")
    if department and not con.execute("select 1 from department where code = ?", [department]).fetchone():
        raise UserError(f"部门编码“{department}”不存在。")
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符。")
    if con.execute("select 1 from users where name = ?", [name]).fetchone():
        raise UserError(f"用户名“{name}”已存在。")
    with store.transaction(con):
        con.execute(
            "insert into users (name, department, role, password_hash, created_at) values (?, ?, ?, ?, ?)",
            [name, department if role != "admin" or department else None, role, hash_password(password), datetime.now()],
        )
        store.audit(con, actor, "user.add", {"name": name, "role": role, "department": department})
    return User(name, role, department)


def disable_user(con: duckdb.DuckDBPyConnection, name: str, actor: str = "cli") -> None:

    if not con.execute("select 1 from users where name = ?", [name]).fetchone():
        raise UserError(f"用户“{name}”不存在。")
    with store.transaction(con):
        con.execute("update users set disabled = true where name = ?", [name])
        store.audit(con, actor, "user.disable", {"name": name})


def lock_duration(failed: int, max_failed: int, lock_seconds: int) -> int:
    """Seconds to lock after ``failed`` consecutive failures: 0 below the limit, then doubling each time."""
    if failed < max_failed:
        return 0
    return lock_seconds * 2 ** min((failed - max_failed), 16)


def authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str, now: datetime | None = None) -> User:
    """Check a login. Failed attempts count up; past the limit the account locks for a doubling time."""

    now = now or datetime.now()
    cfg = config.settings()
    row = con.execute(
        "select name, department, role, password_hash, disabled, failed_logins, locked_until from users where name = ?",
        [(name or "").strip()],
    ).fetchone()
    generic = "用户名或密码不正确。"
    if row is None:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        raise LoginFailed(generic)
    user_name, department, role, stored, disabled, failed, locked_until = row
    if disabled:
        raise LoginFailed(f"账号“{user_name}”已停用，请联系管理员。")
    if locked_until is not None and locked_until > now:
        raise LoginFailed(_locked_message(locked_until, now))
    try:
        _hasher.verify(stored, password or "")
        ok = True
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        failed, seconds = _count_failure(con, user_name, now, cfg.max_failed_logins, cfg.lock_seconds)
        if seconds:
            raise LoginFailed(f"用户名或密码不正确。连续失败 {failed} 次，账号锁定 {seconds} 秒。")
        left = cfg.max_failed_logins - failed
        raise LoginFailed(f"{generic}再失败 {left} 次账号将被锁定。")
    with _LOGIN_LOCK:  # a parallel failure may have locked the account while the password was checked
        failed, locked_until = store.one(con, "select failed_logins, locked_until from users where name = ?", [user_name])
        if locked_until is not None and locked_until > now:
            raise LoginFailed(_locked_message(locked_until, now))
        if _hasher.check_needs_rehash(stored):
            con.execute("update users set password_hash = ? where name = ?", [hash_password(password), user_name])
        if failed or locked_until is not None:
            con.execute("update users set failed_logins = 0, locked_until = null where name = ?", [user_name])
        store.audit(con, user_name, "login", {})
    return User(user_name, role, department)


def _locked_message(locked_until: datetime, now: datetime) -> str:
    wait = int((locked_until - now).total_seconds()) + 1
    return f"登录失败次数过多，账号已锁定，请 {wait} 秒后再试。"


def _count_failure(con: duckdb.DuckDBPyConnection, user_name: str, now: datetime, max_failed: int, lock_seconds: int) -> tuple[int, int]:
    """Count one failed login and lock past the limit, atomically: (failures now, seconds locked).

    The increment happens in SQL and only while the account is not locked, under a process-wide lock, so
    parallel wrong passwords count one by one and stop at the lock (as sequential ones would). A write
    conflict with another connection is retried. Raises LoginFailed when the account is (now) locked.
    """

    for attempt in range(_RETRIES):
        with _LOGIN_LOCK:
            try:
                con.execute("begin")
                row = con.execute(
                    "update users set failed_logins = failed_logins + 1 "
                    "where name = ? and (locked_until is null or locked_until <= ?) returning failed_logins",
                    [user_name, now],
                ).fetchone()
                if row is None:  # locked by a parallel attempt since this one read the row
                    (locked_until,) = store.one(con, "select locked_until from users where name = ?", [user_name])
                    raise LoginFailed(_locked_message(locked_until, now))
                failed = int(row[0])
                seconds = lock_duration(failed, max_failed, lock_seconds)
                if seconds:
                    con.execute("update users set locked_until = ? where name = ?", [now + timedelta(seconds=seconds), user_name])
                store.audit(con, user_name, "login.failed", {"failed_logins": failed, "locked_seconds": seconds})
                con.execute("commit")
                return failed, seconds
            except duckdb.TransactionException:
                store.rollback(con)
            except BaseException:
                store.rollback(con)
                raise
        time.sleep(0.01 * (attempt + 1))
    raise LoginFailed("登录请求过于频繁，请稍后再试。")


def login(name: str, password: str, now: datetime | None = None) -> User:

    with store.connect() as con:
        return authenticate(con, name, password, now)


@dataclass(frozen=True)
class Session:
    """A login: it ends after ``session_seconds`` without activity (settings [auth])."""

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

"""tracker.auth: argon2 hashes, failed-login counting and doubling locks, sessions that expire, user admin,
and the permission checks every write goes through."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tracker import auth, config, store
from tracker.auth import LoginFailed, PermissionDenied, User, UserError


@pytest.fixture
def users(empty_db):
    with store.connect() as con:
        auth.create_user(con, "admin1", "admin", "correct horse battery")
        auth.create_user(con, "water1", "staff", "water-password", department="water")
        auth.create_user(con, "viewer1", "viewer", "viewer-password")
    return empty_db


def test_passwords_are_argon2id_hashes_never_plain(users):
    with store.connect() as con:
        stored = dict(con.execute("select name, password_hash from users").fetchall())
    assert all(h.startswith("$argon2id$") for h in stored.values())
    assert "correct horse battery" not in "".join(stored.values())
    assert stored["admin1"] != auth.hash_password("correct horse battery")  # salted


def test_login_succeeds_and_returns_the_role_and_department(users):
    with store.connect() as con:
        assert auth.authenticate(con, "water1", "water-password") == User("water1", "staff", "water")
        assert auth.authenticate(con, " admin1 ", "correct horse battery").is_admin


def test_wrong_password_and_unknown_user_say_the_same(users):
    with store.connect() as con:
        with pytest.raises(LoginFailed, match="用户名或密码不正确") as wrong:
            auth.authenticate(con, "water1", "nope")
        with pytest.raises(LoginFailed, match="用户名或密码不正确") as unknown:
            auth.authenticate(con, "nobody", "nope")
    assert "用户名或密码不正确" in str(wrong.value) and str(unknown.value) == "用户名或密码不正确。"


def test_repeated_failures_lock_the_account_for_a_doubling_time(users):
    cfg = config.settings()
    now = datetime(2024, 1, 1, 9, 0)
    with store.connect() as con:
        for _ in range(cfg.max_failed_logins - 1):
            with pytest.raises(LoginFailed, match="再失败"):
                auth.authenticate(con, "water1", "bad", now)
        with pytest.raises(LoginFailed, match=f"锁定 {cfg.lock_seconds} 秒"):
            auth.authenticate(con, "water1", "bad", now)
        # locked: even the right password is refused until the lock ends
        with pytest.raises(LoginFailed, match="已锁定"):
            auth.authenticate(con, "water1", "water-password", now + timedelta(seconds=cfg.lock_seconds - 1))
        later = now + timedelta(seconds=cfg.lock_seconds + 1)
        with pytest.raises(LoginFailed, match=f"锁定 {cfg.lock_seconds * 2} 秒"):
            auth.authenticate(con, "water1", "bad", later)
        after = later + timedelta(seconds=cfg.lock_seconds * 2 + 1)
        assert auth.authenticate(con, "water1", "water-password", after).name == "water1"
        failed, locked = con.execute("select failed_logins, locked_until from users where name = 'water1'").fetchone()
        audit = con.execute("select count(*) from audit where action = 'login.failed'").fetchone()[0]
    assert (failed, locked) == (0, None)
    assert audit == cfg.max_failed_logins + 1


def test_lock_duration_grows():
    assert [auth.lock_duration(n, 5, 60) for n in (4, 5, 6, 7)] == [0, 60, 120, 240]


def test_disabled_user_cannot_log_in_and_is_not_loaded(users):
    with store.connect() as con:
        auth.disable_user(con, "water1")
        with pytest.raises(LoginFailed, match="已停用"):
            auth.authenticate(con, "water1", "water-password")
        assert auth.get_user(con, "water1") is None
        assert con.execute("select count(*) from audit where action = 'user.disable'").fetchone()[0] == 1


def test_sessions_expire_after_inactivity_and_activity_extends_them():
    limit = config.settings().session_seconds
    start = datetime(2024, 1, 1, 9, 0)
    session = auth.start_session(User("a", "staff", "econ"), start)
    assert not session.expired(start + timedelta(seconds=limit - 1))
    assert session.expired(start + timedelta(seconds=limit + 1))
    touched = session.touch(start + timedelta(seconds=limit - 1))
    assert not touched.expired(start + timedelta(seconds=limit + 10))


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"name": "x y", "role": "viewer", "password": "longenough"}, "用户名"),
        ({"name": "ok", "role": "boss", "password": "longenough"}, "角色"),
        ({"name": "ok", "role": "staff", "password": "longenough"}, "部门"),
        ({"name": "ok", "role": "staff", "password": "longenough", "department": "nope"}, "不存在"),
        ({"name": "ok", "role": "viewer", "password": "short"}, "至少"),
        ({"name": "admin1", "role": "viewer", "password": "longenough"}, "已存在"),
    ],
)
def test_create_user_checks(users, kwargs, words):
    with store.connect() as con, pytest.raises(UserError, match=words):
        auth.create_user(con, **kwargs)


def test_require_writer_and_admin():
    staff = User("s", "staff", "water")
    assert auth.require_writer(staff, "water") is staff
    with pytest.raises(PermissionDenied, match="不能填报部门"):
        auth.require_writer(staff, "econ")
    with pytest.raises(PermissionDenied, match="只有查看权限"):
        auth.require_writer(User("v", "viewer"))
    with pytest.raises(PermissionDenied, match="请先登录"):
        auth.require_writer(None)
    with pytest.raises(PermissionDenied, match="管理员"):
        auth.require_admin(staff)
    assert auth.require_writer(User("a", "admin"), "econ").is_admin


def test_parallel_wrong_passwords_still_lock_the_account(users):
    """20 simultaneous wrong logins (one connection each, as 20 browser sessions would have) lock the account
    exactly as 20 sequential ones would: every attempt gets a LoginFailed, no DuckDB conflict escapes, the
    failures are counted atomically up to the limit and the account is locked."""
    import threading

    cfg = config.settings()
    now = datetime(2024, 1, 1, 9, 0)
    barrier = threading.Barrier(20)
    outcomes: list[BaseException | None] = []
    guard = threading.Lock()

    def attempt() -> None:
        try:
            with store.connect() as con:
                barrier.wait()
                auth.authenticate(con, "water1", "wrong-password", now)
        except BaseException as exc:  # noqa: BLE001 - collected and checked below
            with guard:
                outcomes.append(exc)
        else:
            with guard:
                outcomes.append(None)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 20
    unexpected = [o for o in outcomes if not isinstance(o, LoginFailed)]
    assert not unexpected, unexpected
    with store.connect() as con:
        failed, locked = con.execute("select failed_logins, locked_until from users where name = 'water1'").fetchone()
    assert failed == cfg.max_failed_logins
    assert locked is not None and locked > now
    with store.connect() as con, pytest.raises(LoginFailed, match="已锁定"):
        auth.authenticate(con, "water1", "water-password", now + timedelta(seconds=1))

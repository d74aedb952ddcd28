"""tracker.auth: argon2 hashes, one answer for every failed login, throttling per name-and-address and per address,
names compared after NFKC and case folding, the password rules, user administration, and the permission checks
every write goes through."""

from __future__ import annotations

import os
import stat
import threading
from datetime import datetime, timedelta

import pytest

from tracker import auth, config, store
from tracker.auth import LoginFailed, PermissionDenied, User, UserError

HOME = "10.0.0.5"
STRANGER = "10.9.9.9"


@pytest.fixture
def users(empty_db):
    with store.connect() as con:
        auth.create_user(con, "admin1", "admin", "correct horse battery")
        auth.create_user(con, "water1", "staff", "water-password", department="water")
        auth.create_user(con, "viewer1", "viewer", "viewer-password")
    return empty_db


def fail(con, name: str, address: str, now: datetime, password: str = "wrong-password-x") -> str:
    with pytest.raises(LoginFailed) as caught:
        auth.authenticate(con, name, password, address, now)
    return str(caught.value)


def test_passwords_are_argon2id_hashes_never_plain(users):
    with store.connect() as con:
        stored = dict(con.execute("select name, password_hash from users").fetchall())
    assert all(h.startswith("$argon2id$") for h in stored.values())
    assert "correct horse battery" not in "".join(stored.values())
    assert stored["admin1"] != auth.hash_password("correct horse battery")  # salted


def test_login_succeeds_and_returns_the_role_and_department(users):
    with store.connect() as con:
        assert auth.authenticate(con, "water1", "water-password", HOME) == User("water1", "staff", "water")
        assert auth.authenticate(con, " admin1 ", "correct horse battery", HOME).is_admin


def test_unknown_name_wrong_password_and_disabled_account_answer_the_same(users):
    """Issue 15.8: the answer never tells which names exist or are disabled."""
    now = datetime(2024, 1, 1, 9, 0)
    with store.connect() as con:
        auth.disable_user(con, "viewer1")
        answers = {
            "wrong password": fail(con, "water1", HOME, now),
            "unknown name": fail(con, "nobody", HOME, now),
            "disabled, right password": fail(con, "viewer1", HOME, now, "viewer-password"),
        }
    assert len(set(answers.values())) == 1, answers
    assert next(iter(answers.values())).startswith(auth.GENERIC_FAILURE)


def test_names_are_compared_after_nfkc_and_case_folding(users):
    """Issue 15.8: a full-width ａｄｍｉｎ1 or ADMIN1 is admin1 (refused as a new name, accepted at login)."""
    with store.connect() as con:
        for twin in ("ａｄｍｉｎ1", "ADMIN1", "Admin1 "):
            with pytest.raises(UserError, match="已存在"):
                auth.create_user(con, twin, "viewer", "another-long-password")
        assert auth.authenticate(con, "ＡＤＭＩＮ１", "correct horse battery", HOME).name == "admin1"
        made = auth.create_user(con, "Ｗａｎｇ", "viewer", "a-long-password-9")
    assert made.name == "wang"


@pytest.mark.parametrize(
    "password, words",
    [
        ("12345678", "至少"),
        ("        ", "至少"),
        ("          ", "重复"),
        ("aaaaaaaaaaaa", "重复"),
        ("abababababab", "重复"),
        ("1234567890", "太常见"),
        ("Password123", "太常见"),
        ("ＱＷＥＲＴＹＵＩＯＰ", "太常见"),
        ("bossman-secret", "用户名"),
    ],
)
def test_weak_passwords_are_refused_for_every_role(users, password, words):
    """Issue 15.8: 12345678 or eight spaces were accepted for an admin."""
    with store.connect() as con, pytest.raises(UserError, match=words):
        auth.create_user(con, "bossman", "admin", password)
    assert auth.password_problem("a-perfectly-fine-one") is None


def test_failures_make_that_name_at_that_address_wait_not_the_owner_elsewhere(users):
    """Issue 14.7: a stranger's five wrong passwords do not lock the owner out for everyone."""
    cfg = config.settings()
    now = datetime(2024, 1, 1, 9, 0)
    with store.connect() as con:
        for _ in range(cfg.max_failed_logins - 1):
            assert "再失败" in fail(con, "water1", STRANGER, now)
        assert f"请 {cfg.lock_seconds} 秒后再试" in fail(con, "water1", STRANGER, now)
        # the stranger must wait, even with the right password
        assert "尝试次数过多" in fail(con, "water1", STRANGER, now + timedelta(seconds=1), "water-password")
        # the owner at their own desk logs in at once
        assert auth.authenticate(con, "water1", "water-password", HOME, now + timedelta(seconds=1)).name == "water1"
        # the wait doubles for the stranger; after it, the right password works there too
        later = now + timedelta(seconds=cfg.lock_seconds + 1)
        assert f"请 {cfg.lock_seconds * 2} 秒后再试" in fail(con, "water1", STRANGER, later)
        after = later + timedelta(seconds=cfg.lock_seconds * 2 + 1)
        assert auth.authenticate(con, "water1", "water-password", STRANGER, after).name == "water1"
        logged = con.execute("select count(*) from audit where action = 'login.failed'").fetchone()[0]
    assert logged == cfg.max_failed_logins + 1


def test_one_address_trying_many_names_must_wait(users, monkeypatch):
    monkeypatch.setattr(config, "settings", lambda *a: config.Settings(max_failed_per_address=6, lock_seconds=30))
    now = datetime(2024, 1, 1, 9, 0)
    with store.connect() as con:
        for i in range(5):
            fail(con, f"guess{i}", STRANGER, now)
        assert "30 秒后再试" in fail(con, "guess5", STRANGER, now)
        assert "尝试次数过多" in fail(con, "admin1", STRANGER, now, "correct horse battery")
        assert auth.authenticate(con, "admin1", "correct horse battery", HOME, now).is_admin


def test_unknown_names_wait_like_real_ones(users):
    """The wait is per name as typed, so it tells nothing about which names exist either."""
    now = datetime(2024, 1, 1, 9, 0)
    with store.connect() as con:
        real = [fail(con, "water1", STRANGER, now) for _ in range(config.settings().max_failed_logins)]
        ghost = [fail(con, "ghost-user", "10.9.9.10", now) for _ in range(config.settings().max_failed_logins)]
    assert real == ghost


def test_failures_are_forgotten_an_hour_after_the_last(users):
    now = datetime(2024, 1, 1, 9, 0)
    with store.connect() as con:
        for _ in range(config.settings().max_failed_logins - 1):
            fail(con, "water1", STRANGER, now)
        later = now + timedelta(seconds=auth.FORGET_SECONDS + 1)
        assert f"再失败 {config.settings().max_failed_logins - 1} 次" in fail(con, "water1", STRANGER, later)


def test_lock_duration_grows():
    assert [auth.lock_duration(n, 5, 60) for n in (4, 5, 6, 7)] == [0, 60, 120, 240]


def test_parallel_wrong_passwords_still_make_the_address_wait(users):
    """20 simultaneous wrong logins (one connection each, as 20 browser sessions would have) count exactly as 20
    sequential ones: every attempt gets a LoginFailed, no DuckDB conflict escapes, the failures stop at the limit."""
    cfg = config.settings()
    now = datetime(2024, 1, 1, 9, 0)
    barrier = threading.Barrier(20)
    outcomes: list[BaseException | None] = []
    guard = threading.Lock()

    def attempt() -> None:
        try:
            with store.connect() as con:
                barrier.wait()
                auth.authenticate(con, "water1", "wrong-password", STRANGER, now)
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
    unexpected = [o for o in outcomes if not isinstance(o, LoginFailed)]
    assert len(outcomes) == 20 and not unexpected, unexpected
    with store.connect() as con:
        failures, locked = con.execute(
            "select failures, locked_until from login_throttle where scope = 'account' and key = ?", [f"water1\n{STRANGER}"]
        ).fetchone()
        assert failures == cfg.max_failed_logins and locked > now
        assert "尝试次数过多" in fail(con, "water1", STRANGER, now + timedelta(seconds=1), "water-password")


def test_user_administration(users):
    """Issue 14.7: enable, reset password (old one stops working, waits lifted), change role and department."""
    now = datetime(2024, 1, 1, 9, 0)
    with store.connect() as con:
        auth.disable_user(con, "water1")
        assert auth.get_user(con, "water1") is None
        auth.enable_user(con, "WATER1")
        assert auth.get_user(con, "water1") == User("water1", "staff", "water")
        for _ in range(config.settings().max_failed_logins):
            fail(con, "water1", STRANGER, now)
        auth.reset_password(con, "water1", "brand-new-secret")
        assert auth.authenticate(con, "water1", "brand-new-secret", STRANGER, now).name == "water1"
        assert "再失败" in fail(con, "water1", HOME, now, "water-password")
        assert auth.set_role(con, "water1", "staff", "env") == User("water1", "staff", "env")
        assert auth.set_role(con, "water1", "viewer") == User("water1", "viewer", None)
        with pytest.raises(UserError, match="部门"):
            auth.set_role(con, "water1", "staff")
        with pytest.raises(UserError, match="不存在"):
            auth.set_role(con, "water1", "staff", "nope")
        with pytest.raises(UserError, match="密码至少"):
            auth.reset_password(con, "water1", "short")
        with pytest.raises(UserError, match="不存在"):
            auth.enable_user(con, "ghost")
        actions = [r[0] for r in con.execute("select action from audit where action like 'user.%' order by id").fetchall()]
    assert actions[-5:] == ["user.disable", "user.enable", "user.password", "user.role", "user.role"]


def test_the_last_enabled_admin_stays(users):
    with store.connect() as con:
        with pytest.raises(UserError, match="唯一"):
            auth.disable_user(con, "admin1")
        with pytest.raises(UserError, match="唯一"):
            auth.set_role(con, "admin1", "viewer")
        auth.create_user(con, "admin2", "admin", "second-admin-secret")
        auth.disable_user(con, "admin1")
        assert auth.get_user(con, "admin1") is None


def test_unlock_lifts_the_waits_of_a_name(users):
    now = datetime.now()
    with store.connect() as con:
        for _ in range(config.settings().max_failed_logins):
            fail(con, "water1", STRANGER, now)
        assert [u["locked"] for u in auth.list_users(con) if u["name"] == "water1"] == [True]
        assert auth.unlock_user(con, "water1") == 1
        assert auth.authenticate(con, "water1", "water-password", STRANGER, now).name == "water1"


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"name": "x y", "role": "viewer", "password": "long-enough-1"}, "用户名"),
        ({"name": "ok", "role": "boss", "password": "long-enough-1"}, "角色"),
        ({"name": "ok", "role": "staff", "password": "long-enough-1"}, "部门"),
        ({"name": "ok", "role": "staff", "password": "long-enough-1", "department": "nope"}, "不存在"),
        ({"name": "ok", "role": "viewer", "password": "short"}, "至少"),
        ({"name": "admin1", "role": "viewer", "password": "long-enough-1"}, "已存在"),
    ],
)
def test_create_user_checks(users, kwargs, words):
    with store.connect() as con, pytest.raises(UserError, match=words):
        auth.create_user(con, **kwargs)


def test_sessions_in_memory_expire_after_inactivity_and_activity_extends_them():
    limit = config.settings().session_seconds
    start = datetime(2024, 1, 1, 9, 0)
    session = auth.start_session(User("a", "staff", "econ"), start)
    assert not session.expired(start + timedelta(seconds=limit - 1))
    assert session.expired(start + timedelta(seconds=limit + 1))
    touched = session.touch(start + timedelta(seconds=limit - 1))
    assert not touched.expired(start + timedelta(seconds=limit + 10))


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


def test_the_database_file_is_private_to_its_owner(users):
    """Issue 15.8: argon2 hashes inside: the file and its write-ahead log are mode 0600."""
    with store.writing() as con:
        con.execute("insert into meta values ('probe', 'x')")
    for path in (users, users.with_name(users.name + ".wal")):
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path

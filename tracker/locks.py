"""Month locks: which months may still be written, and locking and unlocking them.

Rules, shown to users in Chinese:

- A future month (after today) is never written. A year before the first tracked year (the first year with targets)
  is refused too, except for administrators: its December values set rule targets (不高于上年末), and an admin's
  correction of them is named in the upload's preview and audited (``tracker.ingest.checks``).
- A month is locked on a 督查室 (or admin) command, or by itself on ``[lock] lock_day`` of the next month for months
  from ``[lock] auto_lock_from`` on (empty: never by itself; the shipped demo). A locked month refuses every write
  (figures, project and task progress, 情况说明, reviews, the revert of a batch with its rows), for admins too,
  until an admin unlocks it with a reason. An explicit lock or unlock of a month overrides the deadline rule.
- ``check_writable`` is the one gate every write path calls; ``Gate`` answers many months with one read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from tracker import config, store
from tracker.auth import ROLE_NAMES, PermissionDenied, User, require_admin, require_supervisor

AUTOMATIC = "自动锁定"  # locked_by of the row an unlock of a deadline lock leaves


class MonthLocked(PermissionDenied):
    """A write for a locked, future or untracked month; the message is shown as it is (Chinese)."""


@dataclass(frozen=True)
class LockState:
    year: int
    month: int
    locked: bool
    locked_by: str | None = None
    locked_at: datetime | None = None
    automatic: bool = False
    unlocked_by: str | None = None
    unlocked_at: datetime | None = None
    reason: str | None = None
    locker_role: str = "督查室"  # how the refusal names who locked (督查室 or 管理员)

    def message(self) -> str:
        """The refusal a write for this month gets."""
        when = f"{self.year}年{self.month}月"
        if self.automatic:
            at = f"{self.locked_at:%Y年%-m月%-d日}" if self.locked_at else "填报截止后"
            return f"{when}已于{at}自动锁定（填报截止），如需修改请联系管理员解锁。"
        at = f"{self.locked_at:%Y-%m-%d %H:%M}" if self.locked_at else ""
        return f"{when}已锁定（{self.locker_role} {self.locked_by} 于{at}锁定），如需修改请联系管理员解锁。"


def deadline(year: int, month: int) -> date:
    """The day a month locks by itself: ``lock_day`` of the next month."""
    day = max(1, min(28, config.settings().lock_day))
    return date(year + month // 12, month % 12 + 1, day)


def _auto_from() -> tuple[int, int] | None:
    text = config.settings().auto_lock_from.strip()
    if not text:
        return None
    year, _, month = text.partition("-")
    return int(year), int(month or 1)


class Gate:
    """The locks of the store at one moment, for checking many months with one read."""

    def __init__(self, con: duckdb.DuckDBPyConnection, today: date | None = None):
        self.today = today or date.today()
        first = con.execute("select min(year) from target_current").fetchone()
        self.first_year = int(first[0]) if first and first[0] is not None else None
        rows = con.execute(
            "select year, month, locked_by, locked_at, automatic, unlocked_by, unlocked_at, reason from month_lock order by id"
        ).fetchall()
        roles = dict(con.execute("select name, role from users").fetchall())
        self.newest: dict[tuple[int, int], LockState] = {}
        for y, m, by, at, auto, unby, unat, reason in rows:
            role = ROLE_NAMES["admin"] if roles.get(by) == "admin" else ROLE_NAMES["supervisor"]
            self.newest[(int(y), int(m))] = LockState(int(y), int(m), unat is None, by, at, bool(auto), unby, unat, reason, role)
        self.auto_from = _auto_from()

    def state(self, year: int, month: int) -> LockState:
        row = self.newest.get((year, month))
        if row is not None:
            return row
        if self.auto_from is not None and (year, month) >= self.auto_from and self.today >= deadline(year, month):
            at = datetime.combine(deadline(year, month), datetime.min.time())
            return LockState(year, month, True, AUTOMATIC, at, True)
        return LockState(year, month, False)

    def refusal(self, year: int, month: int, user: User | None = None) -> str | None:
        """Why nothing may be written for this month (Chinese, without a final 。), or None."""
        if (year, month) > (self.today.year, self.today.month):
            return f"{year}年{month}月还没有到，不能填报未来月份"
        if self.first_year is not None and year < self.first_year and not (user is not None and user.is_admin):
            return f"{year}年早于跟踪年度（{self.first_year}年起），不能填报或修改"
        state = self.state(year, month)
        return state.message().rstrip("。") if state.locked else None


def check_writable(con: duckdb.DuckDBPyConnection, year: int, month: int, user: User | None = None, today: date | None = None) -> None:
    """Raise ``MonthLocked`` (Chinese) when nothing may be written for this month; the one gate of every write."""
    problem = Gate(con, today).refusal(int(year), int(month), user)
    if problem:
        raise MonthLocked(problem + "。")


def lock_state(con: duckdb.DuckDBPyConnection, year: int, month: int, today: date | None = None) -> LockState:
    return Gate(con, today).state(year, month)


def lock_month(year: int, month: int, user: User | None, today: date | None = None, now: datetime | None = None) -> LockState:
    """A 督查室 (or admin) locks a month: one row, audited. A month already locked is refused."""
    user = require_supervisor(user)
    today = today or date.today()
    if not 1 <= month <= 12 or (year, month) > (today.year, today.month):
        raise MonthLocked(f"{year}年{month}月还没有到，不能锁定。")
    with store.writing() as con:
        state = Gate(con, today).state(year, month)
        if state.locked:
            raise MonthLocked(state.message().replace("如需修改请联系管理员解锁", "无需再次锁定"))
        at = now or datetime.now()
        con.execute("insert into month_lock (year, month, locked_by, locked_at) values (?, ?, ?, ?)", [year, month, user.name, at])
        store.audit(con, user.name, "month.lock", {"year": year, "month": month})
    return LockState(year, month, True, user.name, at, locker_role=ROLE_NAMES[user.role])


def unlock_month(year: int, month: int, user: User | None, reason: str, today: date | None = None, now: datetime | None = None) -> None:
    """An admin unlocks a locked month, with a reason: the lock row keeps who and why; audited."""
    user = require_admin(user)
    reason = " ".join((reason or "").split())
    if not reason:
        raise PermissionDenied("解锁必须填写原因。")
    at = now or datetime.now()
    with store.writing() as con:
        state = Gate(con, today).state(year, month)
        if not state.locked:
            raise PermissionDenied(f"{year}年{month}月没有锁定，无需解锁。")
        if state.automatic:  # the deadline lock becomes a row, so the unlock overrides the rule
            con.execute(
                "insert into month_lock (year, month, locked_by, locked_at, automatic, unlocked_by, unlocked_at, reason) "
                "values (?, ?, ?, ?, true, ?, ?, ?)",
                [year, month, AUTOMATIC, state.locked_at, user.name, at, reason],
            )
        else:
            con.execute(
                "update month_lock set unlocked_by = ?, unlocked_at = ?, reason = ? where year = ? and month = ? and unlocked_at is null",
                [user.name, at, reason, year, month],
            )
        store.audit(con, user.name, "month.unlock", {"year": year, "month": month, "reason": reason})


def history(con: duckdb.DuckDBPyConnection) -> list[LockState]:
    """Every lock and unlock, newest first (the history page and the review page)."""
    rows = con.execute(
        "select year, month, locked_by, locked_at, automatic, unlocked_by, unlocked_at, reason from month_lock order by id desc"
    ).fetchall()
    return [
        LockState(int(y), int(m), unat is None, by, at, bool(auto), unby, unat, reason) for y, m, by, at, auto, unby, unat, reason in rows
    ]

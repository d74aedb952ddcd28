"""Review by the 督查室: a department's submission for a month, and each 情况说明, is 待审核 until a supervisor
accepts it or returns it with a comment.

Rules, shown to users in Chinese:

- A department's submission for a month is what its committed batches hold for that month (figures of its
  metrics, progress of its projects and tasks; the seed excluded). A 情况说明 is one indicator's note for the month.
- State: none while nothing is submitted; 待审核 when the newest submission is newer than the newest review; else
  the review's 已审核 or 已退回 (with its comment). A resubmission after a return (or an acceptance) makes it
  待审核 again: nothing needs to be written on upload, the times say it.
- Only 督查室 and admins review (``require_supervisor``); a return needs a comment; a locked month takes no review
  (``tracker.locks``). Every review is one row of ``review_event`` and one audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from tracker import locks, store
from tracker.auth import PermissionDenied, User, require_supervisor
from tracker.errors import Refusal
from tracker.indicators import registry

PENDING, ACCEPTED, RETURNED = "待审核", "已审核", "已退回"
STATES = (PENDING, ACCEPTED, RETURNED)
_STATE_OF = {"accepted": ACCEPTED, "returned": RETURNED}
MAX_COMMENT = 500
# What a leader's table shows beside a figure: reviewed or not (the figure itself always shows).
MARKS = {PENDING: "未审核", ACCEPTED: "已审核", RETURNED: "已退回"}


def mark(state: str | None) -> str:
    """The marker of a review state on the leader pages ("—" when nothing was submitted)."""
    return MARKS.get(state or "", "—")


class ReviewError(Refusal, ValueError):
    """A review that cannot be made (nothing submitted, no comment on a return...). The message is Chinese."""


@dataclass(frozen=True)
class Submission:
    """A department's submission for a month (``item`` None) or one indicator's 情况说明 (``item`` its code)."""

    department: str
    department_name: str
    year: int
    month: int
    item: str | None
    item_name: str | None
    submitted_at: datetime | None
    state: str | None  # None (nothing submitted) | 待审核 | 已审核 | 已退回
    comment: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


# A revert changes what shows as much as an upload does: it counts as a submission while something committed remains.
_SUBMITTED_SQL = """
with batches as (select id as batch_id, status, created_at, reverted_at from batch where kind <> 'seed'),
touched as (
    select m.department, b.batch_id, b.status, b.created_at, b.reverted_at
    from figure f join metric m on m.code = f.metric join batches b on b.batch_id = f.batch_id
    where f.year = $y and f.month = $m
    union all
    select p.department, b.batch_id, b.status, b.created_at, b.reverted_at
    from project_progress r join project p on p.code = r.project and p.year = r.year join batches b on b.batch_id = r.batch_id
    where r.year = $y and r.month = $m
    union all
    select t.department, b.batch_id, b.status, b.created_at, b.reverted_at
    from task_progress r join task t on t.code = r.task and t.year = r.year join batches b on b.batch_id = r.batch_id
    where r.year = $y and r.month = $m
)
select department,
       max(created_at) filter (where status = 'committed'),
       max(reverted_at) filter (where status = 'reverted')
from touched group by department
"""

_EXPLAINED_SQL = """
select e.indicator, max(b.created_at) from explanation e join batch b on b.id = e.batch_id
where e.year = $y and e.month = $m and b.status = 'committed' and b.kind <> 'seed'
group by e.indicator
"""

_REVIEWS_SQL = """
select department, item, state, comment, user_name, reviewed_at from review_event where year = $y and month = $m order by id
"""


def _reviews(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[tuple[str, str | None], tuple]:
    """The newest review of each (department, item) of the month."""
    out: dict[tuple[str, str | None], tuple] = {}
    for dept, item, state, comment, user, at in con.execute(_REVIEWS_SQL, {"y": year, "m": month}).fetchall():
        out[(dept, item)] = (state, comment, user, at)
    return out


def _state(submitted: datetime | None, review: tuple | None) -> str | None:
    if submitted is None:
        return None
    if review is None or review[3] < submitted:
        return PENDING
    return _STATE_OF[review[0]]


def _departments(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("select code, name from department order by code").fetchall())


def submissions(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[Submission]:
    """Every department's submission for the month, with its state (None: nothing submitted)."""
    submitted = {
        dept: max(committed, reverted or committed)
        for dept, committed, reverted in con.execute(_SUBMITTED_SQL, {"y": year, "m": month}).fetchall()
        if committed is not None
    }
    reviews = _reviews(con, year, month)
    out = []
    for code, name in _departments(con).items():
        review = reviews.get((code, None))
        state = _state(submitted.get(code), review)
        shown = review if state in (ACCEPTED, RETURNED) else None
        out.append(
            Submission(
                code,
                name,
                year,
                month,
                None,
                None,
                submitted.get(code),
                state,
                shown[1] if shown else None,
                shown[2] if shown else None,
                shown[3] if shown else None,
            )  # fmt: skip
        )
    return out


def explanations(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[Submission]:
    """Every 情况说明 of the month, with its state."""
    indicators = registry()
    names = _departments(con)
    reviews = _reviews(con, year, month)
    out = []
    for code, at in sorted(con.execute(_EXPLAINED_SQL, {"y": year, "m": month}).fetchall()):
        ind = indicators.get(code)
        if ind is None:
            continue
        review = reviews.get((ind.department, code))
        state = _state(at, review)
        shown = review if state in (ACCEPTED, RETURNED) else None
        out.append(
            Submission(
                ind.department,
                names.get(ind.department, ind.department),
                year,
                month,
                code,
                ind.name,
                at,
                state,
                shown[1] if shown else None,
                shown[2] if shown else None,
                shown[3] if shown else None,
            )  # fmt: skip
        )
    return out


def department_states(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[str, str | None]:
    """Department → state of its submission for the month (what ``status`` items carry as ``review``)."""
    return {s.department: s.state for s in submissions(con, year, month)}


def review(
    year: int,
    month: int,
    department: str,
    user: User | None,
    *,
    accept: bool,
    comment: str = "",
    item: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Submission:
    """Accept, or return with a comment, a department's submission for a month (or one 情况说明 with ``item``).
    One review row and one audit row in one transaction; raises PermissionDenied, MonthLocked or ReviewError."""
    user = require_supervisor(user)
    comment = " ".join((comment or "").split())[:MAX_COMMENT]
    if not accept and not comment:
        raise ReviewError("退回必须填写意见，说明需要修改什么。")
    with store.writing() as con:
        names = _departments(con)
        if item is not None:
            ind = registry().get(item)
            if ind is None:
                raise ReviewError(f"未知的指标编码“{item}”。")
            department = department or ind.department
            if department != ind.department:
                lead, other = names.get(ind.department, ind.department), names.get(department, department)
                raise ReviewError(f"指标“{ind.name}”属于“{lead}”，不属于“{other}”。")
        if department not in names:
            raise ReviewError(f"部门编码“{department}”不存在。")
        locks.check_writable(con, year, month, user, today)
        current = explanations(con, year, month) if item is not None else submissions(con, year, month)
        found = next((s for s in current if s.department == department and s.item == item), None)
        if found is None or found.state is None:
            what = f"“{registry()[item].name}”的情况说明" if item is not None else "填报"
            raise ReviewError(f"“{names[department]}”{year}年{month}月还没有提交{what}，无需审核。")
        at = now or datetime.now()
        state = "accepted" if accept else "returned"
        con.execute(
            "insert into review_event (department, year, month, item, state, comment, user_name, reviewed_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            [department, year, month, item, state, comment or None, user.name, at],
        )
        action = ("explanation." if item is not None else "review.") + ("accept" if accept else "return")
        detail = {"department": department, "year": year, "month": month, "item": item, "comment": comment or None}
        store.audit(con, user.name, action, detail)
    return Submission(department, names[department], year, month, item, found.item_name, found.submitted_at,
                      _STATE_OF[state], comment or None, user.name, at)  # fmt: skip


def returned_for(con: duckdb.DuckDBPyConnection, department: str | None, year: int, month: int) -> list[Submission]:
    """What was returned to a department (all departments when None) for a month: the upload page shows the comments."""
    every = submissions(con, year, month) + explanations(con, year, month)
    return [s for s in every if s.state == RETURNED and (department is None or s.department == department)]


def not_permitted(user: User | None) -> str | None:
    """Why this user may not review (Chinese), or None: for pages that hide the buttons."""
    try:
        require_supervisor(user)
    except PermissionDenied as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class NoteNeeded:
    """An indicator at 滞后, 预警 or 未完成 in a month whose 情况说明 is missing or not yet accepted."""

    indicator: str
    name: str
    status: str
    department_name: str
    note: str  # 未填写 | 待审核 | 已退回


def notes_not_accepted(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[NoteNeeded]:
    """The reporting page's list: lagging indicators without an accepted 情况说明."""
    from tracker.ingest.reporting import NOTE_STATUSES  # tracker.ingest reads tracker.status, which reads this module
    from tracker.status import indicator_status

    states = {s.item: s.state for s in explanations(con, year, month)}
    out = []
    for i in indicator_status(con, year, month):
        if i.status not in NOTE_STATUSES:
            continue
        state = states.get(i.code) if i.explanation else None
        if state != ACCEPTED:
            out.append(NoteNeeded(i.code, i.name, i.status, i.department_name, state or "未填写"))
    return out


@dataclass(frozen=True)
class ReviewEvent:
    department: str
    department_name: str
    year: int
    month: int
    item: str | None
    state: str  # 已审核 | 已退回
    comment: str | None
    user: str
    at: datetime


def history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> list[ReviewEvent]:
    """The newest reviews first (the 上传记录 page)."""
    names = _departments(con)
    rows = con.execute(
        "select department, year, month, item, state, comment, user_name, reviewed_at from review_event order by id desc limit ?", [limit]
    ).fetchall()
    return [
        ReviewEvent(dept, names.get(dept, dept), int(y), int(m), item, _STATE_OF[state], comment, user, at)
        for dept, y, m, item, state, comment, user, at in rows
    ]

"""督办事项 (action items): what a lagging item must do, by whom and by when, until it is closed (销号).

States and who moves them (checked here, not only on the pages):

| from | to | who |
|---|---|---|
| — | 办理中 (open) | a supervisor (督查室) or an admin: ``create_action`` |
| 办理中 | 办理中, with a progress note | staff of the responsible department, or an admin: ``add_progress`` |
| 办理中 | 已销号 (closed), with evidence | a supervisor or an admin: ``close_action`` |

An action is *overdue* (逾期) when it is open and its due date is before ``today``. The responsible department is
the item's lead department unless given; the leader is the item's 责任领导 unless given, and stays empty when the
item has none (never invented). Every change is one transaction, attributed and audited; nothing is deleted.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tracker import items, store
from tracker.auth import PermissionDenied, User, require_supervisor
from tracker.errors import Refusal

OPEN, CLOSED = "open", "closed"
STATUS_NAMES = {OPEN: "办理中", CLOSED: "已销号"}
OVERDUE = "逾期"
MAX_TEXT = 500


class ActionError(Refusal, ValueError):
    """A request about an action that cannot be done; the message is Chinese, for users."""


@dataclass(frozen=True)
class ProgressNote:
    text: str
    user: str
    at: datetime


@dataclass(frozen=True)
class Action:
    id: int
    item: str
    item_kind: str
    item_name: str
    year: int
    month: int  # the month it arose in
    text: str
    department: str
    department_name: str
    leader: str  # 责任领导, or "" when the item has none
    due: date
    state: str  # open | closed
    created_by: str
    created_at: datetime
    closed_by: str | None = None
    closed_at: datetime | None = None
    evidence: str | None = None
    progress: list[ProgressNote] = field(default_factory=list)
    overdue: bool = False  # open and past due, relative to the ``today`` it was read with

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def status(self) -> str:
        return STATUS_NAMES[self.state]

    def open_in(self, year: int, month: int) -> bool:
        """Whether the action was open at the end of the month: arisen by then and not closed by then."""
        if (self.year, self.month) > (year, month):
            return False
        end = date(year, month, calendar.monthrange(year, month)[1])
        return self.closed_at is None or self.closed_at.date() > end

    def to_json(self) -> dict[str, Any]:
        """What ``actions list --json`` prints."""
        return {
            "id": self.id,
            "item": self.item,
            "item_name": self.item_name,
            "text": self.text,
            "department": self.department,
            "department_name": self.department_name,
            "leader": self.leader or None,
            "due": self.due.isoformat(),
            "status": self.status,
            "overdue": self.overdue,
            "progress": [{"text": p.text, "user": p.user, "at": p.at.isoformat(sep=" ", timespec="minutes")} for p in self.progress],
            "year": self.year,
            "month": self.month,
            "evidence": self.evidence,
            "closed_by": self.closed_by,
        }


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ActionError(f"{what}不能为空。")
    if len(text) > MAX_TEXT:
        raise ActionError(f"{what}不能超过 {MAX_TEXT} 个字（现为 {len(text)} 个字）。")
    return text


def parse_due(value: str | date) -> date:
    """A due date from ``YYYY-MM-DD`` (or a date); ActionError in Chinese otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ActionError(f"办结时限“{value}”不是有效日期，格式应为 YYYY-MM-DD，如 2023-07-31。") from exc


def create_action(
    code: str,
    year: int,
    month: int,
    text: str,
    due: str | date,
    user: User | None,
    *,
    department: str | None = None,
    leader: str | None = None,
) -> int:
    """A new open action on an item of any kind; returns its id. Supervisors and admins only."""
    user = require_supervisor(user)
    if not 1 <= month <= 12:
        raise ActionError("月份必须在 1 到 12 之间。")
    text = _text(text, "督办事项内容")
    due_date = parse_due(due)
    if due_date < date(year, month, 1):
        raise ActionError(f"办结时限 {due_date.isoformat()} 早于督办事项产生的月份（{year}年{month}月）。")
    with store.writing() as con:
        record = next((i for i in items.list_items(con, year) if i.code == code), None)
        if record is None:
            raise ActionError(f"{year}年没有编码为“{code}”的事项（指标、项目或重点工作）。")
        names = dict(con.execute("select code, name from department").fetchall())
        dept = (department or record.lead_department).strip()
        if dept not in names:
            raise ActionError(f"部门编码“{dept}”不存在（可选：{'、'.join(names)}）。")
        who = record.leader if leader is None else leader.strip()
        if len(who) > items.MAX_LEADER:
            raise ActionError(f"责任领导不能超过 {items.MAX_LEADER} 个字。")
        row = con.execute(
            "insert into action_item (item, item_kind, year, month, text, department, leader, due, status, created_by, created_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
            [code, record.kind, year, month, text, dept, who, due_date, OPEN, user.name, datetime.now()],
        ).fetchone()
        assert row is not None
        action_id = int(row[0])
        store.audit(con, user.name, "action.add", {"id": action_id, "item": code, "year": year, "month": month, "text": text,
                                                   "department": dept, "leader": who, "due": due_date.isoformat()})  # fmt: skip
    return action_id


def _open_action(con: store.Connection, action_id: int) -> tuple[str, str]:
    """(department, state) of an existing action; ActionError when there is none."""
    row = con.execute("select department, status from action_item where id = ?", [action_id]).fetchone()
    if row is None:
        raise ActionError(f"没有编号为 {action_id} 的督办事项。")
    if row[1] == CLOSED:
        raise ActionError(f"督办事项 {action_id} 已销号，不能再修改。")
    return str(row[0]), str(row[1])


def can_report(user: User | None, department: str) -> bool:
    """Staff of the responsible department, or an admin, report progress on an action."""
    return user is not None and (user.role == "admin" or (user.role == "staff" and user.department == department))


def add_progress(action_id: int, text: str, user: User | None) -> None:
    """A progress note on an open action, by staff of its responsible department (or an admin)."""
    if user is None:
        raise PermissionDenied("请先登录后再报送督办事项进展。")
    text = _text(text, "进展情况")
    with store.writing() as con:
        department, _ = _open_action(con, action_id)
        if not can_report(user, department):
            raise PermissionDenied(f"账号“{user.name}”不是督办事项 {action_id} 责任单位的填报员，不能报送它的进展。")
        con.execute(
            "insert into action_progress (action_id, text, user_name, created_at) values (?, ?, ?, ?)",
            [action_id, text, user.name, datetime.now()],
        )
        store.audit(con, user.name, "action.progress", {"id": action_id, "text": text})


def close_action(action_id: int, evidence: str, user: User | None) -> None:
    """销号: a supervisor (or an admin) closes an open action with the evidence it was done."""
    user = require_supervisor(user)
    evidence = _text(evidence, "销号依据")
    with store.writing() as con:
        _open_action(con, action_id)
        con.execute(
            "update action_item set status = ?, closed_by = ?, closed_at = ?, evidence = ? where id = ?",
            [CLOSED, user.name, datetime.now(), evidence, action_id],
        )
        store.audit(con, user.name, "action.close", {"id": action_id, "evidence": evidence})


def list_actions(
    con: store.Connection,
    *,
    year: int | None = None,
    item: str | None = None,
    department: str | None = None,
    open_only: bool = False,
    today: date | None = None,
) -> list[Action]:
    """Actions, open first, then overdue first, then by due date; ``overdue`` relative to ``today``."""
    today = today or date.today()
    rows = con.execute(
        """
        select a.id, a.item, a.item_kind, a.year, a.month, a.text, a.department, coalesce(d.name, a.department), a.leader,
               a.due, a.status, a.created_by, a.created_at, a.closed_by, a.closed_at, a.evidence
        from action_item a left join department d on d.code = a.department
        where (? is null or a.year = ?) and (? is null or a.item = ?) and (? is null or a.department = ?)
          and (not ? or a.status = 'open')
        order by a.id
        """,
        [year, year, item, item, department, department, open_only],
    ).fetchall()
    notes: dict[int, list[ProgressNote]] = {}
    for action_id, text, user, at in con.execute(
        "select action_id, text, user_name, created_at from action_progress order by created_at, id"
    ).fetchall():
        notes.setdefault(int(action_id), []).append(ProgressNote(text, user, at))
    names = _item_names(con, {int(r[3]) for r in rows})
    out = [
        Action(
            id=int(r[0]),
            item=r[1],
            item_kind=r[2],
            item_name=names.get((int(r[3]), r[1]), r[1]),
            year=int(r[3]),
            month=int(r[4]),
            text=r[5],
            department=r[6],
            department_name=r[7],
            leader=r[8] or "",
            due=r[9],
            state=r[10],
            created_by=r[11],
            created_at=r[12],
            closed_by=r[13],
            closed_at=r[14],
            evidence=r[15],
            progress=notes.get(int(r[0]), []),
            overdue=r[10] == OPEN and r[9] < today,
        )  # fmt: skip
        for r in rows
    ]
    return sorted(out, key=lambda a: (not a.is_open, not a.overdue, a.due, a.id))


def _item_names(con: store.Connection, years: Iterable[int]) -> dict[tuple[int, str], str]:
    return {(year, i.code): i.name for year in years for i in items.list_items(con, year)}


def get_action(con: store.Connection, action_id: int, today: date | None = None) -> Action:
    found = [a for a in list_actions(con, today=today) if a.id == action_id]
    if not found:
        raise ActionError(f"没有编号为 {action_id} 的督办事项。")
    return found[0]


def open_counts(actions: Sequence[Action]) -> dict[str, int]:
    """Item code → how many of its actions are open."""
    out: dict[str, int] = {}
    for a in actions:
        if a.is_open:
            out[a.item] = out.get(a.item, 0) + 1
    return out


def open_in_month(actions: Sequence[Action], year: int, month: int) -> list[Action]:
    """The actions open at the end of the month (for the month's deck, 通报 and 台账)."""
    return [a for a in actions if a.year == year and a.open_in(year, month)]


def with_open_actions(status_json: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    """``status --json`` with each item's ``open_actions`` (how many of its actions are open now)."""
    for group in ("indicators", "projects", "tasks", "tracked"):
        for item in status_json.get(group, []):
            item["open_actions"] = counts.get(item["code"], 0)
    return status_json

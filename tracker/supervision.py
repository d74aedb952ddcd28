"""The month's 督办 facts and words, shared by the deck, the 通报, the 督办单, the 催报通知 and the 督办台账 (no
Office import here: the layouts are ``tracker.duban_doc``, ``tracker.ledger`` and ``tracker.deck``).

- ``Supervision``: the actions open at the end of the month and the escalated items (longest run first).
- ``item_facts``: one item's facts in a sentence (target, value, 序时进度 or stage, months lagging).
- ``overdue_for``: what one department owes for the month (未填报 items, lagging items without a 情况说明, overdue
  actions): the 催报通知's content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker import actions, escalation, model, store, wording
from tracker.actions import Action
from tracker.items import ITEM_KIND_NAMES
from tracker.meeting import explanation_for
from tracker.model import AnyItem, IndicatorStatus, MonthStatus, ProjectStatus, TaskStatus

NO_LEADER = "未设置"  # 责任领导 not set by an admin: said so, never invented


@dataclass(frozen=True)
class Supervision:
    year: int
    month: int
    actions: list[Action]  # open at the end of the month
    escalated: list[AnyItem]  # items whose run of 滞后 reached a step, the longest run first
    today: date = field(default_factory=date.today)

    def actions_of(self, code: str) -> list[Action]:
        return [a for a in self.actions if a.item == code]


def supervision_for(con: store.Connection, report: MonthStatus, today: date | None = None) -> Supervision:
    listed = actions.list_actions(con, year=report.year, today=today)
    escalated = sorted((i for i in report.all_items if i.escalation), key=lambda i: (-i.consecutive_lagging, i.code))
    return Supervision(report.year, report.month, actions.open_in_month(listed, report.year, report.month), escalated,
                       today or date.today())  # fmt: skip


def kind_name(item: AnyItem) -> str:
    return ITEM_KIND_NAMES[item.item_type]


def find_item(report: MonthStatus, code: str) -> AnyItem | None:
    return next((i for i in [*report.all_items, *report.tracked] if i.code == code), None)


def item_facts(item: AnyItem, month: int) -> str:
    """The facts of an item for the month, in one sentence, ending with its run of 滞后 where there is one."""
    if isinstance(item, IndicatorStatus):
        facts = wording.indicator_facts(item, month)
    elif isinstance(item, ProjectStatus):
        facts = wording.project_facts(item)
    else:
        facts = task_facts(item)
    state = f"本月状态为“{item.status}”"
    run = f"，已连续{item.consecutive_lagging}个月滞后" if item.consecutive_lagging >= 2 else ""
    return f"{facts}；{state}{run}。" if facts else f"{state}{run}。"


def task_facts(item: TaskStatus) -> str:
    parts = [f"完成时限为{item.deadline_month}月"]
    if item.self_assessment:
        parts.append(f"责任单位自评“{item.self_assessment}”")
    if item.progress:
        parts.append(f"进展情况：{item.progress.rstrip('。')}")
    return "，".join(parts)


def escalation_line(item: AnyItem) -> str:
    """``连续3个月滞后，升级为约谈`` (empty when the item is not escalated)."""
    if not item.escalation:
        return ""
    return f"连续{item.consecutive_lagging}个月滞后，升级为{item.escalation}"


def escalation_steps() -> tuple[tuple[int, str], ...]:
    return escalation.steps()


def leader_text(leader: str) -> str:
    return leader or NO_LEADER


def action_line(action: Action, today: date | None = None) -> str:
    """One action in one line: what, who, by when, and 逾期 when it is."""
    overdue = "，已逾期" if action.is_open and action.due < (today or date.today()) else ""
    return f"{action.text}（责任单位：{action.department_name}；办结时限：{action.due.isoformat()}{overdue}）"


def latest_progress(action: Action) -> str:
    return action.progress[-1].text if action.progress else "尚未报送进展"


# ---------------------------------------------------------------- 催报: what one department owes for the month


@dataclass(frozen=True)
class Owed:
    department: str
    department_name: str
    unreported: list[AnyItem]  # 未填报 for the month: figures, projects, tasks
    unexplained: list[AnyItem]  # 滞后 / 预警 / 未完成 without a 情况说明
    overdue_actions: list[Action]

    @property
    def empty(self) -> bool:
        return not (self.unreported or self.unexplained or self.overdue_actions)


def _explanation(item: AnyItem) -> str:
    if isinstance(item, IndicatorStatus):
        return explanation_for(item.explanation.text if item.explanation else None, item.status)
    if isinstance(item, ProjectStatus):
        return explanation_for(item.problem or item.note, item.status)
    return explanation_for(item.problem or item.progress, item.status)


def overdue_for(report: MonthStatus, department: str, listed: list[Action], today: date | None = None) -> Owed:
    today = today or date.today()
    mine = [i for i in report.all_items if i.department == department]
    names = {i.department: i.department_name for i in report.all_items}
    return Owed(
        department=department,
        department_name=names.get(department, department),
        unreported=[i for i in mine if i.status == model.NO_DATA],
        unexplained=[i for i in mine if i.status in model.ATTENTION and not _explanation(i)],
        overdue_actions=[a for a in listed if a.department == department and a.is_open and a.due < today],
    )

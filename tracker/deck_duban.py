"""The deck's 督办 slides: the month's open 督办事项 (overdue flagged) and the items escalated by consecutive months
of 滞后, after the lagging list. Laid out with ``tracker.deck``'s slide furniture; words from ``tracker.supervision``."""

from __future__ import annotations

from pptx.util import Inches

from tracker import supervision
from tracker.deck import BODY_TOP, MARGIN, SLIDE_W, _Deck
from tracker.labels import status_label
from tracker.model import LAGGING, ON_TRACK
from tracker.pptx_draw import MUTED, chunked, clip, textbox
from tracker.supervision import Supervision

ACTION_TITLE = "督办事项"
ESCALATION_TITLE = "连续滞后升级督办"
ACTION_HEADER = ["事项", "督办要求", "责任单位", "办结时限", "状态", "最新进展"]
ACTION_WIDTHS = [2.4, 3.2, 1.4, 1.3, 1.0, 3.0]
ESCALATION_HEADER = ["事项", "类别", "责任单位", "本月状态", "连续滞后", "升级为", "督办事项"]
ESCALATION_WIDTHS = [3.6, 0.9, 1.6, 1.1, 1.1, 1.1, 2.6]
ROWS = 7


def supervision_slides(deck: _Deck, facts: Supervision) -> None:
    width = SLIDE_W - 2 * MARGIN
    for index, rows in enumerate(chunked(facts.actions, ROWS)):
        slide = deck.new_slide(ACTION_TITLE if index == 0 else f"{ACTION_TITLE}（续）")
        if not rows:
            textbox(slide, MARGIN, BODY_TOP + Inches(0.3), width, Inches(1), "本月没有办理中的督办事项。", size=24, color=MUTED, bold=True)
            continue
        overdue = [a.is_open and a.due < facts.today for a in rows]
        cells = [
            [clip(a.item_name, 24), clip(a.text, 40), a.department_name, a.due.isoformat(), "逾期" if late else a.status,
             clip(supervision.latest_progress(a), 40)]
            for a, late in zip(rows, overdue, strict=True)
        ]  # fmt: skip
        states = [LAGGING if late else ON_TRACK for late in overdue]
        deck.table(slide, MARGIN, BODY_TOP, width, ACTION_HEADER, states, cells, ACTION_WIDTHS, status_col=4, size=13, row_h=Inches(0.62))
    for index, items in enumerate(chunked(facts.escalated, ROWS)):
        slide = deck.new_slide(ESCALATION_TITLE if index == 0 else f"{ESCALATION_TITLE}（续）")
        if not items:
            textbox(
                slide,
                MARGIN,
                BODY_TOP + Inches(0.3),
                width,
                Inches(1),
                "本月没有连续滞后达到升级条件的事项。",
                size=24,
                color=MUTED,
                bold=True,
            )
            continue
        steps = "；".join(f"连续{n}个月滞后：{name}" for n, name in supervision.escalation_steps())
        textbox(slide, MARGIN, BODY_TOP - Inches(0.05), width, Inches(0.45), f"升级规则　{steps}", size=16, color=MUTED)
        cells = [
            [clip(i.name, 30), supervision.kind_name(i), i.department_name, status_label(i.status), f"{i.consecutive_lagging}个月",
             i.escalation or "—", clip("；".join(a.text for a in facts.actions_of(i.code)) or "—", 30)]
            for i in items
        ]  # fmt: skip
        deck.table(slide, MARGIN, BODY_TOP + Inches(0.45), width, ESCALATION_HEADER, [i.status for i in items], cells,
                   ESCALATION_WIDTHS, status_col=3, size=13, row_h=Inches(0.58))  # fmt: skip

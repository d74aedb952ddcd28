"""The city's deck: every town's own verdicts of a month on slides a 督查室 presents, weakest town first.

Slides: the title (演示数据 marked when any town's figures are demo), the roll-up table (one row per town), the
towns' statuses as one chart, one chart per indicator the towns share, and each town's escalated and lagging items.
The facts are ``tracker.city_outline``'s; the drawing is ``tracker.pptx_draw``'s (native tables and charts, so staff
can still edit them); the slide size and margins are the town deck's.
"""

from __future__ import annotations

import math

from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches

from tracker.city_outline import RUNNING_HEADER, TITLE, CityMonth, SharedIndicator, TownItem, counts_of, rate_text, unreported
from tracker.deck import BODY_H, BODY_TOP, MARGIN, SLIDE_W, SlideDeck
from tracker.labels import STATUS_COLORS, fmt_pct, status_label
from tracker.meeting import DEMO_MARK
from tracker.model import LAGGING, NO_DATA, NOT_DONE, SEVERITY
from tracker.pptx_draw import (
    DEMO_COLOR,
    INK,
    MUTED,
    PRIMARY,
    Line,
    chunked,
    clip,
    ranked_bar_chart,
    rect,
    stacked_status_chart,
    table,
    textbox,
)

__all__ = ["build_city_deck"]

TOWN_ROWS = 10  # towns on one roll-up slide (23 towns: three slides)
TOWN_ATTENTION_ROWS = 8  # towns on one slide of escalated and lagging items
PER_TOWN = 3  # the worst items of each town listed; the rest counted
BIG = 16  # points: table text read from the back of a meeting room
CHART_ROWS = 12  # bars in one column of a comparison chart at CHART_FONT; more towns take two columns
CHART_FONT = 18


class _CityDeck(SlideDeck):
    def __init__(self, facts: CityMonth):
        super().__init__(f"{RUNNING_HEADER} · 数据月份：{facts.period}", facts.demo)
        self.facts = facts


def _title_slide(deck: _CityDeck) -> None:
    facts = deck.facts
    slide = deck.new_slide(TITLE, band=False)
    rect(slide, 0, Inches(2.2), SLIDE_W, Inches(2.6), PRIMARY)
    width, white, center, middle = SLIDE_W - 2 * MARGIN, "#FFFFFF", PP_ALIGN.CENTER, MSO_ANCHOR.MIDDLE
    textbox(slide, MARGIN, Inches(2.4), width, Inches(1.3), TITLE, size=38, color=white, bold=True, align=center, anchor=middle)
    subtitle = f"{facts.period} · {len(facts.rows)}个镇街"
    textbox(slide, MARGIN, Inches(3.7), width, Inches(0.8), subtitle, size=26, color=white, align=center, anchor=middle)
    lines: list[Line] = [("各镇街按本镇街政府工作报告目标、用同一套规则自行评定；全市合计为各镇街之和", 18, MUTED, False)]
    if facts.demo:
        lines.append((f"{DEMO_MARK}：{clip(facts.demo_who, 40)}的月度实际值为系统生成，并非真实填报", 20, DEMO_COLOR, True))
    textbox(slide, MARGIN, Inches(5.1), width, Inches(1.4), lines, align=PP_ALIGN.CENTER)


def _totals_line(facts: CityMonth) -> list[Line]:
    counts = "  ".join(f"{status_label(s)} {facts.totals[s]}" for s in facts.statuses)
    rate = "—" if facts.report_rate is None else fmt_pct(facts.report_rate)
    lines: list[Line] = [
        (f"全市 {len(facts.rows)} 个镇街 · 事项 {facts.items} 项 · 填报率 {rate}", 18, INK, True),
        (f"合计：{counts}", 18, INK, True),
    ]
    if facts.unreported:
        lines.append((f"本月{NO_DATA}：" + "、".join(r.name for r in facts.unreported), 16, DEMO_COLOR, True))
    if facts.unreachable:
        lines.append((facts.unreachable_text, 16, DEMO_COLOR, True))
    return lines


def _rollup_slides(deck: _CityDeck) -> None:
    facts = deck.facts
    header = ["序号", "镇街", "事项", *facts.statuses, "填报率", "升级督办", "督办事项"]
    widths = [0.7, 2.2, 0.9, *([1.1] * len(facts.statuses)), 1.3, 1.4, 1.4]
    chunks = chunked(facts.rows, TOWN_ROWS)
    width = SLIDE_W - 2 * MARGIN
    for index, rows in enumerate(chunks):
        slide = deck.new_slide("各镇街推进情况（由弱到强）" + ("（续）" if index else ""))
        top = BODY_TOP - Inches(0.1)
        if index == 0:
            lines = _totals_line(facts)
            textbox(slide, MARGIN, top, width, Inches(0.45) * len(lines), lines)
            top += Inches(0.45) * len(lines) + Inches(0.05)
        cells, states = [], []
        for number, r in enumerate(rows, start=index * TOWN_ROWS + 1):
            silent = unreported(r)
            # a town that reported nothing: its judged columns are empty, not zeros
            counts = counts_of(r)
            judged = ["—" if silent and s != NO_DATA else str(counts[s]) for s in facts.statuses]
            cells.append([str(number), facts.town_label(r), str(r.items), *judged, rate_text(r), str(r.escalated), str(r.open_actions)])
            states.append(NO_DATA if silent else _worst(counts))
        table(slide, MARGIN, top, width, header, states, cells, widths, status_col=1, size=BIG, row_h=Inches(0.4))


def _worst(counts: dict[str, int]) -> str | None:
    """The town's worst status this month: its name on the roll-up is in that colour."""
    present = [s for s, n in counts.items() if n and s != NO_DATA]
    return min(present, key=lambda s: SEVERITY[s]) if present else None


def _status_chart_slide(deck: _CityDeck) -> None:
    facts = deck.facts
    slide = deck.new_slide("各镇街事项状态")
    by_town = {r.name: counts_of(r) for r in facts.rows}
    title = "各镇街事项状态（项，由弱到强）"
    stacked_status_chart(slide, MARGIN, BODY_TOP, SLIDE_W - 2 * MARGIN, BODY_H, by_town, title, facts.statuses)


def _shared_slide(deck: _CityDeck, indicator: SharedIndicator) -> None:
    slide = deck.new_slide(clip(f"共同指标对比：{indicator.name}", 30))
    width = SLIDE_W - 2 * MARGIN
    targets = {p.target for p in indicator.points}
    measure = f"{indicator.measure}（%）" if indicator.by_share else f"完成值（{indicator.unit}）"
    target = f"目标：{targets.pop()}" if len(targets) == 1 else "目标：各镇街按本镇街报告所定（见全市通报）"
    textbox(slide, MARGIN, BODY_TOP - Inches(0.1), width, Inches(0.45), f"{measure}　{target}", size=18, color=MUTED)
    labels = [p.town + (f"（{NO_DATA}）" if p.bar is None else "") for p in indicator.points]
    colors = [STATUS_COLORS.get(p.status, STATUS_COLORS[NO_DATA]) for p in indicator.points]
    values = [p.bar for p in indicator.points]
    number_format = "0%" if indicator.by_share else "#,##0.0"
    top, height = BODY_TOP + Inches(0.4), BODY_H - Inches(0.4)
    # More towns than fit at projector size in one column: two columns on one scale, the ranking read down then across.
    halves = chunked(range(len(labels)), -(-len(labels) // 2)) if len(labels) > CHART_ROWS else [range(len(labels))]
    top_value = max([v for v in values if v is not None] + [0.0])
    step = 0.2 if indicator.by_share else 10 ** math.floor(math.log10(top_value or 1.0))
    maximum = math.ceil(top_value * 1.15 / step) * step if len(halves) > 1 and top_value > 0 else None
    gap = Inches(0.3)
    column_w = int((width - gap * (len(halves) - 1)) / len(halves))
    for index, half in enumerate(halves):
        x = MARGIN + index * (column_w + gap)
        picked = list(half)
        ranked_bar_chart(
            slide, x, top, column_w, height, [labels[i] for i in picked], [values[i] for i in picked], [colors[i] for i in picked],
            number_format, CHART_FONT, maximum, step if maximum else None,
        )  # fmt: skip


def _item_words(item: TownItem) -> str:
    step = f"{item.escalation}·连续{item.consecutive_lagging}个月滞后" if item.escalation else item.status
    return f"【{item.type_name}】{clip(item.name, 16)}（{step}）"


def _attention_slides(deck: _CityDeck) -> None:
    """One row per town with such items (weakest town first): how many, and its worst few, each named."""
    facts = deck.facts
    word = "未完成" if facts.final else "滞后"
    by_town: dict[str, list[TownItem]] = {}
    for item in facts.attention:
        by_town.setdefault(item.town, []).append(item)
    width = SLIDE_W - 2 * MARGIN
    header = ["镇街", f"{word}事项", "升级督办", f"最需关注的事项（每镇街前{PER_TOWN}项，升级督办在前）"]
    widths = [1.5, 1.2, 1.2, 8.4]
    towns = list(by_town.items())
    chunks = chunked(towns, TOWN_ATTENTION_ROWS)
    for index, rows in enumerate(chunks):
        slide = deck.new_slide(f"各镇街升级督办及{word}事项" + ("（续）" if index else ""))
        if not rows:
            said = f"各镇街本月没有{word}或升级督办事项。" if facts.reported else f"各镇街本月均{NO_DATA}，暂无可研判事项。"
            textbox(slide, MARGIN, BODY_TOP + Inches(0.3), width, Inches(1), said, size=24, color=MUTED, bold=True)
            continue
        cells = []
        for town, items in rows:
            lagging = sum(1 for i in items if i.status in (LAGGING, NOT_DONE))
            named = "；".join(_item_words(i) for i in items[:PER_TOWN])
            more = f"；另有{len(items) - PER_TOWN}项" if len(items) > PER_TOWN else ""
            cells.append([town, str(lagging), str(sum(1 for i in items if i.escalation)), named + more])
        states = [LAGGING] * len(cells)
        table(slide, MARGIN, BODY_TOP, width, header, states, cells, widths, status_col=1, size=14, row_h=Inches(0.62))


def build_city_deck(facts: CityMonth) -> bytes:
    """The city's deck for one month (``city_outline.city_month``), as .pptx bytes."""
    deck = _CityDeck(facts)
    _title_slide(deck)
    _rollup_slides(deck)
    _status_chart_slide(deck)
    for indicator in facts.shared:
        _shared_slide(deck, indicator)
    _attention_slides(deck)
    return deck.save()

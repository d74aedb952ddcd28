"""Words, colours and number formats shared by every output (pages, maps, deck, exports).

The status palette is Okabe–Ito, safe for the common forms of colour blindness, and every status also
carries a symbol so it never depends on colour alone.
"""

from __future__ import annotations

import math
from datetime import date

from tracker.model import DONE, LAGGING, NO_DATA, NO_TARGET, NOT_DONE, ON_TRACK, WARNING

STATUS_COLORS = {
    DONE: "#0072B2",  # blue
    ON_TRACK: "#009E73",  # bluish green
    WARNING: "#E69F00",  # orange
    LAGGING: "#D55E00",  # vermillion
    NOT_DONE: "#CC79A7",  # reddish purple
    NO_DATA: "#8C8C8C",  # grey
}
STATUS_SYMBOLS = {DONE: "✔", ON_TRACK: "●", WARNING: "▲", LAGGING: "✖", NOT_DONE: "✘", NO_DATA: "○"}
DEMO_NOTICE = "演示数据：当前显示的月度实际值为系统生成的演示数据，并非各部门真实填报。目标与原文摘自2023年政府工作报告。"
SCHEMATIC_NOTICE = "示意位置，非测绘成果"
INDICATOR_KIND_NAMES = {"cumulative": "累计", "level": "时点", "ratio": "比率", "milestone": "节点"}
DIRECTION_NAMES = {"up": "越高越好", "down": "越低越好"}
COMPARATOR_NAMES = {">=": "不低于", "<=": "不高于", "=": "等于"}


# Text on a status-coloured fill: dark on orange and grey (white is unreadable there on a projector).
STATUS_TEXT_ON_FILL = {
    DONE: "#FFFFFF",
    ON_TRACK: "#FFFFFF",
    WARNING: "#1A1A1A",
    LAGGING: "#FFFFFF",
    NOT_DONE: "#1A1A1A",
    NO_DATA: "#1A1A1A",
}


def text_on_status(status: str | None) -> str:
    return STATUS_TEXT_ON_FILL.get(status or "", STATUS_TEXT_ON_FILL[NO_DATA])


def status_color(status: str | None) -> str:
    return STATUS_COLORS.get(status or "", STATUS_COLORS[NO_DATA])


def status_label(status: str | None) -> str:
    """The status as text with its symbol, e.g. ``✖ 滞后``."""
    if not status:
        return NO_TARGET
    return f"{STATUS_SYMBOLS.get(status, '')} {status}".strip()


def hex_to_rgb(color: str, alpha: int = 255) -> list[int]:
    color = color.lstrip("#")
    return [int(color[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def fmt_number(value: float | None, unit: str = "", digits: int = 1) -> str:
    """Chinese number style: thousands separators, 万 from 100,000 up; '—' for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 100_000:
        text = f"{value / 10_000:,.{digits}f}万"
    elif float(value).is_integer():
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.{digits}f}"
    return f"{text}{unit}" if unit and unit != "%" else (f"{text}%" if unit == "%" else text)


def fmt_pct(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.5 -> '50.0%'; '—' for no value."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "—"
    return f"{fraction * 100:.{digits}f}%"


def fmt_target(target: float | None, comparator: str, unit: str) -> str:
    if target is None:
        return NO_TARGET
    sign = {">=": "≥", "<=": "≤", "=": "="}.get(comparator, "")
    return f"{sign}{fmt_number(target, unit)}"


CN_NUMBERS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 … 99; enough for sub-heading numbers."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CN_NUMBERS[tens - 1]}十{CN_NUMBERS[ones - 1] if ones else ''}"


def cn_date(day: date) -> str:
    """``2023年7月5日``: the date as a 公文 writes it."""
    return f"{day.year}年{day.month}月{day.day}日"

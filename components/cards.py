"""Small display pieces: status chips, the time-progress headline, per-area status cards, the source quote.

HTML is built here only from our own constants (status names, colours, numbers), always escaped;
text that came from uploads never goes through ``unsafe_allow_html``.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from tracker.labels import fmt_pct, status_color, status_label, text_on_status
from tracker.model import ALL_STATUSES, NO_DATA, SEVERITY, STATUSES, UNJUDGED

_STATUS_ORDER = sorted(ALL_STATUSES, key=lambda s: SEVERITY[s])
_LEGEND_ORDER = sorted(STATUSES, key=lambda s: SEVERITY[s])


def status_chip_html(status: str | None, count: int | None = None) -> str:
    """A coloured chip with symbol and text (and an optional count), e.g. ``✖ 滞后 3``."""
    color = status_color(status)
    fg = text_on_status(status)
    bg = "#E6E6E6" if status in (None, NO_DATA, *UNJUDGED) else color
    text = status_label(status) + (f" {count}" if count is not None else "")
    return (
        f'<span style="display:inline-block;background:{bg};color:{fg};border-radius:0.4rem;'
        f'padding:0.1rem 0.55rem;margin:0.12rem 0.25rem 0.12rem 0;font-weight:600;white-space:nowrap">'
        f"{escape(text)}</span>"
    )


def status_chips(counts: dict[str, int], hide_zero: bool = True) -> str:
    """Chips in severity order; 目标待录入 / 未设目标 (no verdict) last, when counted."""
    order = [*_STATUS_ORDER, *(s for s in UNJUDGED if s in counts)]
    return "".join(status_chip_html(s, counts.get(s, 0)) for s in order if counts.get(s, 0) or not hide_zero)


def status_legend(final: bool = False) -> None:
    """What the colours and symbols mean, once per page; at year-end the verdicts are 已完成 and 未完成."""
    order = [s for s in _STATUS_ORDER if s in ("已完成", "未完成", NO_DATA)] if final else _LEGEND_ORDER
    st.markdown(" ".join(status_chip_html(s) for s in order), unsafe_allow_html=True)


def headline(
    year: int, month: int, time_progress: float, indicator_counts: dict[str, int], project_counts: dict[str, int], final: bool = False
) -> None:
    """The first row a leader reads: 序时进度 and how many items are on track, warned, lagging (at year-end: done, not done)."""
    on_track = lambda c: c.get("已完成", 0) + c.get("正常", 0)  # noqa: E731
    total = sum(indicator_counts.values()) + sum(project_counts.values())
    cols = st.container(key="tiles-headline").columns(4)  # two by two on a phone (components.styles)
    cols[0].metric("序时进度", fmt_pct(time_progress), help=f"{year}年{month}月末应完成全年任务的比例（月数÷12）", border=True)
    cols[1].metric(
        "进度正常或已完成", f"{on_track(indicator_counts) + on_track(project_counts)} / {total}", help="指标与重点项目合计", border=True
    )
    pair = (("✔ 已完成", "已完成"), ("✘ 未完成", "未完成")) if final else (("▲ 预警", "预警"), ("✖ 滞后", "滞后"))
    for col, (label, key) in zip(cols[2:], pair, strict=True):
        col.metric(label, f"{indicator_counts.get(key, 0) + project_counts.get(key, 0)} 项", border=True)


def area_card(area_name: str, indicator_counts: dict[str, int], project_counts: dict[str, int]) -> None:
    """One bordered card per area: counts per status for its indicators and for its projects."""
    with st.container(border=True):
        st.markdown(f"**{escape(area_name)}**")
        n_ind, n_proj = sum(indicator_counts.values()), sum(project_counts.values())
        st.markdown(f"指标 {n_ind} 项：" + (status_chips(indicator_counts) or "—"), unsafe_allow_html=True)
        st.markdown(f"项目 {n_proj} 个：" + (status_chips(project_counts) or "—"), unsafe_allow_html=True)


_STATUS_BY_LABEL = {status_label(s): s for s in ALL_STATUSES}


def attention_cards_html(frame: pd.DataFrame) -> str:
    """The attention list (``tables.attention_frame``) as cards for a phone: status, gap and department of
    every item readable without scrolling sideways, the report's sentence behind a tap (``<details>``).

    Every value is escaped: names and sentences come from data files an administrator may upload.
    """
    cards = []
    for row in frame.to_dict("records"):
        status = _STATUS_BY_LABEL.get(row["状态"])
        source = row.get("报告原文") or ""
        quote = f"<details><summary>报告原文</summary><p>{escape(source)}</p></details>" if source else ""
        cards.append(
            '<article class="ux-card">'
            f'<div class="ux-card-head">{status_chip_html(status)}<span>{escape(row["类型"])} · {escape(row["领域"])}</span></div>'
            f'<div class="ux-card-name">{escape(row["事项"])}</div>'
            + (f'<div class="ux-card-line"><b>升级督办</b>{escape(row["升级督办"])}</div>' if row.get("升级督办", "—") != "—" else "")
            + f'<div class="ux-card-line"><b>差距</b>{escape(row["差距"])}</div>'
            f'<div class="ux-card-line"><b>责任部门</b>{escape(row["责任部门"] or "—")}</div>'
            f'<div class="ux-card-line"><b>更新时间</b>{escape(row["更新时间"])}</div>'
            f'<div class="ux-card-line"><b>审核</b>{escape(row.get("审核") or "—")}</div>'
            f"{quote}</article>"
        )
    return '<div class="ux-cards">' + "".join(cards) + "</div>"


def source_quote(sentence: str | None) -> None:
    """The work report's own sentence, shown as a quote (text from our seed, still rendered as plain markdown)."""
    if sentence:
        st.info(f"**报告原文**：{md_escape(sentence)}", icon=":material/format_quote:")


def md_escape(text: str) -> str:
    """Make text literal inside st.markdown/st.caption (for text that may have come from an upload)."""
    for ch in "\\`*_{}[]<>()#+-!|~$":
        text = text.replace(ch, "\\" + ch)
    return text

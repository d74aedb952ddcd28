"""开始新年度 (admins, on 目标管理): pick the new year and the year to copy from, see what will be copied, confirm.
The copy itself is ``tracker.years.start_year`` (one batch, audited, revertible). Then 核对新年度报告原文: the new
report's sentence of each copied project and task (``tracker.sentences``)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from tracker import auth, sentences, store, years
from tracker.auth import User
from tracker.items import ITEM_KIND_NAMES

DONE_KEY = "new_year_done"


def _counts_frame(source: years.YearCounts, target: years.YearCounts) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "内容": ["重点项目", "重点工作", "责任分工（配合单位、责任领导）", "指标目标"],
            f"{source.year}年现有": [source.projects, source.tasks, source.assignments, source.indicators],
            f"{target.year}年将有": [
                f"{source.projects}个（同编码，原文标注“沿用{source.year}年”待核对）",
                f"{source.tasks}项（同上）",
                f"{source.assignments}项（沿用）",
                f"{source.indicators}项（目标值留空，显示“目标待录入”；“不低于上年”等规则沿用）",
            ],
        }
    )


def render(user: User | None) -> None:
    """The section; nothing for a non-admin (the page says who may enter targets)."""
    if user is None or not user.is_admin:
        return
    st.subheader("开始新年度")
    st.caption(
        "由上一年度的事项开始新年度：复制重点项目、重点工作和责任分工，指标目标留空待按新年度政府工作报告录入"
        "（不沿用上年目标值）。上一年度的数据不受影响；新年度尚无填报时可在“上传记录”中撤销该批次。"
    )
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    with store.connect() as con:
        held = {y.year: y for y in years.list_years(con)}
    with_items = sorted(y for y, c in held.items() if c.items)
    if not with_items:
        st.info("还没有任何年度的事项可以复制。", icon=":material/info:")
        return
    last = with_items[-1]
    choices = [y for y in range(last + 1, max(last + 1, date.today().year + 1) + 1) if not (held.get(y) and held[y].items)]
    left, right = st.columns(2)
    year = left.selectbox("新年度", choices, key="new_year", format_func=lambda y: f"{y}年")
    source = right.selectbox("复制自", list(reversed(with_items)), key="new_year_source", format_func=lambda y: f"{y}年")
    had, now = years.preview(int(year), int(source))
    st.dataframe(_counts_frame(had, now), hide_index=True, width="stretch", key="new_year_preview")
    agreed = st.checkbox(f"我已了解：{year}年的指标目标需按{year}年政府工作报告逐项录入", key="new_year_agree")
    if st.button(f"开始{year}年", type="primary", disabled=not agreed, key="new_year_start"):
        try:
            started = years.start_year(int(year), user, source=int(source))
        except (auth.PermissionDenied, years.YearError, store.StoreError) as exc:
            st.error(str(exc))
            return
        c = started.counts
        st.session_state[DONE_KEY] = (
            f"已开始{started.year}年（批次 {started.batch_id}）：重点项目{c.projects}个、重点工作{c.tasks}项、责任分工{c.assignments}项；"
            f"{c.targets_pending}项指标目标待录入。左侧“年度”已可选择{started.year}年。"
        )
        st.session_state.pop("new_year_agree", None)  # the next year is confirmed afresh
        st.rerun()


SENTENCES_DONE_KEY = "new_year_sentences_done"
NEW_TEXT = "新报告原文"


def _sentence_frame(pending: list[sentences.CopiedItem]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"序号": n, "code": i.code, "类型": ITEM_KIND_NAMES[i.kind], "事项": i.name, "沿用原文": i.source, NEW_TEXT: None}
            for n, i in enumerate(pending, start=1)
        ],
        columns=["序号", "code", "事项", NEW_TEXT, "沿用原文", "类型"],  # on a phone the column to fill is next to 事项
    )


def sentence_changes(table: pd.DataFrame, year: int) -> list[sentences.SentenceChange]:
    """The rows given a new sentence (a blank cell is an item not yet checked: left as it is), numbered by 序号."""
    out = []
    for row in table.itertuples(index=False):
        text = getattr(row, NEW_TEXT)
        if text is not None and not pd.isna(text) and str(text).strip():
            out.append(sentences.SentenceChange(str(row.code), year, str(text), row=int(row.序号)))
    return out


def render_sentences(user: User | None, year: int) -> None:
    """核对新年度报告原文 (admins): the year's projects and tasks still carrying last year's sentence, a column for the
    new report's words; one save is one batch (``tracker.sentences``), revertible on 上传记录."""
    if user is None or not user.is_admin:
        return
    with store.connect() as con:
        pending = sentences.copied_items(con, year)
    st.subheader("核对新年度报告原文")
    done = st.session_state.pop(SENTENCES_DONE_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    if not pending:
        st.caption(f"{year}年没有沿用上年报告原文、待核对的重点项目或重点工作。")
        return
    source = pending[0].source_year
    st.caption(
        f"{year}年有{len(pending)}个重点项目和重点工作仍沿用{source}年报告原文。在“{NEW_TEXT}”列填写{year}年政府工作报告中该事项的原句"
        f"（不超过{sentences.MAX_SENTENCE}字），未填写的行保持不变；保存为一个批次，可在“上传记录”页撤销。"
    )
    edited = st.data_editor(
        _sentence_frame(pending),
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        height=min(640, 38 + 35 * len(pending)),
        placeholder="待填写",
        key=f"new_year_sentences_{year}",
        disabled=["序号", "code", "类型", "事项", "沿用原文"],
        column_config={
            "code": None,
            "序号": st.column_config.NumberColumn("序号", width="small", pinned=True),  # the row refusals name
            "事项": st.column_config.TextColumn("事项", width="medium", pinned=True),
            "沿用原文": st.column_config.TextColumn(f"沿用{source}年原文", width="large"),
            NEW_TEXT: st.column_config.TextColumn(NEW_TEXT, width="large", max_chars=sentences.MAX_SENTENCE),
        },
    )
    if not st.button("保存新报告原文", type="primary", key="new_year_sentences_save"):
        return
    rows = sentence_changes(edited, year)
    if not rows:
        st.info(f"没有填写任何“{NEW_TEXT}”，没有修改。")
        return
    try:
        batch = sentences.set_sentences(user, rows, file_name=f"{year}年报告原文核对")
    except (sentences.SentenceError, auth.PermissionDenied, store.StoreError) as exc:
        st.error("没有保存，请修改后重试：\n\n" + "\n".join(f"- {line}" for line in str(exc).splitlines()))
        return
    st.session_state[SENTENCES_DONE_KEY] = f"已保存{len(rows)}个事项的{year}年报告原文（批次 {batch}，可在“上传记录”页撤销）。"
    st.session_state.pop(f"new_year_sentences_{year}", None)
    st.rerun()

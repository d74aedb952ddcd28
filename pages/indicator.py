"""指标详情: one indicator month by month, the report's sentence, and where every figure came from."""

from html import escape

import streamlit as st

from components import cards, charts, tables
from components.data import load_history, load_lineage, load_periods, load_status
from components.sidebar import current_filters, demo_banner
from tracker.labels import INDICATOR_KIND_NAMES, fmt_number, fmt_pct, fmt_target, status_label


def pick_indicator(indicators: list[dict], preferred_area: str | None) -> dict:
    """The select box, bound to ``?indicator=``. A link may carry the code (``?indicator=CODE``)."""
    by_code = {i.code: i for i in indicators}
    raw = st.query_params.get("indicator")
    if raw in by_code and st.session_state.get("indicator") != raw:
        st.session_state["indicator"] = raw
    codes = list(by_code)
    if preferred_area and "indicator" not in st.session_state:
        codes.sort(key=lambda c: by_code[c].area != preferred_area)
    code = st.selectbox(
        "选择指标", codes, key="indicator", bind="query-params", format_func=lambda c: f"{by_code[c].area_name} · {by_code[c].name}"
    )
    return by_code[code]


def render() -> None:
    filters = current_filters()
    year, month = filters.year, filters.month
    status = load_status(year, month)
    st.title("指标详情")
    if not status.indicators:
        st.info("暂无指标。")
        return
    item = pick_indicator(status.indicators, filters.area)
    demo_banner(item.demo)

    st.header(item.name)
    cards.source_quote(item.source)
    st.markdown(
        cards.status_chip_html(item.status)
        + "　"
        + escape(f"{item.area_name} · {item.department_name} · {INDICATOR_KIND_NAMES.get(item.kind, item.kind)}指标"),
        unsafe_allow_html=True,
    )

    unit = item.unit or ""
    cols = st.container(key="tiles-indicator").columns(5)  # two by two on a phone (components.styles)
    cols[0].metric("全年目标", fmt_target(item.target, item.comparator, unit), border=True)
    cols[1].metric(f"{year}年{month}月完成值", fmt_number(item.value, unit), border=True)
    against = "对比目标" if item.gap_basis == "target" else "对比序时"
    cols[2].metric(
        "完成率",
        fmt_pct(item.completion),
        border=True,
        delta=None if item.gap_pp is None else f"{-item.gap_pp:+.1f} 个百分点（{against}）",
    )
    cols[3].metric("序时进度", fmt_pct(item.time_progress), border=True)
    cols[4].metric("预计全年完成率", fmt_pct(item.forecast), border=True)
    if item.missing_months:
        missing = "、".join(f"{m}月" for m in item.missing_months)
        st.warning(
            f"缺报：{missing}。缺报月份不按零计算，在补报之前本指标显示为未填报；上方完成值只含已填报月份。", icon=":material/report:"
        )
    if item.target_note:
        st.caption("目标说明：" + cards.md_escape(item.target_note))
    updated = tables.when_text(item.last_update)
    st.caption(f"状态：{status_label(item.status)} · 上年同期：{fmt_number(item.last_year, unit)} · 最近更新：{updated}")

    history = load_history(item.code, year)
    charts.show(charts.indicator_chart(history, item, year, month), charts.chart_filename(year, month, item.name), key="indicator_chart")

    explanation = item.explanation
    if explanation:
        st.subheader("部门说明")
        st.text(explanation.text)
        st.text(f"{tables.uploader_name(explanation.user, load_periods()['departments'])} · {explanation.at}")

    st.subheader("数据来源")
    lineage = load_lineage(item.code, year)
    lineage = lineage[lineage["month"] <= month]
    if lineage.empty:
        st.info(f"{year}年1–{month}月尚无该指标的填报数据。")
    else:
        st.caption(f"1–{month}月每月数值来自哪一批上传：批次、填报人、时间与备注（同一月份以最新批次为准）")
        tables.show(tables.lineage_frame(lineage, load_periods()["departments"]), tables.LINEAGE_COLUMNS, key="lineage")


render()

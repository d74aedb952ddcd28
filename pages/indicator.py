"""指标详情: one indicator month by month, the report's sentence, and where every figure came from."""

from html import escape

import streamlit as st

from components import actions as action_ui
from components import cards, charts, tables
from components.auth import current_user
from components.data import load_history, load_lineage, load_periods, load_status
from components.sidebar import current_filters, demo_banner
from tracker import progress, review, wording
from tracker.labels import INDICATOR_KIND_NAMES, fmt_number, fmt_pct, status_label
from tracker.model import IndicatorStatus

MEASURE_HELP = {
    progress.MEASURE_SHARE: "完成率＝年初至今累计值（或当前值）÷年度目标",
    progress.MEASURE_FROM_BASE: "较上年末进度＝（当前值－上年末）÷（目标－上年末）：从上年末起算已完成的比例",
    progress.MEASURE_AGAINST_TARGET: "对照目标值＝当前值÷目标值：须每月保持的指标，每月对照目标判定",
    progress.MEASURE_GROWTH: "累计增速＝（1月至当月累计÷上年同期累计－1）×100%，与目标增速比较（单位：百分点）",
}
GROWTH_RULE = "累计增速达到目标增速为正常；低于目标{margin:g}个百分点以内为预警，更多为滞后；12月为年终评定（已完成／未完成）"


def pick_indicator(indicators: list[IndicatorStatus], preferred_area: str | None) -> IndicatorStatus:
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


def _measure_metric(item: IndicatorStatus) -> tuple[str, str, str | None]:
    """The completion under its own name (完成率 / 较上年末进度 / 对照目标值 / 较上年末增减), and its gap as a delta."""
    if item.measure in (progress.MEASURE_CHANGE, progress.MEASURE_TREND):
        value = wording.change_text(item).removeprefix("较上年末")
        return "较上年末增减", value, None
    if item.measure == progress.MEASURE_GROWTH:
        gap = "—" if item.gap_pp is None else f"{-item.gap_pp:+.1f}个百分点"
        return "较目标增速", gap, None
    if item.gap_pp is None:
        return item.measure, fmt_pct(item.completion), None
    against = "对照目标" if item.gap_basis == "target" or item.final else "对照序时"
    return item.measure, fmt_pct(item.completion), f"{-item.gap_pp:+.1f} 个百分点（{against}）"


def _basis_metric(item: IndicatorStatus) -> tuple[str, str, str]:
    """序时进度 where it applies; otherwise what the item is judged against instead."""
    if item.tracked:
        return "评定方式", "对照上年同期", "多年目标或报告未设量化目标的工作：不低于上年同期为正常，不计入年度统计"
    if item.final:
        return "评定方式", "年终评定", "12月为年终评定：达到年度目标为已完成，未达到为未完成"
    if item.basis == "growth":
        return "评定方式", "对照目标增速", GROWTH_RULE.format(margin=progress.Rules.from_settings().growth_margin_pp)
    if item.time_progress is None:
        return "评定方式", "对照目标值", "须每月保持的指标：每月对照目标值判定，不按序时进度考核"
    return "序时进度", fmt_pct(item.time_progress), "截至本月末应完成全年任务的比例"


def render() -> None:
    filters = current_filters()
    year, month = filters.year, filters.month
    status = load_status(year, month)
    st.title("指标详情")
    every = [*status.indicators, *status.tracked]
    if not every:
        st.info("暂无指标。")
        return
    item = pick_indicator(every, filters.area)
    demo_banner(item.demo)

    st.header(item.name)
    cards.source_quote(item.source)
    kind = "增速" if item.basis == "growth" else INDICATOR_KIND_NAMES.get(item.kind, item.kind)
    kind = f"{kind}指标" + (" · 跟踪事项（不计入年度统计）" if item.tracked else "")
    st.markdown(
        cards.status_chip_html(item.status) + "　" + escape(f"{item.area_name} · {item.department_name} · {kind}"),
        unsafe_allow_html=True,
    )

    unit = item.unit or ""
    value_label = f"1—{month}月累计" if item.kind == "cumulative" else f"{month}月末数值"
    if item.basis == "growth":
        value_label = f"1—{month}月累计增速"
    measure_label, measure_value, delta = _measure_metric(item)
    basis_label, basis_value, basis_help = _basis_metric(item)
    top, bottom = st.columns(3), st.columns(3)
    target_label = "每月目标" if item.basis == "maintain" else ("目标" if item.tracked else "全年目标")
    top[0].metric(target_label, wording.target_text(item), border=True, help="括号内为报告原文的措辞：力争、确保、约")
    top[1].metric(value_label, wording.value_text(item, month), border=True, help="“（N月数）”：本月未填报，沿用最近一期数值")
    top[2].metric(measure_label, measure_value, border=True, delta=delta, help=MEASURE_HELP.get(item.measure))
    bottom[0].metric(basis_label, basis_value, border=True, help=basis_help)
    if item.basis == "growth":
        how = "按统计部门公布的累计增速填报，无累计值" if item.kind == "ratio" else "1月至当月累计"
        bottom[1].metric("本年累计", fmt_number(item.amount, item.amount_unit), border=True, help=how)
        bottom[2].metric("上年同期累计", fmt_number(item.amount_last_year, item.amount_unit), border=True, help=how)
    else:
        bottom[1].metric("上年末", fmt_number(item.base, unit), border=True, help="上年12月的数值（时点指标）或上年全年累计")
        bottom[2].metric("预计全年完成率", fmt_pct(item.forecast), border=True, help="按当前进度推算；时点指标满3个月后才推算")
    if item.reason:
        st.warning(f"{item.reason}：状态为未填报，不按零计算。", icon=":material/report:")
    if item.missing_months and not item.reason:
        missing = "、".join(f"{m}月" for m in item.missing_months)
        now = "本月未填报，状态为未填报；" if month in item.missing_months else ""
        st.warning(f"缺报：{missing}。{now}缺报月份不按零计算，上方完成值只含已填报月份。", icon=":material/report:")
    if item.target_note:
        st.caption("目标说明：" + cards.md_escape(item.target_note))
    updated = tables.when_text(item.last_update)
    same_period = "" if item.basis == "growth" else f" · 上年同期：{fmt_number(item.last_year, unit)}"  # inside the rate
    st.caption(f"状态：{status_label(item.status)}{same_period} · 最近更新：{updated} · 审核：{review.mark(item.review)}")

    history = load_history(item.code, year)
    figure = charts.indicator_chart(history, item, year, month)
    charts.show(figure, charts.chart_filename(year, month, item.name), key="indicator_chart", demo=item.demo)

    explanation = item.explanation
    if explanation:
        st.subheader("部门说明")
        st.text(explanation.text)
        st.text(f"{tables.uploader_name(explanation.user, load_periods()['departments'])} · {explanation.at}")

    action_ui.item_panel(item, year, month, current_user(), key="indicator_duban")

    st.subheader("数据来源")
    lineage = load_lineage(item.code, year)
    lineage = lineage[lineage["month"] <= month]
    if lineage.empty:
        st.info(f"{year}年1–{month}月尚无该指标的填报数据。")
    else:
        st.caption(f"1–{month}月每月数值来自哪一批上传：批次、填报人、时间与备注（同一月份以最新批次为准）")
        tables.show(tables.lineage_frame(lineage, load_periods()["departments"]), tables.LINEAGE_COLUMNS, key="lineage")


render()

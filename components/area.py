"""The body shared by the six area pages: indicator table, completion chart, projects, download, map."""

from __future__ import annotations

import streamlit as st

from components import cards, charts, tables
from components.data import load_history, load_status
from components.sidebar import current_filters, demo_banner
from tracker import export
from tracker.model import stage_legend

MAP_AREAS = ("water", "rural", "culture")
INDICATOR_PAGE = "pages/indicator.py"


def open_indicator(code: str) -> None:
    """Go to the indicator page for ``code``.

    ``indicator`` is a URL-bound widget key, and Streamlit refuses bound keys in ``switch_page(query_params=)``;
    setting the widget's state instead selects it, and the bound widgets write the URL on the next run.
    """
    st.session_state["indicator"] = code
    st.switch_page(INDICATOR_PAGE, query_params={})


def render_area(area: str) -> None:
    filters = current_filters()
    year, month = filters.year, filters.month
    name = filters.area_names.get(area, area)
    status = load_status(year, month, area)
    indicators, projects, tracked = status.indicators, status.projects, status.tracked

    st.title(name)
    st.caption(
        f"{year}年{month}月 · 序时进度 {status.time_progress * 100:.1f}% · "
        f"年度量化指标 {len(indicators)} 项，重点项目 {len(projects)} 个"
        + (f"，跟踪事项 {len(tracked)} 项" if tracked else "")
        + "。点击表格中的一行查看指标详情。"
    )
    demo_banner(status.demo)
    cards.status_legend(final=status.final)

    st.subheader("指标完成情况")
    if not indicators:
        st.info("本领域暂无指标。")
    else:
        trends = {i.code: charts.trend_values(load_history(i.code, year), month) for i in indicators}
        frame = tables.indicator_frame(indicators, month, trends)
        event = tables.show(
            frame, tables.INDICATOR_COLUMNS, key=f"table_{area}", row_height=44, on_select="rerun", selection_mode="single-row"
        )
        rows = event.selection.rows if event is not None else []
        if rows:
            open_indicator(frame.iloc[rows[0]]["code"])
        st.download_button(
            "下载本表（Excel）",  # built only when clicked, not on every rerun
            lambda: export.indicators_xlsx(indicators, year, month, name, status.demo),
            on_click="ignore",
            file_name=export.export_filename(year, month, name),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            key=f"download_{area}",
        )
        title = "年度完成情况" if status.final else "完成率与序时进度"
        charts.show(
            charts.completion_chart(indicators, title, f"{name} · {year}年{month}月", final=status.final, month=month),
            charts.chart_filename(year, month, name, "完成率"),
            key=f"chart_{area}",
            demo=status.demo,
        )

    if tracked:
        st.subheader("跟踪事项（不计入年度考核）")
        st.caption("多年目标（如“三个一百”计划）和报告未给出量化数值的工作，只看是否不低于上年同期，不按序时进度评判。")
        tables.show(tables.tracked_frame(tracked, month), tables.TRACKED_COLUMNS, key=f"tracked_{area}")

    st.subheader("重点项目")
    if not projects:
        st.info("本领域暂无重点项目。")
    else:
        frame = tables.project_frame(projects).drop(columns=["领域"])
        tables.show(frame, tables.PROJECT_COLUMNS, key=f"projects_{area}")
        timeline = charts.project_timeline(projects, "重点项目节点", f"{name} · {year}年{month}月 · 条形实际，◆计划")
        charts.show(timeline, charts.chart_filename(year, month, name, "重点项目"), key=f"timeline_{area}", demo=status.demo)
        st.caption("节点：" + stage_legend() + "。")

    if area in MAP_AREAS:
        from components.maps import render_area_map

        render_area_map(area, year, month)

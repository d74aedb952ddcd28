"""会议模式: the monthly work meeting, one full-screen slide at a time, and the same slides as a PPTX."""

from __future__ import annotations

import streamlit as st

from components import slides
from components.data import load_periods, load_status
from components.sidebar import current_filters, demo_banner
from tracker import meeting

SLIDE_KEY = "slide"  # also the URL query parameter: ?slide=3 opens the third slide


def _step(delta: int, count: int) -> None:
    current = st.session_state.get(SLIDE_KEY) or 1
    st.session_state[SLIDE_KEY] = min(count, max(1, current + delta))


def meeting_page() -> None:
    # The sidebar stays available (month lives there) but starts out of the way.
    st.set_page_config(initial_sidebar_state="collapsed")
    filters = current_filters()
    report = load_status(filters.year, filters.month)  # the meeting covers every area, whatever the filter
    areas = load_periods()["areas"]
    outline = meeting.outline(report, areas)
    count = len(outline)
    titles = {n: spec.title for n, spec in enumerate(outline, start=1)}

    slides.inject_css()
    demo_banner(report.demo)

    if st.session_state.get(SLIDE_KEY) not in titles and SLIDE_KEY not in st.query_params:
        st.session_state[SLIDE_KEY] = 1  # first visit; a ?slide= link sets it through the binding instead
    nav = st.container(horizontal=True, vertical_alignment="center")
    with nav:
        st.button(
            "上一页",
            icon=":material/chevron_left:",
            key="slide_prev",
            on_click=_step,
            args=(-1, count),
            disabled=(st.session_state.get(SLIDE_KEY) or 1) <= 1,
            shortcut="ArrowLeft",
        )
        current = st.segmented_control(
            "幻灯片",
            list(titles),
            required=True,
            key=SLIDE_KEY,
            bind="query-params",
            label_visibility="collapsed",
            format_func=lambda n: str(n),
            help="跳到某一页",
        )
        st.button(
            "下一页",
            icon=":material/chevron_right:",
            icon_position="right",
            key="slide_next",
            on_click=_step,
            args=(1, count),
            disabled=(current or 1) >= count,
            shortcut="ArrowRight",
        )
        st.download_button(
            "下载PPT",
            data=lambda: slides.deck_bytes(report, areas),
            file_name=meeting.deck_file_name(report),
            icon=":material/download:",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            on_click="ignore",
            key="deck_download",
            help="同样内容的可编辑PPT（原生图表和表格）",
        )
        st.download_button(
            "下载通报(Word)",
            data=lambda: slides.bulletin_bytes(report, areas),
            file_name=meeting.report_file_name(report),
            icon=":material/description:",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            on_click="ignore",
            key="report_download",
            help="本月目标任务推进情况通报：总体情况、进度滞后事项、下一步工作",
        )
    current = current or 1
    slides.render_slide(outline[current - 1], report)
    st.html(slides.position_html(current, count, report, titles[current]))


meeting_page()

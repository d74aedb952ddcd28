"""会议模式: the monthly work meeting, one full-screen slide at a time, and the same slides as a PPTX."""

from __future__ import annotations

import streamlit as st

from components import actions as action_ui
from components import slides
from components.auth import current_user
from components.data import load_periods, load_status
from components.sidebar import current_filters, demo_banner
from tracker import meeting


def meeting_page() -> None:
    # The sidebar stays available (month lives there) but starts out of the way.
    st.set_page_config(initial_sidebar_state="collapsed")
    filters = current_filters()
    report = load_status(filters.year, filters.month)  # the meeting covers every area, whatever the filter
    areas = load_periods()["areas"]
    outline = meeting.outline(report, areas)
    count = len(outline)

    slides.inject_css()
    demo_banner(report.demo)

    with st.container(horizontal=True, vertical_alignment="center"):
        current = slides.render_navigation(count)
        slides.render_downloads(report, areas)
    spec = outline[current - 1]
    slides.render_slide(spec, report)
    st.html(slides.position_html(current, count, report, spec.title))
    action_ui.meeting_panel(report, current_user())


meeting_page()

"""全市总览's downloads: the city's deck (.pptx) and 通报 (.docx), each built only when its button is clicked (the
button turns into a spinner meanwhile) and cached per fingerprint of every town's store."""

from __future__ import annotations

import streamlit as st

from components.data import city_versions
from tracker import city_outline

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@st.cache_data(show_spinner=False, max_entries=8)
def city_deck_bytes(year: int, month: int, versions: tuple) -> bytes:
    from tracker import city_deck  # python-pptx loads only when someone downloads the deck

    return city_deck.build_city_deck(city_outline.city_month(year, month))


@st.cache_data(show_spinner=False, max_entries=8)
def city_report_bytes(year: int, month: int, versions: tuple) -> bytes:
    from tracker import city_report  # python-docx loads only when someone downloads the 通报

    return city_report.build_city_report(city_outline.city_month(year, month))


def render_downloads(year: int, month: int) -> None:
    """下载全市汇报PPT and 下载全市通报: the same files as ``python -m tracker city deck`` / ``city report``."""
    stem = city_outline.file_stem(year, month)
    row = st.container(horizontal=True, gap="medium")  # side by side on a PC, wrapping on a phone
    with row:
        st.download_button(
            "下载全市汇报PPT",
            data=lambda: city_deck_bytes(year, month, city_versions()),
            file_name=f"{stem}.pptx",
            mime=PPTX,
            icon=":material/download:",
            on_click="ignore",
            key="city_deck_download",
            help="各镇街推进情况（由弱到强）、共同指标对比图（可编辑图表）、各镇街升级督办及滞后事项",
        )
        st.download_button(
            "下载全市通报",
            data=lambda: city_report_bytes(year, month, city_versions()),
            file_name=f"{stem.replace('推进_', '推进通报_')}.docx",
            mime=DOCX,
            icon=":material/description:",
            on_click="ignore",
            key="city_report_download",
            help="Word 通报：总体情况、各镇街推进情况、共同指标对比、需要关注的问题、下一步工作",
        )

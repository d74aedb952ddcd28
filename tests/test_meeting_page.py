"""会议模式 under AppTest: runs for full and empty data, next/previous move through the slides."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, app_page
from tracker import meeting, status, store

YEAR, MONTH = 2023, 6


def open_meeting(query: dict[str, str] | None = None) -> AppTest:
    return app_page("pages/meeting.py", query=query, timeout=90)


def page_html(at: AppTest) -> str:
    return "\n".join(str(getattr(e, "proto", e)) for e in at.get("html"))


def expected_titles(path) -> list[str]:
    with store.connect(path) as con:
        latest = status.latest_period(con) or (YEAR, 12)
        return [s.title for s in meeting.outline(status.build_status(con, *latest), status.areas(con))]


@pytest.mark.parametrize("fixture", ["demo_db", "empty_db"])
def test_next_walks_through_every_slide(fixture, request):
    """Next goes 1, 2, … to the last slide, each slide shows its title, and next is disabled at the end."""
    path = request.getfixturevalue(fixture)
    titles = expected_titles(path)
    at = open_meeting()
    assert at.session_state["slide"] == 1
    assert at.button(key="slide_prev").disabled
    for number, title in enumerate(titles, start=1):
        assert at.session_state["slide"] == number
        assert title in page_html(at), title
        if number < len(titles):
            at.button(key="slide_next").click().run()
            assert not at.exception
    assert at.button(key="slide_next").disabled
    assert str(at.query_params["slide"]).strip("[]'") == str(len(titles))
    at.button(key="slide_prev").click().run()
    assert not at.exception
    assert at.session_state["slide"] == len(titles) - 1


def test_demo_banner_and_charts_on_demo_data(demo_db):
    at = open_meeting()
    assert any("演示数据" in w.value for w in at.warning)
    at.button(key="slide_next").click().run()  # 总体情况 has the stacked status chart
    assert at.get("plotly_chart")


def test_empty_month_says_no_data(empty_db):
    at = open_meeting()
    assert not at.warning  # no demo banner without demo data
    at.button(key="slide_next").click().run()
    assert "未填报" in page_html(at)


def test_slide_query_param_opens_that_slide(demo_db):
    """A forwarded link ?slide=3 opens the third slide (the first area)."""
    titles = expected_titles(demo_db)
    at = open_meeting({"slide": "3", "year": "2023", "month": "6"})
    assert at.session_state["slide"] == 3
    assert titles[2] in page_html(at)


def test_download_buttons_present(demo_db):
    """One click for the PPTX deck, one for the Word 通报."""
    at = open_meeting()
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("下载PPT" in label for label in labels)
    assert any("下载通报" in label for label in labels)


def test_outline_and_slides_load_no_office_library():
    """The page's outline and slides need neither python-pptx nor python-docx; those load on a download click."""
    code = "import sys, tracker.meeting, components.slides; print(sorted({m.split('.')[0] for m in sys.modules} & {'pptx', 'docx'}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

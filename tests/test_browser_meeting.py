"""会议模式 in Chromium at projector size: every slide renders, and the PPTX download gives a real deck."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from pptx import Presentation

from tests.conftest import assert_no_exception, goto, screenshot, wait_for_app

pytestmark = pytest.mark.browser

JUNE = urlencode({"year": 2023, "month": 6})


def current_slide(page) -> str:
    return page.locator(".mm-pos").inner_text()


def test_click_through_every_slide(server, page):
    """Next moves one slide at a time to the end; no exception on any slide; the URL remembers the slide."""
    goto(page, server, "meeting", JUNE)
    assert_no_exception(page)
    assert current_slide(page).startswith("1 / ")
    assert "2023年6月" in current_slide(page)
    total = int(current_slide(page).split("/")[1].split("·")[0])
    screenshot(page, "meeting-01")
    for number in range(2, total + 1):
        page.get_by_role("button", name="下一页").click()
        page.wait_for_function(f"() => document.querySelector('.mm-pos')?.innerText.startsWith('{number} / ')")
        wait_for_app(page)
        assert_no_exception(page)
        assert f"slide={number}" in page.url
        screenshot(page, f"meeting-{number:02d}")
    assert page.get_by_role("button", name="下一页").is_disabled()
    page.get_by_role("button", name="上一页").click()
    page.wait_for_function(f"() => document.querySelector('.mm-pos')?.innerText.startsWith('{total - 1} / ')")


def test_link_opens_slide_and_sidebar_is_collapsed(server, page):
    """A forwarded ?slide=3 link opens the first area slide with the sidebar out of the way."""
    goto(page, server, "meeting", urlencode({"year": 2023, "month": 6, "slide": 3}))
    assert_no_exception(page)
    assert current_slide(page).startswith("3 / ")
    assert page.locator("[data-testid='stSidebar']").get_attribute("aria-expanded") != "true"
    assert page.get_by_text("演示数据").first.is_visible()


def test_pptx_download(server, page):
    """The 下载PPT button yields a .pptx that python-pptx opens, with native charts."""
    goto(page, server, "meeting", JUNE)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="下载PPT").click()
    download = info.value
    assert download.suggested_filename.endswith("2023年06月.pptx")
    data = open(download.path(), "rb").read()
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) >= 10
    assert any(shape.has_chart for slide in prs.slides for shape in slide.shapes)
    assert_no_exception(page)

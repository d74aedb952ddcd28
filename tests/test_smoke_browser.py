"""The app starts under a real streamlit server and renders in Chromium."""

import pytest

from tests.conftest import assert_no_exception, goto, screenshot

pytestmark = pytest.mark.browser


def test_home_page_renders_with_sidebar(server, page):
    """The default page loads with the shared sidebar and no exception."""
    goto(page, server)
    screenshot(page, "smoke-home")
    assert_no_exception(page)
    assert page.locator("[data-testid='stSidebar']").get_by_text("年度").is_visible()

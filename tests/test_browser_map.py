"""The map page in a real Chromium: no exception, a deck.gl canvas that draws, nothing fetched from outside.

The shared browser runs with --disable-gpu; this Chromium still gives WebGL2 through SwiftShader
(software), which is enough for deck.gl, so no separate browser is needed.
"""

from __future__ import annotations

import io
import time
from urllib.parse import urlparse

import pytest

from tests.conftest import ARTIFACTS, assert_no_exception, goto, next_frames, screenshot, wait_for_app

pytestmark = pytest.mark.browser

CHART = "[data-testid='stDeckGlJsonChart']"


# app.py's page_icon=":material/flag:" makes Streamlit load the favicon from fonts.gstatic.com: not the
# map's doing (reported to the lead); every other outside request fails the test.
KNOWN_OUTSIDE = ("https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/",)


def _outside_requests(tab) -> list[str]:
    """Every request to a host other than the local streamlit server, from now on."""
    seen: list[str] = []

    def record(request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("http", "ws")) and host not in ("127.0.0.1", "localhost") and not request.url.startswith(KNOWN_OUTSIDE):
            seen.append(request.url)

    tab.on("request", record)
    return seen


def _open_from_sidebar(tab, server, title: str) -> None:
    """Open a page the way a user does: load the app, then click the page in the sidebar navigation.

    (Loading ``/map`` directly runs ``pages/map.py`` without ``app.py``: Streamlit treats a ``pages/``
    folder next to the entry script as a v1 multipage app. Reported to the lead.)
    """
    goto(tab, server)
    nav = tab.locator("[data-testid='stSidebarNav']")
    more = nav.get_by_text("View ")
    if more.count():
        more.first.click()
    nav.locator("a", has_text=title).first.click()
    wait_for_app(tab)


def _canvas_colours(tab) -> int:
    """How many distinct (coarse) colours the deck.gl canvas shows: a blank or one-colour canvas has one or two."""
    from PIL import Image

    shot = tab.locator(f"{CHART} canvas").first.screenshot()
    image = Image.open(io.BytesIO(shot)).convert("RGB").resize((240, 160))
    raw = image.tobytes()
    return len({(raw[i] // 32, raw[i + 1] // 32, raw[i + 2] // 32) for i in range(0, len(raw), 3)})


def _wait_for_drawing(tab, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    colours = 0
    while time.monotonic() < deadline:
        colours = _canvas_colours(tab)
        if colours >= 8:
            break
        next_frames(tab, 10)
    return colours


def test_map_page_draws_offline(server, page):
    """The map page renders with no exception, its canvas draws the places, and no request leaves the host."""
    outside = _outside_requests(page)
    goto(page, server)
    started = time.monotonic()
    _open_from_sidebar(page, server, "地图")
    assert_no_exception(page)
    page.wait_for_selector(f"{CHART} canvas", timeout=30_000)
    colours = _wait_for_drawing(page)
    elapsed = time.monotonic() - started
    (ARTIFACTS / "map_render_seconds.txt").write_text(f"{elapsed:.2f}\n")
    screenshot(page, "map_page")
    assert colours >= 8, f"the deck.gl canvas shows only {colours} colours: nothing drawn?"
    assert page.get_by_text("示意位置，非测绘成果").first.is_visible()
    assert page.get_by_text("滞后").first.is_visible()  # the legend
    assert not outside, f"requests left the machine: {outside[:5]}"


def test_map_layer_toggle_redraws(server, page):
    """Switching the village layer off reruns the page without an exception and still draws the rest."""
    _open_from_sidebar(page, server, "地图")
    page.get_by_text("村（社区）", exact=True).first.click()
    wait_for_app(page)
    assert_no_exception(page)
    assert _wait_for_drawing(page) >= 4
    screenshot(page, "map_page_without_villages")


def test_water_page_map_section(server, page):
    """The water page's map (built by the same component) draws too, once that page uses it."""
    _open_from_sidebar(page, server, "水环境治理")
    assert_no_exception(page)
    try:
        page.wait_for_selector(CHART, timeout=20_000)
    except Exception:  # playwright's TimeoutError
        pytest.skip("the water page does not show a map yet")
    page.locator(CHART).first.scroll_into_view_if_needed()
    assert _wait_for_drawing(page) >= 6
    screenshot(page, "water_page_map")

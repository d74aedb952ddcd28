"""The leader pages in a real Chromium against ``streamlit run``: navigation, no exception, screenshots, links."""

from __future__ import annotations

import pytest

from tests.conftest import LEADER_PAGES, assert_no_exception, goto, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def nav_to(tab, title: str) -> None:
    """Click a page link in the sidebar navigation and wait for the run to finish."""
    tab.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first.click()
    wait_for_app(tab)


def heading(tab) -> str:
    return tab.locator("[data-testid='stMain'] h1").first.inner_text()


def test_every_page_through_navigation(server, page):
    """Each leader page opens from the sidebar navigation, shows its title, raises nothing, and is captured."""
    goto(page, server)
    assert page.locator("[data-testid='stSidebar']").get_by_text("年度").is_visible()
    for title, _, shot in LEADER_PAGES:
        nav_to(page, title)
        page.locator("[data-testid='stMain'] h1").filter(has_text=title).first.wait_for()  # the run may still be on its way
        assert_no_exception(page)
        assert title in heading(page)
        screenshot(page, f"page-{shot}-1920")


def test_overview_lists_lagging_indicator(server, page):
    """June 2023 on 总览: the lagging service-enterprise indicator is in the attention table."""
    goto(page, server, "", "month=6")
    assert_no_exception(page)
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for()
    assert page.get_by_text("序时进度").first.is_visible()
    # Glide data grid renders cells into a canvas; its accessible table mirrors the cells.
    page.locator("table").filter(has_text="新增规模以上服务业").first.wait_for(state="attached")


@pytest.mark.parametrize("path", ["", "area_water", "projects"])
def test_link_with_month_opens_that_month(server, page, path):
    """A forwarded link with ?month=6 opens June (the default is the latest month, December)."""
    goto(page, server, path, "month=6")
    assert_no_exception(page)
    assert "2023年6月" in page.locator("[data-testid='stMain']").inner_text()
    goto(page, server, path)
    assert "2023年12月" in page.locator("[data-testid='stMain']").inner_text()


def test_indicator_link_by_code(server, page):
    """?indicator=CODE opens that indicator with the report's sentence."""
    goto(page, server, "indicator", "month=6&indicator=new_service_above_scale")
    assert_no_exception(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "新增规模以上服务业、限额以上批零住餐企业" in main
    assert "力争全年新增规模以上工业企业35家以上" in main
    screenshot(page, "page-indicator-link-1920")


def test_row_selection_opens_indicator_page(server, page):
    """Selecting a row in an area table opens that indicator's page, keeping the month."""
    goto(page, server, "area_economy", "month=6")
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for()
    box = grid.bounding_box()
    # The grid draws on a canvas; its accessible table says which row holds 新增规模以上服务业. The row-selection
    # checkbox column is at the left edge; the header row is as tall as a data row (44 px).
    grid.locator("table").filter(has_text="新增规模以上服务业").wait_for(state="attached")
    rows = [row.text_content() for row in grid.locator("table tbody tr").all()]
    index = next(i for i, text in enumerate(rows) if "新增规模以上服务业" in text)
    page.mouse.click(box["x"] + 18, box["y"] + 44 * (index + 1) + 22)
    page.wait_for_function("() => location.pathname.endsWith('/indicator')", timeout=20_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert "新增规模以上服务业" in page.locator("[data-testid='stMain'] h2").first.inner_text()
    assert "1—6月累计" in page.locator("[data-testid='stMain']").inner_text()


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_small_screens(server, browser, width, height):
    """Phone and laptop widths: pages render without exception; screenshots kept for review."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    tab = context.new_page()
    try:
        for _, path, shot in [LEADER_PAGES[0], LEADER_PAGES[3], LEADER_PAGES[7], LEADER_PAGES[8]]:
            goto(tab, server, path, "month=6")
            assert_no_exception(tab)
            screenshot(tab, f"page-{shot}-{width}")
    finally:
        context.close()

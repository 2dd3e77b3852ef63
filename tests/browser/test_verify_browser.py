"""The `depmap verify` page in headless Chromium, built from results made in the test (no engine):
no horizontal overflow of the page on a desktop or a phone, the timeline's bars visible and as
long as their durations say, ACCESS EXCLUSIVE drawn apart, and nothing fetched."""

from __future__ import annotations

import pytest

from depmap.render.verify_outputs import render_verify
from tests.browser.test_report_browser import Page, browser  # noqa: F401  (browser: the fixture)
from tests.render.verify_reports import migration_output

DESKTOP, PHONE = 1280, 390


@pytest.fixture(scope="module")
def verify_page(tmp_path_factory, browser):  # noqa: F811
    path = tmp_path_factory.mktemp("verify-report") / "verify.html"
    path.write_text(render_verify("html", migration_output()), encoding="utf-8")
    page = Page(browser, path)
    yield page
    page.page.close()


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_page_never_scrolls_sideways(verify_page, width):
    page = verify_page.page
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": width, "height": 900})
    assert page.evaluate("window.innerWidth") == width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # no element sticks out on the right either (tables become cards, long SQL wraps); only the source
    # excerpts of the findings scroll, inside their own box, as on the impact report
    sticking_out = page.evaluate("""width => [...document.querySelectorAll('main *')].filter(e => {
        for (let up = e.parentElement; up; up = up.parentElement) {
            if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return false;
        }
        return e.getBoundingClientRect().right > width; }).map(e => e.tagName + '.' + e.className)""", width)
    assert sticking_out == []
    excerpts = page.locator("#v1-found .excerpt .code")
    assert excerpts.count() == 2 and all(box.bounding_box()["x"] + box.bounding_box()["width"] <= width for box in excerpts.all())
    for table in page.locator("table.stack").all():
        assert table.evaluate("t => t.scrollWidth <= t.clientWidth")


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_every_bar_is_visible_and_as_long_as_its_duration(verify_page, width):
    page = verify_page.page
    page.set_viewport_size({"width": width, "height": 900})
    bars = page.locator("#v1-bars .bar")
    assert bars.count() == 8
    for index in range(bars.count()):
        bar = bars.nth(index)
        assert bar.is_visible()
        assert bar.bounding_box()["width"] >= 3  # a 0 ms statement is still a mark on the track
    track = page.locator("#v1-bars .track-inner").first.bounding_box()
    proposal = bars.nth(0).bounding_box()
    assert proposal["x"] == pytest.approx(track["x"], abs=0.5)
    assert proposal["width"] == pytest.approx(track["width"] * 0.5, abs=1)  # 2 s on a 4 s axis
    batch = bars.nth(6).bounding_box()  # batch 3: from 50.1 % for 24.95 %
    assert batch["x"] - track["x"] == pytest.approx(track["width"] * 0.501, abs=1)
    assert batch["width"] == pytest.approx(track["width"] * 0.2495, abs=1)
    last = page.locator("#v2-bars .bar").last.bounding_box()  # the SET NOT NULL that ends the plan
    assert last["x"] + last["width"] == pytest.approx(track["x"] + track["width"], abs=1)


def test_access_exclusive_looks_different_from_the_other_locks(verify_page):
    page = verify_page.page
    page.set_viewport_size({"width": DESKTOP, "height": 900})

    def background(selector: str) -> str:
        return page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundImage + ' ' + getComputedStyle(e).backgroundColor")

    exclusive = background("#v1-bars .bar.lock-access-exclusive")
    row = background("#v1-bars .bar.lock-row-exclusive")
    share_update = background("#v2-bars .bar.lock-share-update-exclusive")
    assert exclusive.startswith("repeating-linear-gradient(")  # striped, not a colour alone
    assert row.startswith("none ") and share_update.startswith("none ")
    assert len({exclusive, row, share_update}) == 3
    assert page.locator("#v1-bars .bar").first.get_attribute("aria-label") == (
        "2,000.0 ms, rewrote the table, ACCESS EXCLUSIVE on orders, ACCESS EXCLUSIVE on orders_pkey")


def test_the_page_loads_nothing_and_reports_no_error(verify_page):
    assert verify_page.errors == []
    assert verify_page.requests == [verify_page.url]

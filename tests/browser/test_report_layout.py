"""The HTML report of a large generated project (about 2,400 readers and writers) in headless
Chromium: no horizontal overflow on a desktop or a phone, a printout of a few pages, copy buttons
clear of the code, test code hidden until asked for, and messages whose code spans are code.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.big_project import USAGES, write_big_project
from tests.browser.test_report_browser import Page, browser, make_report  # noqa: F401  (browser: the fixture)

DESKTOP, PHONE = 1400, 390


@pytest.fixture(scope="module")
def big(tmp_path_factory, browser):  # noqa: F811
    out = tmp_path_factory.mktemp("big-report")
    project = write_big_project(out / "project")
    document = make_report(out, project, "orders.gift_note", "--type", "text")
    page = Page(browser, out / "report.html")
    yield page, document
    page.page.close()


def test_the_generated_project_is_big(big):
    page, document = big
    in_tests = [u for u in document["usages"] if u["path"].startswith("tests/")]
    assert len(document["usages"]) == USAGES + USAGES // 5 + 3  # an UPDATE reads and writes; the legacy sites; the DDL
    assert len(document["usages"]) >= 2000 and len(in_tests) == 240
    assert page.page.locator("#c1-usages tbody tr").count() == len(document["usages"])
    assert {(f["rule"], f["path"]) for f in document["findings"]} == {
        ("select-star", "ordering/legacy_export.py"), ("positional-insert", "ordering/legacy_export.py")}


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_no_horizontal_overflow_the_usages_table_scrolls_in_its_box(big, width):
    page, _ = big
    page.page.emulate_media(media="screen")
    page.page.set_viewport_size({"width": width, "height": 900})
    assert page.page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.page.evaluate("window.innerWidth") == width
    box = page.page.evaluate("""() => { const b = document.querySelector('#c1-usages .table-scroll');
        return {right: b.getBoundingClientRect().right, scroll: b.scrollWidth, client: b.clientWidth,
                overflowX: getComputedStyle(b).overflowX}; }""")
    assert box["right"] <= width and box["overflowX"] == "auto"
    if width == PHONE:
        assert box["scroll"] > box["client"]  # seven columns do not fit a phone: the box scrolls, not the page


def test_long_column_lists_are_folded(big):
    page, document = big
    export = next(u for u in document["usages"] if u["symbol"].endswith(".export_every_order_column_3"))
    assert len(export["columns"]) == 31
    row = page.page.locator(f"#c1-usages tbody tr[data-search^='{export['path']}:{export['line']} ']")
    cell = row.locator("td:nth-child(4) details.columns")
    assert cell.locator("summary").inner_text() == "31 columns"
    assert cell.get_attribute("open") is None
    short = next(u for u in document["usages"] if u["symbol"].endswith(".orders_for_customer_report_4"))
    assert page.page.locator(f"#c1-usages tbody tr[data-search^='{short['path']}:{short['line']} '] td:nth-child(4)").inner_text() == \
        ", ".join(short["columns"])


def test_test_code_usages_are_hidden_until_the_toggle_shows_them(big):
    page, document = big
    section = "#c1-usages"
    total = len(document["usages"])
    in_tests = sum(1 for u in document["usages"] if u["path"].startswith("tests/"))
    toggle = page.page.locator(f"{section} .filter-tests")
    assert not toggle.is_checked()
    assert page.page.locator(f"{section} label:has(.filter-tests)").inner_text().strip() == f"show test code ({in_tests})"
    assert page.shown(section) == f"{total - in_tests} of {total} shown"
    assert page.page.locator(f"{section} tbody tr[data-tests='yes']:visible").count() == 0
    assert page.page.locator(f"{section} tbody tr[data-tests='no']:visible").count() == total - in_tests
    toggle.check()
    assert page.shown(section) == f"{total} of {total} shown"
    assert page.page.locator(f"{section} tbody tr[data-tests='yes']:visible").count() == in_tests
    toggle.uncheck()
    assert page.page.locator(f"{section} tbody tr[data-tests='yes']:visible").count() == 0


def boxes_overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_copy_buttons_never_cover_the_code(big, width):
    page, _ = big
    page.page.set_viewport_size({"width": width, "height": 900})
    for summary in page.page.locator("details.migration-code > summary").all():
        summary.click()
    blocks = page.page.locator(".sql").all()
    assert len(blocks) >= 2
    for block in blocks:
        button = block.locator("button.copy")
        code = block.locator(".code pre")
        button.scroll_into_view_if_needed()
        assert button.is_visible()
        # the code's text, line by line: no line's box meets the button's
        lines = code.evaluate("""pre => { const range = document.createRange(); range.selectNodeContents(pre);
            return [...range.getClientRects()].map(r => ({x: r.x, y: r.y, width: r.width, height: r.height})); }""")
        assert lines
        assert not boxes_overlap(button.bounding_box(), code.bounding_box())
        assert [line for line in lines if boxes_overlap(button.bounding_box(), line)] == []


def test_backticks_in_messages_render_as_code(big):
    page, document = big
    finding = page.page.locator("article.finding[data-rule='select-star']")
    fix = next(f["fix"] for f in document["findings"] if f["rule"] == "select-star")
    assert fix.startswith("Name the columns this code reads instead of `*`: `SELECT id, customer_id, status, ")
    assert finding.locator(".message code").all_inner_texts() == ["SELECT *"]
    assert finding.locator(".fix code").all_inner_texts() == re.findall(r"`([^`]+)`", fix)
    assert " ".join(finding.locator(".fix").inner_text().split()) == "Fix " + fix.replace("`", "")
    texts = page.page.locator("article.finding .message, article.finding .fix, #c1-plan .description").all_inner_texts()
    assert len(texts) == 2 + 2 + 3
    assert [text for text in texts if "`" in text] == []
    assert page.page.locator("#c1-plan .description code").all_inner_texts() == [
        "depmap who-writes orders", "depmap who-reads orders"]


def test_print_keeps_findings_and_plan_to_a_few_pages(big):
    page, document = big
    page.page.set_viewport_size({"width": DESKTOP, "height": 900})
    page.page.emulate_media(media="print")
    assert page.page.evaluate("getComputedStyle(document.querySelector('#c1-usages .table-scroll')).display") == "none"
    assert page.page.locator("#c1-usages .print-only").inner_text() == (
        f"{len(document['usages'])} readers and writers (240 in test code): the HTML page and --format json list every one.")
    assert page.page.locator("article.finding").evaluate_all("nodes => nodes.map(n => getComputedStyle(n).display)") == ["block", "block"]
    pdf = page.page.pdf(format="A4", print_background=True)
    page.page.emulate_media(media="screen")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert 1 <= pages <= 4

"""The HTML report in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

One `depmap report` run writes the page and the JSON next to it, so every count on the page is
checked against the JSON of the same run. With `pytest --update-golden` the screenshot of the
shop sample is also written to docs/report.png, the picture the README shows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import depmap_command

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
LINK_BASE = "https://code.example.com/acme/shop/blob/0123abc"
SCREENSHOT = REPO / "docs" / "report.png"

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is a test extra")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)")


def make_report(out: Path, project: Path, *target: str, link_base: str | None = LINK_BASE, warnings: tuple[str, ...] = ()) -> dict:
    """Run `depmap report` writing HTML and JSON in one run; return the JSON."""
    html, document = out / "report.html", out / "report.json"
    links = ["--link-base", link_base] if link_base else []
    done = subprocess.run([*depmap_command(), "report", *target, "--path", str(project), *links,
                           "-o", str(html), "-o", str(document)], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(out)})
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [*(f"depmap: warning: {w}" for w in warnings),
                                        f"depmap: wrote html report to {html}", f"depmap: wrote json report to {document}"]
    return json.loads(document.read_text())


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with playwright_api.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), args=FLAGS,
            headless=True, viewport={"width": 1280, "height": 1000})
        yield context
        context.close()


class Page:
    """A loaded report page that records console errors, requests and dialogs."""

    def __init__(self, context, path: Path) -> None:
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)

    def shown(self, section: str) -> str:
        return self.page.locator(f"{section} .shown").inner_text()


@pytest.fixture(scope="module")
def shop(tmp_path_factory, browser):
    out = tmp_path_factory.mktemp("shop-report")
    document = make_report(out, REPO / "samples" / "shop_sql", "orders.discount_code", "--type", "text", "--not-null")
    page = Page(browser, out / "report.html")
    yield page, document
    page.page.close()


def test_sections_are_present_in_reading_order(shop):
    page, _ = shop
    ids = page.page.eval_on_selector_all("main section[id], footer[id]", "nodes => nodes.map(n => n.id)")
    assert ids == ["c1", "c1-findings", "c1-plan", "c1-picture", "c1-usages", "skipped", "run"]
    assert page.page.locator("h1").inner_text() == "Adding orders.discount_code TEXT NOT NULL"
    assert page.page.title() == "depmap: orders.discount_code is breaking"


def test_counts_match_the_json_of_the_same_run(shop):
    page, document = shop
    assert page.page.get_attribute("#verdict", "data-verdict") == document["verdict"] == "breaking"
    chips = page.page.eval_on_selector_all(".counts .count", "nodes => nodes.map(n => [n.dataset.severity, +n.dataset.count])")
    assert dict(chips) == document["counts"]
    for severity, count in document["counts"].items():
        assert page.page.locator(f"article.finding[data-severity='{severity}']").count() == count
    assert page.page.locator("article.finding").count() == len(document["findings"])
    assert page.page.locator("#c1-usages tbody tr").count() == len(document["usages"])
    steps = page.page.eval_on_selector_all("#c1-plan li.step", "nodes => nodes.map(n => n.dataset.step)")
    assert steps == [step["name"] for step in document["plan"]]
    skipped = page.page.locator("#skipped li").all_inner_texts()
    assert len(skipped) == len(document["skipped"])
    assert [text.split(":", 1)[0] for text in skipped] == [s["path"] for s in document["skipped"]]


def test_page_makes_no_request_and_logs_no_error(shop):
    page, _ = shop
    page.page.locator("#c1-usages .filter-text").fill("orders")
    page.page.locator("#c1-plan button.copy").first.click()
    page.page.locator("svg .box-writer").first.click()
    assert page.requests == [page.url]
    assert page.errors == []


def test_the_plan_sql_is_copyable_as_written(shop):
    page, document = shop
    first = page.page.locator("#c1-plan button.copy").first
    assert first.get_attribute("data-copy") == "SET lock_timeout = '5s';"
    assert document["plan"][0]["sql"][0] == "SET lock_timeout = '5s'"
    first.click()
    assert first.inner_text() == "Copied"


def test_a_finding_links_to_its_source_line(shop):
    page, document = shop
    finding = next(f for f in document["findings"] if f["rule"] == "select-star")
    link = page.page.locator("article.finding[data-rule='select-star'] a.where").first
    expected = f"{LINK_BASE}/{finding['path']}#L{finding['line']}"
    if finding["end_line"] > finding["line"]:
        expected += f"-L{finding['end_line']}"
    assert link.get_attribute("href") == expected
    opened: list[str] = []
    page.page.route(f"{LINK_BASE}/**", lambda route: (opened.append(route.request.url),
                                                      route.fulfill(status=200, body="source", content_type="text/plain")))
    link.click()
    page.page.wait_for_url(expected)
    assert page.page.url == expected
    assert opened == [expected.split("#")[0]]  # the fragment (the line) stays in the browser
    page.page.go_back()
    page.page.unroute(f"{LINK_BASE}/**")


def test_the_filter_narrows_readers_and_writers(shop):
    page, document = shop
    section = "#c1-usages"
    usages = document["usages"]
    total = len(usages)
    page.page.locator(f"{section} .filter-text").fill("")
    page.page.locator(f"{section} .filter-access").select_option("write")
    writers = [u for u in usages if u["access"] == "write"]
    assert page.shown(section) == f"{len(writers)} of {total} shown"
    assert page.page.locator(f"{section} tbody tr:visible").count() == len(writers)
    page.page.locator(f"{section} .filter-access").select_option("")
    page.page.locator(f"{section} .filter-text").fill("shop/reports/")
    in_reports = [u for u in usages if u["path"].startswith("shop/reports/")]
    assert page.shown(section) == f"{len(in_reports)} of {total} shown"
    assert set(page.page.locator(f"{section} tbody tr:visible td:nth-child(2)").all_inner_texts()) == {
        f"{u['path']}:{u['line']}" for u in in_reports}


def test_a_picture_box_filters_the_table_to_its_folder(shop):
    page, document = shop
    box = page.page.locator("svg .box-writer[data-filter='shop/repositories/']")
    box.click()
    section = "#c1-usages"
    assert page.page.locator(f"{section} .filter-text").input_value() == "shop/repositories/"
    expected = [u for u in document["usages"] if u["access"] == "write" and u["path"].startswith("shop/repositories/")]
    assert page.shown(section) == f"{len(expected)} of {len(document['usages'])} shown"


def test_dark_scheme_and_print_layout(browser, shop):
    page, _ = shop
    page.page.emulate_media(color_scheme="dark")
    assert page.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"
    page.page.emulate_media(color_scheme="light", media="print")
    assert page.page.evaluate("getComputedStyle(document.querySelector('.filters')).display") == "none"
    page.page.emulate_media(media="screen")
    assert page.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


def test_scanned_markup_stays_text(tmp_path, browser):
    project = REPO / "tests" / "browser" / "fixtures" / "xss_shop"
    document = make_report(tmp_path, project, "orders.channel", "--type", "text", "--not-null")
    assert {(f["rule"], f["path"], f["line"]) for f in document["findings"]} >= {("select-star", "app/exports.py", 11)}
    page = Page(browser, tmp_path / "report.html")
    excerpt = page.page.locator("article.finding[data-rule='select-star'] .excerpt")
    text = excerpt.inner_text()
    assert "# Rendered in the admin as <script>alert(1)</script> by an old template: keep it escaped." in text
    assert "'<img src=x onerror=alert(2)>'" in text
    assert page.page.locator("main script, main img").count() == 0
    assert page.dialogs == []
    assert page.errors == []
    assert page.requests == [page.url]
    page.page.close()


# Each payload, if it ever ran, would set this flag or open a dialog.
PWN = "window.__pwned=1"
MARKUP = f"<img src=x onerror={PWN}> <svg onload=alert(1)> <script>{PWN}</script>"
TEXT_INJECTIONS = f"{MARKUP} https://evil.example/x www.evil.example @octocat [a](javascript:{PWN})"
HOSTILE_NAMES = (f"app/<img src=x onerror={PWN}>.py", f'app/x" onmouseover="{PWN}.py', f"app/javascript:{PWN}.py")


def hostile_project(root: Path) -> Path:
    """A project trying every injection: in its link base, file names, code, comments, SQL and a skipped file."""
    (root / "app").mkdir(parents=True)
    (root / "migrations").mkdir()
    (root / "pyproject.toml").write_text(f'[tool.depmap]\nlink_base = "javascript:{PWN}//{{path}}"\n')
    (root / "migrations" / f"0001_<svg onload={PWN}>.sql").write_text("CREATE TABLE orders (id int PRIMARY KEY, note text);\n")
    for name in HOSTILE_NAMES:
        (root / name).write_text(
            f"# {TEXT_INJECTIONS}\n"
            "def export(conn):\n"
            f"    return conn.execute(\"SELECT * FROM orders WHERE note <> '{TEXT_INJECTIONS}'\").fetchall()\n"
            "\n\n"
            "def record(conn, note):\n"
            f"    conn.execute(\"INSERT INTO orders (id, note) VALUES (1, %s) -- {TEXT_INJECTIONS}\", (note,))\n"
        )
    (root / "app" / f"<img src=x onerror={PWN}>_py2.py").write_text(f"import db\n\nprint '{MARKUP}'\ndb.execute('SELECT id FROM orders')\n")
    return root


def test_a_hostile_project_cannot_run_script_or_make_requests(tmp_path, browser):
    project = hostile_project(tmp_path / "project")
    document = make_report(tmp_path, project, "orders.channel", "--type", "text", "--not-null", "--default", f"'{TEXT_INJECTIONS}'",
                           link_base=None, warnings=(
                               f"pyproject.toml [tool.depmap]: link_base 'javascript:{PWN}//{{path}}' ignored: it is not an http:// "
                               "or https:// URL such as https://github.com/ORG/REPO/blob/SHA, or a template of one holding "
                               "{path}, {line}, {end_line}; reports carry no source links",))
    assert sorted({f["path"] for f in document["findings"] if f["rule"] == "select-star"}) == sorted(HOSTILE_NAMES)
    assert [s["path"] for s in document["skipped"]] == [f"app/<img src=x onerror={PWN}>_py2.py"]
    page = Page(browser, tmp_path / "report.html")
    blocked: list[str] = []
    page.page.route("**/*", lambda route: route.continue_() if route.request.url == page.url else (blocked.append(route.request.url), route.abort()))
    pwned = "() => window.__pwned"
    assert page.page.evaluate(pwned) is None
    assert page.page.locator("main script, main img, main iframe, main object, main embed, main svg script").count() == 0
    handlers = page.page.evaluate("() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))")
    assert handlers == []
    assert {href[:1] for href in page.page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.getAttribute('href'))")} == {"#"}
    excerpt = page.page.locator("article.finding[data-rule='select-star'] .excerpt").first.inner_text()
    assert f"# {TEXT_INJECTIONS}" in excerpt
    assert f"'{TEXT_INJECTIONS}'" in page.page.locator("#c1-plan").inner_text()
    clicked: dict[str, int] = {}
    for selector in ("summary", "a", "button", "svg .box"):
        for handle in page.page.query_selector_all(selector):
            if handle.is_visible():
                handle.click()
            else:
                handle.dispatch_event("click")
            clicked[selector] = clicked.get(selector, 0) + 1
            assert page.page.evaluate(pwned) is None, selector
    assert clicked == {"summary": 2, "a": 6, "button": 11, "svg .box": 3}  # the new migration's DDL finding folds its context
    assert page.dialogs == []
    assert page.errors == []
    assert blocked == []
    assert page.requests == [page.url]
    page.page.close()


def test_screenshot(shop, tmp_path, request):
    """The top of the shop report: saved with the test output, and as docs/report.png on --update-golden."""
    page, _ = shop
    page.page.emulate_media(color_scheme="light", media="screen")
    page.page.set_viewport_size({"width": 1280, "height": 1000})
    page.page.evaluate("window.scrollTo(0, 0)")
    shot = tmp_path / "report.png"
    page.page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if request.config.getoption("--update-golden"):
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)


def test_the_reads_filter_sets_whole_row_loads_and_attribute_reads_apart(browser, tmp_path):
    document = make_report(tmp_path, REPO / "samples" / "django_shop", "customers_customer.nickname", "--type", "text")
    page = Page(browser, tmp_path / "report.html")
    section, total = "#c1-usages", len(document["usages"])
    for kind in ("orm_load", "orm_attribute"):
        page.page.locator(f"{section} .filter-kind").select_option(kind)
        expected = [u for u in document["usages"] if u["detail"] == kind]
        assert expected and page.shown(section) == f"{len(expected)} of {total} shown"
        assert set(page.page.locator(f"{section} tbody tr:visible td:nth-child(2)").all_inner_texts()) == {
            f"{u['path']}:{u['line']}" for u in expected}
    page.page.locator(f"{section} .filter-kind").select_option("named")
    named = [u for u in document["usages"] if u["detail"] not in ("orm_load", "orm_attribute")]
    assert page.shown(section) == f"{len(named)} of {total} shown"
    page.page.close()

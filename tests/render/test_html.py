"""The HTML page without a browser: what `check` shows for several columns and for none, escaping,
links, and self-containment. (tests/browser opens the page in Chromium.)"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from tests.e2e.conftest import REPO, depmap, user_cache  # noqa: F401  (the fixtures)

SHOP = REPO / "samples" / "shop_sql"


class Outline(HTMLParser):
    """Tags with their attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def having(self, tag: str, attribute: str) -> list[str | None]:
        return [attrs[attribute] for name, attrs in self.tags if name == tag and attribute in attrs]


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


def write_reports(depmap, tmp_path: Path, *args: str) -> tuple[str, dict]:
    html, document = tmp_path / "report.html", tmp_path / "report.json"
    run = depmap(*args, "-o", str(html), "-o", str(document), "--fail-on", "never")
    assert run.code == 0, run.err
    return html.read_text(), json.loads(document.read_text())


def test_check_with_two_columns_gives_each_its_section(depmap, tmp_path):
    page, document = write_reports(depmap, tmp_path, "check", "samples/shop_sql/migrations/0004_customer_marketing.sql",
                                   "--path", str(SHOP))
    tree = outline(page)
    columns = [f"{c['column']['table']}.{c['column']['column']}" for c in document["columns"]]
    assert len(columns) == 2
    assert tree.having("section", "data-column") == columns
    assert [a for a in tree.having("section", "id") if re.fullmatch(r"c\d", a or "")] == ["c1", "c2"]
    assert "<h1>2 columns added by 1 migration file</h1>" in page
    assert "<li><code>migrations/0004_customer_marketing.sql</code></li>" in page
    assert len(re.findall(r'<article class="finding', page)) == len(document["findings"])
    assert f'data-verdict="{document["verdict"]}"' in page


def test_check_of_a_migration_adding_no_column_says_so(depmap, tmp_path):
    page, document = write_reports(depmap, tmp_path, "check", "samples/shop_sql/migrations/0001_initial.sql", "--path", str(SHOP))
    assert document["columns"] == []
    assert "<p>No migration in this change adds a column.</p>" in page
    assert "adds no column to an existing table (creates audit_log, customers, order_items, orders, products)" in page
    assert 'data-verdict="safe"' in page


def test_page_is_self_contained(depmap, tmp_path):
    page, _ = write_reports(depmap, tmp_path, "impact", "orders.discount_code", "--type", "text", "--not-null", "--path", str(SHOP))
    tree = outline(page)
    assert [attrs.get("src") for name, attrs in tree.tags if name == "script"] == [None]
    assert [attrs["href"] for name, attrs in tree.tags if name == "link"] == ["data:,"]
    assert tree.having("img", "src") == []
    assert "@import" not in page and "url(http" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no link base given: no external URL at all


def test_without_link_base_locations_are_code_not_links(depmap, tmp_path):
    page, document = write_reports(depmap, tmp_path, "impact", "orders.discount_code", "--type", "text", "--not-null", "--path", str(SHOP))
    first = next(f for f in document["findings"] if f["path"])
    assert f'<code class="where">{first["path"]}:{first["line"]}</code>' in page
    assert '<code class="where">(the new migration)</code>' in page  # the proposal's DDL: no file yet
    assert outline(page).having("a", "href") == [h for h in outline(page).having("a", "href") if h.startswith("#")]


def test_link_base_template_for_other_hosts(depmap, tmp_path):
    base = "https://gitlab.example.com/acme/shop/-/blob/main/{path}#L{line}-{end_line}"
    page, document = write_reports(depmap, tmp_path, "impact", "orders.discount_code", "--type", "text", "--not-null",
                                   "--path", str(SHOP), "--link-base", base)
    insert = next(f for f in document["findings"] if f["path"] == "shop/repositories/orders.py" and f["line"] == 52)
    assert insert["end_line"] == 54
    assert 'href="https://gitlab.example.com/acme/shop/-/blob/main/shop/repositories/orders.py#L52-54"' in page


def test_an_excerpt_marks_the_naming_line_inside_its_statement(tmp_path):
    from depmap.model import Location
    from depmap.render.snippets import SourceReader, excerpt_html

    lines = [f"# line {n}" for n in range(1, 5)] + [
        'REPORT = """',  # 5
        "SELECT o.id, c.email",  # 6
        "FROM orders AS o",  # 7
        "JOIN customers AS c ON c.id = o.customer_id",  # 8
        "WHERE o.status = 'paid'",  # 9
        '"""',  # 10
    ] + [f"# line {n}" for n in range(11, 20)]
    (tmp_path / "report.py").write_text("\n".join(lines) + "\n")
    reader = SourceReader(tmp_path)

    def marked(location: Location) -> list[int]:
        page = excerpt_html(reader, location, "")
        shown = [int(n) for n in re.findall(r'<span class="linenos">\s*(\d+)</span>', page)]
        rows = page.split("\n")
        return [shown[i] for i, row in enumerate(rows[: len(shown)]) if 'class="hll"' in row]

    assert marked(Location("report.py", 8, 9, statement_line=6)) == [8]  # only the JOIN, inside 6..9
    assert marked(Location("report.py", 6, 9)) == [6, 7, 8, 9]  # a site that is its whole statement


def test_whole_row_loads_and_attribute_reads_are_marked_and_filterable(depmap, tmp_path):
    django = REPO / "samples" / "django_shop"
    page, document = write_reports(depmap, tmp_path, "impact", "customers_customer.nickname", "--type", "text", "--path", str(django))
    kinds = {(u["path"], u["line"], u["detail"]) for u in document["usages"]}
    assert ("customers/models.py", 16, "orm_attribute") in kinds  # `return self.email` in __str__
    assert ("orders/views.py", 39, "orm_load") in kinds  # get_object_or_404(Customer, ...)
    rows = outline(page).having("tr", "data-kind")
    assert rows.count("orm_attribute") == sum(1 for u in document["usages"] if u["detail"] == "orm_attribute") > 0
    assert rows.count("orm_load") == sum(1 for u in document["usages"] if u["detail"] == "orm_load") > 0
    assert rows.count("named") == sum(1 for u in document["usages"] if u["detail"] not in ("orm_attribute", "orm_load"))
    assert '<span class="tag">load the whole row</span>' in page and '<span class="tag">read the attribute</span>' in page
    assert outline(page).having("select", "class").count("filter-kind") == 1

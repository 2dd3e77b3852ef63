"""The mention search on a small Django shop: every line that names `shop_order` and that no fact
of it explains, with its reason, and nothing else.

The project names the table in a docstring, a comment, a log message, a template, a Python 2 file
depmap cannot parse, an unrelated attribute of the same word, an import and a type hint; its SQL
string that reaches `cursor.execute` and its querysets are usages, never mentions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from depmap.index.build import build_index
from depmap.mentions import Mention, find_mentions

FILES = {
    "shop/__init__.py": "",
    "shop/models.py": '''\
"""The shop's customers and their orders."""

from django.db import models


class Customer(models.Model):
    email = models.EmailField(unique=True)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    status = models.CharField(max_length=20, default="pending")
    placed_at = models.DateTimeField(auto_now_add=True)
''',
    "shop/services.py": '''\
"""Order workflows shared by the views and the nightly jobs."""

import logging

from django.db import connection

from shop.models import Customer, Order

log = logging.getLogger(__name__)


def pending_orders(customer: Customer) -> list[Order]:
    # Every pending Order of the customer, newest first.
    return list(Order.objects.filter(customer=customer, status="pending").order_by("-placed_at"))


def close(order_id: int) -> None:
    log.info("closing shop_order %s", order_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shop_order SET status = 'closed' "
            "WHERE id = %s",
            [order_id],
        )


def customers_waiting():
    return Customer.objects.filter(orders__status="pending").distinct()


def order_count(customer):
    return customer.orders.count()
''',
    "shop/exports.py": '''\
"""CSV exports for the accountants."""

import csv


class Batch:
    def __init__(self, rows):
        self.orders = list(rows)

    def write(self, handle):
        csv.writer(handle).writerows(self.orders)
''',
    "shop/legacy.py": 'from shop.models import Order\n\nprint "closing", Order.objects.count()\n',
    "shop/templates/shop/orders.html": """\
<h1>Your orders</h1>
<ul>
{% for order in customer.orders.all %}
  <li>{{ order.status }}</li>
{% endfor %}
</ul>
""",
    "db/reports.sql": """\
-- Orders per customer, straight from shop_order.
SELECT customer_id, count(*) AS n
FROM shop_order
GROUP BY customer_id;
""",
    "shop/static/app.min.js": "var orders=[];",  # minified bundles are never searched
    "yarn.lock": "orders@1.0.0:\n",  # nor lock files
}

PYTHON_2 = (
    "Python syntax error at line 3, column 1: Missing parentheses in call to 'print'. Did you mean print(...)? "
    "(Python 2 syntax? depmap reads Python 3 only)"
)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_every_unexplained_line_with_its_reason(shop: Path) -> None:
    index = build_index(shop, jobs=1)
    search = find_mentions(index, ["shop_order"])
    assert search.mentions == [
        Mention("db/reports.sql", 1, "comment", "-- Orders per customer, straight from shop_order."),
        Mention("shop/exports.py", 8, "other-name", "self.orders = list(rows)"),
        Mention("shop/exports.py", 11, "other-name", "csv.writer(handle).writerows(self.orders)"),
        Mention("shop/legacy.py", 1, "not-analysed", "from shop.models import Order", PYTHON_2),
        Mention("shop/legacy.py", 3, "not-analysed", 'print "closing", Order.objects.count()', PYTHON_2),
        Mention("shop/models.py", 1, "docstring", '"""The shop\'s customers and their orders."""'),
        Mention("shop/services.py", 1, "docstring", '"""Order workflows shared by the views and the nightly jobs."""'),
        Mention("shop/services.py", 7, "import", "from shop.models import Customer, Order"),
        Mention("shop/services.py", 12, "type-hint", "def pending_orders(customer: Customer) -> list[Order]:"),
        Mention("shop/services.py", 13, "comment", "# Every pending Order of the customer, newest first."),
        Mention("shop/services.py", 18, "string", 'log.info("closing shop_order %s", order_id)'),
        # `customer` is not known to be a Customer here: a usage depmap missed, the recall to-do.
        Mention("shop/templates/shop/orders.html", 1, "not-analysed", "<h1>Your orders</h1>", "no scanner reads .html files"),
        Mention("shop/templates/shop/orders.html", 3, "not-analysed", "{% for order in customer.orders.all %}", "no scanner reads .html files"),
    ]  # fmt: skip
    assert search.names == ("Order", "orders", "shop_order")
    # Seven files are searched (never the lock file and the bundle); all but the empty __init__.py hold a name.
    assert (search.files_searched, search.files_read, search.not_searched) == (7, 6, [])


def test_lines_the_analyses_explain_are_never_mentions(shop: Path) -> None:
    """The queryset (line 14), the SQL string that reaches `execute` (line 21), the lookup through
    the accessor (line 28), the SELECT (line 3) and the model's own class are usages or definitions."""
    index = build_index(shop, jobs=1)
    lines = {(m.path, m.line) for m in find_mentions(index, ["shop_order"]).mentions}
    explained = [("shop/services.py", 14), ("shop/services.py", 21), ("shop/services.py", 28), ("db/reports.sql", 3), ("shop/models.py", 10)]
    assert [where for where in explained if where in lines] == []


def test_an_excluded_folder_and_a_gitignored_file_are_not_searched(shop: Path) -> None:
    (shop / "pyproject.toml").write_text('[tool.depmap]\nexclude = ["shop/templates/"]\n')
    (shop / ".gitignore").write_text("shop/exports.py\n")
    search = find_mentions(build_index(shop, jobs=1), ["shop_order"])
    assert {m.path for m in search.mentions} == {"db/reports.sql", "shop/legacy.py", "shop/models.py", "shop/services.py"}


def test_a_file_over_the_size_limit_is_said_not_searched(shop: Path) -> None:
    (shop / "pyproject.toml").write_text("[tool.depmap]\nmax-file-bytes = 1000\n")
    (shop / "docs").mkdir()
    (shop / "docs" / "orders.md").write_text("The orders table.\n" * 100)
    search = find_mentions(build_index(shop, jobs=1), ["shop_order"])
    assert [(s.path, s.reason.split(" (")[0]) for s in search.not_searched] == [("docs/orders.md", "larger than 1000 bytes")]
    assert not any(m.path == "docs/orders.md" for m in search.mentions)


def test_the_foreign_key_to_a_table_is_inside_the_other_table_s_definition(shop: Path) -> None:
    search = find_mentions(build_index(shop, jobs=1), ["shop_customer"])
    assert [(m.path, m.line, m.why, m.detail) for m in search.mentions] == [
        ("shop/models.py", 11, "other-table", "inside the definition of shop_order"),
        ("shop/services.py", 7, "import", ""),
        ("shop/services.py", 12, "type-hint", ""),
    ]

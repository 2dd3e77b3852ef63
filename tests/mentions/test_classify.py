"""One reason per line: not analysed first, then what the words are part of (the most code-like
deciding), another table's statement, a string, and names linked or not to the model."""

from __future__ import annotations

import ast

from depmap.mentions.claims import Claims
from depmap.mentions.classify import FileView, ModelLinks, classify_lines, trimmed
from depmap.mentions.names import NameForm
from depmap.mentions.words import WordFinder
from depmap.model import ACCESS, PARSE_ERROR, Fact, Location
from depmap.orm.registry import Registry

FORMS = [
    NameForm("orders", "table"),
    NameForm("Order", "model", links=("shop.models.Order",)),
    NameForm("orders", "accessor", links=("shop.models.Customer", "shop.models.Order")),
]


def model(qualname: str) -> Fact:
    extra = {"framework": "django", "model": qualname, "bases": ["django.db.models.Model"], "fields": [], "is_model_root": True}
    return Fact("model", "", Location("shop/models.py", 1, 5, symbol=qualname), via="orm", extra=extra)


REGISTRY = Registry.build([model("shop.models.Order"), model("shop.models.Customer")])


def reasons(path: str, text: str, facts: list[Fact] = (), kind: str = "python", not_analysed: str | None = None) -> list[tuple]:
    view = FileView(path, kind, text, not_analysed)
    occurrences = WordFinder(FORMS).occurrences(text)
    found = classify_lines(view, occurrences, Claims(facts, {"orders"}), ModelLinks(REGISTRY.models))
    return [(m.line, m.why, m.detail) for m in found]


VIEWS = '''\
from shop.models import Order
from shop import models


def recent(customer):
    rows = Order.objects.recent()  # orders of the week
    customer.orders.count()
    orders = list(rows)
    return models.Order, orders
'''


def test_a_linked_model_and_accessor_are_unclassified_a_variable_is_another_name():
    assert reasons("shop/views.py", VIEWS) == [
        (1, "import", ""),
        (6, "unclassified", ""),  # the code outweighs the comment at the end of the line
        (7, "unclassified", ""),  # an accessor used as one, in a file importing its model
        (8, "other-name", ""),  # a variable named like the accessor
        (9, "unclassified", ""),  # models.Order through the imported module
    ]


def test_without_an_import_the_same_names_could_be_another_class():
    text = "def recent(customer):\n    return Order.objects.all(), customer.orders\n"
    assert reasons("billing/views.py", text) == [(2, "other-name", "")]


def test_a_claimed_line_is_no_mention_and_another_table_s_statement_says_so():
    facts = [Fact(ACCESS, "orders", Location("shop/views.py", 6, 6)), Fact(ACCESS, "customers", Location("shop/views.py", 7, 7))]
    assert reasons("shop/views.py", VIEWS, facts)[1:3] == [
        (7, "other-table", "inside a usage of customers"),
        (8, "other-name", ""),
    ]


def test_unparsed_sql_and_files_not_analysed():
    text = 'cur.execute("SELECT * FROM orders WHERE (")\n'
    unparsed = [Fact(PARSE_ERROR, "orders", Location("shop/raw.py", 1, 1), extra={"error": "Expected )"})]
    assert reasons("shop/raw.py", text, unparsed) == [(1, "not-analysed", "SQL not parsed: Expected )")]
    assert reasons("shop/page.html", "<p>{{ orders }}</p>\n", kind="other", not_analysed="no scanner reads .html files") == [
        (1, "not-analysed", "no scanner reads .html files")
    ]


def test_strings_and_prose_in_python_and_sql():
    text = '"""All orders."""\nlog.info("orders closed")\nx = 1  # orders\n'
    assert reasons("shop/jobs.py", text) == [(1, "docstring", ""), (2, "string", ""), (3, "comment", "")]
    assert reasons("db/x.sql", "-- orders\nselect 1 from orders;\n", kind="sql") == [(1, "comment", ""), (2, "unclassified", "")]


def test_a_long_line_is_trimmed_around_the_word():
    text = "    x = " + "a" * 300 + " orders " + "b" * 300 + "\n"
    occurrence = WordFinder(FORMS).occurrences(text)[0]
    shown = trimmed(text, occurrence)
    assert len(shown) == 162 and shown.startswith("…") and shown.endswith("…") and " orders " in shown
    assert trimmed("\tSELECT * FROM orders  \r\n", WordFinder(FORMS).occurrences("\tSELECT * FROM orders  \r\n")[0]) == "SELECT * FROM orders"


def test_star_imports_and_imports_from_below_the_scanned_root_link_the_model():
    registry = Registry.build([model("netbox.dcim.models.devices.Device"), model("netbox.ipam.models.ip.Prefix")])
    links = ModelLinks(registry.models)
    tree = ast.parse("from .models import *\n")
    assert links.of(tree, "netbox/dcim/views.py") == {"netbox.dcim.models.devices.Device"}
    tree = ast.parse("from dcim.models import Device\nfrom ipam import models as ipam\n")
    assert links.of(tree, "netbox/dcim/tests/test_views.py") == {"netbox.dcim.models.devices.Device", "netbox.ipam.models.ip.Prefix"}
    tree = ast.parse("from dcim.models import Site\nimport devices\n")
    assert links.of(tree, "netbox/other.py") == set()  # neither is a model, nor a module holding one
    assert links.of(None, "netbox/dcim/models/devices.py") == {"netbox.dcim.models.devices.Device"}  # defined there


def test_a_model_s_constants_and_exceptions_name_the_class_not_its_rows():
    text = (
        "from shop.models import Order\n"
        "\n"
        "\n"
        "def cancel(number):\n"
        "    try:\n"
        "        order = lookup(number, state=Order.STATE_OPEN)\n"
        "    except (Order.DoesNotExist, Order.MultipleObjectsReturned):\n"
        "        return None\n"
        "    order.state = Order.STATE_CANCELLED if Order.can_cancel(order) else order.state\n"
        "    return Order.SHIPPING_CLASS(order)\n"
    )
    assert reasons("shop/cancel.py", text) == [
        (1, "import", ""),
        (6, "class-attribute", ""),
        (7, "class-attribute", ""),
        (9, "unclassified", ""),  # Order.can_cancel(...) may well query: one use is enough
        (10, "unclassified", ""),  # a called UPPER_CASE name is no constant
    ]

"""A scanned Python file's objects are freed when its scan returns, without the garbage collector:
a visitor, its scopes and the syntax tree they hold form no reference cycle. Scan workers pause
nothing for this, but every cycle left is memory that waits for a collection (and a collection's
work); sqlglot's own trees (a node points at its parent) are the cycles that remain, in files with
SQL. libcst is not loaded for a file `ast` reads.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from typing import Iterator

from depmap.registry import scan_python_file
from depmap.scan_context import ScanContext

# Django models, queries and a raw SQL string: the ORM, Django-query and SQL-string analyses all run.
SHOP = '''
from django.db import connection, models


class Order(models.Model):
    status = models.CharField(max_length=20)
    total = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        db_table = "orders"


def open_orders():
    return Order.objects.filter(status="open").values("id", "total")


def close(order_id):
    sql = "UPDATE orders SET status = 'closed' WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [order_id])
'''

MODELS_ONLY = '''
from django.db import models


class Customer(models.Model):
    email = models.EmailField(unique=True)

    def __str__(self):
        return self.email


def recent(days):
    return Customer.objects.filter(email__endswith="@example.com").order_by("-id")[:days]
'''


@contextmanager
def _garbage_kinds() -> Iterator[Counter]:
    """The kinds of objects that only the garbage collector could free, left by the block."""
    kinds: Counter = Counter()
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield kinds
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kinds.update(f"{type(item).__module__}.{type(item).__qualname__}" for item in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.collect()
        if enabled:
            gc.enable()


def test_a_python_file_without_sql_leaves_no_garbage():
    scan_python_file("shop/customers.py", MODELS_ONLY, ScanContext())  # first use: lazy tables filled
    with _garbage_kinds() as kinds:
        result = scan_python_file("shop/customers.py", MODELS_ONLY, ScanContext())
    assert sorted(fact.kind for fact in result.facts) == ["model", "orm_access", "orm_access", "py_class"]
    assert kinds == Counter()


def test_only_sqlglot_trees_are_left_for_the_collector():
    scan_python_file("shop/orders.py", SHOP, ScanContext())
    with _garbage_kinds() as kinds:
        result = scan_python_file("shop/orders.py", SHOP, ScanContext())
    assert sorted((fact.table, fact.columns, fact.access) for fact in result.facts if fact.via == "sql") == [
        ("orders", ("id",), "read"), ("orders", ("status",), "write")]
    ours = sorted(kind for kind in kinds if kind.startswith(("depmap.", "ast.")))
    assert ours == []
    assert any(kind.startswith("sqlglot.") for kind in kinds)  # the parsed UPDATE: parent pointers


def test_scanning_valid_python_does_not_load_libcst():
    program = (
        "import sys\n"
        "from depmap.registry import scan_python_file\n"
        "from depmap.scan_context import ScanContext\n"
        f"result = scan_python_file('shop/orders.py', {SHOP!r}, ScanContext())\n"
        "print(len(result.facts) > 0, 'libcst' in sys.modules)\n"
        "scan_python_file('broken.py', 'from django.db import models\\nclass A(models.Model:\\n', ScanContext())\n"
        "print('libcst' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False", "True"]  # loaded once a file needs its reason worded

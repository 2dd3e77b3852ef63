"""Django ORM operations: ORM_ACCESS facts at the line where each chain starts.

Each test lists every ORM_ACCESS fact of a file as an `Access` row (line, enclosing function,
access, detail, model, name as written, fields, relation, all_fields, aliases, confidence); a
missing, extra or misplaced fact fails and prints both lists.
"""

from __future__ import annotations

from .django_facts import CUSTOMER, ORDER, ORDER_LINE, Access, accesses, assert_accesses, line_of, scan, source

from depmap.orm import symbols
from depmap.frameworks.django.queries import wants_django_queries

R, W = "read", "write"
Q, C, U, D, A = symbols.ORM_QUERY, symbols.ORM_CREATE, symbols.ORM_UPDATE, symbols.ORM_DELETE, symbols.ORM_ATTRIBUTE
PRODUCT = "shop.catalog.models.Product"
SHIPMENT = "shop.orders.models.Shipment"
VIEWS = "shop/orders/views.py"


def at(needle: str, path: str = VIEWS) -> int:
    return line_of(path, needle)


# -- the fixture project -----------------------------------------------------------------------------


def test_views_every_query_form():
    assert_accesses(
        VIEWS,
        [
            # a chain across lines sits on the line of `O.objects`; `O` is `Order` imported under an alias
            Access(at("        O.objects"), "order_list", R, Q, ORDER, "O",
                   ("status__in", "customer__email__iendswith", "customer", "lines", "-created_at", "id")),
            Access(at('queryset=OrderLine.objects.select_related("product")'), "order_list", R, Q, ORDER_LINE, "OrderLine", ("product",)),
            # get_object_or_404 reads; its result is an instance whose related manager is read too
            Access(at("get_object_or_404(O, pk=pk)"), "order_detail", R, Q, ORDER, "O", ("pk",)),
            Access(at("lines = order.lines.select_related"), "order_detail", R, Q, ORDER, "order", ("product", "id"), ("lines",)),
            # an instance from .get() saved without update_fields writes every field
            Access(at("order = O.objects.select_for_update().get(pk=pk)"), "cancel_order", R, Q, ORDER, "O", ("pk",)),
            Access(at("order.lines.all().delete()") - 1,
                   "cancel_order", W, U, ORDER, "order", all_fields=True),
            Access(at("order.lines.all().delete()"), "cancel_order", W, D, ORDER, "order", relation=("lines",)),
            # an annotated parameter, update_fields
            Access(at('order.save(update_fields=["status"])'), "mark_paid", W, U, ORDER, "order", ("status",)),
            # a constructor, an attribute set before the first save: one create
            # a new instance inserts where it is constructed (the model named), through its save()
            Access(at('order = O(customer=customer, status="new")'), "place_order", W, C, ORDER, "order", ("customer", "status", "note")),
            Access(at("OrderLine.objects.bulk_create("), "place_order", W, C, ORDER_LINE, "OrderLine", ("order", "product", "quantity", "amount")),
            # `models.Order` through the module; F() in an update is a read
            Access(at("models.Order.objects.filter(pk=order.pk)"), "place_order", R, Q, ORDER, "models.Order", ("pk", "total")),
            Access(at("models.Order.objects.filter(pk=order.pk)"), "place_order", W, U, ORDER, "models.Order", ("total",)),
            Access(at("O.objects.create(**payload)"), "place_order", W, C, ORDER, "O", all_fields=True),
            Access(at('for line in OrderLine.objects.filter(quantity=0)'), "restock", R, Q, ORDER_LINE, "OrderLine", ("quantity", "id")),
            Access(at('OrderLine.objects.bulk_update(batch, ["quantity"])'), "restock", W, U, ORDER_LINE, "OrderLine", ("quantity",)),
            # get_or_create: lookups are read, lookups and defaults are written; non-literal defaults: all
            Access(at("customer, created = Customer.objects.get_or_create("), "sync_customer", R, Q, CUSTOMER, "Customer", ("email",)),
            Access(at("customer, created = Customer.objects.get_or_create("), "sync_customer", W, C, CUSTOMER, "Customer",
                   ("email", "name", "loyalty_points")),
            Access(at("Customer.objects.update_or_create("), "sync_customer", R, Q, CUSTOMER, "Customer", ("email__iexact",)),
            Access(at("Customer.objects.update_or_create("), "sync_customer", W, C, CUSTOMER, "Customer", all_fields=True),
            Access(at("customer.delete()"), "sync_customer", W, D, CUSTOMER, "customer"),
            # related managers, annotate aliases, aggregate
            Access(at("customer = Customer.objects.get(pk=customer_id)"), "customer_summary", R, Q, CUSTOMER, "Customer", ("pk",)),
            Access(at("recent = customer.orders.filter("), "customer_summary", R, Q, CUSTOMER, "customer",
                   ("created_at__gte", "lines", "n_lines__gt"), ("orders",), aliases=("n_lines",)),
            Access(at("spent = customer.orders.aggregate("), "customer_summary", R, Q, CUSTOMER, "customer", ("total",), ("orders",)),
            Access(at("product.orderline_set.count()"), "product_sales", R, Q, PRODUCT, "product", relation=("orderline_set",)),
            # a custom queryset method is a read without fields; OuterRef of a subquery is the outer model's
            Access(at("paid = O.objects.paid().count()"), "dashboard", R, Q, ORDER, "O"),
            Access(at("with_lines = O.objects.annotate("), "dashboard", R, Q, ORDER, "O", ("pk", "has_lines"), aliases=("has_lines",)),
            Access(at("with_lines = O.objects.annotate("), "dashboard", R, Q, ORDER_LINE, "OrderLine", ("order",)),
            # not a model, but a resolved class: emitted, the linker drops it
            Access(at("FeatureFlags.objects.filter(enabled=True)"), "dashboard", R, Q, "shop.orders.flags.FeatureFlags", "FeatureFlags", ("enabled",)),
            Access(at("risky = O.objects.filter("), "dashboard", R, Q, ORDER, "O", ("status", "total__gt", "customer__loyalty_points")),
            # .get() then a related manager's add(): a write of the relation
            Access(at("Shipment.objects.get(pk=shipment_id).orders.add(order)"), "ship", R, Q, SHIPMENT, "Shipment", ("pk",)),
            Access(at("Shipment.objects.get(pk=shipment_id).orders.add(order)"), "ship", W, U, SHIPMENT, "Shipment", relation=("orders",)),
            Access(at("Shipment._default_manager.filter"), "ship", R, Q, SHIPMENT, "Shipment", ("carrier", "id")),
            # a parameter queried as a model: whatever model each caller passes (`depmap.orm.calls`)
            Access(at("model.objects.filter(pk=pk).first()"), "by_model_name", R, Q, None, "model", ("pk",)),
            # async twins
            Access(at("order = await O.objects.aget(pk=order_id)"), "order_note", R, Q, ORDER, "O", ("pk",)),
            Access(at('await order.asave(update_fields=["note"])'), "order_note", W, U, ORDER, "order", ("note",)),
            Access(at("O.objects.filter(customer_id=order.customer_id).acount()"), "order_note", R, Q, ORDER, "O", ("customer_id",)),
            # a class attribute belongs to the class
            Access(at('queryset = O.objects.select_related("customer").all()'), "OrderViewSet", R, Q, ORDER, "O", ("customer",)),
        ],  # unknown_save(obj): obj.save()/obj.delete() on an unknown class are not reported; nor is the docstring,
        # the string in `notes`, the list `orders.append`, or `instance.delete()` on an unannotated parameter
    )  # fmt: skip


def test_a_parameter_used_as_a_model_is_an_effect_of_its_function():
    result = scan(VIEWS)
    (fact,) = [f for f in result.facts if f.kind == symbols.ORM_ACCESS and f.extra["model"] is None]
    assert (fact.extra["receiver"], fact.extra["callable"]) == ("arg:0:model", "shop.orders.views.by_model_name")
    assert "reason" not in fact.extra and fact.snippet == "model.objects.filter(pk=pk).first()"
    assert fact.location.symbol == "shop.orders.views.by_model_name"


def test_multiline_chain_spans_its_lines_and_snippet_is_one_line():
    result = scan(VIEWS)
    (fact,) = [f for f in result.facts if f.kind == symbols.ORM_ACCESS and f.location.line == at("        O.objects")]
    assert fact.location.end_line == at('.order_by("-created_at", "id")')
    assert fact.snippet.startswith("O.objects .filter(status__in=") and "\n" not in fact.snippet
    assert len(fact.snippet) <= 160


def test_models_file_self_cls_and_queryset_methods():
    path = "shop/orders/models.py"
    qs = "model set by the manager built from"
    facts = assert_accesses(
        path,
        [
            # inside a QuerySet/Manager subclass the model is not known yet: low, with the class
            Access(line_of(path, 'return self.filter(status="paid")'), "OrderQuerySet.paid", R, Q, None, "self", ("status",), confidence="low"),
            Access(line_of(path, "return self.filter(Q(customer=customer)"), "OrderQuerySet.for_customer", R, Q, None, "self",
                   ("customer", "gift_for", "-created_at"), confidence="low"),
            Access(line_of(path, 'super().get_queryset().filter(status="archived")'), "ArchivedManager.get_queryset", R, Q, None, "self",
                   ("status",), confidence="low"),
            # `self` in a model's method is an instance of that model; `cls` in a classmethod is the model
            Access(line_of(path, 'self.save(update_fields=["status", "updated_at"])'), "Order.mark_paid", W, U, ORDER, "self",
                   ("status", "updated_at")),
            Access(line_of(path, "self.total = self.lines.aggregate("), "Order.recompute_total", R, Q, ORDER, "self", ("amount",), ("lines",)),
            Access(line_of(path, "self.total = self.lines.aggregate(") + 1, "Order.recompute_total", W, U, ORDER, "self", all_fields=True),
            Access(line_of(path, "return cls.objects.filter(customer=customer"), "Order.open_for", R, Q, ORDER, "cls", ("customer", "status")),
        ],
    ).facts
    lowered = [f for f in facts if f.confidence == "low"]
    assert [f.extra["queryset"] for f in lowered] == [
        "shop.orders.models.OrderQuerySet", "shop.orders.models.OrderQuerySet", "shop.orders.models.ArchivedManager"]
    assert all(f.extra["reason"].startswith(qs) for f in lowered)


def test_tasks_local_import_queryset_variable_loop_and_module_alias():
    path = "shop/orders/tasks.py"
    assert_accesses(
        path,
        [
            Access(line_of(path, "stale = Order.objects.filter("), "archive_old_orders", R, Q, ORDER, "Order", ("created_at__lt",)),
            # a queryset held in a variable: model_name is the name written at the site
            Access(line_of(path, 'stale.update(status="archived")'), "archive_old_orders", W, U, ORDER, "stale", ("status",)),
            Access(line_of(path, "for order in stale.iterator()"), "archive_old_orders", R, Q, ORDER, "stale"),
            Access(line_of(path, "order.tags.clear()"), "archive_old_orders", W, U, ORDER, "order", relation=("tags",)),
            Access(line_of(path, "stale.delete()"), "archive_old_orders", W, D, ORDER, "stale"),
            Access(line_of(path, "catalog.Product.objects.filter"), "cleanup", R, Q, PRODUCT, "catalog.Product", ("pk__in",)),
            Access(line_of(path, "catalog.Product.objects.filter"), "cleanup", W, D, PRODUCT, "catalog.Product"),
            # `.all().delete()` names no field: only the delete
            Access(line_of(path, "catalog.Tag.objects.all().delete()"), "cleanup", W, D, "shop.catalog.models.Tag", "catalog.Tag"),
        ],
    )  # fmt: skip


def test_definition_files_have_no_orm_access():
    # (an admin's changelist lookups are reads: test_models' admin test lists them)
    for path in ("shop/orders/serializers.py", "shop/orders/forms.py", "shop/orders/apps.py", "shop/catalog/models.py"):
        assert accesses(scan(path), path) == [], path


# -- awkward forms, one snippet each -----------------------------------------------------------------

MODULE = "shop/orders/services.py"
HEAD = '''\
from decimal import Decimal
from typing import Optional

from django.db.models import Count, F, QuerySet
from openpyxl import Workbook

from .models import Order, OrderLine
from .serializers import OrderSerializer
'''
SERVICE_ORDER = "shop.orders.models.Order"
SERVICE_LINE = "shop.orders.models.OrderLine"


def check(body: str, expected: list[Access]) -> None:
    text = HEAD + body
    for row in expected:
        assert row.line > HEAD.count("\n"), row
    assert_accesses(MODULE, expected, text)


def line(body: str, needle: str) -> int:
    return line_of(MODULE, needle, HEAD + body)


def test_instances_from_constructor_list_append_and_bulk_create():
    body = '''
def export(rows):
    batch = []
    for row in rows:
        batch.append(OrderLine(order_id=row.order, quantity=row.qty))
    OrderLine.objects.bulk_create(batch)
    more = [OrderLine(**row) for row in rows]
    OrderLine.objects.bulk_create(more, batch_size=100)
    OrderLine.objects.bulk_create(load_lines())
    book = Workbook()
    book.save("orders.xlsx")
    serializer = OrderSerializer(data=rows)
    serializer.save()
'''
    check(body, [
        Access(line(body, "OrderLine.objects.bulk_create(batch)"), "export", W, C, SERVICE_LINE, "OrderLine", ("order_id", "quantity")),
        Access(line(body, "OrderLine.objects.bulk_create(more"), "export", W, C, SERVICE_LINE, "OrderLine", all_fields=True),
        Access(line(body, "OrderLine.objects.bulk_create(load_lines())"), "export", W, C, SERVICE_LINE, "OrderLine", all_fields=True),
    ])  # fmt: skip  # Workbook.save("...") takes a file name: no model; a serializer's save is not attributed


def test_saves_create_then_update_force_insert_and_reassignment():
    body = '''
def flow(customer, other: Order):
    order = Order(customer=customer)
    order.save()
    order.status = "paid"
    order.save()
    other.save(force_insert=True)
    order = build_order()
    order.save()
    Order(status="draft", **defaults()).save()
'''
    check(body, [
        Access(line(body, "order = Order(customer=customer)"), "flow", W, C, SERVICE_ORDER, "order", ("customer",)),
        Access(line(body, 'order.status = "paid"') + 1, "flow", W, U, SERVICE_ORDER, "order", all_fields=True),
        Access(line(body, "other.save(force_insert=True)"), "flow", W, C, SERVICE_ORDER, "other", all_fields=True),
        Access(line(body, 'Order(status="draft", **defaults()).save()'), "flow", W, C, SERVICE_ORDER, "Order", ("status",), all_fields=True),
    ])  # fmt: skip  # after `order = build_order()` the name no longer holds a known model


def test_annotations_optional_union_string_and_queryset_parameters():
    body = '''
def settle(a: Optional[Order], b: "Order", c: Order | None, qs: QuerySet[Order], count: int):
    a.delete()
    b.refresh_from_db(fields=["status"])
    c.lines.update(quantity=F("quantity") + 1)
    qs.filter(total__gt=Decimal("10.00")).update(status="settled")
    local: Order = pick()
    local.save(update_fields=["total"])
'''
    check(body, [
        Access(line(body, "a.delete()"), "settle", W, D, SERVICE_ORDER, "a"),
        Access(line(body, 'b.refresh_from_db(fields=["status"])'), "settle", R, Q, SERVICE_ORDER, "b", ("status",)),
        Access(line(body, "c.lines.update("), "settle", R, Q, SERVICE_ORDER, "c", ("quantity",), ("lines",)),
        Access(line(body, "c.lines.update("), "settle", W, U, SERVICE_ORDER, "c", ("quantity",), ("lines",)),
        Access(line(body, "qs.filter(total__gt="), "settle", R, Q, SERVICE_ORDER, "qs", ("total__gt",)),  # Decimal("10.00") is no field
        Access(line(body, "qs.filter(total__gt="), "settle", W, U, SERVICE_ORDER, "qs", ("status",)),
        Access(line(body, 'local.save(update_fields=["total"])'), "settle", W, U, SERVICE_ORDER, "local", ("total",)),
    ])  # fmt: skip


def test_queryset_vocabulary_values_dates_in_bulk_indexing_and_rows():
    body = '''
def report(ids):
    Order.objects.values("status").annotate(n=Count("id")).order_by("-n")
    Order.objects.dates("created_at", "month")
    Order.objects.in_bulk(ids, field_name="reference")
    Order.objects.filter(status="new")[0].delete()
    Order.objects.order_by("?")[:10]
    for row in Order.objects.values("id", "total"):
        row.save()
    Order.objects.annotate(Count("lines")).filter(lines__count__gt=2)
    Order.objects.alias(spent=F("total")).filter(spent__gt=1).values(amount=F("total"))
'''
    check(body, [
        Access(line(body, 'values("status").annotate'), "report", R, Q, SERVICE_ORDER, "Order", ("status", "id", "-n"), aliases=("n",)),
        Access(line(body, 'Order.objects.dates('), "report", R, Q, SERVICE_ORDER, "Order", ("created_at",)),
        Access(line(body, "in_bulk(ids"), "report", R, Q, SERVICE_ORDER, "Order", ("reference",)),
        Access(line(body, '[0].delete()'), "report", R, Q, SERVICE_ORDER, "Order", ("status",)),
        Access(line(body, '[0].delete()'), "report", W, D, SERVICE_ORDER, "Order"),
        Access(line(body, 'order_by("?")'), "report", R, Q, SERVICE_ORDER, "Order", ("?",)),
        Access(line(body, 'for row in Order.objects.values("id", "total")'), "report", R, Q, SERVICE_ORDER, "Order", ("id", "total")),
        Access(line(body, 'annotate(Count("lines"))'), "report", R, Q, SERVICE_ORDER, "Order", ("lines", "lines__count__gt"),
               aliases=("lines__count",)),
        Access(line(body, "alias(spent="), "report", R, Q, SERVICE_ORDER, "Order", ("total", "spent__gt"), aliases=("spent", "amount")),
    ])  # fmt: skip  # rows from values() are dicts: row.save() is nothing


def test_managers_by_other_names_and_class_through_type_and_dunder_class():
    text = '''\
from django.db import models


class Order(models.Model):
    status = models.CharField(max_length=10)
    objects = models.Manager()
    paid_objects = PaidManager()
    shipped = ShippedManager()

    def siblings(self):
        return type(self).objects.exclude(pk=self.pk)

    def clone(self):
        return self.__class__.paid_objects.create(status=self.status)


def queries():
    Order.shipped.recent()
    Order.shipped.filter(status="x")
    Order.paid_objects.first()
    Order.status.count()
'''
    path = "shop/orders/models.py"
    assert_accesses(path, [
        Access(line_of(path, "type(self).objects", text), "Order.siblings", R, Q, ORDER, "type(self)", ("pk",)),
        Access(line_of(path, "self.__class__.paid_objects", text), "Order.clone", W, C, ORDER, "self.__class__", ("status",)),
        Access(line_of(path, "Order.shipped.recent()", text), "queries", R, Q, ORDER, "Order"),  # a manager this file declares
        Access(line_of(path, 'Order.shipped.filter(status="x")', text), "queries", R, Q, ORDER, "Order", ("status",)),
        Access(line_of(path, "Order.paid_objects.first()", text), "queries", R, Q, ORDER, "Order"),
    ], text)  # fmt: skip  # Order.status is a field of this file's model, not a manager


def test_negatives_lists_strings_docstrings_dicts_and_unknown_objects():
    body = '''
def noise(order_id, obj, payload):
    """Order.objects.filter(status="paid").update(status="x") in prose."""
    orders = []
    orders.append(order_id)
    text = "Order.objects.filter(pk=1).delete()"
    obj.save()
    obj.delete()
    obj.items.filter(status="x")
    payload.get("status")
    self_like = {"objects": []}
    self_like["objects"].append(1)
    order = Order.objects.get(pk=order_id)
    order.metadata.get("key")
    order.metadata.update({"a": 1})
    order.picture.save("name.png", content)
    return text
'''
    check(body, [
        # a related manager of an unknown receiver: the linker keeps it only if a model has `items`
        Access(line(body, 'obj.items.filter(status="x")'), "noise", R, Q, None, "obj", ("status",), relation=("items",)),
        Access(line(body, "order = Order.objects.get(pk=order_id)"), "noise", R, Q, SERVICE_ORDER, "Order", ("pk",)),
    ])  # fmt: skip


def test_nested_function_sees_the_enclosing_binding_and_module_level_code():
    body = '''
def outer(order: Order):
    def inner():
        order.save()
    return inner

ACTIVE = Order.objects.filter(status="active")
'''
    check(body, [
        Access(line(body, "        order.save()"), "outer.inner", W, U, SERVICE_ORDER, "order", all_fields=True),
        Access(line(body, "ACTIVE = "), "", R, Q, SERVICE_ORDER, "Order", ("status",)),
    ])  # fmt: skip


def test_queryset_class_private_helpers_are_not_queries():
    text = '''\
from django.db import models
from django.db.models import Q


class ReleaseQuerySet(models.QuerySet):
    def _by_version_q(self, version):
        return Q(release__version=version)

    def by_version(self, version):
        return self.filter(self._by_version_q(version))

    def newest(self):
        return self._chain().order_by("-release")
'''
    path = "shop/docs/models.py"
    reason = dict(confidence="low")
    assert_accesses(path, [
        Access(line_of(path, "return self.filter(self._by_version_q(version))", text), "ReleaseQuerySet.by_version", R, Q, None, "self", **reason),
        Access(line_of(path, 'return self._chain().order_by("-release")', text), "ReleaseQuerySet.newest", R, Q, None, "self", ("-release",), **reason),
    ], text)  # fmt: skip  # the Q built by the helper is opaque here


def test_star_import_model_is_a_low_confidence_guess_and_self_objects_is_ignored():
    text = '''\
from .models import *


def run(self):
    Order.objects.filter(status="x")
    self.objects.all()
    self.model.objects.filter(pk=1)
'''
    path = "shop/orders/jobs.py"
    assert_accesses(path, [
        Access(3 + 2, "run", R, Q, None, "Order", ("status",), confidence="low"),
        Access(3 + 4, "run", R, Q, None, "self.model", ("pk",), confidence="low"),
    ], text)  # fmt: skip


HELPERS = '''\
from __future__ import annotations

from typing import Optional, Tuple

from django.db import models
from django.db.models import QuerySet

from hc.api.models import Check


def _get_check_for_user(request, code, preload_owner_profile=False) -> tuple[Check, bool]:
    return Check.objects.get(code=code), True


def pause(request, code):
    check, rw = _get_check_for_user(request, code)
    check.status = "paused"
    check.save(update_fields=("status", "last_start", "alert_after"))
    check.ping_set.all().delete()
    rw.save()


def by_code(code) -> "Check": ...
def maybe(code) -> Optional[Check]: ...
def either(code) -> Check | None: ...
def active() -> QuerySet[Check]: ...
def labelled() -> Tuple[str, Check]: ...
class Report: ...
def report() -> Report: ...


class Ping(models.Model):
    kind = models.CharField(max_length=10)

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)

    def touch(self) -> None:
        self.save()


class CheckService:
    def load(self, code) -> Check: ...

    @classmethod
    def stale(cls) -> "QuerySet[Check]": ...

    def run(self, code):
        self.load(code).save()
        for check in self.stale():
            check.save(update_fields=["status"])


def use():
    a = by_code(1)
    a.save()
    maybe(2).delete()
    c = either(3)
    c.refresh_from_db(fields=["name"])
    active().filter(status="up").update(status="down")
    label, check = labelled()
    label.save()
    check.delete()
    r = report()
    r.save()
    first, *rest, last = labelled()
    first.save()
    last.save()


def shadowed(by_code):
    x = by_code()
    x.save()
'''
HC = "hc/front/views.py"
CHECK = "hc.api.models.Check"


def test_instances_from_this_modules_functions_by_their_return_annotations():
    def at(needle: str) -> int:
        return line_of(HC, needle, HELPERS)

    assert_accesses(HC, [
        Access(at("return Check.objects.get(code=code), True"), "_get_check_for_user", R, Q, CHECK, "Check", ("code",)),
        # `-> tuple[Check, bool]` unpacked positionally: `check` is the instance, `rw` nothing
        Access(at("check.save(update_fields=("), "pause", W, U, CHECK, "check", ("status", "last_start", "alert_after")),
        Access(at("check.ping_set.all().delete()"), "pause", W, D, CHECK, "check", relation=("ping_set",)),
        # `self.save()` annotated `-> None` is still the instance's save
        Access(at("        self.save()"), "Ping.touch", W, U, "hc.front.views.Ping", "self", all_fields=True),
        # methods of the same class through self./cls.; a queryset iterated
        Access(at("self.load(code).save()"), "CheckService.run", W, U, CHECK, "self.load", all_fields=True),
        Access(at('check.save(update_fields=["status"])'), "CheckService.run", W, U, CHECK, "check", ("status",)),
        # "Check", Optional[Check], Check | None, QuerySet[Check]
        Access(at("    a.save()"), "use", W, U, CHECK, "a", all_fields=True),
        Access(at("maybe(2).delete()"), "use", W, D, CHECK, "maybe"),
        Access(at('c.refresh_from_db(fields=["name"])'), "use", R, Q, CHECK, "c", ("name",)),
        Access(at('active().filter(status="up")'), "use", R, Q, CHECK, "active", ("status",)),
        Access(at('active().filter(status="up")'), "use", W, U, CHECK, "active", ("status",)),
        # `-> Tuple[str, Check]` unpacked as `label, check`: only the second is an instance
        Access(at("    check.delete()"), "use", W, D, CHECK, "check"),
    ], HELPERS)  # fmt: skip  # `-> Report` (a class of this file, no model), elements after a star, a parameter
    # shadowing a function of the module: nothing


# -- prefilter ---------------------------------------------------------------------------------------


def test_prefilter():
    for path in ("shop/orders/views.py", "shop/orders/tasks.py", "shop/orders/models.py", "shop/core/models.py"):
        assert wants_django_queries(source(path)), path
    assert not wants_django_queries("def total(xs):\n    return sum(x.amount for x in xs)\n")
    assert wants_django_queries("def f(c):\n    return c.order_set.all()\n")


# -- the line of each field's first reference --------------------------------------------------------


def field_lines(body: str) -> dict[tuple[int, str], dict[str, int]]:
    result = scan(MODULE, HEAD + body)
    return {(f.location.line, f.access): f.extra.get("field_lines", {}) for f in result.facts if f.kind == symbols.ORM_ACCESS}


def test_a_chain_over_several_lines_gives_each_field_its_first_line():
    body = '''
def open_orders(email):
    return Order.objects.filter(
        status="open",
        customer__email=email,
    ).values("id", "total").order_by(
        "-created_at",
        "id",
    )
'''
    start = line(body, "return Order.objects.filter(")
    # `id` is first named by values(), the line above order_by's; `status` and the others each at theirs
    assert field_lines(body) == {
        (start, "read"): {"status": start + 1, "customer__email": start + 2, "id": start + 3, "total": start + 3,
                          "-created_at": start + 4},
    }  # fmt: skip


def test_create_kwargs_and_update_values_each_at_their_line():
    body = '''
def place(customer, total):
    Order.objects.create(customer=customer,
                         status="new",
                         total=total)
    Order.objects.filter(
        status="new",
    ).update(
        status="open",
    )
'''
    create, update = line(body, "Order.objects.create("), line(body, "Order.objects.filter(")
    # a field on the call's own line is at the fact's line; an update writes where update() names it
    assert field_lines(body) == {
        (create, "write"): {"status": create + 1, "total": create + 2},
        (update, "read"): {"status": update + 1},
        (update, "write"): {"status": update + 3},
    }


def test_select_and_prefetch_related_paths_are_recorded_as_loaded_whole():
    body = '''
from django.db.models import Prefetch


def confirm(number):
    order = Order.objects.select_related("customer", "shipping_address").get(number=number)
    lines = OrderLine.objects.prefetch_related(
        "product__category",
        Prefetch("order", queryset=Order.objects.only("id")),
    ).filter(order=order)
    plain = Order.objects.filter(status="paid").values("id")
    return order, lines, plain
'''
    facts = [f for f in scan(MODULE, HEAD + body).facts if f.kind == symbols.ORM_ACCESS]
    related = sorted((f.location.line, f.extra["model_name"], tuple(f.extra.get("related", ()))) for f in facts)
    assert related == [
        (line(body, 'select_related("customer"'), "Order", ("customer", "shipping_address")),
        (line(body, "lines = OrderLine"), "OrderLine", ("product__category", "order")),
        (line(body, 'Prefetch("order"'), "Order", ()),  # the inner queryset is a query of its own
        (line(body, "plain = Order"), "Order", ()),
    ]


def test_attributes_of_self_hold_their_model_in_every_method_of_the_class():
    body = '''
class OrderNotifyTests(TestCase):
    def setUp(self):
        self.line = OrderLine.objects.create(quantity=1)

    def test_it_inserts_the_draft(self):
        self._prepare("draft")
        self.order.save()  # the draft
        self.order.delete()

    def test_lines(self):
        self.line.refresh_from_db()
        self.line.order.lines.filter(quantity__gt=1).exists()

    def _prepare(self, status):
        self.order = Order(customer=self.customer)
        self.order.status = status
        self.cached = Order.objects.filter(status=status)

class Unrelated:
    def run(self):
        self.order.save()  # not an Order here
'''
    check(body, [
        Access(line(body, "self.line = OrderLine.objects.create(quantity=1)"), "OrderNotifyTests.setUp", W, C, SERVICE_LINE, "OrderLine", ("quantity",)),
        # built in a helper defined further down, with a field set there: an INSERT of both fields
        Access(line(body, "self.order.save()  # the draft"), "OrderNotifyTests.test_it_inserts_the_draft", W, C, SERVICE_ORDER, "self.order", ("customer", "status")),
        Access(line(body, "self.order.delete()"), "OrderNotifyTests.test_it_inserts_the_draft", W, D, SERVICE_ORDER, "self.order"),
        Access(line(body, "self.line.refresh_from_db()"), "OrderNotifyTests.test_lines", R, Q, SERVICE_LINE, "self.line"),
        Access(line(body, "self.line.order.lines.filter("), "OrderNotifyTests.test_lines", R, Q, SERVICE_LINE, "self.line", ("quantity__gt",), relation=("order", "lines")),
        Access(line(body, "self.cached = Order.objects.filter(status=status)"), "OrderNotifyTests._prepare", R, Q, SERVICE_ORDER, "Order", ("status",)),
    ])  # fmt: skip  # another class's `self.order` holds nothing


def test_attribute_reads_and_queries_that_load_rows_whole():
    body = '''
def invoice(order_id, other: Order):
    order = Order.objects.get(pk=order_id)
    due = order.total - order.customer.credit
    order.save()
    for line in order.lines.all():
        print(line.quantity, line.order_id)
    first = Order.objects.only("number").first()
    numbers = Order.objects.values_list("number", flat=True)
    return due, other.note, first.number
'''
    text = HEAD + body
    result = assert_accesses(MODULE, [
        Access(line(body, "order = Order.objects.get"), "invoice", R, Q, SERVICE_ORDER, "Order", ("pk",)),
        # attribute reads of the rows held: one fact per attribute, the linker keeps the fields
        Access(line(body, "due = "), "invoice", R, A, SERVICE_ORDER, "order", ("total",)),
        Access(line(body, "due = "), "invoice", R, A, SERVICE_ORDER, "order", ("customer",)),
        Access(line(body, "order.save()"), "invoice", W, U, SERVICE_ORDER, "order", all_fields=True),
        Access(line(body, "for line in order.lines.all()"), "invoice", R, A, SERVICE_ORDER, "order", ("lines",)),
        Access(line(body, "for line in order.lines.all()"), "invoice", R, Q, SERVICE_ORDER, "order", relation=("lines",)),
        Access(line(body, "print(line.quantity"), "invoice", R, A, SERVICE_ORDER, "line", ("quantity",), relation=("lines",)),
        Access(line(body, "print(line.quantity"), "invoice", R, A, SERVICE_ORDER, "line", ("order_id",), relation=("lines",)),
        Access(line(body, "first = "), "invoice", R, Q, SERVICE_ORDER, "Order", ("number",)),
        Access(line(body, "numbers = "), "invoice", R, Q, SERVICE_ORDER, "Order", ("number",)),
        Access(line(body, "return due"), "invoice", R, A, SERVICE_ORDER, "other", ("note",)),
        Access(line(body, "return due"), "invoice", R, A, SERVICE_ORDER, "first", ("number",)),
    ], text, attributes=True)  # fmt: skip
    # get() and a `for` over a related manager load whole rows; only() and values_list() do not
    rows = sorted(f.location.line for f in result.facts if f.kind == symbols.ORM_ACCESS and f.extra.get("rows"))
    assert rows == [line(body, "order = Order.objects.get"), line(body, "for line in order.lines.all()")]

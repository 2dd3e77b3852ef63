"""Django definitions: MODEL, APP_CONFIG and EXPOSURE facts of one file at a time.

The fixture project under `fixtures/shop` is a small shop (core, customers, catalog, orders apps);
each test names the exact facts a file yields, so a missing, extra or misplaced one fails.
"""

from __future__ import annotations

import ast
from typing import Any

from .django_facts import CUSTOMER, ORDER, ORDER_LINE, assert_rows, facts_of, line_of, scan, source

from depmap.model import READ, WRITE
from depmap.orm import symbols
from depmap.frameworks.django.models import model_classes, wants_django_models
from depmap.python.module_names import module_name_for
from depmap.python.tree import ParsedTree, SourceText

ORDERS = "shop/orders/models.py"


def field(name: str, line: int, type_: str, kind: str = "column", **spec: Any) -> dict[str, Any]:
    base = {
        "name": name, "line": line, "kind": kind, "db_column": None, "type": type_, "nullable": False,
        "default": None, "db_default": None, "primary_key": False, "unique": False,
        "related_model": None, "related_name": None, "through": None,
    }  # fmt: skip
    return {**base, **spec}


def model_rows(path: str, text: str | None = None) -> list[tuple]:
    """(line, class, root?, bases, abstract, proxy, table, app_label, field names) per MODEL fact."""
    rows = []
    for fact in facts_of(scan(path, text, queries=False), symbols.MODEL):
        extra = fact.extra
        assert fact.location.symbol == extra["model"] and extra["framework"] == "django" and extra["schema"] is None
        rows.append(
            (
                fact.location.line,
                extra["model"].rsplit(".", 1)[-1],
                extra["is_model_root"],
                tuple(extra["bases"]),
                extra["abstract"],
                extra["proxy"],
                extra["table"],
                extra["app_label"],
                tuple(f["name"] for f in extra["fields"]),
            )
        )
    return rows


def exposure_rows(path: str, text: str | None = None, access: str = READ) -> list[tuple]:
    """(line, symbol, detail, model, model_name, fields, exclude, automatic, confidence) per EXPOSURE
    of that access; only an admin writes (its add, change and delete views), beside its read."""
    rows = []
    facts = facts_of(scan(path, text, queries=False), symbols.EXPOSURE)
    assert all(f.access == READ or (f.access == WRITE and f.detail == "admin") for f in facts)
    for fact in facts:
        if fact.access != access:
            continue
        extra = fact.extra
        fields = extra["fields"] if not isinstance(extra["fields"], list) else tuple(extra["fields"])
        rows.append(
            (fact.location.line, fact.location.symbol, fact.detail, extra["model"], extra["model_name"],
             fields, tuple(extra["exclude"]), extra["automatic"], fact.confidence)
        )  # fmt: skip
    return rows


# -- models ------------------------------------------------------------------------------------------


def test_every_model_of_the_orders_app_with_its_meta():
    assert_rows(
        model_rows(ORDERS),
        [
            (line_of(ORDERS, "class Order(TimeStampedModel)"), "Order", False, ("shop.core.models.TimeStampedModel",),
             False, False, "sales_order", None, ("customer", "gift_for", "status", "total", "note", "reference", "tags")),
            (line_of(ORDERS, "class OrderLine("), "OrderLine", True, ("django.db.models.Model",),
             False, False, None, "orders", ("order", "product", "quantity", "amount")),
            (line_of(ORDERS, "class PaidOrder("), "PaidOrder", False, (ORDER,), False, True, None, None, ()),
            (line_of(ORDERS, "class Shipment("), "Shipment", True, ("django.db.models.Model",),
             False, False, None, None, ("id", "orders", "carrier")),
            (line_of(ORDERS, "class ShipmentOrder("), "ShipmentOrder", True, ("django.db.models.Model",),
             False, False, None, None, ("shipment", "order")),
        ],
    )  # fmt: skip


def test_field_specs_of_order():
    (order,) = [f for f in facts_of(scan(ORDERS, queries=False), symbols.MODEL) if f.extra["model"] == ORDER]
    assert order.location.end_line == line_of(ORDERS, 'return cls.objects.filter(customer=customer')
    assert order.extra["fields"] == [
        field("customer", line_of(ORDERS, "customer = models.ForeignKey"), "ForeignKey", "foreign_key",
              related_model="customers.Customer", related_name="orders"),
        field("gift_for", line_of(ORDERS, "gift_for = models.ForeignKey("), "ForeignKey", "foreign_key", nullable=True,
              related_model="customers.Customer", related_name="gifts", db_column="gift_customer_id"),
        field("status", line_of(ORDERS, "status = CharField("), "CharField", default="Status.NEW"),
        field("total", line_of(ORDERS, "total = models.DecimalField"), "DecimalField", default='Decimal("0.00")'),
        field("note", line_of(ORDERS, "note = models.TextField"), "TextField", nullable=True),
        field("reference", line_of(ORDERS, "reference = models.UUIDField"), "UUIDField", unique=True, db_default="RandomUUID()"),
        field("tags", line_of(ORDERS, "tags = models.ManyToManyField"), "ManyToManyField", "many_to_many",
              related_model="catalog.Tag"),
    ]  # fmt: skip
    assert order.extra["attributes"] == ["Status", "objects", "archived", "__str__", "is_paid", "mark_paid", "recompute_total", "open_for"]
    assert order.extra["managers"] == {"objects": "shop.orders.models.OrderQuerySet", "archived": "shop.orders.models.ArchivedManager"}


def test_relations_qualified_through_imports_and_m2m_through_kept_as_written():
    facts = {f.extra["model"]: f for f in facts_of(scan(ORDERS, queries=False), symbols.MODEL)}
    line = {f["name"]: f for f in facts[ORDER_LINE].extra["fields"]}
    assert line["order"]["related_model"] == ORDER and line["order"]["related_name"] == "lines"
    assert line["product"]["related_model"] == "shop.catalog.models.Product"
    (orders,) = [f for f in facts["shop.orders.models.Shipment"].extra["fields"] if f["name"] == "orders"]
    assert (orders["kind"], orders["related_model"], orders["through"], orders["related_name"]) == (
        "many_to_many", ORDER, "ShipmentOrder", "shipments")
    (identifier,) = [f for f in facts["shop.orders.models.Shipment"].extra["fields"] if f["name"] == "id"]
    assert identifier["primary_key"] is True and identifier["type"] == "BigAutoField"
    (carrier,) = [f for f in facts["shop.orders.models.Shipment"].extra["fields"] if f["name"] == "carrier"]
    assert carrier["db_column"] == "carrier_code"


def test_querysets_managers_and_choices_are_not_models():
    names = {row[1] for row in model_rows(ORDERS)}
    assert not names & {"OrderQuerySet", "ArchivedManager", "Status"}


def test_abstract_base_shipped_abstract_user_subclass_of_same_file_model_and_plain_mixin():
    path = "shop/customers/models.py"
    assert_rows(
        model_rows(path),
        [
            (line_of(path, "class User("), "User", True, ("django.contrib.auth.models.AbstractUser",), False, False, None, None, ("phone",)),
            (line_of(path, "class Customer("), "Customer", False, ("shop.core.models.TimeStampedModel",), False, False, None, None,
             ("user", "email", "name", "loyalty_points", "referred_by")),
            (line_of(path, "class VipCustomer("), "VipCustomer", False, (CUSTOMER,), False, False, None, None, ("tier",)),
        ],  # AuditMixin has no base: Django ignores fields on plain mixins
    )  # fmt: skip
    assert_rows(
        model_rows("shop/core/models.py"),
        [(6, "TimeStampedModel", True, ("django.db.models.Model",), True, False, None, None, ("created_at", "updated_at"))],
    )
    customer = facts_of(scan(path, queries=False), symbols.MODEL)[1].extra
    specs = {f["name"]: f for f in customer["fields"]}
    assert specs["user"]["kind"] == "one_to_one" and specs["user"]["related_model"] == "shop.customers.models.User"
    assert specs["referred_by"]["related_model"] == "self" and specs["referred_by"]["nullable"] is True
    assert specs["email"]["unique"] is True
    assert (specs["loyalty_points"]["default"], specs["loyalty_points"]["db_default"]) == ("0", "0")
    assert specs["name"]["type"] == "CharField"  # the verbose name positional is not a relation
    assert customer["attributes"] == ["__str__"]


def test_fields_imported_directly_from_django_db_models():
    path = "shop/catalog/models.py"
    assert_rows(
        model_rows(path),
        [
            (4, "Tag", True, ("django.db.models.Model",), False, False, None, None, ("slug",)),
            (8, "Product", True, ("django.db.models.Model",), False, False, None, None, ("sku", "tag")),
        ],
    )
    product = facts_of(scan(path, queries=False), symbols.MODEL)[1].extra["fields"]
    assert product[1]["kind"] == "foreign_key" and product[1]["related_model"] == "shop.catalog.models.Tag"
    assert product[1]["nullable"] is True


BASES_ELSEWHERE = '''\
from django.db import models
from pydantic import BaseModel
from django import forms

from djmoney.models.fields import MoneyField
from shop.core.base import AuditedModel, Unrelated
from shop.orders.models import Order


class PaidOrder(Order):
    class Meta:
        proxy = True


class Refund(AuditedModel):
    amount = MoneyField(max_digits=10, decimal_places=2)


class Voucher(Unrelated):
    code = models.CharField(max_length=12, null=some_setting())


class Payload(BaseModel):
    amount: int = 0


class ContactForm(forms.Form):
    email = forms.EmailField()


class Helper(Unrelated):
    label = "not a model"
'''


def test_bases_defined_elsewhere_need_evidence_in_the_body():
    path = "shop/payments/models.py"
    assert_rows(
        model_rows(path, BASES_ELSEWHERE),
        [
            (10, "PaidOrder", False, (ORDER,), False, True, None, None, ()),  # Meta.proxy: only models have it
            (15, "Refund", False, ("shop.core.base.AuditedModel",), False, False, None, None, ("amount",)),  # ...Model + a field
            (19, "Voucher", False, ("shop.core.base.Unrelated",), False, False, None, None, ("code",)),  # a django field
        ],
    )
    voucher = facts_of(scan(path, BASES_ELSEWHERE, queries=False), symbols.MODEL)[2].extra["fields"][0]
    assert voucher["nullable"] is None  # `null=` is not a literal: unknown


def test_aliased_imports_and_django_model_import_styles():
    text = '''\
    import django.db.models
    from django.db import models as m
    from django.db.models import Model as DjangoModel


    class A(django.db.models.Model):
        name = django.db.models.CharField(max_length=10)


    class B(m.Model):
        a = m.ForeignKey(A, on_delete=m.CASCADE)


    class C(DjangoModel):
        b = m.OneToOneField(to="B", on_delete=m.CASCADE, primary_key=True)
    '''
    rows = model_rows("app/models.py", text)
    assert [(r[1], r[2], r[3]) for r in rows] == [(n, True, ("django.db.models.Model",)) for n in "ABC"]
    c = facts_of(scan("app/models.py", text, queries=False), symbols.MODEL)[2].extra["fields"][0]
    assert (c["kind"], c["related_model"], c["primary_key"]) == ("one_to_one", "B", True)
    b = facts_of(scan("app/models.py", text, queries=False), symbols.MODEL)[1].extra["fields"][0]
    assert b["related_model"] == "app.models.A"


def test_model_classes_for_the_query_analysis():
    text = source(ORDERS)
    parsed = ParsedTree(ORDERS, module_name_for(ORDERS), ast.parse(text), SourceText(text))
    models = model_classes(parsed)
    assert sorted(models) == ["Order", "OrderLine", "PaidOrder", "Shipment", "ShipmentOrder"]
    assert models["Order"].managers["objects"] == "shop.orders.models.OrderQuerySet"


# -- app configs -------------------------------------------------------------------------------------


def test_app_config_name_and_label():
    path = "shop/orders/apps.py"
    (fact,) = scan(path).facts
    assert (fact.kind, fact.location.line, fact.location.symbol, fact.extra) == (
        symbols.APP_CONFIG, 4, "shop.orders.apps.OrdersConfig", {"name": "shop.orders", "label": "sales"})
    text = "from django import apps\n\nclass BillingConfig(apps.AppConfig):\n    name = 'shop.billing'\n"
    (fact,) = scan("shop/billing/apps.py", text).facts
    assert fact.extra == {"name": "shop.billing", "label": None}


# -- exposures ---------------------------------------------------------------------------------------


def test_serializers_with_all_fields_listed_fields_inherited_meta_and_exclude():
    path = "shop/orders/serializers.py"
    module = "shop.orders.serializers"
    assert_rows(
        exposure_rows(path),
        [
            (line_of(path, "class OrderLineSerializer("), f"{module}.OrderLineSerializer", "serializer", ORDER_LINE, "OrderLine",
             ("id", "product", "quantity", "amount"), (), False, "high"),
            (line_of(path, "class OrderSerializer("), f"{module}.OrderSerializer", "serializer", ORDER, "Order",
             "__all__", (), True, "high"),
            (line_of(path, "class OrderDetailSerializer("), f"{module}.OrderDetailSerializer", "serializer", ORDER, "Order",
             "__all__", (), True, "high"),
            (line_of(path, "class CustomerSerializer("), f"{module}.CustomerSerializer", "serializer", CUSTOMER,
             "customer_models.Customer", None, ("loyalty_points",), True, "high"),
        ],  # RefundSerializer is a plain Serializer: no model, no exposure, and its CharField is no column
    )  # fmt: skip
    assert facts_of(scan(path), symbols.MODEL) == []


def test_model_form_and_plain_form():
    path = "shop/orders/forms.py"
    assert_rows(
        exposure_rows(path),
        [(6, "shop.orders.forms.OrderNoteForm", "form", ORDER, "Order", ("note",), (), False, "high")],
    )
    assert facts_of(scan(path), symbols.MODEL) == []


def test_admin_registered_by_decorator_by_site_register_and_inline():
    path = "shop/orders/admin.py"
    module = "shop.orders.admin"
    assert_rows(
        exposure_rows(path),
        [
            (line_of(path, "class OrderLineInline("), f"{module}.OrderLineInline", "admin", ORDER_LINE, "OrderLine",
             "__all__", (), True, "high"),
            (line_of(path, "@admin.register(Order)"), f"{module}.OrderAdmin", "admin", ORDER, "Order", "__all__", (), True, "high"),
            (line_of(path, "admin.site.register(Shipment, ShipmentAdmin)"), f"{module}.ShipmentAdmin", "admin",
             "shop.orders.models.Shipment", "Shipment", ("carrier", "orders"), (), False, "high"),
            (line_of(path, "admin.site.register(models.PaidOrder)"), module, "admin", "shop.orders.models.PaidOrder",
             "models.PaidOrder", "__all__", (), True, "high"),
        ],
    )  # fmt: skip
    # each admin also writes what it shows, at the same registration
    assert exposure_rows(path, access=WRITE) == exposure_rows(path)
    order_admin, _ = [f for f in facts_of(scan(path), symbols.EXPOSURE) if f.extra["model"] == ORDER]
    assert order_admin.extra["list_display"] == ["id", "customer", "status", "total"]
    # the changelist filters, searches, orders and joins: reads of those lookups at their lines
    reads = [(f.location.line, f.extra["model"], f.extra["fields"], f.extra.get("related"), f.detail)
             for f in facts_of(scan(path), symbols.ORM_ACCESS)]
    assert reads == [
        (line_of(path, "list_filter = "), ORDER, ["status", "created_at", "customer__is_vip"], None, "orm_query"),
        (line_of(path, "search_fields = "), ORDER, ["id", "customer__email", "note"], None, "orm_query"),
        (line_of(path, "ordering = "), ORDER, ["created_at"], None, "orm_query"),
        (line_of(path, "list_select_related = "), ORDER, [], ["customer"], "orm_query"),
    ]


ADMIN_FORMS = '''\
from django.contrib import admin
from django.contrib.admin import ModelAdmin

from shop.core.admin import AuditAdmin
from .models import Coupon, Campaign, Banner, Voucher


@admin.register(Coupon, Campaign)
class MarketingAdmin(ModelAdmin):
    fields = ["code", "starts_at"]
    exclude = ("internal_note",)


class BannerAdmin(AuditAdmin):
    pass


admin.site.register([Banner, Voucher])
admin.site.register(Banner, AuditAdmin)
for model in (Coupon, Campaign):
    admin.site.register(model)


class Unregistered(admin.ModelAdmin):
    list_display = ["code"]
'''


def test_admin_forms_of_registration():
    path = "shop/marketing/admin.py"
    module = "shop.marketing.admin"
    rows = exposure_rows(path, ADMIN_FORMS)
    assert_rows(
        rows,
        [
            (8, f"{module}.MarketingAdmin", "admin", "shop.marketing.models.Coupon", "Coupon", ("code", "starts_at"), ("internal_note",), True, "high"),
            (8, f"{module}.MarketingAdmin", "admin", "shop.marketing.models.Campaign", "Campaign", ("code", "starts_at"), ("internal_note",), True, "high"),
            (18, module, "admin", "shop.marketing.models.Banner", "Banner", "__all__", (), True, "high"),
            (18, module, "admin", "shop.marketing.models.Voucher", "Voucher", "__all__", (), True, "high"),
            (19, module, "admin", "shop.marketing.models.Banner", "Banner", None, (), False, "medium"),
        ],  # BannerAdmin and Unregistered bind no model; the loop variable is no model name
    )  # fmt: skip
    medium = [f for f in facts_of(scan(path, ADMIN_FORMS), symbols.EXPOSURE) if f.confidence == "medium"]
    assert medium[0].extra["reason"] == "admin class defined in another module"


def test_serializer_on_a_base_defined_elsewhere_is_a_guess():
    text = '''\
    from shop.api.base import BaseSerializer
    from .models import Order

    class OrderExportSerializer(BaseSerializer):
        class Meta:
            model = Order
            fields = BaseSerializer.Meta.fields + ["total"]
    '''
    path = "shop/exports/serializers.py"
    assert exposure_rows(path, text) == [
        (4, "shop.exports.serializers.OrderExportSerializer", "serializer", "shop.exports.models.Order", "Order", None, (), False, "medium")
    ]


# -- prefilter ---------------------------------------------------------------------------------------


def test_prefilter_keeps_definition_files_and_skips_the_rest():
    for path in ("shop/orders/models.py", "shop/customers/models.py", "shop/orders/apps.py", "shop/orders/admin.py",
                 "shop/orders/serializers.py", "shop/orders/forms.py", "shop/catalog/models.py"):  # fmt: skip
        assert wants_django_models(source(path)), path
    assert not wants_django_models("def total(xs):\n    return sum(x.amount for x in xs)\n")


def test_a_class_based_on_a_models_module_is_no_django_model_in_a_file_without_django() -> None:
    # Flask apps have `models` modules too: redash's flask-login user classes are no models.
    source = (
        "from flask_login import AnonymousUserMixin\n"
        "\n"
        "from redash.models.users import PermissionsCheckMixin\n"
        "\n"
        "\n"
        "class AnonymousUser(AnonymousUserMixin, PermissionsCheckMixin):\n"
        "    @property\n"
        "    def permissions(self):\n"
        "        return []\n"
    )
    from depmap.scan_context import ScanContext
    from depmap.frameworks.django.models import DJANGO_MODELS
    from depmap.python.scanner import scan_python

    assert scan_python("redash/auth_users.py", source, ScanContext(), analyses=(DJANGO_MODELS,)).facts == []


def test_an_admin_typed_as_a_generic_is_still_an_admin():
    text = '''\
from django.contrib import admin
from django.contrib.admin import ModelAdmin

from .models import Flip


@admin.register(Flip)
class FlipsAdmin(ModelAdmin[Flip]):
    list_display = ("id", "created", "processed")
    raw_id_fields = ("owner",)
'''
    path = "hc/api/admin.py"
    expected = [(7, "hc.api.admin.FlipsAdmin", "admin", "hc.api.models.Flip", "Flip", "__all__", (), True, "high")]
    assert exposure_rows(path, text) == expected
    assert exposure_rows(path, text, access=WRITE) == expected

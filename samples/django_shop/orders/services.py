"""Order workflows shared by the API views, the admin and the nightly jobs."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from catalog import models as catalog_models
from customers.models import Address, Customer, LoyaltyAccount
from orders.models import Order, OrderLine

POINTS_PER_EURO = 1
STALE_AFTER = timedelta(days=3)


class OutOfStock(Exception):
    """A product on the order has fewer units left than requested."""


def _order_number() -> str:
    return f"SO-{timezone.now():%y%m}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def place_order(
    customer: Customer,
    items: dict[int, int],
    *,
    address: Address | None = None,
    discount_code: str = "",
) -> Order:
    """Creates an order for ``items`` (product id -> quantity) and reserves the stock."""
    products = catalog_models.Product.objects.select_for_update().filter(
        pk__in=items, is_active=True
    ).in_bulk()
    order = Order.objects.create(
        number=_order_number(),
        customer=customer,
        shipping_address=address,
        discount_code=discount_code,
        placed_at=timezone.now(),
    )
    lines = []
    for product_id, quantity in items.items():
        product = products.get(product_id)
        if product is None or product.stock < quantity:
            raise OutOfStock(product_id)
        lines.append(
            OrderLine(order=order, product=product, quantity=quantity, unit_price=product.price)
        )
        catalog_models.Product.objects.filter(pk=product_id).update(stock=F("stock") - quantity)
    OrderLine.objects.bulk_create(lines)
    order.recalculate_total()
    return order


@transaction.atomic
def confirm_payment(order_number: str, paid_at: datetime) -> Order:
    """Marks the order paid and credits the customer's loyalty points."""
    order = Order.objects.select_related("customer").get(number=order_number)
    order.mark_paid(paid_at)
    account, _ = LoyaltyAccount.objects.get_or_create(customer=order.customer)
    LoyaltyAccount.objects.filter(pk=account.pk).update(
        points=F("points") + int(order.total) * POINTS_PER_EURO
    )
    return order


def apply_discount(order: Order, code: str, percent: int) -> None:
    """Applies a discount code to a pending order and stores the reduced total."""
    if order.status != Order.Status.PENDING:
        raise ValueError(f"order {order.number} is {order.status}; discounts need a pending order")
    order.discount_code = code
    order.total = (order.total * (100 - percent) / 100).quantize(Decimal("0.01"))
    order.save()


def cancel_stale_orders(now: datetime | None = None) -> int:
    """Cancels pending orders nobody paid for within ``STALE_AFTER``.

    This is one ``Order.objects.filter(...).update(...)`` statement rather than
    ``Order.cancel()`` on each row, so ``updated_at`` has to be set here by hand.
    """
    now = now or timezone.now()
    return Order.objects.filter(
        status=Order.Status.PENDING, placed_at__lt=now - STALE_AFTER
    ).update(status=Order.Status.CANCELLED, updated_at=now)


def purge_cancelled(before: datetime) -> int:
    """Deletes cancelled orders that were never paid; their lines go with them."""
    deleted, _ = (
        Order.objects.filter(status=Order.Status.CANCELLED, updated_at__lt=before)
        .exclude(paid_at__isnull=False)
        .delete()
    )
    return deleted


def orders_for_email(email: str):
    return Order.objects.filter(customer__email=email).order_by("-placed_at")


def open_orders_of(customer: Customer):
    return customer.orders.filter(
        status__in=[Order.Status.PENDING, Order.Status.PAID]
    ).order_by("placed_at")


def reorder(previous: Order) -> Order:
    """Places a new order with the products and quantities of ``previous``."""
    items = dict(previous.lines.values_list("product_id", "quantity"))
    return place_order(previous.customer, items, address=previous.shipping_address)


def revenue_by_customer(since: datetime):
    return (
        Order.objects.paid()
        .filter(paid_at__gte=since)
        .values("customer_id", "customer__email")
        .annotate(revenue=Sum("total"), order_count=Count("id"))
        .order_by("-revenue")
    )


def big_spenders(threshold: Decimal):
    """Customers whose paid and shipped orders add up to at least ``threshold``."""
    settled = Q(orders__status=Order.Status.PAID) | Q(orders__status=Order.Status.SHIPPED)
    return (
        Customer.objects.annotate(spent=Sum("orders__total", filter=settled))
        .filter(spent__gte=threshold)
        .order_by("-spent")
    )


def set_default_address(customer: Customer, line1: str, city: str, postal_code: str) -> Address:
    address, _ = Address.objects.update_or_create(
        customer=customer,
        is_default=True,
        defaults={"line1": line1, "city": city, "postal_code": postal_code},
    )
    return address

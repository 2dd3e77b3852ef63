"""Orders placed in the storefront and the products on them."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Sum
from django.utils import timezone

from catalog.models import Product
from core.models import TimeStampedModel
from customers.models import Address, Customer


class OrderQuerySet(models.QuerySet):
    def paid(self):
        return self.filter(status=Order.Status.PAID)

    def open(self):
        return self.filter(status__in=[Order.Status.PENDING, Order.Status.PAID])

    def placed_between(self, start, end):
        return self.filter(placed_at__gte=start, placed_at__lt=end)

    def with_item_count(self):
        return self.annotate(item_count=Sum("lines__quantity"))


class Order(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending payment"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"

    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    shipping_address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    total = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), db_column="total_amount"
    )
    currency = models.CharField(max_length=3, default="EUR")
    discount_code = models.CharField(max_length=32, blank=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    products = models.ManyToManyField(Product, through="OrderLine", related_name="orders")

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID

    def mark_paid(self, when=None) -> None:
        self.status = self.Status.PAID
        self.paid_at = when or timezone.now()
        self.save(update_fields=["status", "paid_at", "updated_at"])

    def cancel(self) -> None:
        self.status = self.Status.CANCELLED
        self.save(update_fields=["status", "updated_at"])

    def recalculate_total(self) -> None:
        result = self.lines.aggregate(total=Sum(F("quantity") * F("unit_price")))
        self.total = result["total"] or Decimal("0.00")
        self.save(update_fields=["total", "updated_at"])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="unique_product_per_order"),
        ]

    @property
    def subtotal(self) -> Decimal:
        return self.quantity * self.unit_price

from django.db import models

from shop.core import Stamped, StatusMixin
from shop.customers.models import Customer


class OrderQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status="open")


class Order(StatusMixin, Stamped):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    status = models.CharField(max_length=20, default="open")
    total = models.DecimalField(max_digits=10, decimal_places=2)

    objects = OrderQuerySet.as_manager()

    class Meta:
        db_table = "sales_order"


class OrderLine(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(max_length=40)
    quantity = models.IntegerField(default=1)

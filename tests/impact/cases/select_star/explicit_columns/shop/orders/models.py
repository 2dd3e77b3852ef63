from django.db import models


class Order(models.Model):
    customer_id = models.BigIntegerField()
    status = models.CharField(max_length=20, default="pending")
    total_cents = models.IntegerField()
    placed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "orders"
        managed = False

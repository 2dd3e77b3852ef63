from django.db import models


class Order(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    total_cents = models.IntegerField()
    gift_message = models.TextField(null=True, blank=True)

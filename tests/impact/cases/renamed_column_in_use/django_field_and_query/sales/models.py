from django.db import models


class Order(models.Model):
    number = models.CharField(max_length=32, unique=True)
    code = models.CharField(max_length=16, blank=True, default="")  # depmap-expect: renamed-column-in-use breaking
    total = models.DecimalField(max_digits=12, decimal_places=2)

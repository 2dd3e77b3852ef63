from django.db import models

from shop.core import Stamped


class Customer(Stamped):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=120)


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    city = models.CharField(max_length=80)

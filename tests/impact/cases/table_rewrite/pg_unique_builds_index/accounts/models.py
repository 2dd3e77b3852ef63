from django.db import models


class Account(models.Model):
    name = models.CharField(max_length=120)
    plan = models.CharField(max_length=20, default="free")

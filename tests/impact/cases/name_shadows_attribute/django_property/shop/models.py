from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def touch(self) -> None:
        self.updated_at = timezone.now()
        self.save(update_fields=["updated_at"])


class Customer(TimeStampedModel):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=120)


class Order(TimeStampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, default="pending")
    paid_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_paid(self) -> bool:  # depmap-expect: name-shadows-attribute warning
        return self.paid_at is not None

    def mark_paid(self) -> None:
        self.paid_at = timezone.now()
        self.save(update_fields=["paid_at", "updated_at"])

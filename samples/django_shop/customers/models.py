"""People who buy from the shop, where they live and how many loyalty points they hold."""

from django.db import models

from core.models import TimeStampedModel


class Customer(TimeStampedModel):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    phone = models.CharField(max_length=32, blank=True, db_column="phone_number")
    date_of_birth = models.DateField(null=True, blank=True)
    marketing_opt_in = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.email

    def opt_out_of_marketing(self) -> None:
        self.marketing_opt_in = False
        self.save(update_fields=["marketing_opt_in", "updated_at"])


class Address(TimeStampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=16)
    country = models.CharField(max_length=2, default="DE")
    is_default = models.BooleanField(default=False)

    class Meta:
        db_table = "customer_addresses"
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.line1}, {self.postal_code} {self.city}"


class LoyaltyAccount(models.Model):
    class Tier(models.TextChoices):
        BRONZE = "bronze", "Bronze"
        SILVER = "silver", "Silver"
        GOLD = "gold", "Gold"

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="loyalty"
    )
    points = models.IntegerField(db_default=0)
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.BRONZE)

    def __str__(self) -> str:
        return f"{self.customer} ({self.tier})"

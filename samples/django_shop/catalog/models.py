"""Products the shop sells, grouped into categories."""

from django.db import models
from django.db.models import F

from core.models import TimeStampedModel


class Category(TimeStampedModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(db_default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def restock(self, quantity: int) -> None:
        """Adds delivered units without racing concurrent orders for the same product."""
        self.stock = F("stock") + quantity
        self.save(update_fields=["stock", "updated_at"])
        self.refresh_from_db(fields=["stock"])

    def retire(self) -> None:
        self.is_active = False
        self.save(update_fields=["is_active", "updated_at"])


class ActiveProductManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(is_active=True)


class ActiveProduct(Product):
    """Products currently on sale: what the storefront lists."""

    objects = ActiveProductManager()

    class Meta:
        proxy = True

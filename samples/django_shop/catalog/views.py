from django.http import JsonResponse

from catalog.models import ActiveProduct
from catalog.pricing import convert


def category_products(request, slug: str):
    """Products on sale in one category, cheapest first, priced in the visitor's currency."""
    currency = request.GET.get("currency", "EUR")
    products = (
        ActiveProduct.objects.filter(category__slug=slug, stock__gt=0)
        .order_by("price")
        .values("sku", "name", "price")
    )
    return JsonResponse(
        {
            "currency": currency,
            "products": [
                {"sku": p["sku"], "name": p["name"], "price": str(convert(p["price"], currency))}
                for p in products
            ],
        }
    )

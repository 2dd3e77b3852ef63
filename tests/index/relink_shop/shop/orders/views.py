from shop.orders.models import Order as Purchase


def open_purchases(customer_id):
    return list(Purchase.objects.filter(customer_id=customer_id, status="open"))

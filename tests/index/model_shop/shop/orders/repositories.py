from shop.core import ModelRepository
from shop.orders.models import Order


class OrderRepository(ModelRepository):
    model = Order


def open_orders():
    return Order.objects.open()

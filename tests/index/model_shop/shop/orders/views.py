from django.views.generic import ListView

from shop.orders.models import Order


class OrderList(ListView):
    model = Order


def close_order(order_id):
    order = Order.objects.get(pk=order_id)
    order.close()

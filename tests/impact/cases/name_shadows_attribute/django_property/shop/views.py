from django.http import JsonResponse

from shop.models import Order


def order_status(request, pk):
    order = Order.objects.get(pk=pk)
    return JsonResponse({"status": order.status, "paid": order.is_paid})

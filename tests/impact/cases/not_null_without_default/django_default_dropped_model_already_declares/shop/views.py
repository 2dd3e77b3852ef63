from decimal import Decimal

from django.http import JsonResponse

from shop.models import Order


def place_order(request):
    order = Order.objects.create(total=Decimal(request.POST["total"]))
    return JsonResponse({"id": order.pk})

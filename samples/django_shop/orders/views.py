"""HTTP endpoints for orders: the customer-facing API and a few staff pages."""

import csv

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import F, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from customers.models import Customer
from orders.models import Order as SalesOrder
from orders.serializers import OrderSerializer


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "number"

    def get_queryset(self):
        return (
            SalesOrder.objects.filter(customer__email=self.request.user.email)
            .select_related("customer", "shipping_address")
            .prefetch_related("lines__product")
        )

    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        order = self.get_object()
        order.cancel()
        return Response(self.get_serializer(order).data)


def customer_orders(request, customer_id: int):
    customer = get_object_or_404(Customer, pk=customer_id)
    recent = customer.orders.filter(placed_at__isnull=False).order_by("-placed_at")[:20]
    return JsonResponse(
        {"orders": [{"number": o.number, "status": o.status, "total": str(o.total)} for o in recent]}
    )


@staff_member_required
def orders_needing_attention(request):
    """Pending orders, and paid orders that have no shipping address yet."""
    rows = (
        SalesOrder.objects.filter(
            Q(status=SalesOrder.Status.PENDING)
            | Q(status=SalesOrder.Status.PAID, shipping_address__isnull=True)
        )
        .annotate(customer_email=F("customer__email"))
        .order_by("placed_at")
        .values("number", "status", "placed_at", "customer_email")
    )
    return JsonResponse({"orders": list(rows)})


@staff_member_required
@require_POST
def update_notes(request, number: str):
    order = get_object_or_404(SalesOrder, number=number)
    order.notes = request.POST.get("notes", "")
    order.save(update_fields=["notes", "updated_at"])
    return JsonResponse({"number": order.number, "notes": order.notes})


@staff_member_required
def export_paid_orders(request):
    """CSV of paid orders for the accountants."""
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="paid-orders.csv"'
    orders = []
    for order in SalesOrder.objects.paid().select_related("customer").order_by("paid_at"):
        orders.append(
            [order.number, order.customer.email, order.paid_at.date(), order.currency, order.total]
        )
    writer = csv.writer(response)
    writer.writerow(["number", "email", "paid_on", "currency", "total"])
    writer.writerows(orders)
    return response

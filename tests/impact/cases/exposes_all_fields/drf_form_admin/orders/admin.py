from django.contrib import admin

from orders.models import Order, Refund


@admin.register(Order)  # depmap-expect: exposes-all-fields warning
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "email", "status", "total", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "email")


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    fields = ("order", "amount", "reason")

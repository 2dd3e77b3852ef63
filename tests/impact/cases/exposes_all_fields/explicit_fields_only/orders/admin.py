from django.contrib import admin

from orders.models import Order, Refund


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "email", "status", "total", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "email")
    fieldsets = (
        (None, {"fields": ("number", "email", "status")}),
        ("Amounts", {"fields": ("total",)}),
    )


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    fields = ("order", "amount", "reason")

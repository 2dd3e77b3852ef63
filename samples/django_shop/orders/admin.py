from django.contrib import admin

from orders.models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ("product", "quantity", "unit_price")
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "status", "total", "placed_at", "paid_at")
    list_filter = ("status", "currency")
    search_fields = ("number", "customer__email")
    readonly_fields = ("created_at", "updated_at")
    inlines = [OrderLineInline]

from rest_framework import serializers

from orders.models import Order, Refund


class OrderSerializer(serializers.ModelSerializer):  # depmap-expect: exposes-all-fields warning
    class Meta:
        model = Order
        fields = "__all__"
        read_only_fields = ["number", "total"]


class OrderSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "number", "status", "total"]


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = "__all__"

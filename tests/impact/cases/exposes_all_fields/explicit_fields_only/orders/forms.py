from django import forms

from orders.models import Order


class OrderEditForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["email", "status"]


class SupportOrderForm(forms.ModelForm):
    class Meta:
        model = Order
        exclude = ["number", "created_at", "gift_message"]

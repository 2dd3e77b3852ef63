from django import forms

from orders.models import Order


class OrderEditForm(forms.ModelForm):  # depmap-expect: exposes-all-fields warning
    class Meta:
        model = Order
        exclude = ["number", "created_at"]


class SupportOrderForm(forms.ModelForm):
    class Meta:
        model = Order
        exclude = ["number", "created_at", "gift_message"]

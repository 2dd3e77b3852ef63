from django import forms

from customers.models import Address


class AddressForm(forms.ModelForm):
    """The address step of checkout."""

    class Meta:
        model = Address
        fields = ["line1", "line2", "city", "postal_code", "country"]
        labels = {"line1": "Street and number", "line2": "Apartment, suite, etc."}

    def clean_postal_code(self) -> str:
        return self.cleaned_data["postal_code"].replace(" ", "").upper()

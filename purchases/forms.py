from django import forms

from accounts.forms import ShippingAddressForm
from products.models import Format
from products.services import FormatChoice
from purchases.models import MAX_QUANTITY


class OrderForm(forms.Form):
    format = forms.ModelChoiceField(
        queryset=Format.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the formats on offer."},
    )
    quantity = forms.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        error_messages={
            "min_value": "Order at least 1 copy.",
            "max_value": f"Order at most {MAX_QUANTITY} copies at a time.",
        },
    )

    def __init__(self, *args, choices: list[FormatChoice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unsuitable = {c.format.pk: c.unsuitable_reason for c in choices if not c.available}

    def clean_format(self) -> Format:
        chosen = self.cleaned_data["format"]
        if reason := self.unsuitable.get(chosen.pk):
            raise forms.ValidationError(reason)
        return chosen


class OrderAddressForm(ShippingAddressForm):
    """The order's own copy of the address: prefilled from the profile, editable here."""

    use_required_attribute = False  # only prints need it; the page works without JavaScript

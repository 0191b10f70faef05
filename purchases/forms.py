from django import forms

from accounts.forms import ShippingAddressForm
from products.models import Format
from products.services import FormatChoice
from purchases.models import MAX_QUANTITY, Order
from purchases.selectors import OrderFilters


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


class OrderFilterForm(forms.Form):
    """The manager page's and the staff API's filters: ?status=&from=&to=&q=.

    A value that does not parse is ignored rather than refused, as a filter link should be.
    """

    status = forms.ChoiceField(choices=Order.Status.choices, required=False)
    q = forms.CharField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two cannot be class attributes.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def filters(self) -> OrderFilters:
        self.is_valid()  # fields that failed are simply absent from cleaned_data
        data = self.cleaned_data
        return OrderFilters(
            status=data.get("status") or "",
            date_from=data.get("from"),
            date_to=data.get("to"),
            query=(data.get("q") or "")[:100],
        )

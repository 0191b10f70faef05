import uuid
from decimal import Decimal, InvalidOperation

from django import forms

from accounts.forms import ShippingAddressForm
from products.models import Format
from products.money import exponent, format_minor, to_minor
from products.services import FormatChoice
from purchases.models import MAX_QUANTITY, Fit, LabStage, Order, OrderItem, Position
from purchases.selectors import OrderFilters

QUANTITY_ERRORS = {
    "required": "Say how many copies you want.",
    "invalid": "The quantity must be a whole number.",
    "min_value": "Order at least 1 copy.",
    "max_value": f"Order at most {MAX_QUANTITY} copies of one item.",
}


class CartAddForm(forms.Form):
    """An artwork into the cart: a format on offer for it, copies, and for prints the crop."""

    format = forms.ModelChoiceField(
        queryset=Format.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose a format.",
            "invalid_choice": "Choose one of the formats on offer.",
        },
    )
    quantity = forms.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        required=False,
        error_messages=QUANTITY_ERRORS,
    )
    fit = forms.ChoiceField(
        choices=Fit.choices,
        initial=Fit.FILL,
        required=False,
        widget=forms.RadioSelect,
        label="How the picture meets the print's shape",
        error_messages={"invalid_choice": "Choose crop to fill or fit with a border."},
    )
    position = forms.ChoiceField(
        choices=Position.choices,
        initial=Position.CENTER,
        required=False,
        widget=forms.RadioSelect,
        label="Part of the picture to keep",
        error_messages={"invalid_choice": "Choose which part of the picture to keep."},
    )

    def __init__(self, *args, choices: list[FormatChoice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unsuitable = {c.format.pk: c.unsuitable_reason for c in choices if not c.available}

    def clean_format(self) -> Format:
        chosen = self.cleaned_data["format"]
        if reason := self.unsuitable.get(chosen.pk):
            raise forms.ValidationError(reason)
        return chosen

    def clean_quantity(self) -> int:
        return self.cleaned_data["quantity"] or 1  # a product page's one-click "add" sends none

    def clean(self) -> dict:
        cleaned = super().clean()
        chosen = cleaned.get("format")
        if chosen is not None and not chosen.is_physical:
            cleaned["fit"], cleaned["position"] = "", ""
        elif chosen is not None:
            cleaned["fit"] = cleaned.get("fit") or Fit.FILL
            cleaned["position"] = cleaned.get("position") or Position.CENTER
        return cleaned


class CartQuantityForm(forms.Form):
    quantity = forms.IntegerField(
        min_value=0, max_value=MAX_QUANTITY, error_messages=QUANTITY_ERRORS
    )


class OrderAddressForm(ShippingAddressForm):
    """The order's own copy of the address: prefilled from the profile, editable here."""


class RefundForm(forms.Form):
    """What a manager gives back: the rest of the order, one item, or an amount.

    `key` is drawn when the form is shown, so sending the same form twice refunds once.
    """

    WHAT = [("order", "Everything not yet refunded"), ("item", "One item"), ("amount", "An amount")]

    what = forms.ChoiceField(choices=WHAT, widget=forms.RadioSelect, initial="order")
    item = forms.ModelChoiceField(
        queryset=OrderItem.objects.none(),
        required=False,
        empty_label="Choose an item",
        error_messages={"invalid_choice": "Choose an item of this order."},
    )
    amount = forms.CharField(required=False, max_length=20, label="Amount")
    reason = forms.CharField(required=False, max_length=200)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, order: Order, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["item"].queryset = order.items.all()
        self.fields["item"].label_from_instance = lambda item: (
            f"{item} — {item.order.money(item.refundable_amount)} refundable"
        )
        self.fields[
            "amount"
        ].help_text = f"In {order.currency.upper()}; up to {order.money(order.refundable_amount)}."
        self.fields["key"].initial = uuid.uuid4().hex

    def clean(self) -> dict:
        cleaned = super().clean()
        what = cleaned.get("what")
        if what == "item" and not cleaned.get("item"):
            self.add_error("item", "Choose the item to refund.")
        if what == "amount":
            cleaned["amount_minor"] = self._amount_minor(cleaned.get("amount") or "")
        return cleaned

    def _amount_minor(self, text: str) -> int | None:
        try:
            value = Decimal(text.strip().lstrip("$€£₩¥").replace(",", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value <= 0:
            self.add_error("amount", "Enter the amount to refund, for example 12.50.")
            return None
        if value != value.quantize(Decimal(1).scaleb(-exponent(self.order.currency))):
            self.add_error("amount", "That amount has too many decimal places.")
            return None
        minor = to_minor(value, self.order.currency)
        if minor > self.order.refundable_amount:
            left = format_minor(self.order.refundable_amount, self.order.currency)
            self.add_error("amount", f"At most {left} is left to refund on this order.")
            return None
        return minor

    def request(self) -> dict:
        """The keyword arguments of `services.order_refund` this form asks for."""
        data = self.cleaned_data
        what = data["what"]
        return {
            "key": f"form-{data['key']}",
            "item": data["item"] if what == "item" else None,
            "amount": data.get("amount_minor") if what == "amount" else None,
            "reason": data.get("reason") or "",
        }


class ShipByHandForm(forms.Form):
    """Without a lab, a manager ships a print and says how to follow it."""

    carrier = forms.CharField(max_length=100, error_messages={"required": "Name the carrier."})
    tracking_number = forms.CharField(
        max_length=100, error_messages={"required": "Give the parcel's tracking number."}
    )
    tracking_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label="Tracking page (optional)"
    )


class OrderFilterForm(forms.Form):
    """The manager page's and the staff API's filters: ?status=&from=&to=&q=.

    A value that does not parse is ignored rather than refused, as a filter link should be.
    """

    status = forms.ChoiceField(choices=Order.Status.choices, required=False)
    lab = forms.ChoiceField(choices=LabStage.choices, required=False)
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
            lab_stage=data.get("lab") or "",
            date_from=data.get("from"),
            date_to=data.get("to"),
            query=(data.get("q") or "")[:100],
        )

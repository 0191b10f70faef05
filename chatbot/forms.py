from django import forms
from django.conf import settings

from purchases.forms import OrderAddressForm


class MessageForm(forms.Form):
    # The length cap is checked by the service, so an overlong message gets its own sentence.
    message = forms.CharField(
        strip=True,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "Ask about prices, prints, shipping or your order…"}
        ),
        error_messages={"required": "Type a question first."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].widget.attrs["maxlength"] = settings.CHATBOT_MAX_MESSAGE_CHARS


class HandoffForm(forms.Form):
    email = forms.EmailField(label="Your e-mail, for the reply")


def proposal_address_form(proposal, data=None) -> OrderAddressForm:
    """The new-address form under an address-change button, prefilled with the order's address
    and whatever the assistant filled in; ids per button, as a chat may show several."""
    initial = {**(proposal.order.shipping_address or {}), **proposal.payload.get("address", {})}
    return OrderAddressForm(
        data, prefix="ship", initial=initial, auto_id=f"id_proposal{proposal.pk}_%s"
    )

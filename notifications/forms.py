from django import forms

from notifications.models import Notification


class EmailChoiceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        choices=[(kind.value, kind.label) for kind in Notification.EMAIL_OPTIONAL],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Also send me an e-mail when",
        help_text="Orders and support replies always come by e-mail, and so does a moderator’s "
        "decision about your image.",
    )

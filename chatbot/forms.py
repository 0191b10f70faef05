from django import forms
from django.conf import settings


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

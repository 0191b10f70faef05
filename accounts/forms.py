import secrets

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm

from accounts.models import ADDRESS_FIELDS, ShippingAddress
from lib.mail import mail_enqueue

User = get_user_model()


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label="E-mail", help_text="For receipts, order updates and password resets."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this e-mail already exists. Log in instead?"
            )
        return email


class ShippingAddressForm(forms.ModelForm):
    class Meta:
        model = ShippingAddress
        fields = ADDRESS_FIELDS
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = value.strip()
        return cleaned


class PublicProfileForm(forms.ModelForm):
    """The name and the few words on the creator's page at /@username/."""

    class Meta:
        model = User
        fields = ("display_name", "bio")
        widgets = {"bio": forms.Textarea(attrs={"rows": 3, "maxlength": 300})}

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["display_name"] = " ".join(cleaned.get("display_name", "").split())
        cleaned["bio"] = cleaned.get("bio", "").strip()
        return cleaned


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose e-mail is sent by the task worker, not inside the request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        mail_enqueue("accounts/password_reset", to=[to_email], context=context)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Key name",
        help_text="What the key is for, e.g. “My phone app”.",
        error_messages={"required": "Name the key, so you can tell it apart later."},
    )
    # A fresh value each time the form is shown: sending the same form twice makes one key.
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["once"].initial = secrets.token_urlsafe(16)

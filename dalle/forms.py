from django import forms

from dalle.models import PROMPT_MAX_LENGTH, GeneratedImage


class PromptForm(forms.Form):
    prompt = forms.CharField(
        max_length=PROMPT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "maxlength": PROMPT_MAX_LENGTH,
                "placeholder": "A lighthouse on a cliff at dawn, watercolour, soft pastel light",
            }
        ),
        help_text=f"Describe the picture in any language, up to {PROMPT_MAX_LENGTH} characters.",
        error_messages={
            "required": "Describe the picture you want: the prompt cannot be empty.",
            "max_length": "Keep the prompt to %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    size = forms.ChoiceField(choices=GeneratedImage.Size, initial=GeneratedImage.Size.SQUARE)

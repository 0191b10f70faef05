from django import forms
from django.templatetags.static import static

from dalle.models import PROMPT_MAX_LENGTH, STYLE_CHOICES, GeneratedImage
from dalle.services import MAX_VARIATIONS

COUNT_CHOICES = [(1, "1 image")] + [(n, f"{n} variations") for n in range(2, MAX_VARIATIONS + 1)]
COUNT_ERRORS = {"invalid_choice": f"Ask for one to {MAX_VARIATIONS} images at a time."}


def style_sample(style: str) -> str:
    """The small sample picture of a style preset (painted by `manage.py paint_style_samples`)."""
    return static(f"img/styles/{style or 'plain'}.webp")


class StyleSelect(forms.RadioSelect):
    """Style presets as radio buttons, each with its sample picture."""

    template_name = "dalle/forms/style_select.html"
    option_template_name = "dalle/forms/style_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["sample"] = style_sample(value)
        return option


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
    style = forms.ChoiceField(
        choices=STYLE_CHOICES,
        required=False,
        initial="",
        widget=StyleSelect,
        error_messages={"invalid_choice": "Choose one of the styles shown."},
    )
    size = forms.ChoiceField(choices=GeneratedImage.Size, initial=GeneratedImage.Size.SQUARE)
    count = forms.TypedChoiceField(
        choices=COUNT_CHOICES,
        coerce=int,
        initial=1,
        required=False,
        empty_value=1,
        label="How many",
        help_text="Each image counts against your daily images.",
        error_messages=COUNT_ERRORS,
    )
    # The public image whose prompt this is ("Use this prompt"), recorded as a remix.
    remix_of = forms.UUIDField(required=False, widget=forms.HiddenInput)


class AgainForm(forms.Form):
    """ "Regenerate" (one) or "Variations of this" (one to four) of one's own image."""

    count = forms.TypedChoiceField(choices=COUNT_CHOICES, coerce=int, error_messages=COUNT_ERRORS)

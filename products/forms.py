from django import forms

from lib.mockups import Fit, Position
from products.models import Format
from products.previews import FIT_LABELS, POSITION_LABELS, Scene


class PrintChoiceForm(forms.Form):
    """A print and how the picture goes on it: what a preview and a cart item both need.

    Fit and position may be left out (crop to fill, keep the centre); a value that is not one
    of ours is an error, as is a format that is not a print on sale.
    """

    format = forms.ModelChoiceField(
        queryset=Format.objects.filter(active=True, kind=Format.Kind.PHYSICAL),
        error_messages={
            "required": "Choose a print size.",
            "invalid_choice": "That print is not on sale: choose one of the prints listed.",
        },
    )
    fit = forms.TypedChoiceField(
        choices=[(fit.value, label) for fit, (label, _) in FIT_LABELS.items()],
        coerce=Fit,
        required=False,
        empty_value=Fit.FILL,
        error_messages={"invalid_choice": "Choose to crop the picture to fill or to fit it."},
    )
    position = forms.TypedChoiceField(
        choices=[(position.value, label) for position, label in POSITION_LABELS.items()],
        coerce=Position,
        required=False,
        empty_value=Position.CENTER,
        error_messages={
            "invalid_choice": "Choose which part to keep: centre, top, bottom, left or right."
        },
    )


class PreviewForm(PrintChoiceForm):
    scene = forms.TypedChoiceField(
        choices=[(scene.value, scene.label) for scene in Scene],
        coerce=Scene,
        required=False,
        empty_value=Scene.MOCKUP,
        error_messages={"invalid_choice": "Choose the print or the mock-up."},
    )

    def error_text(self) -> str:
        """The form's errors as short sentences, for a plain-text 400."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)

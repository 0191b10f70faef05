from django import forms

from gallery.models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        label="What is wrong with this image?",
        error_messages={"required": "Choose a reason, so that a moderator knows what to look for."},
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        strip=True,
        label="Anything a moderator should know (optional)",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )

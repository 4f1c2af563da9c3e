from django import forms

from catalog.models import Course


class PreferredFormatsForm(forms.Form):
    formats = forms.MultipleChoiceField(
        label="Tick the formats that suit you",
        choices=Course.Format.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Courses in these formats are recommended first. Leave all unticked for no preference.",
    )

from django import forms

from .models import Course


class CourseFilterForm(forms.Form):
    q = forms.CharField(label="Search courses", required=False, max_length=100)
    format = forms.ChoiceField(label="Format", required=False, choices=[("", "Any format"), *Course.Format.choices])
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

from .models import Course, CourseSkill
from .selectors import current_skills
from .services import check_course_upload, size_limit_text


class CourseFilterForm(forms.Form):
    q = forms.CharField(label="Search courses", required=False, max_length=100)
    skill = forms.ChoiceField(label="Skill", required=False)
    format = forms.ChoiceField(label="Format", required=False, choices=[("", "Any format"), *Course.Format.choices])
    max_minutes = forms.IntegerField(label="At most (minutes)", required=False, min_value=1, max_value=100000)
    max_cost = forms.DecimalField(label="At most (cost)", required=False, min_value=0, max_digits=9, decimal_places=2)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("", "Best match"), ("title", "Title"), ("duration", "Shortest first"), ("cost", "Cheapest first")],
    )
    retired = forms.BooleanField(label="Show retired courses", required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)

    def __init__(self, *args, skills=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", "Any skill")] + [(s.key, s.name) for s in (skills or [])]


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "description",
            "provider",
            "format",
            "duration_minutes",
            "cost",
            "currency",
            "language",
            "url",
            "is_self_paced",
            "is_active",
        ]
        labels = {"duration_minutes": "Duration (minutes)", "url": "Link (http or https)"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if minutes is None or minutes < 1:
            raise forms.ValidationError("A course lasts at least one minute.")
        return minutes

    def clean_currency(self):
        currency = self.cleaned_data["currency"].upper()
        if len(currency) != 3 or not currency.isalpha():
            raise forms.ValidationError("Use a three-letter currency code, e.g. GBP.")
        return currency


# The rubric's level names (assessments.models.Level), repeated here because catalog never imports assessments.
LEVEL_CHOICES = [(1, "1 · Not yet"), (2, "2 · Developing"), (3, "3 · Proficient"), (4, "4 · Role model")]


class CourseSkillForm(forms.ModelForm):
    class Meta:
        model = CourseSkill
        fields = ["skill", "level_from", "level_to"]
        widgets = {
            "level_from": forms.Select(choices=LEVEL_CHOICES[:3]),
            "level_to": forms.Select(choices=LEVEL_CHOICES[1:]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = current_skills()
        self.fields["skill"].label_from_instance = lambda skill: skill.name

    def clean(self):
        data = super().clean()
        if data.get("level_from") and data.get("level_to") and data["level_from"] >= data["level_to"]:
            raise forms.ValidationError("A course takes people from a lower level to a higher one.")
        return data


CourseSkillFormSet = forms.inlineformset_factory(
    Course, CourseSkill, form=CourseSkillForm, extra=2, can_delete=True, max_num=13, validate_max=True
)


class CourseImportForm(forms.Form):
    file = forms.FileField(
        label="Catalog file (CSV or Excel)",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "A UTF-8 CSV file or an Excel workbook (.xlsx) with a header row. "
            f"Up to {size_limit_text(settings.COURSE_IMPORT_MAX_BYTES)}."
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Upload and import"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.file_format = check_course_upload(
            file_name=upload.name, size=upload.size, max_bytes=settings.COURSE_IMPORT_MAX_BYTES
        )
        return upload

from crispy_forms.helper import FormHelper
from django import forms

from .models import Behaviour, Frequency, Impact, MistakeFrequency, RoleProfile, RubricVersion, Skill

FREQUENCY_CHOICES = [("", "Not observed"), *Frequency.choices]


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = [
            "name",
            "key",
            "category",
            "description",
            "level_not_yet",
            "level_developing",
            "level_proficient",
            "level_role_model",
            "next_steps",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "next_steps": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_key(self):
        key = self.cleaned_data["key"]
        others = Skill.objects.filter(rubric_version=self.instance.rubric_version, key=key).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Another skill in this draft already has that short name.")
        return key

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = Skill.objects.filter(rubric_version=self.instance.rubric_version, name=name).exclude(
            pk=self.instance.pk
        )
        if others.exists():
            raise forms.ValidationError("Another skill in this draft already has that name.")
        return name


class BehaviourForm(forms.ModelForm):
    class Meta:
        model = Behaviour
        fields = ["text", "kind", "order"]
        labels = {"text": "Behaviour", "kind": "Signals", "order": "Order"}


BehaviourFormSet = forms.inlineformset_factory(
    Skill, Behaviour, form=BehaviourForm, extra=2, can_delete=True, max_num=12, validate_max=True
)


class PublishForm(forms.ModelForm):
    class Meta:
        model = RubricVersion
        fields = ["notes"]
        labels = {"notes": "What changed in this version"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class SkillSectionForm(forms.Form):
    """One skill of an assessment: how often each behaviour was seen, a note, and the triage questions."""

    note = forms.CharField(
        label="Note (what you saw, examples)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    mistakes = forms.CharField(
        label="What mistakes have you observed?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    mistake_frequency = forms.TypedChoiceField(
        label="How often do they happen?",
        choices=MistakeFrequency.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    impact = forms.TypedChoiceField(
        label="What is the business impact?",
        choices=Impact.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, skill, **kwargs):
        super().__init__(*args, **kwargs)
        self.skill = skill
        self.behaviours = list(skill.behaviours.all())
        for behaviour in self.behaviours:
            self.fields[f"b{behaviour.pk}"] = forms.TypedChoiceField(
                label=behaviour.text,
                choices=FREQUENCY_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        self.unknown_behaviours = [
            key for key in (self.data or {}) if key.startswith("b") and key[1:].isdigit() and key not in self.fields
        ]

    def clean(self):
        cleaned = super().clean()
        if self.unknown_behaviours:
            raise forms.ValidationError("A rating was for a behaviour that is not part of this skill in this rubric.")
        return cleaned

    def behaviour_fields(self):
        return [(behaviour, self[f"b{behaviour.pk}"]) for behaviour in self.behaviours]

    def frequencies(self) -> dict[int, int | None]:
        return {b.pk: self.cleaned_data.get(f"b{b.pk}") for b in self.behaviours}

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "note": data.get("note", ""),
            "mistakes": data.get("mistakes", ""),
            "mistake_frequency": data.get("mistake_frequency"),
            "impact": data.get("impact"),
        }

    def observed(self) -> list[tuple[int, bool]]:
        """(frequency, is_warning) for the behaviours rated in this form."""
        source = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return [(source[f"b{b.pk}"], b.is_warning) for b in self.behaviours if source.get(f"b{b.pk}") is not None]


def skill_section_initial(skill, ratings: dict[int, int], result) -> dict:
    initial = {f"b{b.pk}": ratings.get(b.pk, "") for b in skill.behaviours.all()}
    if result:
        initial |= {
            "note": result.note,
            "mistakes": result.mistakes,
            "mistake_frequency": result.mistake_frequency or "",
            "impact": result.impact,
        }
    return initial


class PersonRoleForm(forms.Form):
    current_profile = forms.ModelChoiceField(
        label="Current role", queryset=RoleProfile.objects.order_by("name"), required=False, empty_label="Not set"
    )
    target_profile = forms.ModelChoiceField(
        label="Aiming for", queryset=RoleProfile.objects.order_by("name"), required=False, empty_label="No other role"
    )

    def clean(self):
        data = super().clean()
        current, target = data.get("current_profile"), data.get("target_profile")
        if current and target and current == target:
            raise forms.ValidationError("The role they are aiming for must differ from their current role.")
        return data

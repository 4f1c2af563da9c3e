from crispy_forms.helper import FormHelper
from django import forms

from .models import Behaviour, RubricVersion, Skill


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

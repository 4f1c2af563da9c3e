from crispy_forms.helper import FormHelper
from django import forms

from . import request_selectors as selectors
from .models import LearningRequest

MAX_TEXT = 5000


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class LearningRequestForm(forms.Form):
    skill = forms.ModelChoiceField(
        label="Which skill?",
        queryset=None,
        required=False,
        empty_label="No particular skill",
        help_text="Optional: the skill gap you want help with.",
    )
    note = forms.CharField(
        label="What help do you need?",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what help you need, so L&D can answer."},
        help_text="What you have observed, what you have tried, and any constraint (time, budget, format).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = selectors.skills_to_ask_about()
        self.fields["skill"].label_from_instance = lambda skill: skill.name
        self.helper = _helper()


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write your reply first."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AnswerForm(forms.Form):
    """L&D's answer: a message and, optionally, courses to suggest (those for the request's skill listed first)."""

    body = forms.CharField(
        label="Your answer",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write your answer first."},
    )
    courses = forms.ModelMultipleChoiceField(
        label="Suggest courses",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "One of the courses picked is not on offer any more. Pick again."},
    )

    def __init__(self, *args, learning_request: LearningRequest, **kwargs):
        super().__init__(*args, **kwargs)
        skill_key = learning_request.skill.key if learning_request.skill_id else None
        self.fields["courses"].queryset = selectors.answer_courses(skill_key)
        self.helper = _helper()

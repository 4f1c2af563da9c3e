"""Forms for the follow-up survey (one form per goal, prefixed by the goal) and the observation request."""

from django import forms

from assessments.models import Frequency

from .models import SurveyAnswer
from .services.surveys import COMMENT_MAX_LENGTH, OBSERVATION_MAX_LENGTH

# Never … always, then "not observed" (stored as None: it says nothing either way).
FREQUENCY_CHOICES = [*Frequency.choices, ("", "Not observed")]
OUT_OF_SCALE = "Choose never, rarely, sometimes, often, always or not observed."


class GoalAnswerForm(forms.Form):
    """One goal of the survey: how often each behaviour of its skill is seen now, the impact, a comment."""

    impact = forms.ChoiceField(
        label="What business impact have you seen?",
        choices=SurveyAnswer.Impact.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the business impact you have seen.", "invalid_choice": OUT_OF_SCALE},
    )
    comment = forms.CharField(
        label="Comment (what you saw, an example)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, goal, **kwargs):
        kwargs.setdefault("prefix", f"g{goal.pk}")
        super().__init__(*args, **kwargs)
        self.goal = goal
        self.behaviours = list(goal.skill.behaviours.all())
        for behaviour in self.behaviours:
            self.fields[f"b{behaviour.pk}"] = forms.TypedChoiceField(
                label=behaviour.text,
                choices=FREQUENCY_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": OUT_OF_SCALE},
            )
        start = f"{self.prefix}-b"
        self.unknown_behaviours = [
            key for key in (self.data or {}) if key.startswith(start) and key[len(self.prefix) + 1 :] not in self.fields
        ]

    def clean(self):
        cleaned = super().clean()
        if self.unknown_behaviours:
            raise forms.ValidationError(
                f"An answer was for a behaviour that is not part of {self.goal.skill.name}; reload the page."
            )
        if not self.errors and all(cleaned.get(f"b{b.pk}") is None for b in self.behaviours):
            raise forms.ValidationError(
                f"Say how often you see at least one behaviour of {self.goal.skill.name} now "
                "(the rest may be “not observed”)."
            )
        return cleaned

    def behaviour_fields(self):
        return [(behaviour, self[f"b{behaviour.pk}"]) for behaviour in self.behaviours]

    def answer(self) -> dict:
        """The answer in the shape devplans.services.surveys.answer_survey takes."""
        data = self.cleaned_data
        return {
            "frequencies": {b.pk: data.get(f"b{b.pk}") for b in self.behaviours},
            "impact": data["impact"],
            "comment": data.get("comment", ""),
        }


class ObservationAnswerForm(forms.Form):
    text = forms.CharField(
        label="What change have you seen?",
        max_length=OBSERVATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text="Since the course: what they do differently, or that you have seen no change yet.",
        error_messages={"required": "Say what change you have seen (or that you have seen none yet)."},
    )

"""Forms for plan templates: the template's details, its goals, courses and practice, and applying it."""

from crispy_forms.helper import FormHelper
from django import forms

from assessments.models import RoleProfile
from people.models import Person

from .models import PlanTemplate, TemplateCourse, TemplateGoal, TemplatePractice
from .plan_templates import LEVEL_CHOICES

NOT_IN_RUBRIC = "That skill is not in the current rubric; choose one from the list."
WEEKS_LABEL = "Due in (weeks)"
WEEKS_HELP = "Counted from the day a manager applies the template."
WEEKS_WIDGET = forms.NumberInput(attrs={"min": 1})
WEEKS_ERRORS = {"min_value": "Give a number of weeks of at least 1.", "required": "Give a number of weeks."}


class _CrispyMixin:
    """Fields only: the page's template writes the <form> tag, the CSRF token and the one button."""

    def _crispy(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _skill_field(*, required: bool, label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=required,
        error_messages={"invalid_choice": NOT_IN_RUBRIC, "required": "Choose the skill this goal grows."},
        help_text="" if required else "Links it to the plan's goal for this skill, when the plan has one.",
    )


def _skill_choices(skills, *, blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(skill.key, skill.name) for skill in skills]


class PlanTemplateForm(_CrispyMixin, forms.ModelForm):
    class Meta:
        model = PlanTemplate
        fields = ["name", "role_profile", "description", "career_goal", "cadence_weeks", "is_active"]
        labels = {"role_profile": "Role profile", "career_goal": "Career goal", "cadence_weeks": "Check-ins"}
        help_texts = {
            "name": "What managers pick from, e.g. “New Team Lead”.",
            "role_profile": "The role this template prepares people for; it becomes the plan's target role.",
            "description": "Who it is for and when to use it.",
            "career_goal": "Starts each new plan's career goal; the manager adjusts it with the person.",
            "cadence_weeks": "How often the manager and the person meet to check in.",
            "is_active": "Untick to retire the template: managers no longer see it, plans made from it stay.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "career_goal": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "name": {
                "required": "Give the template a name, e.g. “New Team Lead”.",
                "unique": "There is already a template with this name; choose another name.",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._crispy()
        self.fields["role_profile"].queryset = RoleProfile.objects.order_by("name")
        self.fields["role_profile"].empty_label = "No particular role"


class TemplateGoalForm(_CrispyMixin, forms.ModelForm):
    skill_key = _skill_field(required=True, label="Skill")
    target_level = forms.TypedChoiceField(
        label="Target level",
        choices=LEVEL_CHOICES,
        coerce=int,
        error_messages={"invalid_choice": "Choose a level from 1 · Not yet to 4 · Role model."},
        help_text="The level to reach, as the rubric describes it.",
    )

    class Meta:
        model = TemplateGoal
        fields = ["skill_key", "target_level", "outcome", "due_in_weeks"]
        labels = {"due_in_weeks": WEEKS_LABEL}
        help_texts = {
            "outcome": "What will be different, in plain words, e.g. “hands two projects to the team”.",
            "due_in_weeks": WEEKS_HELP,
        }
        widgets = {"outcome": forms.Textarea(attrs={"rows": 2}), "due_in_weeks": WEEKS_WIDGET}
        error_messages = {
            "outcome": {"required": "Say what will be different when the goal is met."},
            "due_in_weeks": WEEKS_ERRORS,
        }

    def __init__(self, *args, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self._crispy()
        self.fields["skill_key"].choices = _skill_choices(skills, blank="Choose a skill")


class TemplateCourseForm(_CrispyMixin, forms.ModelForm):
    skill_key = _skill_field(required=False, label="For the goal on")

    class Meta:
        model = TemplateCourse
        fields = ["course", "skill_key", "due_in_weeks"]
        labels = {"due_in_weeks": "Do within (weeks)"}
        help_texts = {"due_in_weeks": WEEKS_HELP}
        widgets = {"due_in_weeks": WEEKS_WIDGET}
        error_messages = {
            "course": {
                "required": "Choose a course from the catalog.",
                "invalid_choice": "That course is not offered in the catalog; choose one from the list.",
            },
            "due_in_weeks": WEEKS_ERRORS,
        }

    def __init__(self, *args, skills, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self._crispy()
        self.fields["course"].queryset = courses
        self.fields["course"].empty_label = "Choose a course"
        self.fields["skill_key"].choices = _skill_choices(skills, blank="No particular goal")


class TemplatePracticeForm(_CrispyMixin, forms.ModelForm):
    skill_key = _skill_field(required=False, label="For the goal on")

    class Meta:
        model = TemplatePractice
        fields = ["description", "skill_key", "due_in_weeks"]
        labels = {"due_in_weeks": "Do within (weeks)"}
        help_texts = {
            "description": "Something to try at work where a mistake is safe, e.g. “run the Monday stand-up "
            "for four weeks”.",
            "due_in_weeks": WEEKS_HELP,
        }
        widgets = {"due_in_weeks": WEEKS_WIDGET}
        error_messages = {"description": {"required": "Describe the assignment."}, "due_in_weeks": WEEKS_ERRORS}

    def __init__(self, *args, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self._crispy()
        self.fields["skill_key"].choices = _skill_choices(skills, blank="No particular goal")


class ApplyTemplateForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label="People",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one person.",
            "invalid_choice": "You can only apply a template to people in your team; "
            "one of the people sent is not in it. Nothing was applied.",
            "invalid_pk_value": "That person was not understood. Nothing was applied.",
        },
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people

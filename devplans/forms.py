"""Forms for development plans. Each validates the input of one business action in devplans.services.

Forms that change an existing row carry its `version` (the optimistic lock) in a hidden field; the
service refuses a save against a newer version with what changed in between.
"""

from datetime import timedelta

from django import forms
from django.utils import timezone

from assessments.models import Behaviour, Level, RoleProfile
from catalog.models import Course
from devplans import selectors
from devplans.models import Cadence, Goal, LearningItem, Plan, PracticeItem

LEVEL_CHOICES = [(level.value, f"{level.label} ({level.value})") for level in Level]
COURSE_DUE_WEEKS = 6
GOAL_DUE_WEEKS = 12


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class BootstrapForm(forms.Form):
    """Adds Bootstrap's classes to every widget, so templates can render `{{ field }}` as is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def version_field():
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def in_weeks(weeks):
    return timezone.localdate() + timedelta(weeks=weeks)


class PreferredFormatsForm(forms.Form):
    formats = forms.MultipleChoiceField(
        label="Tick the formats that suit you",
        choices=Course.Format.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Courses in these formats are recommended first. Leave all unticked for no preference.",
    )


# --- the plan -----------------------------------------------------------------------------------------------


class PlanDetailsForm(BootstrapForm):
    version = version_field()
    career_goal = forms.CharField(
        label="Career goal",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where the person wants to be, in their words, e.g. “lead a team of five”.",
    )
    target_role = forms.ModelChoiceField(
        label="Target role", queryset=RoleProfile.objects.order_by("name"), required=False, empty_label="None"
    )
    cadence_weeks = forms.TypedChoiceField(
        label="Check-ins", choices=Cadence.choices, coerce=int, help_text="How often you meet to check in."
    )


class EndPlanForm(BootstrapForm):
    status = forms.ChoiceField(
        label="How the plan ends",
        choices=[
            (Plan.Status.COMPLETED, "Completed: the goals are met"),
            (Plan.Status.CLOSED, "Closed: it no longer fits (say why below)"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why (needed when you close it)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SkillKeysField(forms.Field):
    """The skills ticked on the plan-from-gaps page, by key; the service checks they are gaps to choose."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        values = [str(v).strip() for v in (value or [])]
        if len(values) > 100 or any(
            not v or len(v) > 60 or not v.replace("-", "").replace("_", "").isalnum() for v in values
        ):
            raise forms.ValidationError("The ticked gaps were not understood; open the page again.")
        return list(dict.fromkeys(values))


class GapChoiceForm(forms.Form):
    """Which gaps of the latest assessment become goals, and which assessment the page showed."""

    # The assessment the page showed; without it (a hand-made request) the latest is taken as read.
    assessment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    skill = SkillKeysField(required=False)


class ConfirmForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The plan's version on the page that was read: a change to what is agreed since then refuses the confirm.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- goals ---------------------------------------------------------------------------------------------------


class GoalFieldsForm(BootstrapForm):
    target_level = forms.TypedChoiceField(label="Target level", choices=LEVEL_CHOICES, coerce=int)
    outcome = forms.CharField(
        label="Measurable outcome",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What will be different, in plain words, e.g. “hands two projects to the team”.",
    )
    due_on = forms.DateField(label="Due", widget=DateInput)


class AddGoalForm(GoalFieldsForm):
    skill = forms.ModelChoiceField(
        label="Skill",
        queryset=selectors.current_skills(),
        empty_label="Choose a skill",
        error_messages={"invalid_choice": "Choose a skill of the rubric in force from the list."},
    )
    field_order = ["skill", "target_level", "outcome", "due_on"]

    def __init__(self, *args, taken_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = selectors.current_skills().exclude(key__in=list(taken_keys))
        self.fields["target_level"].initial = Level.PROFICIENT
        self.fields["due_on"].initial = in_weeks(GOAL_DUE_WEEKS)


class ChangeGoalForm(GoalFieldsForm):
    version = version_field()


class VersionForm(forms.Form):
    """Only the version: actions with nothing else to say (remove a goal)."""

    version = version_field()


# --- courses and practice -----------------------------------------------------------------------------------


def goal_choices(goals, *, blank="Not tied to a goal"):
    return [("", blank)] + [(str(goal.pk), goal.skill.name) for goal in goals]


class GoalChoiceMixin:
    """A goal of this plan chosen by id; the choices come from goals the view already holds."""

    blank_goal = "Not tied to a goal"

    def set_goals(self, goals):
        self._goals = {str(goal.pk): goal for goal in goals}
        self.fields["goal"].choices = goal_choices(goals, blank=self.blank_goal)

    def clean_goal(self):
        value = self.cleaned_data.get("goal") or ""
        return self._goals.get(value)


class AddCourseForm(GoalChoiceMixin, BootstrapForm):
    blank_goal = "The goal for the course's skill, if any"
    course = forms.ModelChoiceField(
        label="Course",
        queryset=Course.objects.filter(is_active=True),
        error_messages={
            "required": "Choose a course from the list.",
            "invalid_choice": "That course is not in the catalog any more; choose another.",
        },
    )
    goal = forms.ChoiceField(label="For the goal", required=False)
    due_on = forms.DateField(label="Do by", required=False, widget=DateInput)

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_goals(goals)
        self.fields["due_on"].initial = in_weeks(COURSE_DUE_WEEKS)


class AddPracticeForm(GoalChoiceMixin, BootstrapForm):
    description = forms.CharField(
        label="Assignment",
        max_length=300,
        help_text="Something to try at work where a mistake is safe, e.g. “run the Monday stand-up for four weeks”.",
    )
    goal = forms.ChoiceField(label="For the goal", required=False)
    due_on = forms.DateField(label="Do by", required=False, widget=DateInput)

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_goals(goals)


class LearningStatusForm(BootstrapForm):
    version = version_field()
    status = forms.ChoiceField(
        label="Status",
        choices=[(value, label) for value, label in LearningItem.Status.choices if value != "postponed"],
    )
    note = forms.CharField(
        label="What I took from it (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AlternativeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, course):
        pace = "self-paced" if course.is_self_paced else "scheduled sessions"
        return f"{course.title} · {course.duration_display} {course.get_format_display().lower()} · {pace}"


class PostponeForm(BootstrapForm):
    version = version_field()
    until = forms.DateField(label="New date", widget=DateInput)
    reason = forms.CharField(label="Why (optional)", required=False, max_length=300)
    alternative = AlternativeChoiceField(
        label="Take a shorter or self-paced course for the same skill now?",
        queryset=Course.objects.none(),
        required=False,
        empty_label="None: just move the date",
        blank=True,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "That course is not an alternative for this one; choose one from the list."},
    )

    def __init__(self, *args, alternatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alternative"].queryset = Course.objects.filter(pk__in=[c.pk for c in alternatives]).order_by(
            "duration_minutes", "cost", "title"
        )
        self.fields["alternative"].initial = ""


class ObservationForm(BootstrapForm):
    version = version_field()
    text = forms.CharField(
        label="What change have you seen?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Since the course: what they do differently, or that you have seen no change yet.",
    )


class ReflectionForm(BootstrapForm):
    version = version_field()
    reflection = forms.CharField(
        label="How it went", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(
        label="Where it stands",
        choices=[(value, label) for value, label in PracticeItem.Status.choices if value != "dropped"],
    )


class PracticeFeedbackForm(BootstrapForm):
    version = version_field()
    text = forms.CharField(
        label="Your feedback",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What you saw, and what to keep or change.",
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Leave as it is"), *PracticeItem.Status.choices]
    )


# --- check-ins and feedback ----------------------------------------------------------------------------------


class RescheduleForm(BootstrapForm):
    version = version_field()
    on = forms.DateField(label="Move the check-in to", widget=DateInput)


class RecordCheckinForm(BootstrapForm):
    """Date held, progress and a note per goal, the manager's feedback and the person's comment."""

    version = version_field()
    held_on = forms.DateField(label="Held on", widget=DateInput)
    feedback = forms.CharField(
        label="Your feedback",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What went well and what to work on next. The person sees it.",
    )
    employee_comment = forms.CharField(
        label="Their comment (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the person said, if they want it noted. They can add or change it later.",
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"progress_{goal.pk}"] = forms.ChoiceField(
                label=f"Progress on {goal.skill.name}",
                choices=Goal.Progress.choices,
                initial=goal.progress,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"note_{goal.pk}"] = forms.CharField(
                label=f"Note on {goal.skill.name} (optional)",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def goal_rows(self):
        """Per goal: the goal, its progress field and its note field (for the template)."""
        return [(goal, self[f"progress_{goal.pk}"], self[f"note_{goal.pk}"]) for goal in self.goals]


class CommentForm(BootstrapForm):
    version = version_field()
    comment = forms.CharField(label="Your comment", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackForm(BootstrapForm):
    text = forms.CharField(
        label="What you saw, and what to keep or change", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    skill = forms.ModelChoiceField(
        label="Skill (optional)",
        queryset=selectors.current_skills(),
        required=False,
        empty_label="No particular skill",
        error_messages={"invalid_choice": "Choose a skill of the rubric in force from the list."},
    )
    behaviour = forms.ChoiceField(label="Behaviour (optional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        behaviours = list(
            Behaviour.objects.filter(skill__in=selectors.current_skills())
            .select_related("skill")
            .order_by("skill__order", "skill__name", "order", "pk")
        )
        grouped = {}
        for behaviour in behaviours:
            grouped.setdefault(behaviour.skill.name, []).append((str(behaviour.pk), behaviour.text))
        self._behaviours = {str(b.pk): b for b in behaviours}
        self.fields["behaviour"].choices = [("", "No particular behaviour"), *grouped.items()]
        self.fields["behaviour"].error_messages["invalid_choice"] = "Choose a behaviour from the list."

    def clean_behaviour(self):
        return self._behaviours.get(self.cleaned_data.get("behaviour") or "")

"""Development plans: goals, learning, practice, check-ins, feedback, and the timeline of it all.

A plan belongs to one person. It starts as a draft; it is agreed when the
person's manager and the person both confirm its current revision. Changing a
goal after that opens a new revision that both confirm again, while the last
agreed revision stays in force (PlanRevision keeps a snapshot of each).

Every editable row carries a `version` that each save increments: a form
posts the version it was opened at, and a save against a newer version is
refused with what changed in between (optimistic locking; see
devplans/services/locking.py). PlanEvent is the plan's timeline.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from people.audit import track

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]
OPEN_STATUSES = ("draft", "agreed", "active")


class Cadence(models.IntegerChoices):
    """How often the manager and the person meet to check in, in weeks."""

    WEEKLY = 1, "Every week"
    FORTNIGHTLY = 2, "Every two weeks"
    MONTHLY = 4, "Every four weeks"
    SIX_WEEKLY = 6, "Every six weeks"
    QUARTERLY = 12, "Every twelve weeks"


@track(
    model_name="PlanAuditEvent",
    fields=[
        "person",
        "status",
        "target_role",
        "cadence_weeks",
        "revision",
        "agreed_revision",
        "source_assessment",
        "template",
        "agreed_at",
        "ended_at",
    ],
    text=["career_goal", "end_reason"],
)
class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="plans")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    career_goal = models.TextField(
        "Career goal", blank=True, help_text="Where the person wants to be, in their words, e.g. “lead a team of five”."
    )
    target_role = models.ForeignKey(
        "assessments.RoleProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="plans"
    )
    cadence_weeks = models.PositiveSmallIntegerField(
        "Check-ins", choices=Cadence.choices, default=Cadence.MONTHLY, help_text="How often you meet to check in."
    )
    # The revision being edited or confirmed now, and the last one both sides agreed (None before the first).
    revision = models.PositiveIntegerField(default=1)
    agreed_revision = models.PositiveIntegerField(null=True, blank=True)
    source_assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="plans"
    )
    template = models.ForeignKey(
        "devplans.PlanTemplate", on_delete=models.SET_NULL, null=True, blank=True, related_name="plans"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    agreed_at = models.DateTimeField(null=True, blank=True, help_text="When the first revision was agreed.")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=OPEN_STATUSES), name="one_open_plan_per_person"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_STATUSES, ended_at__isnull=True)
                | Q(status__in=("completed", "closed"), ended_at__isnull=False),
                name="plan_ended_has_date",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"Plan for {self.person} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("devplans:plan", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def awaits_agreement(self):
        """True while the current revision has not been confirmed by both sides."""
        return self.is_open and self.agreed_revision != self.revision


class PlanRevision(models.Model):
    """One revision of a plan's goals, as both sides confirm it; the snapshot keeps what was agreed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(default=list, blank=True, help_text="What changed from the revision before.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    manager_confirmed_at = models.DateTimeField(null=True, blank=True)
    manager_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    employee_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The e-mail (people.OutboundEmail) that told each side the other had confirmed this revision, or that it
    # is agreed: the plan page says who was told and when. Cleared with the confirmations it was about.
    manager_told = models.ForeignKey(
        "people.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    employee_told = models.ForeignKey(
        "people.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_revision_unique")]

    def __str__(self):
        return f"Revision {self.number} of plan {self.plan_id}"

    @property
    def is_agreed(self):
        return bool(self.manager_confirmed_at and self.employee_confirmed_at)


@track(
    model_name="GoalAuditEvent",
    fields=["plan", "skill", "source_result", "start_level", "target_level", "due_on", "progress"],
    text=["outcome"],
)
class Goal(models.Model):
    """One skill to grow, with the level to reach, a measurable outcome in plain words, and a due date."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        STARTED = "started", "Started"
        ON_TRACK = "on_track", "On track"
        BEHIND = "behind", "Behind"
        ACHIEVED = "achieved", "Achieved"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    skill = models.ForeignKey("assessments.Skill", on_delete=models.PROTECT, related_name="goals")
    # The gap this goal came from, if any: follow-up surveys answer against it.
    source_result = models.ForeignKey(
        "assessments.SkillResult", on_delete=models.SET_NULL, null=True, blank=True, related_name="goals"
    )
    start_level = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    target_level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    outcome = models.TextField(
        "Measurable outcome",
        help_text="What will be different, in plain words, e.g. “hands two projects to the team”.",
    )
    due_on = models.DateField("Due")
    progress = models.CharField(max_length=12, choices=Progress.choices, default=Progress.NOT_STARTED)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "skill"], name="one_goal_per_skill"),
            models.CheckConstraint(condition=Q(target_level__gte=1, target_level__lte=4), name="goal_target_in_scale"),
        ]

    def __str__(self):
        return f"{self.skill} → level {self.target_level}"


@track(
    model_name="LearningItemAuditEvent",
    fields=["plan", "goal", "course", "status", "due_on", "replaces", "completed_on", "observed_at"],
    text=["reason", "postponed_reason", "employee_note", "manager_observation"],
)
class LearningItem(models.Model):
    """A catalog course in the plan, and where it stands."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        POSTPONED = "postponed", "Postponed"
        DROPPED = "dropped", "Dropped"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="learning_items")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="learning_items")
    course = models.ForeignKey("catalog.Course", on_delete=models.PROTECT, related_name="learning_items")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    due_on = models.DateField("Do by", null=True, blank=True)
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why this course, e.g. the recommendation's reason."
    )
    postponed_reason = models.CharField(max_length=300, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alternatives",
        help_text="The postponed item this one stands in for.",
    )
    completed_on = models.DateField(null=True, blank=True)
    employee_note = models.TextField("What I took from it", blank=True)
    manager_observation = models.TextField("What change have you seen?", blank=True)
    observed_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False) | ~Q(status="completed"),
                name="learning_completed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self):
        return f"{self.course} ({self.get_status_display().lower()})"

    @property
    def is_done(self):
        return self.status in (self.Status.COMPLETED, self.Status.DROPPED)

    @property
    def awaits_observation(self):
        return self.status == self.Status.COMPLETED and not self.observed_at


@track(
    model_name="PracticeItemAuditEvent",
    fields=["plan", "goal", "status", "due_on", "reflected_at", "feedback_at"],
    text=["description", "reflection", "manager_feedback"],
)
class PracticeItem(models.Model):
    """An on-the-job, safe-to-fail assignment, with the person's reflection and the manager's feedback."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="practice_items")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="practice_items")
    description = models.CharField(
        "Assignment",
        max_length=300,
        help_text="Something to try at work where a mistake is safe, e.g. “run the Monday stand-up for four weeks”.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    due_on = models.DateField("Do by", null=True, blank=True)
    reflection = models.TextField("How it went", blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)
    manager_feedback = models.TextField("Manager's feedback", blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.description

    @property
    def is_done(self):
        return self.status in (self.Status.DONE, self.Status.DROPPED)

    @property
    def awaits_feedback(self):
        """The person has written how it went and the manager has not answered since."""
        return bool(self.reflected_at) and (not self.feedback_at or self.feedback_at < self.reflected_at)


@track(
    model_name="CheckInAuditEvent",
    fields=["plan", "scheduled_for", "status", "held_on", "recorded_by"],
    text=["agenda", "manager_feedback", "employee_comment"],
)
class CheckIn(models.Model):
    """A check-in between the manager and the person: scheduled from the plan's cadence, then held."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="checkins")
    scheduled_for = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    held_on = models.DateField(null=True, blank=True)
    agenda = models.JSONField(default=list, blank=True, help_text="The agenda as it stood when the check-in was held.")
    manager_feedback = models.TextField("Feedback", blank=True)
    employee_comment = models.TextField("Comment", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["scheduled_for", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="scheduled"), name="one_scheduled_checkin_per_plan"
            ),
            models.CheckConstraint(
                condition=Q(status="held", held_on__isnull=False) | ~Q(status="held"), name="checkin_held_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self):
        return f"Check-in {self.scheduled_for:%Y-%m-%d} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("devplans:checkin", args=[self.pk])


class GoalProgress(models.Model):
    """Progress on one goal as recorded at one check-in."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="goal_progress")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress_records")
    progress = models.CharField(max_length=12, choices=Goal.Progress.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["checkin", "goal__order", "goal__pk"]
        constraints = [models.UniqueConstraint(fields=["checkin", "goal"], name="one_progress_per_goal_per_checkin")]

    def __str__(self):
        return f"{self.goal}: {self.get_progress_display()}"


@track(
    model_name="FeedbackAuditEvent",
    fields=["person", "plan", "checkin", "skill", "behaviour", "given_by"],
    text=["text"],
)
class Feedback(models.Model):
    """Feedback a manager documents for a person, tied to a skill or one of its behaviours; the person sees it."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="feedback")
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback")
    checkin = models.ForeignKey(CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback")
    skill = models.ForeignKey(
        "assessments.Skill", on_delete=models.PROTECT, null=True, blank=True, related_name="feedback"
    )
    behaviour = models.ForeignKey(
        "assessments.Behaviour", on_delete=models.PROTECT, null=True, blank=True, related_name="feedback"
    )
    text = models.TextField("What you saw, and what to keep or change")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "feedback"

    def __str__(self):
        return f"Feedback for {self.person} ({self.created_at:%Y-%m-%d})"


class PlanEvent(models.Model):
    """One line of a plan's timeline: what happened, who did it, when.

    `subject` and `subject_id` name the row it was about ("goal", 12) and
    `subject_version` the version that row reached, so a stale form can be told
    what changed since it was opened; `plan_version` does the same for the plan
    as a whole (its version moves when what both sides agree to changes).
    """

    class Kind(models.TextChoices):
        CREATED = "created", "Plan created"
        EDITED = "edited", "Plan changed"
        GOAL_ADDED = "goal_added", "Goal added"
        GOAL_CHANGED = "goal_changed", "Goal changed"
        GOAL_REMOVED = "goal_removed", "Goal removed"
        LEARNING_ADDED = "learning_added", "Course added"
        LEARNING_CHANGED = "learning_changed", "Course updated"
        PRACTICE_ADDED = "practice_added", "Practice added"
        PRACTICE_CHANGED = "practice_changed", "Practice updated"
        REFLECTION = "reflection", "Reflection written"
        OBSERVATION = "observation", "Manager's observation"
        CONFIRMED = "confirmed", "Confirmed"
        AGREED = "agreed", "Agreed"
        REVISION = "revision", "New revision"
        CHECKIN_SCHEDULED = "checkin_scheduled", "Check-in scheduled"
        CHECKIN_HELD = "checkin_held", "Check-in held"
        FEEDBACK = "feedback", "Feedback"
        ENDED = "ended", "Plan ended"
        SURVEY = "survey", "Follow-up survey answered"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.CharField(max_length=500)
    changes = models.JSONField(default=list, blank=True, help_text="[field label, before, after] for each change.")
    subject = models.CharField(max_length=20, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_version = models.PositiveIntegerField(null=True, blank=True)
    # The plan's own version after this event, for a stale plan-level form (what is agreed changed).
    plan_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["plan", "subject", "subject_id", "subject_version"])]

    def __str__(self):
        return self.summary


class PlanTemplate(models.Model):
    """A starting point L&D or HR define for a role profile (e.g. “New Team Lead”), applied by managers."""

    name = models.CharField(max_length=120, unique=True)
    role_profile = models.ForeignKey(
        "assessments.RoleProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_templates"
    )
    description = models.TextField(blank=True)
    career_goal = models.TextField(blank=True)
    cadence_weeks = models.PositiveSmallIntegerField(choices=Cadence.choices, default=Cadence.MONTHLY)
    is_active = models.BooleanField("Offered to managers", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("devplans:template_detail", args=[self.pk])


class TemplateGoal(models.Model):
    """A goal a template adds, by the skill's stable key so it survives new rubric versions."""

    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="goals")
    skill_key = models.SlugField(max_length=60)
    target_level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    outcome = models.TextField("Measurable outcome")
    due_in_weeks = models.PositiveSmallIntegerField(default=12, validators=[MinValueValidator(1)])
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["template", "skill_key"], name="template_goal_once")]

    def __str__(self):
        return f"{self.template}: {self.skill_key} → {self.target_level}"


class TemplateCourse(models.Model):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="courses")
    course = models.ForeignKey("catalog.Course", on_delete=models.PROTECT, related_name="template_uses")
    skill_key = models.SlugField(max_length=60, blank=True, help_text="The goal's skill this course serves, if any.")
    due_in_weeks = models.PositiveSmallIntegerField(default=8, validators=[MinValueValidator(1)])
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["template", "course"], name="template_course_once")]

    def __str__(self):
        return f"{self.template}: {self.course}"


class TemplatePractice(models.Model):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="practice")
    description = models.CharField("Assignment", max_length=300)
    skill_key = models.SlugField(max_length=60, blank=True)
    due_in_weeks = models.PositiveSmallIntegerField(default=6, validators=[MinValueValidator(1)])
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.description


# --- follow-up surveys and observation requests ---------------------------------------------------------------------
# Both open from a signed, expiring, single-use link (devplans/services/surveys.py): the link carries the row's id and
# its `nonce`, signed with django.core.signing, so a changed link is refused and a new nonce retires an old link;
# `expires_at` decides expiry and `answered_at` makes it work once.


class SignedLinkRequest(models.Model):
    """What a request answered through a signed link has: who it is for, until when, and whether it was answered."""

    # SET_NULL so erasing a person's account keeps the (anonymous) answers that count toward course effectiveness;
    # a link without a respondent no longer opens.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    nonce = models.CharField(max_length=43, help_text="Random; part of the signed link, so a new one retires it.")

    class Meta:
        abstract = True

    @property
    def is_answered(self):
        return self.answered_at is not None

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at


class FollowUpSurvey(SignedLinkRequest):
    """Six months after a plan is agreed: does the manager (and, apart, the person) see the behaviours change?

    One survey per plan per side; each has one SurveyAnswer per goal of the plan once answered.
    """

    class Role(models.TextChoices):
        MANAGER = "manager", "Manager"
        EMPLOYEE = "employee", "Employee"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="surveys")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "role"], name="one_survey_per_plan_per_side"),
            models.CheckConstraint(condition=Q(role__in=("manager", "employee")), name="survey_role_known"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="survey_expires_after"),
        ]
        indexes = [models.Index(fields=["answered_at", "expires_at"])]

    def __str__(self):
        return f"Follow-up survey ({self.get_role_display().lower()}) for plan {self.plan_id}"


class SurveyAnswer(models.Model):
    """One goal of a follow-up survey: how often the behaviours are seen now, against the original gap.

    `frequencies` is {behaviour id (as text): 0-4, or null for not observed}; `level_now` is what
    assessments/scoring.py makes of them. `level_before` and `target_level` are the gap the goal came from
    (its SkillResult, else the goal's start and target level), kept so the answer reads as it was.
    """

    class Impact(models.TextChoices):
        NONE = "none", "No business impact seen yet"
        SOME = "some", "Some business impact"
        CLEAR = "clear", "Clear business impact"

    class Outcome(models.TextChoices):
        GAP_CLOSED = "gap_closed", "Gap closed"
        IMPROVED = "improved", "Improved"
        NO_CHANGE = "no_change", "No change"

    survey = models.ForeignKey(FollowUpSurvey, on_delete=models.CASCADE, related_name="answers")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="survey_answers")
    source_result = models.ForeignKey(
        "assessments.SkillResult", on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_answers"
    )
    level_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    target_level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    level_now = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    frequencies = models.JSONField(default=dict, blank=True)
    impact = models.CharField("Business impact", max_length=10, choices=Impact.choices)
    comment = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)

    class Meta:
        ordering = ["survey_id", "goal__order", "goal_id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "goal"], name="one_answer_per_goal_per_survey"),
            models.CheckConstraint(condition=Q(level_now__gte=1, level_now__lte=4), name="answer_level_in_scale"),
            models.CheckConstraint(
                condition=Q(target_level__gte=1, target_level__lte=4), name="answer_target_in_scale"
            ),
            models.CheckConstraint(
                condition=Q(level_before__isnull=True) | Q(level_before__gte=1, level_before__lte=4),
                name="answer_level_before_in_scale",
            ),
            models.CheckConstraint(condition=Q(impact__in=("none", "some", "clear")), name="answer_impact_known"),
            models.CheckConstraint(
                condition=Q(outcome__in=("gap_closed", "improved", "no_change")), name="answer_outcome_known"
            ),
        ]

    def __str__(self):
        return f"{self.goal.skill}: {self.get_outcome_display().lower()} (level {self.level_now})"

    @property
    def is_improvement(self):
        return self.outcome in (self.Outcome.GAP_CLOSED, self.Outcome.IMPROVED)


class ObservationRequest(SignedLinkRequest):
    """After a course is completed, the manager is asked through a signed link: “What change have you seen?”"""

    learning_item = models.OneToOneField(LearningItem, on_delete=models.CASCADE, related_name="observation_request")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="observation_request_expires_after"
            ),
        ]

    def __str__(self):
        return f"Observation request for learning item {self.learning_item_id}"

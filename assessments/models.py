from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from people.audit import track


class Level(models.IntegerChoices):
    """The four levels of every skill."""

    NOT_YET = 1, "Not yet"
    DEVELOPING = 2, "Developing"
    PROFICIENT = 3, "Proficient"
    ROLE_MODEL = 4, "Role model"


LEVEL_VALIDATORS = [MinValueValidator(Level.NOT_YET), MaxValueValidator(Level.ROLE_MODEL)]


class RubricVersion(models.Model):
    """The skills and behaviours in force, published as a whole.

    An assessment points at the version it was made with, so publishing a new
    version never changes an old assessment. At most one draft exists at a time.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(blank=True, help_text="What changed in this version, in a sentence or two.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="draft"), name="rubric_one_draft"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="rubric_published_has_date"
            ),
        ]

    def __str__(self):
        return f"Rubric v{self.number} ({self.get_status_display().lower()})"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class Skill(models.Model):
    """A soft skill within one rubric version. `key` stays the same across versions."""

    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="skills")
    key = models.SlugField(max_length=60, help_text="A stable short name, the same in every version.")
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=60)
    description = models.TextField()
    level_not_yet = models.CharField("Not yet (level 1)", max_length=300)
    level_developing = models.CharField("Developing (level 2)", max_length=300)
    level_proficient = models.CharField("Proficient (level 3)", max_length=300)
    level_role_model = models.CharField("Role model (level 4)", max_length=300)
    next_steps = models.CharField(
        "What to do next", max_length=400, help_text="Shown to managers on the quick reference."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["rubric_version", "key"], name="skill_key_unique_per_version"),
            models.UniqueConstraint(fields=["rubric_version", "name"], name="skill_name_unique_per_version"),
        ]

    def __str__(self):
        return self.name

    @property
    def level_descriptors(self):
        """(level, label, descriptor) for the four levels."""
        texts = [self.level_not_yet, self.level_developing, self.level_proficient, self.level_role_model]
        return [(level.value, level.label, text) for level, text in zip(Level, texts, strict=True)]


class Behaviour(models.Model):
    """Something a manager can see, and say how often they see it."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning sign"
        STRENGTH = "strength", "Strength"

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="behaviours")
    text = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["skill", "text"], name="behaviour_text_unique_per_skill")]

    def __str__(self):
        return self.text

    @property
    def is_warning(self):
        return self.kind == self.Kind.WARNING


class RoleProfile(models.Model):
    """The level a job or career stage needs, per skill. Career paths chain profiles by `next_profile`."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    next_profile = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="previous_profiles"
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(next_profile=models.F("pk")), name="profile_not_own_next")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assessments:career_path", args=[self.key])


class TargetLevel(models.Model):
    """A role profile's target for one skill, by the skill's stable key."""

    role_profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="targets")
    skill_key = models.SlugField(max_length=60)
    level = models.PositiveSmallIntegerField(choices=Level.choices, validators=LEVEL_VALIDATORS)

    class Meta:
        ordering = ["role_profile", "skill_key"]
        constraints = [
            models.UniqueConstraint(fields=["role_profile", "skill_key"], name="target_unique_per_profile"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="target_level_in_scale"),
        ]

    def __str__(self):
        return f"{self.role_profile}: {self.skill_key} → {self.level}"


@track(model_name="PersonRoleAuditEvent", fields=["person", "current_profile", "target_profile"])
class PersonRole(models.Model):
    """A person's current role profile and, if they are aiming for one, their target profile."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="role")
    current_profile = models.ForeignKey(
        RoleProfile, on_delete=models.PROTECT, null=True, blank=True, related_name="current_holders"
    )
    target_profile = models.ForeignKey(
        RoleProfile, on_delete=models.PROTECT, null=True, blank=True, related_name="aspirants"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(target_profile=models.F("current_profile")), name="target_differs_from_current"
            )
        ]

    def __str__(self):
        return f"{self.person}: {self.current_profile or '—'} → {self.target_profile or '—'}"

    @property
    def profile_for_gaps(self):
        """Gaps are measured against the role the person is aiming for, else their current one."""
        return self.target_profile or self.current_profile


class Frequency(models.IntegerChoices):
    """How often a behaviour was observed. "Not observed" is stored as no rating at all (NULL)."""

    NEVER = 0, "Never"
    RARELY = 1, "Rarely"
    SOMETIMES = 2, "Sometimes"
    OFTEN = 3, "Often"
    ALWAYS = 4, "Always"


class Impact(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class MistakeFrequency(models.IntegerChoices):
    """Triage: how often the mistakes happen."""

    RARELY = 1, "A few times a year"
    MONTHLY = 2, "About monthly"
    WEEKLY = 3, "About weekly"
    DAILY = 4, "Most days"


@track(
    model_name="AssessmentAuditEvent",
    fields=["person", "assessor", "kind", "status", "rubric_version", "role_profile", "submitted_at"],
)
class Assessment(models.Model):
    """One person's ratings of another's (or their own) observed behaviours, at one time.

    A submitted assessment is never edited: a correction is a new assessment.
    """

    class Kind(models.TextChoices):
        MANAGER = "manager", "Manager's assessment"
        SELF = "self", "Self-assessment"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="assessments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_made")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MANAGER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="assessments")
    role_profile = models.ForeignKey(
        RoleProfile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        help_text="The role the gaps are measured against.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "assessor", "kind"], condition=Q(status="draft"), name="one_draft_per_assessor"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="assessment_submitted_has_date",
            ),
        ]
        indexes = [models.Index(fields=["person", "status", "kind", "-submitted_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.person} ({self.get_status_display().lower()})"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class Rating(models.Model):
    """How often one behaviour was observed. No row means "not observed"."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    behaviour = models.ForeignKey(Behaviour, on_delete=models.PROTECT, related_name="ratings")
    frequency = models.PositiveSmallIntegerField(choices=Frequency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "behaviour"], name="one_rating_per_behaviour"),
            models.CheckConstraint(condition=Q(frequency__lte=4), name="rating_frequency_in_scale"),
        ]

    def __str__(self):
        return f"{self.behaviour}: {self.get_frequency_display()}"


@track(
    model_name="SkillResultAuditEvent",
    fields=["assessment", "skill", "mistake_frequency", "impact", "level", "target", "gap", "priority"],
    text=["note", "mistakes"],
)
class SkillResult(models.Model):
    """One skill within an assessment: the note, the triage answers and, once submitted, the gap.

    level, target, gap and priority are written at submission (see assessments/scoring.py)
    and never change afterwards, so history reads as it was.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="skill_results")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="results")
    note = models.TextField(blank=True)
    mistakes = models.TextField("What mistakes have you observed?", blank=True)
    mistake_frequency = models.PositiveSmallIntegerField(
        "How often?", choices=MistakeFrequency.choices, null=True, blank=True
    )
    impact = models.PositiveSmallIntegerField("Business impact", choices=Impact.choices, null=True, blank=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    target = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    gap = models.PositiveSmallIntegerField(default=0)
    priority = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-priority", "-gap", "skill__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "skill"], name="one_result_per_skill")]

    def __str__(self):
        return f"{self.skill}: level {self.level}, target {self.target}"

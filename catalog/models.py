import pgtrigger
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q

from people.models import ImportRecord

# What the catalog search matches a course's own text against, on PostgreSQL (catalog/course_search.py):
# the title weighs most, then the description, then the provider. Kept by a trigger, so every way a course
# is written (forms, imports, bulk updates, the admin, raw SQL) keeps it up to date.
COURSE_SEARCH_VECTOR_SQL = """
NEW.search_vector :=
    setweight(to_tsvector('english', COALESCE(NEW.title, '')), 'A')
    || setweight(to_tsvector('english', COALESCE(NEW.description, '')), 'B')
    || setweight(to_tsvector('english', COALESCE(NEW.provider, '')), 'C');
RETURN NEW;
"""


class Course(models.Model):
    """One entry of the learning catalog that L&D curates."""

    class Format(models.TextChoices):
        VIDEO = "video", "Video"
        MICROLEARNING = "microlearning", "Microlearning"
        ELEARNING = "elearning", "E-learning"
        WORKSHOP = "workshop", "Workshop"
        LUNCH_AND_LEARN = "lunch_and_learn", "Lunch-and-learn"
        INSTRUCTOR_LED = "instructor_led", "Instructor-led"
        COACHING = "coaching", "Coaching"
        MENTORING = "mentoring", "Mentoring"
        READING = "reading", "Reading"

    code = models.SlugField(max_length=40, unique=True, help_text="A short stable code, used by imports.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    provider = models.CharField(max_length=120, blank=True)
    format = models.CharField(max_length=20, choices=Format.choices)
    duration_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    cost = models.DecimalField(max_digits=9, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="GBP")
    language = models.CharField(max_length=12, default="en")
    url = models.URLField("Link", blank=True, validators=[URLValidator(schemes=["http", "https"])])
    is_self_paced = models.BooleanField("Self-paced", default=True, help_text="Untick for scheduled sessions.")
    is_active = models.BooleanField("Active", default=True, help_text="Retired courses are kept but not offered.")
    updated_at = models.DateTimeField(auto_now=True)
    # Written by the database on PostgreSQL (the trigger below); always empty on SQLite, which searches without it.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="course_duration_positive"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="course_cost_not_negative"),
        ]
        # The search's GIN indexes (on search_vector, and trigrams of the title) are made by migration 0004 on
        # PostgreSQL only, outside the model's state: SQLite has no GIN indexes.
        triggers = [
            pgtrigger.Trigger(
                name="course_search_vector",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("title", "description", "provider"),
                func=COURSE_SEARCH_VECTOR_SQL,
            )
        ]

    def __str__(self):
        return self.title

    @property
    def duration_display(self):
        hours, minutes = divmod(self.duration_minutes, 60)
        if not hours:
            return f"{minutes} min"
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class CourseSkill(models.Model):
    """A skill a course addresses, and the levels it takes people from and to (1-4)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="skills")
    # catalog never imports assessments: the skill is named by string, and
    # matched to gaps by its stable key, so a new rubric version keeps the mapping.
    skill = models.ForeignKey("assessments.Skill", on_delete=models.PROTECT, related_name="course_links")
    level_from = models.PositiveSmallIntegerField(
        "From level", default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    level_to = models.PositiveSmallIntegerField(
        "To level", default=3, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "skill"], name="course_skill_once"),
            models.CheckConstraint(
                condition=Q(level_from__gte=1, level_to__lte=4, level_from__lt=F("level_to")),
                name="course_skill_levels_rise",
            ),
        ]

    def __str__(self):
        return f"{self.course}: {self.skill} {self.level_from} → {self.level_to}"


class CourseImport(ImportRecord):
    """One upload of a catalog file (CSV or XLSX)."""

    class FileFormat(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="course_imports"
    )
    file_format = models.CharField(max_length=4, choices=FileFormat.choices)

    class Meta(ImportRecord.Meta):
        pass


class LearningRequest(models.Model):
    """A manager asking L&D for help with one person's development, and L&D's answer."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="learning_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="learning_requests_made"
    )
    # The gap the request is about, if one was picked (named by string: catalog never imports assessments).
    skill = models.ForeignKey(
        "assessments.Skill", on_delete=models.PROTECT, null=True, blank=True, related_name="learning_requests"
    )
    note = models.TextField("What help do you need?")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_requests_handled",
    )
    suggested_courses = models.ManyToManyField(Course, blank=True, related_name="suggested_in")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["status", "-updated_at"]), models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"Request about {self.person} ({self.get_status_display().lower()})"


class RequestMessage(models.Model):
    """One message in a request's thread, from the manager or from L&D."""

    request = models.ForeignKey(LearningRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="learning_request_messages"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message on {self.request_id} by {self.author_id}"

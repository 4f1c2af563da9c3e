import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .audit import VIEWED, track

# Group names for the two staff roles. Managers are not a group: a manager is
# anyone with active reports.
LD_GROUP = "L&D"
HR_GROUP = "HR"


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name, e.g. Europe/London.")


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# The org chart's part of the audit trail: who reports to whom, where, as what, and leaving.
@track(
    model_name="PersonAuditEvent",
    fields=["manager", "department", "job_title", "is_active", "left_on"],
    manual=[VIEWED],
)
class Person(models.Model):
    """Someone in the org chart, tied one-to-one to the login account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    employee_number = models.CharField(max_length=32, unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    manager = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    time_zone = models.CharField(max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)
    left_on = models.DateField(null=True, blank=True, help_text="The day this person left the organisation.")
    # Course formats (catalog.Course.Format values) this person learns best with; recommendations favour them.
    preferred_formats = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(condition=~Q(manager=models.F("pk")), name="person_not_own_manager"),
            models.CheckConstraint(
                condition=Q(is_active=True, left_on__isnull=True) | Q(is_active=False),
                name="person_active_has_no_left_date",
            ),
        ]
        indexes = [models.Index(fields=["manager", "is_active"])]

    def __str__(self):
        return f"{self.full_name} ({self.employee_number})"

    def get_absolute_url(self):
        return reverse("people:person_detail", args=[self.pk])

    @property
    def email(self):
        return self.user.email

    def clean(self):
        if self.manager_id and self.manager_id == self.pk:
            raise ValidationError({"manager": "A person cannot be their own manager."})
        if self.is_active and self.left_on:
            raise ValidationError({"left_on": "An active person has no left date."})


class ImportRecord(models.Model):
    """One uploaded file, validated and applied in the background (see people/uploads.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Checking and importing"
        REJECTED = "rejected", "Rejected: nothing was changed"
        DONE = "done", "Imported"

    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    row_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in (self.Status.REJECTED, self.Status.DONE)


class OrgImport(ImportRecord):
    """One upload of the org chart CSV."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="org_imports"
    )

    class Meta(ImportRecord.Meta):
        pass


class OutboundEmail(models.Model):
    """One e-mail, recorded before it is sent so that a retried task never sends it twice.

    key names the message uniquely (kind, recipient, subject object, period), so
    recording the same message again finds the existing row instead of adding one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # A calendar invite (iCalendar text) sent with the e-mail as invite.ics, e.g. for a check-in.
    ics = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the attempt in progress started: a claim older than a task may live belongs to a stopped worker.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # After a mail server error, not before this time (the backoff).
    retry_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            # A constraint rather than unique=True: the key is only ever compared whole, so PostgreSQL
            # needs no second (LIKE) index on it, one index less to write for every e-mail.
            models.UniqueConstraint(fields=["key"], name="outbound_email_key_unique"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to} ({self.get_status_display().lower()})"


# The audit trail of the login accounts (django.contrib.auth): who may sign in, who is staff or superuser, and the
# HR and L&D roles, which are group memberships. Triggers on a model of another app are declared on a proxy of it
# (django-pgtrigger's way), so that their migrations, and the event models, live here rather than in auth.
User = get_user_model()


@track(model_name="UserAuditEvent", fields=["is_active", "is_staff", "is_superuser"])
class AuditedUser(User):
    class Meta:
        proxy = True
        verbose_name = "account"


@track(model_name="GroupMembershipAuditEvent", fields=["user", "group"], obj_field=False)
class AuditedGroupMembership(User.groups.through):
    class Meta:
        proxy = True
        verbose_name = "group membership"

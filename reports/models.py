"""The export log and background exports.

ExportLog has one row per export anyone made (a download, a background file, a
person's data, an anonymisation): who, what, with which filters, when. Nothing
in the app edits or deletes it (the admin shows it read-only).

ExportJob is one big export written in the background by a Celery task
(reports/tasks.py), with its progress; its file is kept in the default storage
under exports/ and only its owner may download it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ExportLog(models.Model):
    class Kind(models.TextChoices):
        DATASET = "dataset", "Raw data"
        REPORT = "report", "Report"
        PERSON = "person", "Everything about one person"
        ANONYMISED = "anonymised", "Leaver anonymised"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The account's e-mail when the export was made, so the log still reads after the account changes.
    user_label = models.CharField(max_length=254)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=60, help_text="Which dataset or report, or the person's id.")
    file_format = models.CharField(max_length=4, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    filters_text = models.CharField(max_length=300, blank=True, help_text="The filters in words.")
    row_count = models.PositiveBigIntegerField(null=True, blank=True, help_text="Empty until the file is complete.")
    background = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user_label}: {self.get_kind_display().lower()} {self.key} ({self.created_at:%Y-%m-%d %H:%M})"


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Writing the file"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        DATASET = "dataset", "Raw data"
        REPORT = "report", "Report"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4)
    filters = models.JSONField(default=dict, blank=True)
    filters_text = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    log = models.ForeignKey(ExportLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(file_format__in=("csv", "xlsx")), name="export_job_format_known"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(finished_at__isnull=False), name="export_job_done_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.file_format}, {self.get_status_display().lower()})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def file_name(self) -> str:
        return f"skillbridge-{self.key}-{self.created_at:%Y-%m-%d}.{self.file_format}"

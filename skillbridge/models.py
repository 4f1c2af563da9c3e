from django.conf import settings
from django.db import models
from django.utils import timezone


class SubmittedForm(models.Model):
    """One posted form, by its one-time submit token (skillbridge/submit_once.py).

    The row is written before the view runs; a second post with the same token from the same user hits the
    unique constraint, so it is answered from this row instead of running the view again. status and
    location stay empty while the first post is being handled; a post that did not end in a redirect (the
    form came back with errors, or the server failed) deletes its row, so the form can be sent again.
    """

    # No index of its own: the unique constraint's index starts with the user.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The first post's response: its status code and where it redirected (empty while it is running).
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=2000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="submitted_form_once_per_user")]

    def __str__(self):
        return f"{self.token} by user {self.user_id}"

"""Reads for the Outbox page: the e-mails the app recorded, for L&D and administrators.

Only administrators and L&D see the outbox; anyone else gets an empty
queryset. The list never loads an e-mail's body (it may hold personal notes).
"""

from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Case, CharField, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from .models import OutboundEmail
from .outbox import release_after
from .selectors import roles_for

# What each kind of e-mail is, in plain words. A kind not listed shows as it is stored.
KIND_LABELS = {
    "request_new": "New request to L&D",
    "request_answer": "L&D answered a request",
    "request_reply": "Reply about a request",
    "checkin_reminder": "Check-in reminder",
    "checkin_overdue": "Overdue check-in",
    "observation_request": "Request for observations",
    "weekly_digest": "Weekly digest for a manager",
    "survey": "Follow-up survey",
}

# The columns the list shows; the body (and any attachment) stays in the database.
LIST_FIELDS = ("pk", "kind", "to", "subject", "status", "attempts", "last_error", "created_at", "sent_at")

# Dates outside these bounds filter nothing out (no row is that old or that new), and
# skipping them keeps a far-off date from overflowing when turned into a time of day.
_EARLIEST = date(1900, 1, 1)
_LATEST = date(9000, 1, 1)


def may_see_outbox(user) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_ld


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def _start_of(day: date) -> datetime:
    """Midnight at the start of a day, in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _scoped(user) -> QuerySet[OutboundEmail]:
    if not may_see_outbox(user):
        return OutboundEmail.objects.none()
    return OutboundEmail.objects.all()


def _filtered(
    user, *, kind: str = "", search: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[OutboundEmail]:
    """Every filter but the status (the status tabs count across it)."""
    emails = _scoped(user)
    if kind:
        emails = emails.filter(kind=kind)
    if search:
        emails = emails.filter(Q(to__icontains=search) | Q(subject__icontains=search))
    if since and since > _EARLIEST:
        emails = emails.filter(created_at__gte=_start_of(since))
    if until and until < _LATEST:
        emails = emails.filter(created_at__lt=_start_of(until + timedelta(days=1)))
    return emails


def _stuck(now: datetime) -> Q:
    """The same rows as people.outbox.stuck_emails(): claimed by a worker that stopped, sent again soon."""
    return Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - release_after())


def outbox_for(
    user,
    *,
    status: str = "",
    kind: str = "",
    search: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[OutboundEmail]:
    """The recorded e-mails this user may see, newest first, filtered.

    status is an OutboundEmail.Status value ("" for all); kind the stored kind;
    search looks in the recipient's address and the subject; since and until
    are days (both included) in the current time zone. Each row carries
    is_stuck and kind_label; the body is not loaded.
    """
    emails = _filtered(user, kind=kind, search=search, since=since, until=until)
    if status:
        emails = emails.filter(status=status)
    return (
        emails.only(*LIST_FIELDS)
        .annotate(
            is_stuck=Case(
                When(_stuck(timezone.now()), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            kind_label=Case(
                *(When(kind=kind_value, then=Value(label)) for kind_value, label in KIND_LABELS.items()),
                default=F("kind"),
                output_field=CharField(),
            ),
        )
        .order_by("-created_at", "-pk")
    )


def outbox_counts(
    user, *, kind: str = "", search: str = "", since: date | None = None, until: date | None = None
) -> dict[str, int]:
    """How many e-mails match the other filters, per status, in one query.

    Keys: "all", each OutboundEmail.Status value, and "stuck".
    """
    emails = _filtered(user, kind=kind, search=search, since=since, until=until)
    per_status = {value: Count("pk", filter=Q(status=value)) for value in OutboundEmail.Status.values}
    counts = emails.aggregate(all=Count("pk"), stuck=Count("pk", filter=_stuck(timezone.now())), **per_status)
    return {key: value or 0 for key, value in counts.items()}


def outbox_kinds(user) -> list[str]:
    """The kinds of e-mail in the outbox, in one query."""
    return list(_scoped(user).order_by("kind").values_list("kind", flat=True).distinct())

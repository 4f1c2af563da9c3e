"""What SkillBridge remembers for managers and their people, and when it tells them.

`send_due_reminders()` runs every quarter of an hour (Celery beat, CELERY_BEAT_SCHEDULE). Each run,
for every time zone where it is now past REMINDER_HOUR in the morning, it decides which messages are
due today (local date) and records them in the outbox, in the same transaction as the decision:

- check-in reminders, to the manager and the person, from CHECKIN_REMINDER_DAYS days before the
  check-in until its day, with an .ics invite (one per recipient per check-in date);
- a nudge to the manager for a check-in that is overdue (once per week while it stays overdue);
- a request to the manager for observations ("what change have you seen?") OBSERVATION_AFTER_DAYS
  after a course was completed and while none is recorded (once per course);
- a weekly digest for each manager, on DIGEST_WEEKDAY, of what is due (once per week).

Every message has a unique key (kind, recipient, subject object, period), so a second run, a retried
task or a second beat finds the key there and records nothing. A message is never scheduled in the
broker for later: the schedule is these rules over the database, and the outbox sweep sends whatever a
lost task left behind.

Time zones: "due" means the recipient's local clock is past the hour on the local date. Checking
"past the hour" (not "at the hour") and keying by the local date means a daylight-saving change can
neither skip a day (the 02:00-03:00 gap) nor send twice (the repeated hour).
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from people.models import Person
from people.outbox import Email, absolute_url, record_emails, render_email

from .models import OPEN_STATUSES, CheckIn, LearningItem, Plan, PracticeItem


def _setting(name, default):
    return getattr(settings, name, default)


@dataclass
class Run:
    """What one run recorded, by kind."""

    recorded: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int) -> None:
        self.recorded[kind] = self.recorded.get(kind, 0) + count


# --- local mornings ------------------------------------------------------------------------------


def local_mornings(now: datetime, zones) -> dict[str, date]:
    """{time zone: local date} for the zones where the local time is past REMINDER_HOUR now."""
    hour = _setting("REMINDER_HOUR", 8)
    mornings = {}
    for name in zones:
        try:
            local = now.astimezone(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        if local.hour >= hour:
            mornings[name] = local.date()
    return mornings


def _zones_in_use() -> list[str]:
    return list(Person.objects.filter(is_active=True).values_list("time_zone", flat=True).distinct())


def _in_zones(path: str, mornings: dict[str, date], make) -> Q:
    """OR over the zones: `path` time zone is z and make(local date of z) holds."""
    condition = Q(pk__in=[])
    for zone, day in mornings.items():
        condition |= Q(**{f"{path}time_zone": zone}) & make(day)
    return condition


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- the calendar invite -------------------------------------------------------------------------------


def checkin_invite(checkin: CheckIn, *, person: Person, manager: Person) -> str:
    """An all-day calendar event for the check-in; SEQUENCE follows the check-in's version, so a moved
    check-in updates the event already in the calendar instead of adding a second."""
    calendar = Calendar()
    calendar.add("prodid", "-//SkillBridge//Check-ins//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"checkin-{checkin.plan_id}-{checkin.pk}@skillbridge")
    event.add("sequence", checkin.version)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", checkin.scheduled_for)
    event.add("dtend", checkin.scheduled_for + timedelta(days=1))
    event.add("summary", f"Development check-in: {person.full_name} and {manager.full_name}")
    event.add("description", f"The agenda: {absolute_url(checkin.get_absolute_url())}")
    organizer = vCalAddress(f"mailto:{manager.user.email}")
    organizer.params["cn"] = vText(manager.full_name)
    event.add("organizer", organizer)
    for attendee in (person, manager):
        address = vCalAddress(f"mailto:{attendee.user.email}")
        address.params["cn"] = vText(attendee.full_name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", address, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode()


# --- the rules -------------------------------------------------------------------------------------------------


def _scheduled_checkins():
    return CheckIn.objects.filter(status=CheckIn.Status.SCHEDULED, plan__status__in=OPEN_STATUSES).select_related(
        "plan__person__user", "plan__person__manager__user"
    )


def checkin_reminders(mornings: dict[str, date]) -> list[Email]:
    """To the person and to their manager, each in their own zone, from N days before the check-in."""
    ahead = timedelta(days=_setting("CHECKIN_REMINDER_DAYS", 2))

    def window(day):
        return Q(scheduled_for__gte=day, scheduled_for__lte=day + ahead)

    emails = []
    invites = {}
    for side, path in (("person", "plan__person__"), ("manager", "plan__person__manager__")):
        for checkin in _scheduled_checkins().filter(_in_zones(path, mornings, window)):
            person, manager = checkin.plan.person, checkin.plan.person.manager
            if manager is None:
                continue
            recipient = person if side == "person" else manager
            if checkin.pk not in invites:
                invites[checkin.pk] = checkin_invite(checkin, person=person, manager=manager)
            subject, body = render_email(
                "checkin_reminder",
                {
                    "checkin": checkin,
                    "person": person,
                    "manager": manager,
                    "recipient": recipient,
                    "is_manager": side == "manager",
                    "link": absolute_url(checkin.get_absolute_url()),
                },
            )
            emails.append(
                Email(
                    key=f"checkin-reminder:{recipient.user_id}:{checkin.pk}:{checkin.scheduled_for.isoformat()}",
                    kind="checkin_reminder",
                    to=recipient.user.email,
                    subject=subject,
                    body=body,
                    recipient_id=recipient.user_id,
                    ics=invites[checkin.pk],
                )
            )
    return emails


def overdue_checkin_nudges(mornings: dict[str, date]) -> list[Email]:
    """To the manager, once a week while a check-in stays overdue."""
    emails = []
    checkins = _scheduled_checkins().filter(
        _in_zones("plan__person__manager__", mornings, lambda day: Q(scheduled_for__lt=day))
    )
    for checkin in checkins:
        manager = checkin.plan.person.manager
        if manager is None:
            continue
        today = mornings[manager.time_zone]
        subject, body = render_email(
            "checkin_overdue",
            {
                "checkin": checkin,
                "person": checkin.plan.person,
                "manager": manager,
                "days": (today - checkin.scheduled_for).days,
                "link": absolute_url(checkin.get_absolute_url()),
            },
        )
        emails.append(
            Email(
                key=f"checkin-overdue:{manager.user_id}:{checkin.pk}:{_week(today)}",
                kind="checkin_overdue",
                to=manager.user.email,
                subject=subject,
                body=body,
                recipient_id=manager.user_id,
            )
        )
    return emails


def observation_requests(mornings: dict[str, date]) -> list[Email]:
    """To the manager, once, some days after the person completed a course and while no observation is in."""
    after = timedelta(days=_setting("OBSERVATION_AFTER_DAYS", 14))
    items = (
        LearningItem.objects.filter(
            status=LearningItem.Status.COMPLETED, observed_at__isnull=True, plan__status__in=OPEN_STATUSES
        )
        .filter(_in_zones("plan__person__manager__", mornings, lambda day: Q(completed_on__lte=day - after)))
        .select_related("course", "plan__person__user", "plan__person__manager__user")
    )
    emails = []
    for item in items:
        person, manager = item.plan.person, item.plan.person.manager
        subject, body = render_email(
            "observation_request",
            {
                "item": item,
                "person": person,
                "manager": manager,
                "link": absolute_url(item.plan.get_absolute_url() + f"#learning-{item.pk}"),
            },
        )
        emails.append(
            Email(
                key=f"observation:{manager.user_id}:{item.pk}",
                kind="observation_request",
                to=manager.user.email,
                subject=subject,
                body=body,
                recipient_id=manager.user_id,
            )
        )
    return emails


def weekly_digests(mornings: dict[str, date]) -> list[Email]:
    """To each manager with active reports, on the digest weekday: what is due this week."""
    weekday = _setting("DIGEST_WEEKDAY", 0)
    today_by_zone = {zone: day for zone, day in mornings.items() if day.weekday() == weekday}
    if not today_by_zone:
        return []
    managers = {
        m.pk: m
        for m in Person.objects.filter(is_active=True, time_zone__in=today_by_zone, reports__is_active=True)
        .select_related("user")
        .distinct()
    }
    if not managers:
        return []
    due = {pk: {"checkins": [], "overdue": [], "observations": [], "practice": [], "agree": []} for pk in managers}
    horizon = max(today_by_zone.values()) + timedelta(days=7)
    for checkin in _scheduled_checkins().filter(
        plan__person__manager_id__in=managers, plan__person__is_active=True, scheduled_for__lte=horizon
    ):
        manager = managers[checkin.plan.person.manager_id]
        bucket = "overdue" if checkin.scheduled_for < today_by_zone[manager.time_zone] else "checkins"
        due[manager.pk][bucket].append(checkin)
    for item in LearningItem.objects.filter(
        plan__person__manager_id__in=managers,
        plan__status__in=OPEN_STATUSES,
        status=LearningItem.Status.COMPLETED,
        observed_at__isnull=True,
    ).select_related("course", "plan__person"):
        due[item.plan.person.manager_id]["observations"].append(item)
    for item in PracticeItem.objects.filter(
        plan__person__manager_id__in=managers, plan__status__in=OPEN_STATUSES, reflected_at__isnull=False
    ).select_related("plan__person"):
        if item.awaits_feedback:
            due[item.plan.person.manager_id]["practice"].append(item)
    for plan in (
        Plan.objects.filter(person__manager_id__in=managers, person__is_active=True, status__in=OPEN_STATUSES)
        .filter(Q(agreed_revision__isnull=True) | ~Q(agreed_revision=F("revision")))
        .select_related("person")
    ):
        due[plan.person.manager_id]["agree"].append(plan)
    emails = []
    for pk, manager in managers.items():
        items = due[pk]
        if not any(items.values()):
            continue
        today = today_by_zone[manager.time_zone]
        subject, body = render_email(
            "weekly_digest",
            {"manager": manager, "week_of": today, "link": absolute_url(reverse("devplans:team")), **items},
        )
        emails.append(
            Email(
                key=f"digest:{manager.user_id}:{_week(today)}",
                kind="weekly_digest",
                to=manager.user.email,
                subject=subject,
                body=body,
                recipient_id=manager.user_id,
            )
        )
    return emails


RULES = {
    "checkin_reminder": checkin_reminders,
    "checkin_overdue": overdue_checkin_nudges,
    "observation_request": observation_requests,
    "weekly_digest": weekly_digests,
}


def send_due_reminders(*, now: datetime | None = None) -> Run:
    """Record (and queue) every message due now. Safe to run any number of times: keys make it idempotent."""
    now = now or timezone.now()
    mornings = local_mornings(now, _zones_in_use())
    run = Run()
    if not mornings:
        return run
    for kind, rule in RULES.items():
        # The decision and the rows it records commit together: a crash between them loses nothing.
        with transaction.atomic():
            run.add(kind, len(record_emails(rule(mornings))))
    return run

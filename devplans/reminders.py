"""What SkillBridge remembers for managers and their people, and when it tells them.

`send_due_reminders()` runs every quarter of an hour (Celery beat, CELERY_BEAT_SCHEDULE). Each run,
for every time zone where it is now past REMINDER_HOUR in the morning, it decides which messages are
due today (local date) and records them in the outbox, in the same transaction as the decision:

- check-in reminders, to the manager and the person, from CHECKIN_REMINDER_DAYS days before the
  check-in until its day, with an .ics invite (one per recipient per check-in date);
- a nudge to the manager for a check-in that is overdue (once per week while it stays overdue);
- a request to the manager for observations ("what change have you seen?") OBSERVATION_AFTER_DAYS
  after a course was completed and while none is recorded (once per course);
- FOLLOW_UP_AFTER_DAYS after a plan was agreed, the follow-up survey to the manager and to the person
  (once per survey link);
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
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from people.models import Person
from people.outbox import Email, absolute_url, existing_keys, record_emails, render_email

from . import calendar_invite, survey_selectors
from .models import OPEN_STATUSES, CheckIn, FollowUpSurvey, Goal, LearningItem, Plan, PlanRevision, PracticeItem
from .services import surveys


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


def checkin_invite_text(
    *, checkin_id, plan_id, version, day: date, person: tuple, manager: tuple, agenda: str | None = None
) -> str:
    """The check-in as an all-day calendar event; person and manager are (name, e-mail) pairs, agenda the
    link to the check-in page (worked out here when not given)."""
    agenda = agenda or absolute_url(reverse("devplans:checkin", args=[checkin_id]))
    return calendar_invite.checkin_invite(
        uid=f"checkin-{plan_id}-{checkin_id}@skillbridge",
        sequence=version,
        day=day,
        summary=f"Development check-in: {person[0]} and {manager[0]}",
        description=f"The agenda: {agenda}",
        organizer=manager,
        attendees=[person, manager],
    )


# --- the rules -------------------------------------------------------------------------------------------------


def _scheduled_checkins():
    return CheckIn.objects.filter(status=CheckIn.Status.SCHEDULED, plan__status__in=OPEN_STATUSES).select_related(
        "plan__person__user", "plan__person__manager__user"
    )


@dataclass
class Candidate:
    """A message a rule finds due, rendered (by _render) once its key is known not to be in the outbox."""

    key: str
    kind: str
    recipient: Person
    template: str
    context: dict


def _unsent(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates whose key is not in the outbox yet (one query per 5,000 keys)."""
    known = existing_keys([c.key for c in candidates])
    return [c for c in candidates if c.key not in known]


def _render(candidates: list[Candidate]) -> list[Email]:
    """The e-mails for candidates already known to be unsent."""
    emails = []
    for candidate in candidates:
        subject, body = render_email(candidate.template, candidate.context)
        emails.append(
            Email(
                key=candidate.key,
                kind=candidate.kind,
                to=candidate.recipient.user.email,
                subject=subject,
                body=body,
                recipient_id=candidate.recipient.user_id,
            )
        )
    return emails


# Check-in reminders are the bulk of the traffic (two per check-in), so they are read as plain values in
# one query and written with str.format: a Django template costs about 0.3 ms a message, which is what
# the whole of a message may cost when 100,000 check-ins fall due at once (bench/reminders.py).
CHECKIN_REMINDER_SUBJECT = "Check-in with {other} on {day:%A} {day.day} {day:%B}"
CHECKIN_REMINDER_BODY = """Hello {name},

Your development check-in with {other} is on {day:%A} {day.day} {day:%B %Y}. The calendar invite is attached.

What you will talk about (overdue work, courses done, practice to discuss, goals due) is on the agenda:
{link}

{advice}

SkillBridge
"""
ADVICE = {
    "manager": "After you meet, record the day, the progress per goal and your feedback on the same page.",
    "person": "Before you meet, mark what you have done and write how your practice went, so the agenda is up to date.",
}

_CHECKIN_COLUMNS = (
    "pk",
    "version",
    "scheduled_for",
    "plan_id",
    "plan__person__user_id",
    "plan__person__user__email",
    "plan__person__full_name",
    "plan__person__time_zone",
    "plan__person__manager__user_id",
    "plan__person__manager__user__email",
    "plan__person__manager__full_name",
    "plan__person__manager__time_zone",
)


def _checkins_in_window(mornings: dict[str, date]):
    """Scheduled check-ins within CHECKIN_REMINDER_DAYS of today for the person or the manager."""
    ahead = timedelta(days=_setting("CHECKIN_REMINDER_DAYS", 2))

    def window(day):
        return Q(scheduled_for__gte=day, scheduled_for__lte=day + ahead)

    return (
        CheckIn.objects.filter(status=CheckIn.Status.SCHEDULED, plan__status__in=OPEN_STATUSES)
        .filter(plan__person__manager__isnull=False)
        .filter(_in_zones("plan__person__", mornings, window) | _in_zones("plan__person__manager__", mornings, window))
    )


# How many check-ins one task decides and records (see checkin_chunks): 4,000 e-mails, a few seconds.
CHECKIN_CHUNK = 2000


def checkin_chunks(mornings: dict[str, date]) -> list[tuple[int, int]]:
    """The check-ins to remind about now, as (first id, last id) ranges of CHECKIN_CHUNK check-ins each,
    so that the work can fan out over the worker's processes (one query, ids only)."""
    ids = list(_checkins_in_window(mornings).order_by("pk").values_list("pk", flat=True))
    return [(ids[start], ids[min(start + CHECKIN_CHUNK, len(ids)) - 1]) for start in range(0, len(ids), CHECKIN_CHUNK)]


def checkin_reminders(mornings: dict[str, date], now: datetime, *, ids: tuple[int, int] | None = None) -> list[Email]:
    """To the person and to their manager, each in their own zone, from N days before the check-in.

    ids limits it to the check-ins with ids in that (first, last) range (see checkin_chunks)."""
    ahead = timedelta(days=_setting("CHECKIN_REMINDER_DAYS", 2))
    checkins = _checkins_in_window(mornings)
    if ids is not None:
        checkins = checkins.filter(pk__gte=ids[0], pk__lte=ids[1])
    rows = checkins.values_list(*_CHECKIN_COLUMNS)
    due = []  # (key, side, row)
    for row in rows:
        checkin_id, _, day, _, person_user, _, _, person_zone, manager_user, _, _, manager_zone = row
        for side, user_id, zone in (("person", person_user, person_zone), ("manager", manager_user, manager_zone)):
            today = mornings.get(zone)
            if today is not None and today <= day <= today + ahead:
                due.append((f"checkin-reminder:{user_id}:{checkin_id}:{day.isoformat()}", side, row))
    known = existing_keys([key for key, _, _ in due])
    agenda = reverse("devplans:checkin", args=[0]).removesuffix("0/")
    emails = []
    invites = {}
    for key, side, row in due:
        if key in known:
            continue
        checkin_id, version, day, plan_id, p_user, p_email, p_name, _, m_user, m_email, m_name, _ = row
        link = absolute_url(f"{agenda}{checkin_id}/")
        if checkin_id not in invites:
            invites[checkin_id] = checkin_invite_text(
                checkin_id=checkin_id,
                plan_id=plan_id,
                version=version,
                day=day,
                person=(p_name, p_email),
                manager=(m_name, m_email),
                agenda=link,
            )
        name, email, user_id, other = (
            (p_name, p_email, p_user, m_name) if side == "person" else (m_name, m_email, m_user, p_name)
        )
        emails.append(
            Email(
                key=key,
                kind="checkin_reminder",
                to=email,
                subject=CHECKIN_REMINDER_SUBJECT.format(other=other, day=day),
                body=CHECKIN_REMINDER_BODY.format(name=name, other=other, day=day, link=link, advice=ADVICE[side]),
                recipient_id=user_id,
                ics=invites[checkin_id],
            )
        )
    return emails


def overdue_checkin_nudges(mornings: dict[str, date], now: datetime) -> list[Email]:
    """To the manager, once a week while a check-in stays overdue."""
    candidates = []
    checkins = _scheduled_checkins().filter(
        _in_zones("plan__person__manager__", mornings, lambda day: Q(scheduled_for__lt=day))
    )
    for checkin in checkins:
        manager = checkin.plan.person.manager
        if manager is None:
            continue
        today = mornings[manager.time_zone]
        candidates.append(
            Candidate(
                key=f"checkin-overdue:{manager.user_id}:{checkin.pk}:{_week(today)}",
                kind="checkin_overdue",
                recipient=manager,
                template="checkin_overdue",
                context={
                    "checkin": checkin,
                    "person": checkin.plan.person,
                    "manager": manager,
                    "days": (today - checkin.scheduled_for).days,
                    "link": absolute_url(checkin.get_absolute_url()),
                },
            )
        )
    return _render(_unsent(candidates))


def observation_requests(mornings: dict[str, date], now: datetime) -> list[Email]:
    """To the manager, once, some days after the person completed a course and while no observation is in.

    The e-mail carries a signed, single-use link (devplans.services.surveys) that opens the question
    without a password, for that manager only.
    """
    after = timedelta(days=_setting("OBSERVATION_AFTER_DAYS", 14))
    items = (
        LearningItem.objects.filter(
            status=LearningItem.Status.COMPLETED, observed_at__isnull=True, plan__status__in=OPEN_STATUSES
        )
        .filter(_in_zones("plan__person__manager__", mornings, lambda day: Q(completed_on__lte=day - after)))
        .select_related("plan__person__manager")
    )
    keys = {f"observation:{item.plan.person.manager.user_id}:{item.pk}": item for item in items}
    known = existing_keys(list(keys))
    candidates = []
    for key, item in keys.items():
        if key in known:
            continue
        request = surveys.create_observation_request(item=item)
        candidates.append(
            Candidate(
                key=key,
                kind="observation_request",
                recipient=request.learning_item.plan.person.manager,
                template="observation_request",
                context=surveys.observation_invitation_context(request),
            )
        )
    return _render(candidates)


def follow_up_surveys(mornings: dict[str, date], now: datetime) -> list[Email]:
    """FOLLOW_UP_AFTER_DAYS after a plan was agreed: a survey to the manager and one to the person, each
    with a signed, single-use link that expires (SURVEY_LINK_DAYS), sent at the respondent's morning."""
    for plan in survey_selectors.plans_due_for_follow_up(now=now).select_related("person__manager"):
        surveys.create_follow_up_surveys(plan=plan, now=now)
    due = (
        FollowUpSurvey.objects.filter(answered_at__isnull=True, expires_at__gt=now, respondent__person__is_active=True)
        .filter(_in_zones("respondent__person__", mornings, lambda day: Q()))
        .select_related("respondent__person", "plan__person")
        .prefetch_related(Prefetch("plan__goals", Goal.objects.select_related("skill")))
    )
    keyed = {f"survey:{survey.pk}:{survey.nonce}": survey for survey in due}
    known = existing_keys(list(keyed))
    return _render(
        [
            Candidate(
                key=key,
                kind="survey",
                recipient=survey.respondent.person,
                template="survey",
                context=surveys.invitation_context(survey),
            )
            for key, survey in keyed.items()
            if key not in known
        ]
    )


def weekly_digests(mornings: dict[str, date], now: datetime) -> list[Email]:
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
    # Managers who already have this week's digest are left out before anything is read about their teams.
    key_of = {pk: f"digest:{m.user_id}:{_week(today_by_zone[m.time_zone])}" for pk, m in managers.items()}
    known = existing_keys(list(key_of.values()))
    managers = {pk: m for pk, m in managers.items() if key_of[pk] not in known}
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
    # Plans waiting for the manager: those whose current revision they have not confirmed (one they confirmed
    # waits for the person, as the team dashboard says, and is not theirs to do).
    confirmed = PlanRevision.objects.filter(
        plan=OuterRef("pk"), number=OuterRef("revision"), manager_confirmed_at__isnull=False
    )
    for plan in (
        Plan.objects.filter(person__manager_id__in=managers, person__is_active=True, status__in=OPEN_STATUSES)
        .filter(Q(agreed_revision__isnull=True) | ~Q(agreed_revision=F("revision")))
        .exclude(Exists(confirmed))
        .select_related("person")
    ):
        due[plan.person.manager_id]["agree"].append(plan)
    link = absolute_url(reverse("devplans:team"))
    candidates = []
    for pk, manager in managers.items():
        items = due[pk]
        if not any(items.values()):
            continue
        today = today_by_zone[manager.time_zone]
        candidates.append(
            Candidate(
                key=key_of[pk],
                kind="weekly_digest",
                recipient=manager,
                template="weekly_digest",
                context={"manager": manager, "week_of": today, "link": link, **items},
            )
        )
    return _render(candidates)


RULES = {
    "checkin_reminder": checkin_reminders,
    "checkin_overdue": overdue_checkin_nudges,
    "observation_request": observation_requests,
    "survey": follow_up_surveys,
    "weekly_digest": weekly_digests,
}


def send_due_reminders(*, now: datetime | None = None, fan_out=None) -> Run:
    """Record (and queue) every message due now. Safe to run any number of times: keys make it idempotent.

    Check-in reminders, the bulk of the traffic, are decided in chunks of CHECKIN_CHUNK check-ins, each in
    its own transaction, so that the first e-mails are queued (on commit) while the rest are decided.
    With fan_out, a callable taking (first id, last id, now), each chunk is handed to it instead: the
    Celery task queues one task per chunk, so every process of the worker decides and sends.
    """
    now = now or timezone.now()
    mornings = local_mornings(now, _zones_in_use())
    run = Run()
    if not mornings:
        return run
    for kind, rule in RULES.items():
        if kind == "checkin_reminder":
            for first, last in checkin_chunks(mornings):
                if fan_out is not None:
                    fan_out(first, last, now)
                    run.add("checkin_chunks_queued", 1)
                else:
                    run.add(kind, record_checkin_reminders(ids=(first, last), now=now, mornings=mornings))
            continue
        # The decision and the rows it records commit together: a crash between them loses nothing.
        with transaction.atomic():
            run.add(kind, len(record_emails(rule(mornings, now))))
    return run


def record_checkin_reminders(*, ids: tuple[int, int], now: datetime, mornings: dict[str, date] | None = None) -> int:
    """Decide and record the check-in reminders due now for check-ins in the ids range; how many were added.

    Idempotent like the rest: a chunk decided twice (a retried task) records nothing the second time."""
    if mornings is None:
        mornings = local_mornings(now, _zones_in_use())
    with transaction.atomic():
        return len(record_emails(checkin_reminders(mornings, now, ids=ids)))

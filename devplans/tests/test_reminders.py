"""Reminders, nudges, observation requests and digests: due at the recipient's local morning, never twice."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from devplans import reminders
from devplans.models import CheckIn, LearningItem
from devplans.services import items, plans
from people.models import OutboundEmail

from .helpers import agreed_plan, course_for, plan_with_goal

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(year, month, day, hour=9, minute=0, zone=LONDON):
    return datetime(year, month, day, hour, minute, tzinfo=zone)


@pytest.fixture
def run(django_capture_on_commit_callbacks, settings):
    """One scheduler run at `now`, with the e-mails it queues sent (tasks run eagerly in tests).

    The weekly digest goes out on Saturdays here (no test runs on one) unless a test says otherwise.
    """
    settings.DIGEST_WEEKDAY = 5

    def go(now):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.send_due_reminders(now=now)

    return go


def _checkin_on(org, day):
    plan, _ = agreed_plan(org)
    checkin = plan.checkins.get()
    CheckIn.objects.filter(pk=checkin.pk).update(scheduled_for=day)
    return plan, checkin


def _keys(kind):
    return sorted(OutboundEmail.objects.filter(kind=kind).values_list("key", flat=True))


# --- local mornings -----------------------------------------------------------------------------------


def test_a_zone_is_due_from_the_reminder_hour_on_its_own_clock():
    now = datetime(2027, 1, 4, 7, 59, tzinfo=UTC)  # 07:59 in London, 16:59 in Tokyo, 02:59 in New York
    mornings = reminders.local_mornings(now, ["Europe/London", "Asia/Tokyo", "America/New_York"])
    assert mornings == {"Asia/Tokyo": date(2027, 1, 4)}
    mornings = reminders.local_mornings(now + timedelta(minutes=1), ["Europe/London", "Asia/Tokyo"])
    assert mornings == {"Europe/London": date(2027, 1, 4), "Asia/Tokyo": date(2027, 1, 4)}


def test_an_unknown_zone_is_left_out():
    assert reminders.local_mornings(datetime(2027, 1, 4, 12, tzinfo=UTC), ["Mars/Olympus"]) == {}


# --- check-in reminders ----------------------------------------------------------------------------------


def test_both_sides_get_one_reminder_with_an_invite_two_days_ahead(org, run):
    _, checkin = _checkin_on(org, date(2027, 1, 6))
    run(at(2027, 1, 3))  # three days ahead: not yet
    assert not mail.outbox
    run(at(2027, 1, 4))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.employee.email, org.manager.email])
    message = next(m for m in mail.outbox if m.to == [org.employee.email])
    assert "Kate Morgan" in message.subject and "Wednesday 6 January" in message.subject
    assert f"/checkins/{checkin.pk}/" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert name == "invite.ics" and mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == date(2027, 1, 6)
    assert {str(a) for a in event.get("attendee")} == {f"mailto:{org.employee.email}", f"mailto:{org.manager.email}"}


def test_running_again_the_same_day_or_the_next_sends_nothing_more(org, run):
    _checkin_on(org, date(2027, 1, 6))
    for now in (at(2027, 1, 4), at(2027, 1, 4, 9, 15), at(2027, 1, 5), at(2027, 1, 6)):
        run(now)
    assert len(mail.outbox) == 2
    assert len(_keys("checkin_reminder")) == 2


def test_a_moved_checkin_is_reminded_again_for_its_new_day(org, run):
    _, checkin = _checkin_on(org, date(2027, 1, 6))
    run(at(2027, 1, 5))
    CheckIn.objects.filter(pk=checkin.pk).update(scheduled_for=date(2027, 1, 8), version=2)
    run(at(2027, 1, 6))
    assert len(mail.outbox) == 4
    invite = Calendar.from_ical(mail.outbox[-1].attachments[0][1]).walk("VEVENT")[0]
    assert invite.decoded("dtstart") == date(2027, 1, 8) and invite.get("sequence") == 2


def test_each_side_is_reminded_in_their_own_time_zone(org, run):
    org.employee_person.time_zone = "Asia/Tokyo"
    org.employee_person.save()
    _checkin_on(org, date(2027, 1, 6))
    run(datetime(2027, 1, 4, 0, 30, tzinfo=UTC))  # 09:30 in Tokyo, 00:30 in London
    assert [m.to[0] for m in mail.outbox] == [org.employee.email]
    run(datetime(2027, 1, 4, 8, 30, tzinfo=UTC))  # 08:30 in London
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.employee.email, org.manager.email])


def test_held_or_ended_plans_get_no_reminder(org, run):
    plan, _ = _checkin_on(org, date(2027, 1, 6))
    plans.end_plan(plan=plan, by=org.manager, status="closed", reason="Moved team")
    run(at(2027, 1, 5))
    assert not mail.outbox


# --- daylight saving ---------------------------------------------------------------------------------------


def _every_quarter_hour(run, start, hours):
    """Run the scheduler every 15 minutes for `hours` from `start` (UTC); returns the times of the runs
    that recorded check-in reminders."""
    times = [start + timedelta(minutes=15 * n) for n in range(hours * 4)]
    seen = []
    for now in times:
        reminders_so_far = OutboundEmail.objects.filter(kind="checkin_reminder")
        before = reminders_so_far.count()
        run(now)
        if reminders_so_far.count() > before:
            seen.append(now)
    return seen


def test_the_spring_forward_hour_does_not_skip_a_message(org, run, settings):
    # 28 March 2027: London's clocks jump from 01:00 to 02:00; the local hour 01:xx never happens.
    settings.REMINDER_HOUR = 1
    _checkin_on(org, date(2027, 3, 30))  # the reminder window opens on the 28th
    sent_at = _every_quarter_hour(run, datetime(2027, 3, 27, 12, tzinfo=UTC), 36)
    assert len(_keys("checkin_reminder")) == 2
    assert sent_at == [datetime(2027, 3, 28, 1, 0, tzinfo=UTC)]  # 02:00 BST, the first local time past 01:00


def test_the_fall_back_hour_does_not_send_twice(org, run, settings):
    # 25 October 2026: London's 01:00-02:00 happens twice (BST, then GMT).
    settings.REMINDER_HOUR = 1
    _checkin_on(org, date(2026, 10, 27))
    sent_at = _every_quarter_hour(run, datetime(2026, 10, 24, 12, tzinfo=UTC), 36)
    assert len(_keys("checkin_reminder")) == 2
    assert sent_at == [datetime(2026, 10, 25, 0, 0, tzinfo=UTC)]  # 01:00 BST; the repeated 01:00 GMT adds nothing
    assert len([m for m in mail.outbox if m.attachments]) == 2


# --- overdue check-ins -------------------------------------------------------------------------------------------


def test_an_overdue_checkin_nudges_the_manager_once_a_week(org, run):
    _checkin_on(org, date(2027, 1, 4))  # a Monday
    run(at(2027, 1, 4))
    assert _keys("checkin_overdue") == []
    run(at(2027, 1, 5))
    run(at(2027, 1, 8))
    assert len(_keys("checkin_overdue")) == 1
    nudge = next(m for m in mail.outbox if "overdue" in m.subject)
    assert nudge.to == [org.manager.email] and "1 day overdue" in nudge.subject
    run(at(2027, 1, 11))
    assert len(_keys("checkin_overdue")) == 2


# --- observation requests --------------------------------------------------------------------------------------------


def test_the_manager_is_asked_for_observations_two_weeks_after_a_course(org, run, time_machine):
    time_machine.move_to(at(2027, 1, 4), tick=False)
    plan, _ = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation", title="Delegation 101"))
    items.set_learning_status(item=item, by=org.employee, expected_version=1, status="completed", note="Outcomes")
    run(at(2027, 1, 17))
    assert _keys("observation_request") == []
    run(at(2027, 1, 18))
    run(at(2027, 1, 19))
    (request,) = [m for m in mail.outbox if m.subject.startswith("What change")]
    assert request.to == [org.manager.email]
    assert "Delegation 101" in request.subject and "Outcomes" in request.body
    assert "/observations/" in request.body  # the signed, single-use link


def test_no_observation_request_once_the_manager_has_written_one(org, run, time_machine):
    time_machine.move_to(at(2027, 1, 4), tick=False)
    plan, _ = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"))
    items.set_learning_status(item=item, by=org.employee, expected_version=1, status="completed")
    items.record_observation(item=item, by=org.manager, text="Hands over more")
    run(at(2027, 2, 1))
    assert _keys("observation_request") == []
    assert LearningItem.objects.get().observed_at is not None


# --- weekly digest ---------------------------------------------------------------------------------------------------


def test_managers_get_a_digest_on_monday_with_what_is_due(org, run, settings):
    settings.DIGEST_WEEKDAY = 0
    _checkin_on(org, date(2027, 1, 6))
    run(at(2027, 1, 3))  # Sunday
    assert _keys("weekly_digest") == []
    run(at(2027, 1, 4))  # Monday
    run(at(2027, 1, 4, 15))
    (digest,) = [m for m in mail.outbox if m.subject.startswith("Your team this week")]
    assert digest.to == [org.manager.email]
    assert "Brian Walsh, Wednesday 6 Jan" in digest.body
    assert _keys("weekly_digest") == [f"digest:{org.manager.pk}:2027-W01"]


def test_a_manager_with_nothing_due_gets_no_digest(org, run, settings):
    settings.DIGEST_WEEKDAY = 0
    run(at(2027, 1, 4))
    assert _keys("weekly_digest") == []


def test_the_digest_lists_plans_to_agree(org, run, settings):
    settings.DIGEST_WEEKDAY = 0
    plans.create_plan(person=org.employee_person, by=org.manager)
    run(at(2027, 1, 4))
    (digest,) = [m for m in mail.outbox if m.subject.startswith("Your team this week")]
    assert "Plans to agree:\n- Brian Walsh (revision 1)" in digest.body


def test_the_digest_leaves_out_a_plan_the_manager_confirmed_and_that_waits_for_the_person(org, run, settings):
    settings.DIGEST_WEEKDAY = 0
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    run(at(2027, 1, 4))
    assert _keys("weekly_digest") == []  # nothing else is due for Kate, so no digest at all


# --- the invite itself ---------------------------------------------------------------------------------------------


def test_the_invite_is_valid_icalendar_with_escaping_and_folding():
    from devplans.calendar_invite import checkin_invite

    name = "Zoë O'Brien-Łukasiewicz, Head of Ünusually Long Department Names; Europe"
    text = checkin_invite(
        uid="checkin-1-2@skillbridge",
        sequence=3,
        day=date(2027, 3, 30),
        summary=f"Development check-in: {name} and Kate",
        description="The agenda: https://skillbridge.example.com/checkins/2/\nBring notes, please; thanks",
        organizer=("Kate Morgan", "kate@example.com"),
        attendees=[(name, "zoe@example.com"), ("Kate Morgan", "kate@example.com")],
    )
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event.get("summary")) == f"Development check-in: {name} and Kate"
    assert str(event.get("description")).endswith("Bring notes, please; thanks")
    assert event.decoded("dtstart") == date(2027, 3, 30) and event.decoded("dtend") == date(2027, 3, 31)
    assert event.get("sequence") == 3
    assert [a.params["CN"] for a in event.get("attendee")] == [name, "Kate Morgan"]


# --- follow-up surveys ---------------------------------------------------------------------------------------------


def test_six_months_after_agreement_both_sides_get_a_survey_link_once(org, run, time_machine):
    time_machine.move_to(at(2026, 7, 1), tick=False)
    plan, _ = agreed_plan(org)
    run(at(2026, 12, 29))  # 181 days on
    assert _keys("survey") == []
    run(at(2026, 12, 31))
    run(at(2027, 1, 1))
    assert len(_keys("survey")) == 2
    links = [m for m in mail.outbox if "/surveys/" in m.body]
    assert sorted(m.to[0] for m in links) == sorted([org.employee.email, org.manager.email])
    assert plan.surveys.count() == 2


def test_a_survey_waits_for_the_respondents_own_morning(org, run, time_machine):
    time_machine.move_to(at(2026, 7, 1), tick=False)
    agreed_plan(org)
    org.employee_person.time_zone = "America/Los_Angeles"
    org.employee_person.save()
    run(datetime(2027, 1, 5, 9, tzinfo=UTC))  # 09:00 in London, 01:00 in Los Angeles
    assert [m.to[0] for m in mail.outbox if "/surveys/" in m.body] == [org.manager.email]
    run(datetime(2027, 1, 5, 16, tzinfo=UTC))  # 08:00 in Los Angeles
    assert len([m for m in mail.outbox if "/surveys/" in m.body]) == 2


# --- fan-out ----------------------------------------------------------------------------------------------


def _more_checkins(org, count, day):
    from django.utils import timezone

    from devplans.models import Plan
    from people.tests.factories import PersonFactory

    for _ in range(count):
        person = PersonFactory(manager=org.manager_person, time_zone="Europe/London")
        plan = Plan.objects.create(
            person=person, status=Plan.Status.AGREED, revision=1, agreed_revision=1, agreed_at=timezone.now()
        )
        CheckIn.objects.create(plan=plan, scheduled_for=day)


def test_checkin_reminders_are_decided_in_chunks_with_the_same_result(org, run, monkeypatch):
    monkeypatch.setattr(reminders, "CHECKIN_CHUNK", 2)
    _checkin_on(org, date(2027, 1, 6))
    _more_checkins(org, 4, date(2027, 1, 6))
    mornings = reminders.local_mornings(at(2027, 1, 4), ["Europe/London"])
    chunks = reminders.checkin_chunks(mornings)
    assert len(chunks) == 3 and chunks[0][0] < chunks[0][1] < chunks[1][0]
    result = run(at(2027, 1, 4))
    assert result.recorded["checkin_reminder"] == 10  # five check-ins, both sides
    assert sum(m.to == [org.manager.email] for m in mail.outbox) == 5
    assert run(at(2027, 1, 4)).recorded["checkin_reminder"] == 0


@pytest.fixture
def five_checkins(org, monkeypatch, settings):
    settings.DIGEST_WEEKDAY = 5
    monkeypatch.setattr(reminders, "CHECKIN_CHUNK", 2)
    _checkin_on(org, date(2027, 1, 6))
    _more_checkins(org, 4, date(2027, 1, 6))


def test_the_beat_task_fans_out_one_task_per_chunk(five_checkins, django_capture_on_commit_callbacks):
    from unittest import mock

    from devplans import tasks

    chunk_task = tasks.record_checkin_reminders
    with (
        mock.patch.object(chunk_task, "delay", wraps=chunk_task.delay) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.send_due_reminders.delay(at(2027, 1, 4).isoformat())
    assert delay.call_count == 3
    assert OutboundEmail.objects.filter(kind="checkin_reminder", status="sent").count() == 10
    assert len(mail.outbox) == 10


def test_with_the_broker_down_the_beat_task_records_every_chunk_itself(five_checkins):
    from unittest import mock

    from devplans import tasks

    with mock.patch.object(tasks.record_checkin_reminders, "delay", side_effect=ConnectionError("redis is down")):
        tasks.send_due_reminders.delay(at(2027, 1, 4).isoformat())
    assert OutboundEmail.objects.filter(kind="checkin_reminder").count() == 10

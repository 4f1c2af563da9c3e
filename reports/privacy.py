"""Data-subject requests, for HR: everything held about one person, and anonymising a leaver.

`person_data`, `person_data_json` and `person_data_rows` (everything held about
one person, as data, JSON and CSV rows) live in reports/export_person.py and are
re-exported here, so the views have one module to call.

`anonymise_person` is for people who have left. It keeps every number and date
the reports count — ratings, levels, targets, gaps, priorities, survey levels
and outcomes, plan, goal and item statuses, dates — so aggregate figures are the
same before and after, and replaces what identifies the person:

- their name ("Former employee #<id>"), employee number ("removed-<id>") and
  the e-mail, user name and names of their account, which is deactivated and
  gets an unusable password, and leaves every group;
- free text about them: assessment notes and triage mistakes, plan career goal
  and end reason, goal outcomes, course notes, observations and postponement
  reasons, practice assignments, reflections and feedback, check-in feedback,
  comments, agendas and progress notes, feedback they received, plan timeline
  summaries and revision snapshots, survey comments, learning request notes and
  messages, and the e-mails sent to them (address, subject, body, invite);
- free text they wrote about others: notes in assessments they made, feedback
  they gave, learning requests they raised and messages they wrote; their name
  in other plans' timelines and on their own lines of the export log becomes
  the replacement name.

It is refused for someone still active, asks for the employee number typed as
confirmation, is logged in the export log, and running it again changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from assessments.models import SkillResult
from catalog.models import LearningRequest, RequestMessage
from devplans.models import (
    CheckIn,
    Feedback,
    Goal,
    GoalProgress,
    LearningItem,
    Plan,
    PlanEvent,
    PlanRevision,
    PracticeItem,
    SurveyAnswer,
)
from people.models import OutboundEmail, Person

from .export_person import PERSON_DATA_HEADER, SECTIONS, emails_to, person_data, person_data_json, person_data_rows
from .export_services import log_export
from .models import ExportLog

REMOVED = "[removed]"


def removed_number(person: Person) -> str:
    return f"removed-{person.pk}"


def removed_name(person: Person) -> str:
    return f"Former employee #{person.pk}"


def is_anonymised(person: Person) -> bool:
    return person.employee_number == removed_number(person)


def may_anonymise(person: Person) -> bool:
    return not person.is_active


__all__ = [
    "PERSON_DATA_HEADER",
    "SECTIONS",
    "anonymise_person",
    "is_anonymised",
    "may_anonymise",
    "person_data",
    "person_data_json",
    "person_data_rows",
]


@transaction.atomic
def anonymise_person(*, person: Person, by, confirmation: str) -> Person:
    """Replace what identifies a leaver, keep what the reports count. Idempotent; see the module docstring."""
    person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
    if is_anonymised(person):
        return person
    if not may_anonymise(person):
        raise ValidationError(
            f"{person.full_name} still works here. Only people who have left can be anonymised: "
            "record their leaving date in the org chart first."
        )
    if (confirmation or "").strip() != person.employee_number:
        raise ValidationError(
            f"Type the employee number {person.employee_number} exactly to confirm. Nothing was changed."
        )
    old_name, user = person.full_name, person.user
    new_name = removed_name(person)
    emails = list(emails_to(person).values_list("pk", flat=True))

    # About them.
    SkillResult.objects.filter(assessment__person=person).update(note=REMOVED, mistakes=REMOVED)
    plans = Plan.objects.filter(person=person)
    plans.update(career_goal=REMOVED, end_reason=REMOVED)
    Goal.objects.filter(plan__person=person).update(outcome=REMOVED)
    LearningItem.objects.filter(plan__person=person).update(
        employee_note=REMOVED, manager_observation=REMOVED, postponed_reason=REMOVED
    )
    PracticeItem.objects.filter(plan__person=person).update(
        description=REMOVED, reflection=REMOVED, manager_feedback=REMOVED
    )
    CheckIn.objects.filter(plan__person=person).update(manager_feedback=REMOVED, employee_comment=REMOVED, agenda=[])
    GoalProgress.objects.filter(checkin__plan__person=person).update(note=REMOVED)
    Feedback.objects.filter(Q(person=person) | Q(given_by=user)).update(text=REMOVED)
    PlanEvent.objects.filter(plan__person=person).update(summary=REMOVED, changes=[])
    PlanRevision.objects.filter(plan__person=person).update(snapshot={}, changes=[])
    SurveyAnswer.objects.filter(survey__plan__person=person).update(comment=REMOVED)
    LearningRequest.objects.filter(Q(person=person) | Q(requested_by=user)).update(note=REMOVED)
    RequestMessage.objects.filter(Q(request__person=person) | Q(author=user)).update(body=REMOVED)
    OutboundEmail.objects.filter(pk__in=emails).update(
        to=f"{removed_number(person)}@invalid.example", subject=REMOVED, body=REMOVED, ics=""
    )
    # What they wrote about others.
    SkillResult.objects.filter(assessment__assessor=user).update(note=REMOVED, mistakes=REMOVED)
    if old_name:
        for event in PlanEvent.objects.filter(actor=user).exclude(plan__person=person).only("pk", "summary"):
            if old_name in event.summary:
                PlanEvent.objects.filter(pk=event.pk).update(summary=event.summary.replace(old_name, new_name))

    # The record and the account.
    person.full_name = new_name
    person.employee_number = removed_number(person)
    person.save(update_fields=["full_name", "employee_number"])
    user.username = f"{removed_number(person)}@invalid.example"
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    # Their own lines in the export log keep what they exported and when, not who they were.
    ExportLog.objects.filter(user=user).update(user_label=new_name)
    log_export(user=by, kind=ExportLog.Kind.ANONYMISED, key=str(person.pk), filters={"person": person.pk})
    return person

"""Everything SkillBridge holds about one person, for HR's data-subject requests (see reports/privacy.py).

`person_data(person)` gathers it as plain JSON-ready data: the person record,
their account (never the password hash), role, assessments of them with
ratings, skill results and notes, plans with goals, courses, practice,
check-ins, feedback, timeline, revisions and follow-up surveys, feedback they
received, learning requests about them, and the e-mails sent to them.
`person_data_rows` flattens the same into (section, field, value) rows for CSV.
Callers check that the user is HR.
"""

import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q

from assessments.models import Assessment, SkillResult
from catalog.models import LearningRequest, RequestMessage
from devplans.models import CheckIn, Feedback, Plan, PlanEvent
from people.models import OutboundEmail, Person

SECTIONS = (
    "person",
    "account",
    "role",
    "assessments",
    "plans",
    "feedback_received",
    "learning_requests",
    "emails",
)


def _person(person: Person) -> dict:
    return {
        "id": person.pk,
        "employee_number": person.employee_number,
        "full_name": person.full_name,
        "job_title": person.job_title,
        "department": person.department.name if person.department else None,
        "manager": (
            {
                "id": person.manager.pk,
                "employee_number": person.manager.employee_number,
                "name": person.manager.full_name,
            }
            if person.manager
            else None
        ),
        "time_zone": person.time_zone,
        "active": person.is_active,
        "left_on": person.left_on,
        "preferred_formats": person.preferred_formats,
    }


def _account(user) -> dict:
    # Every field of the account except the password hash.
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "active": user.is_active,
        "staff": user.is_staff,
        "superuser": user.is_superuser,
        "groups": sorted(group.name for group in user.groups.all()),
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "has_usable_password": user.has_usable_password(),
    }


def _role(person: Person) -> dict | None:
    role = getattr(person, "role", None)
    if role is None:
        return None
    return {
        "current_profile": role.current_profile.name if role.current_profile else None,
        "target_profile": role.target_profile.name if role.target_profile else None,
    }


def _assessments(person: Person) -> list[dict]:
    assessments = (
        Assessment.objects.filter(person=person)
        .select_related("assessor", "rubric_version", "role_profile")
        .prefetch_related(
            "ratings__behaviour__skill",
            Prefetch("skill_results", queryset=SkillResult.objects.select_related("skill")),
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "status": a.status,
            "assessor": a.assessor.email,
            "rubric_version": a.rubric_version.number,
            "role_profile": a.role_profile.name if a.role_profile else None,
            "created_at": a.created_at,
            "submitted_at": a.submitted_at,
            "ratings": [
                {
                    "skill": r.behaviour.skill.key,
                    "behaviour": r.behaviour.text,
                    "frequency": r.frequency,
                    "frequency_label": r.get_frequency_display(),
                }
                for r in sorted(a.ratings.all(), key=lambda r: r.behaviour_id)
            ],
            "skill_results": [
                {
                    "skill": s.skill.key,
                    "level": s.level,
                    "target": s.target,
                    "gap": s.gap,
                    "priority": s.priority,
                    "mistakes": s.mistakes,
                    "mistake_frequency": s.mistake_frequency,
                    "impact": s.impact,
                    "note": s.note,
                }
                for s in a.skill_results.all()
            ],
        }
        for a in assessments
    ]


def _plans(person: Person) -> list[dict]:
    plans = (
        Plan.objects.filter(person=person)
        .select_related("target_role")
        .prefetch_related(
            "goals__skill",
            "learning_items__course",
            "practice_items",
            Prefetch("checkins", queryset=CheckIn.objects.prefetch_related("goal_progress__goal__skill")),
            Prefetch("events", queryset=PlanEvent.objects.select_related("actor")),
            "revisions",
            "surveys__answers__goal__skill",
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": p.pk,
            "status": p.status,
            "career_goal": p.career_goal,
            "target_role": p.target_role.name if p.target_role else None,
            "cadence_weeks": p.cadence_weeks,
            "revision": p.revision,
            "agreed_revision": p.agreed_revision,
            "created_at": p.created_at,
            "agreed_at": p.agreed_at,
            "ended_at": p.ended_at,
            "end_reason": p.end_reason,
            "goals": [
                {
                    "skill": g.skill.key,
                    "start_level": g.start_level,
                    "target_level": g.target_level,
                    "outcome": g.outcome,
                    "due_on": g.due_on,
                    "progress": g.progress,
                }
                for g in p.goals.all()
            ],
            "learning_items": [
                {
                    "course": i.course.code,
                    "status": i.status,
                    "due_on": i.due_on,
                    "completed_on": i.completed_on,
                    "reason": i.reason,
                    "postponed_reason": i.postponed_reason,
                    "employee_note": i.employee_note,
                    "manager_observation": i.manager_observation,
                }
                for i in p.learning_items.all()
            ],
            "practice_items": [
                {
                    "assignment": i.description,
                    "status": i.status,
                    "due_on": i.due_on,
                    "reflection": i.reflection,
                    "manager_feedback": i.manager_feedback,
                }
                for i in p.practice_items.all()
            ],
            "checkins": [
                {
                    "scheduled_for": c.scheduled_for,
                    "status": c.status,
                    "held_on": c.held_on,
                    "agenda": c.agenda,
                    "manager_feedback": c.manager_feedback,
                    "employee_comment": c.employee_comment,
                    "goal_progress": [
                        {"skill": g.goal.skill.key, "progress": g.progress, "note": g.note}
                        for g in c.goal_progress.all()
                    ],
                }
                for c in p.checkins.all()
            ],
            "events": [
                {"at": e.at, "kind": e.kind, "actor": e.actor.email if e.actor else None, "summary": e.summary}
                for e in p.events.all()
            ],
            "revisions": [
                {"number": r.number, "snapshot": r.snapshot, "changes": r.changes} for r in p.revisions.all()
            ],
            "surveys": [
                {
                    "role": s.role,
                    "created_at": s.created_at,
                    "answered_at": s.answered_at,
                    "answers": [
                        {
                            "skill": a.goal.skill.key,
                            "level_before": a.level_before,
                            "target_level": a.target_level,
                            "level_now": a.level_now,
                            "impact": a.impact,
                            "outcome": a.outcome,
                            "comment": a.comment,
                        }
                        for a in s.answers.all()
                    ],
                }
                for s in p.surveys.all()
            ],
        }
        for p in plans
    ]


def _feedback(person: Person) -> list[dict]:
    return [
        {
            "at": f.created_at,
            "plan": f.plan_id,
            "skill": f.skill.key if f.skill else None,
            "behaviour": f.behaviour.text if f.behaviour else None,
            "given_by": f.given_by.email if f.given_by else None,
            "text": f.text,
        }
        for f in Feedback.objects.filter(person=person).select_related("skill", "behaviour", "given_by")
    ]


def _requests(person: Person) -> list[dict]:
    requests = (
        LearningRequest.objects.filter(person=person)
        .select_related("requested_by", "skill")
        .prefetch_related(Prefetch("messages", queryset=RequestMessage.objects.select_related("author")))
    )
    return [
        {
            "created_at": r.created_at,
            "status": r.status,
            "skill": r.skill.key if r.skill else None,
            "requested_by": r.requested_by.email if r.requested_by else None,
            "note": r.note,
            "messages": [
                {"at": m.created_at, "author": m.author.email if m.author else None, "body": m.body}
                for m in r.messages.all()
            ],
        }
        for r in requests
    ]


def emails_to(person: Person):
    query = Q(recipient_id=person.user_id)
    if person.user.email:
        query |= Q(to__iexact=person.user.email)
    return OutboundEmail.objects.filter(query)


def _emails(person: Person) -> list[dict]:
    return [
        {
            "kind": e.kind,
            "to": e.to,
            "subject": e.subject,
            "body": e.body,
            "status": e.status,
            "created_at": e.created_at,
            "sent_at": e.sent_at,
        }
        for e in emails_to(person).order_by("created_at", "pk")
    ]


def person_data(person: Person) -> dict:
    """Everything held about one person (HR checks who asks; see privacy_views)."""
    person = Person.objects.select_related("user", "department", "manager", "role__current_profile").get(pk=person.pk)
    return {
        "person": _person(person),
        "account": _account(person.user),
        "role": _role(person),
        "assessments": _assessments(person),
        "plans": _plans(person),
        "feedback_received": _feedback(person),
        "learning_requests": _requests(person),
        "emails": _emails(person),
    }


def person_data_json(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def _leaves(value, path: str) -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        if not value:
            yield path, None
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value and not all(isinstance(v, str | int) for v in value):
        for index, inner in enumerate(value, start=1):
            yield from _leaves(inner, f"{path}[{index}]")
    elif isinstance(value, list):
        yield path, "; ".join(str(v) for v in value)
    else:
        yield path, value


PERSON_DATA_HEADER = ["section", "field", "value"]


def person_data_rows(data: dict) -> Iterator[tuple]:
    """The same data as (section, field, value) rows: field is a path such as plans[1].goals[2].outcome."""
    for section in SECTIONS:
        for path, value in _leaves(data[section], ""):
            yield section, path, value

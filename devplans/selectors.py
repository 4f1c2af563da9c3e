"""Reads about development plans, scoped to what the acting user may see.

A plan is visible to whoever may see its person (people.selectors): the
person, everyone above them in the chain, HR and administrators. L&D never
sees an individual plan. Changing a plan is for the manager side (anyone above
the person); the person confirms, marks work done and reflects.
"""

from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats

from assessments.models import Skill
from catalog.models import Course, CourseSkill
from people.selectors import is_below, person_for, seen_by, visible_people

from .agreement_selectors import agreement_step
from .models import (
    OPEN_STATUSES,
    CheckIn,
    Feedback,
    Goal,
    GoalProgress,
    LearningItem,
    Plan,
    PlanRevision,
    PracticeItem,
)

# --- who may do what ---------------------------------------


def may_manage(user, person) -> bool:
    """True when the user is above this active person in the chain (the manager side of their plan)."""
    me = person_for(user)
    return bool(me and person.is_active and me.pk != person.pk and is_below(me.pk, manager_id=person.pk))


def is_own(user, plan: Plan) -> bool:
    me = person_for(user)
    return bool(me and me.pk == plan.person_id)


def is_direct_manager(user, person) -> bool:
    me = person_for(user)
    return bool(me and person.manager_id == me.pk)


# --- plans ---------------------------------------


_PLAN_PAGE_RELATED = ("person__user", "person__manager", "person__department", "target_role", "created_by")


def visible_plans(user) -> QuerySet[Plan]:
    return Plan.objects.filter(person__in=visible_people(user)).select_related(*_PLAN_PAGE_RELATED)


def visible_plan(user, pk: int) -> QuerySet[Plan]:
    """The plan with this id if the user may see it (as visible_plans()), else nothing: a walk up the
    org chart from its person rather than a list of the user's whole chain."""
    return Plan.objects.filter(pk=pk).filter(seen_by(user, "person_id")).select_related(*_PLAN_PAGE_RELATED)


def open_plan_for(person) -> Plan | None:
    if person is None:
        return None
    return Plan.objects.filter(person=person, status__in=OPEN_STATUSES).select_related("target_role").first()


def plans_of(user, person) -> QuerySet[Plan]:
    """A visible person's plans, newest first (open and ended)."""
    return visible_plans(user).filter(person=person).order_by("-created_at", "-pk")


def courses_in_plans(person) -> list[int]:
    """Courses the person has taken or has planned, in any plan: recommendations leave them out."""
    return list(
        LearningItem.objects.filter(plan__person=person)
        .exclude(status=LearningItem.Status.DROPPED)
        .values_list("course_id", flat=True)
        .distinct()
    )


def current_skills() -> QuerySet[Skill]:
    """Skills a goal may be for: those of the rubric in force."""
    return Skill.objects.filter(rubric_version__status="published").filter(
        rubric_version__number=Skill.objects.filter(rubric_version__status="published")
        .order_by("-rubric_version__number")
        .values("rubric_version__number")[:1]
    )


def alternatives_for(item: LearningItem, *, limit: int = 5) -> list[Course]:
    """Shorter or self-paced active courses for the same skill, for when a course is postponed.

    The skill is the goal's, else the skills the course itself builds; courses already in the plan
    are left out; the shortest come first.
    """
    keys = (
        [item.goal.skill.key]
        if item.goal_id
        else list(CourseSkill.objects.filter(course_id=item.course_id).values_list("skill__key", flat=True))
    )
    if not keys:
        return []
    in_plan = LearningItem.objects.filter(plan_id=item.plan_id).values("course_id")
    return list(
        Course.objects.filter(is_active=True, skills__skill__key__in=keys)
        .filter(Q(duration_minutes__lt=item.course.duration_minutes) | Q(is_self_paced=True))
        .exclude(pk__in=in_plan)
        .distinct()
        .order_by("duration_minutes", "cost", "title")[:limit]
    )


def _day(day: date) -> str:
    """A date as the pages write it in running text, e.g. "9 Jan"."""
    return formats.date_format(day, "j M")


# --- what is due ---------------------------------------


def _overdue(items, today: date):
    return [i for i in items if i.due_on and i.due_on < today and not i.is_done]


def agenda(plan: Plan, *, today: date, goals=None, learning=None, practice=None) -> list[dict]:
    """The check-in agenda built from the plan: overdue work, courses done and awaiting the manager's
    observation, practice awaiting feedback, and goals due before the next check-in.

    A list of {"title", "items": [str]} sections, empty sections left out (JSON-safe, kept with the check-in).
    Callers that already hold the goals and items pass them in (no queries then).
    """
    goals = list(plan.goals.select_related("skill")) if goals is None else goals
    learning = list(plan.learning_items.select_related("course")) if learning is None else learning
    practice = list(plan.practice_items.all()) if practice is None else practice
    horizon = today + timedelta(weeks=plan.cadence_weeks)
    sections = [
        (
            "Overdue",
            [f"{i.course.title} (course, due {_day(i.due_on)})" for i in _overdue(learning, today)]
            + [f"{p.description} (practice, due {_day(p.due_on)})" for p in _overdue(practice, today)]
            + [
                f"Goal: {g.skill.name} (due {_day(g.due_on)})"
                for g in goals
                if g.due_on < today and g.progress != Goal.Progress.ACHIEVED
            ],
        ),
        ("Courses completed: what change have you seen?", [i.course.title for i in learning if i.awaits_observation]),
        ("Practice awaiting feedback", [p.description for p in practice if p.awaits_feedback]),
        (
            "Goals due soon",
            [
                f"{g.skill.name}: {g.outcome} (due {_day(g.due_on)})"
                for g in goals
                if today <= g.due_on <= horizon and g.progress != Goal.Progress.ACHIEVED
            ],
        ),
    ]
    return [{"title": title, "items": items} for title, items in sections if items]


def next_steps(
    plan: Plan, *, user, today: date, goals, learning, practice, checkin, revision, manages: bool = False
) -> list[dict]:
    """What to do next, most pressing first, for the person (or the manager) looking at the plan.

    Each step is {"text", "anchor"} where anchor is the id of the page section to go to. manages: the user
    is on the manager side of this open plan (they add goals).
    """
    steps = []
    own = is_own(user, plan)
    if plan.awaits_agreement and revision is not None:
        step = agreement_step(
            plan,
            own=own,
            direct_manager=not own and is_direct_manager(user, plan.person),
            manages=manages,
            has_goals=bool(goals),
            manager_confirmed=bool(revision.manager_confirmed_at),
            employee_confirmed=bool(revision.employee_confirmed_at),
        )
        if step is not None:
            steps.append({"text": step["text"], "anchor": step["anchor"]})
    for item in _overdue(learning, today):
        steps.append(
            {"text": f"Overdue: {item.course.title} (due {_day(item.due_on)})", "anchor": f"learning-{item.pk}"}
        )
    for item in _overdue(practice, today):
        steps.append(
            {"text": f"Overdue: {item.description} (due {_day(item.due_on)})", "anchor": f"practice-{item.pk}"}
        )
    if own:
        for item in learning:
            if item.status in (LearningItem.Status.PLANNED, LearningItem.Status.IN_PROGRESS):
                verb = "Finish" if item.status == LearningItem.Status.IN_PROGRESS else "Start"
                when = f" by {_day(item.due_on)}" if item.due_on else ""
                steps.append({"text": f"{verb} {item.course.title}{when}", "anchor": f"learning-{item.pk}"})
        for item in practice:
            if item.status == PracticeItem.Status.IN_PROGRESS and not item.reflection:
                steps.append({"text": f"Write how “{item.description}” is going", "anchor": f"practice-{item.pk}"})
            elif item.status == PracticeItem.Status.PLANNED:
                steps.append({"text": f"Try: {item.description}", "anchor": f"practice-{item.pk}"})
    else:
        for item in learning:
            if item.awaits_observation:
                steps.append(
                    {
                        "text": f"Say what change you have seen since “{item.course.title}”",
                        "anchor": f"learning-{item.pk}",
                    }
                )
        for item in practice:
            if item.awaits_feedback:
                steps.append({"text": f"Give feedback on “{item.description}”", "anchor": f"practice-{item.pk}"})
    if checkin is not None and checkin.scheduled_for <= today and not own:
        steps.insert(0, {"text": f"Hold the check-in due {_day(checkin.scheduled_for)}", "anchor": "checkins"})
    # Keep the order, drop repeats (an overdue course is also one to finish).
    seen, unique = set(), []
    for step in steps:
        if step["anchor"] not in seen:
            seen.add(step["anchor"])
            unique.append(step)
    return unique


# --- the plan page ---------------------------------------


def plan_page(plan: Plan, *, user, today: date, manages: bool = False) -> dict:
    """Everything the plan page shows, in a fixed number of queries however many items it has.

    manages: the user is on the manager side of this open plan (see next_steps)."""
    goals = list(
        plan.goals.select_related("skill").prefetch_related(
            Prefetch("progress_records", GoalProgress.objects.select_related("checkin").order_by("-checkin__held_on"))
        )
    )
    learning = list(plan.learning_items.select_related("course", "goal__skill", "replaces__course"))
    practice = list(plan.practice_items.select_related("goal__skill"))
    checkins = list(plan.checkins.select_related("recorded_by__person").prefetch_related("goal_progress__goal__skill"))
    revisions = list(
        plan.revisions.select_related(
            "created_by__person", "manager_confirmed_by__person", "manager_told", "employee_told"
        )
    )
    feedback = list(
        Feedback.objects.filter(person=plan.person)
        .filter(Q(plan=plan) | Q(plan__isnull=True))
        .select_related("skill", "behaviour", "given_by__person", "checkin")
    )
    events = list(plan.events.select_related("actor__person"))
    current = next((r for r in revisions if r.number == plan.revision), None)
    scheduled = next((c for c in checkins if c.status == CheckIn.Status.SCHEDULED), None)
    for goal in goals:
        goal.learning = [i for i in learning if i.goal_id == goal.pk]
        goal.practice = [p for p in practice if p.goal_id == goal.pk]
        goal.last_progress = next(iter(goal.progress_records.all()), None)
        done = sum(1 for i in goal.learning if i.status == LearningItem.Status.COMPLETED) + sum(
            1 for p in goal.practice if p.status == PracticeItem.Status.DONE
        )
        total = sum(1 for i in goal.learning if i.status != LearningItem.Status.DROPPED) + sum(
            1 for p in goal.practice if p.status != PracticeItem.Status.DROPPED
        )
        goal.items_done, goal.items_total = done, total
        goal.percent = 100 if goal.progress == Goal.Progress.ACHIEVED else (round(100 * done / total) if total else 0)
        goal.is_overdue = goal.due_on < today and goal.progress != Goal.Progress.ACHIEVED
    for item in [*learning, *practice]:
        item.is_overdue = bool(item.due_on and item.due_on < today and not item.is_done)
    return {
        "goals": goals,
        "learning": learning,
        "practice": practice,
        "checkins": checkins,
        "held_checkins": [c for c in reversed(checkins) if c.status == CheckIn.Status.HELD],
        "next_checkin": scheduled,
        "revisions": revisions,
        "current_revision": current,
        "feedback": feedback,
        "events": events,
        "agenda": agenda(plan, today=today, goals=goals, learning=learning, practice=practice),
        "next_steps": next_steps(
            plan,
            user=user,
            today=today,
            goals=goals,
            learning=learning,
            practice=practice,
            checkin=scheduled,
            revision=current,
            manages=manages,
        ),
        "chart": {
            "labels": [g.skill.name for g in goals],
            "max": 100,
            "datasets": [{"label": "Done (%)", "values": [g.percent for g in goals]}],
        },
    }


def visible_checkins(user) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(plan__in=visible_plans(user)).select_related(
        "plan__person__user", "plan__person__manager"
    )


def revisions_of(plan: Plan) -> QuerySet[PlanRevision]:
    return plan.revisions.select_related("created_by__person", "manager_confirmed_by__person")
